"""Stop the build when the languages do not match page for page and heading for heading.

MkDocs alone would build a page that exists in one language folder only (static-i18n then has no
twin to switch to). The checks live in scripts/checks.py so `handbook.py check` runs the same code.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import _paths
from mkdocs.exceptions import PluginError

from scripts import checks

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


def on_pre_build(config: MkDocsConfig) -> None:
    # static-i18n builds each language in turn with the same configuration: check the sources once.
    state = _paths.per_build(config)
    if state.get("structure_checked"):
        return
    state["structure_checked"] = True
    problems = checks.structure(Path(config.docs_dir))
    if problems:
        listing = "\n".join(f"  {p}" for p in problems)
        raise PluginError(
            f"the sources have {len(problems)} problem(s) the build cannot go past (every language "
            f"must have the same pages; files must be safe to publish):\n{listing}"
        )
