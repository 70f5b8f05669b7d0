"""What the build hooks share: the root of the sources being built, and state that lasts one build.

The hooks import the project's own modules as `scripts.…`: `make setup` installs them into .venv
(pyproject.toml, editable), so no hook edits sys.path.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import Protocol

    from mkdocs.config.defaults import MkDocsConfig

    class I18nLanguage(Protocol):
        """One entry of the i18n plugin's `languages:` (mkdocs.yml)."""

        locale: str
        build: bool

    class I18nConfig(Protocol):
        languages: list[I18nLanguage]

    class I18nPlugin(Protocol):
        """What the hooks use of mkdocs-static-i18n's plugin (`config.plugins["i18n"]`), which ships no
        types: the hooks cast the plugin MkDocs hands out to this, so mypy checks every use."""

        default_language: str
        current_language: str
        building: bool
        config: I18nConfig


# The sources this build reads (a test or benchmark copy has its own; scripts.project.ROOT is the
# repository the tooling is installed from).
ROOT = Path(__file__).resolve().parents[2]


def per_build(config: MkDocsConfig) -> dict[str, Any]:
    """State shared by the language builds of one `mkdocs build` or one rebuild of the live preview.

    MkDocs keeps hook modules loaded between preview rebuilds, so module-level state would go stale;
    but it loads a fresh configuration for every rebuild, and static-i18n builds each language with
    that same configuration object. So the state hangs on the configuration.
    """
    state = getattr(config, "_handbook_build_state", None)
    if state is None:
        state = {}
        config._handbook_build_state = state  # type: ignore[attr-defined]  # the hooks' own, on purpose
    return state
