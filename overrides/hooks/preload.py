"""Preloads the font file that sets most of the first screen (decisions/0003, item 16).

A browser asks for a web font only once it has the stylesheet that declares it and has styled text in
it: one round trip after the stylesheets. `<link rel="preload" as="font">` next to the stylesheet lets
it ask for the file together with the stylesheets. PRELOAD names the regular Latin file, which sets
most of the text on every page's first screen (tests/test_preload.py checks that in Chromium). Measured
with Lighthouse against the plain Material configuration: preloading this one file brought the first
paint one round trip earlier and kept LCP within the plain configuration's; preloading the bold file as
well made LCP on the largest pages about 0.2 s later than without preloads, worse than the plain
configuration's, because two files then compete with the stylesheets for a slow connection. Bold,
italics and Latin Extended load as before, where a page needs them. `font-display: swap` (fonts.css)
stays: text is never hidden while a font is on its way.

Each address is the one fonts.css gives, resolved against that stylesheet's own <link> on the page
(relative on pages, absolute on the 404 pages), so the preloaded file is the very file the stylesheet
asks for and is not fetched twice. A missing stylesheet link or font file stops the build.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING

import _paths
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

STYLESHEET = "assets/stylesheets/fonts.css"
PRELOAD = ("atkinson-hyperlegible-latin-400-normal.woff2",)
LINK = re.compile(r'<link rel="stylesheet" href="([^"]*)' + re.escape(STYLESHEET) + '">')
URL = re.compile(r'url\("([^"]+\.woff2)"\)')


def _font_urls(config: MkDocsConfig) -> list[str]:
    """PRELOAD's addresses as fonts.css writes them (relative to the stylesheet), once per build."""
    state = _paths.per_build(config)
    if "preload_fonts" not in state:
        css = Path(config.docs_dir) / STYLESHEET
        urls = URL.findall(css.read_text(encoding="utf-8")) if css.is_file() else []
        found = {posixpath.basename(u): u for u in urls}
        missing = [name for name in PRELOAD if name not in found]
        if missing:
            raise PluginError(f"overrides/hooks/preload.py: {css} declares no {', '.join(missing)}")
        state["preload_fonts"] = [found[name] for name in PRELOAD]
    return state["preload_fonts"]


def _preload(output: str, where: str, config: MkDocsConfig) -> str:
    link = LINK.search(output)
    if link is None:
        raise PluginError(
            f'{where}: no <link rel="stylesheet"> for {STYLESHEET}, which '
            "overrides/hooks/preload.py needs (extra_css in mkdocs.yml)"
        )
    folder = posixpath.dirname(link.group(1) + STYLESHEET)
    tags = "".join(
        f'\n    <link rel="preload" href="{posixpath.normpath(posixpath.join(folder, url))}" '
        'as="font" type="font/woff2" crossorigin>'
        for url in _font_urls(config)
    )
    return output[: link.end()] + tags + output[link.end() :]


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return _preload(output, page.file.src_uri, config)


@event_priority(50)  # before search_per_language.py files each language's 404 page away
def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    if template_name.endswith(".html"):  # the 404 page; not sitemap.xml
        return _preload(output, template_name, config)
    return output
