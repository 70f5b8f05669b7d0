"""The theme's icons once per site, not on every page: each page refers to a shared, cached SVG sprite.

Material writes every icon inline: 19 on a page (menu, colour scheme, Leichte Sprache, language,
search, repository twice, page actions, footer), about 7 kB of path data, 2.3 kB of each page's gzipped
HTML. Lighthouse's simulated slow connection then needs one more round trip for the largest pages
(their HTML no longer fits the first TCP window): measured on the largest page, first paint 1352 ms
and score 99 with the icons inline, 1204 ms and 100 with the sprite.

Each icon the theme writes (`<svg xmlns="http://www.w3.org/2000/svg" viewBox="…">…</svg>`, exactly as
its .icons files are) becomes `<svg viewBox="…"><use href="…/assets/images/icons.svg#i<hash>"/></svg>`;
the symbol's id is a hash of the icon, so a changed icon gets a new id. Diagrams drawn into the
articles are not touched (they carry role="img", a title and sizes, so they never match). The 404 pages
keep their icons inline: they are not pages and may be served from any address.

Colour and size still come from the stylesheets: `fill: currentColor` on the <svg> is inherited into
the symbol. The sprite is written once, after static-i18n has built every language.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

import _paths
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

SPRITE = "assets/images/icons.svg"
ICON = re.compile(r'<svg xmlns="http://www\.w3\.org/2000/svg" viewBox="([0-9. ]+)">(.*?)</svg>', re.DOTALL)


def _symbols(config: MkDocsConfig) -> dict[str, tuple[str, str]]:
    """id -> (viewBox, inner markup), for every icon of this build."""
    return _paths.per_build(config).setdefault("icons", {})


def icon_id(view_box: str, body: str) -> str:
    return "i" + hashlib.sha256(f"{view_box}\n{body}".encode()).hexdigest()[:10]


def refer(html: str, to_root: str, symbols: dict[str, tuple[str, str]]) -> str:
    """The page with each inline theme icon replaced by a reference into the sprite (recorded in symbols)."""

    def replace(match: re.Match) -> str:
        view_box, body = match.group(1), match.group(2)
        key = icon_id(view_box, body)
        symbols.setdefault(key, (view_box, body))
        return f'<svg viewBox="{view_box}"><use href="{to_root}{SPRITE}#{key}"/></svg>'

    return ICON.sub(replace, html)


def sprite(symbols: dict[str, tuple[str, str]]) -> str:
    parts = [
        f'<symbol id="{key}" viewBox="{view_box}">{body}</symbol>' for key, (view_box, body) in sorted(symbols.items())
    ]
    return '<svg xmlns="http://www.w3.org/2000/svg">' + "".join(parts) + "</svg>\n"


@event_priority(-100)  # after html_policy.py has checked the page as the theme wrote it; before csp.py
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return refer(output, "../" * page.url.count("/"), _symbols(config))  # pages live at directory URLs


@event_priority(-200)  # after static-i18n (-100) has built the other languages
def on_post_build(config: MkDocsConfig) -> None:
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return  # an inner, per-language build: the sprite is written once, with every language's icons
    target = Path(config.site_dir) / SPRITE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(sprite(_symbols(config)), encoding="utf-8")
