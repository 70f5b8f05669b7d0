"""The heading anchors' tooltip in the page's language.

`toc: permalink_title` in mkdocs.yml is one value for every language (Markdown extensions are configured
once, static-i18n builds each language with the same ones), so English pages said "Link zu diesem
Abschnitt". This hook puts the language's string (extra.strings.<lang>.permalink_title) in its place.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

HEADERLINK = re.compile(r'(<a class="headerlink" href="[^"]*" title=")([^"]*)(")')


def on_page_content(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    lang = getattr(page.file, "locale", None) or config.theme["language"]
    strings = config.extra["strings"].get(lang, {})
    title = strings.get("permalink_title")
    if not title:
        raise PluginError(
            f"mkdocs.yml: extra.strings.{lang}.permalink_title is missing (the tooltip of "
            "the ¶ link beside every heading); add it for every language"
        )
    return HEADERLINK.sub(lambda m: m.group(1) + html.escape(title) + m.group(3), content)
