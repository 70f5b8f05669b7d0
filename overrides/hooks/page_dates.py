"""The date of each page's last change, from git, in the page's language, at the foot of the page.

One `git log` over docs/ per build gives every page its date. It replaces the
git-revision-date-localized plugin, which ran git once per page and language in a process pool: a third
of every build and of every live-preview rebuild (profiled; decisions/0003-performance.md).

Material shows `page.meta.revision_date`. A page git does not know yet (new, not committed) shows the
build date, as does every page when git or the history is missing (a note says so once).
"""

from __future__ import annotations

import html
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import _paths
from babel.dates import format_date

from scripts.changes import last_changes

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.page_dates")


def _dates(config: MkDocsConfig) -> dict[Path, int]:
    state = _paths.per_build(config)  # once per build, shared by both languages
    if "page_dates" not in state:
        state["page_dates"] = last_changes(Path(config.docs_dir))
        if not state["page_dates"]:
            log.info("page dates: no git history here, so every page shows the build date")
    return state["page_dates"]


def on_pre_build(config: MkDocsConfig) -> None:
    _dates(config)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if "revision_date" in page.meta:  # set by hand in the front matter: keep it
        return markdown
    source = page.file.abs_src_path  # None for a page a plugin generates: no history, so the build date
    stamp = _dates(config).get(Path(source).resolve(), int(time.time())) if source else int(time.time())
    when = datetime.fromtimestamp(stamp, UTC)
    lang = getattr(page.file, "locale", None) or config.theme["language"]
    text = html.escape(format_date(when, format="long", locale=lang))
    page.meta["revision_date"] = f'<time class="hb-page-date" datetime="{when:%Y-%m-%d}">{text}</time>'
    return markdown
