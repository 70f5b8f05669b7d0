"""What the build hooks share: the root of the sources being built, and state that lasts one build.

The hooks import the project's own modules as `scripts.…`: `make setup` installs them into .venv
(pyproject.toml, editable), so no hook edits sys.path.
"""

from pathlib import Path

# The sources this build reads (a test or benchmark copy has its own; scripts.project.ROOT is the
# repository the tooling is installed from).
ROOT = Path(__file__).resolve().parents[2]


def per_build(config) -> dict:
    """State shared by the language builds of one `mkdocs build` or one rebuild of the live preview.

    MkDocs keeps hook modules loaded between preview rebuilds, so module-level state would go stale;
    but it loads a fresh configuration for every rebuild, and static-i18n builds each language with
    that same configuration object. So the state hangs on the configuration.
    """
    state = getattr(config, "_handbook_build_state", None)
    if state is None:
        state = {}
        config._handbook_build_state = state
    return state
