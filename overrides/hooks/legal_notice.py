"""Pages with legal content say how current they are: under the title, "Stand: November 2026 ·
Orientierungshilfe, keine Rechtsberatung" (English: "As of November 2026 · Guidance, not legal advice").

The month comes from the page's front matter (`legal_as_of: "2026-11"`); `scripts/checks.py` requires it
on every page that cites a law and keeps the two languages of a page on the same month. The notice is
part of the article, so the PDF carries it too.
"""

from __future__ import annotations

import html
import re
from datetime import date
from typing import TYPE_CHECKING, Any

from babel.dates import format_date
from mkdocs.exceptions import PluginError

from scripts.sources import LEGAL_AS_OF, LEGAL_AS_OF_FORMAT

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

H1 = re.compile(r"^# .*$", re.MULTILINE)


def notice(value: str, lang: str, strings: dict[str, Any]) -> str:
    match = LEGAL_AS_OF_FORMAT.match(value)
    if match is None:  # on_page_markdown refuses such a value first, naming the page
        raise PluginError(f'{LEGAL_AS_OF}: {value!r} is not a month; write it as {LEGAL_AS_OF}: "2026-11"')
    year, month = match.groups()
    when = format_date(date(int(year), int(month), 1), format="LLLL y", locale=lang)
    return (
        f'<p class="hb-legal-note"><strong>{html.escape(strings["legal_as_of"].format(month=when))}'
        f"</strong> · {html.escape(strings['legal_not_advice'])}</p>"
    )


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    value = page.meta.get(LEGAL_AS_OF)
    if value is None:
        return markdown
    if not isinstance(value, str) or not LEGAL_AS_OF_FORMAT.match(value):
        raise PluginError(
            f'{page.file.src_uri}: {LEGAL_AS_OF}: {value!r} is not a month; write it as {LEGAL_AS_OF}: "2026-11"'
        )
    lang = getattr(page.file, "locale", None) or config.theme["language"]
    title = H1.search(markdown)
    if title is None:
        raise PluginError(f"{page.file.src_uri}: {LEGAL_AS_OF} needs a '# ' title to put the notice under")
    text = notice(value, lang, config.extra["strings"][lang])
    return f"{markdown[: title.end()]}\n\n{text}\n{markdown[title.end() :]}"
