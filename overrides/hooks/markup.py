"""Fixes to the theme's markup of every page, measured with `make bench` (Lighthouse, page weight), and
the diagrams drawn into the page.

- Language alternates are announced once, in sitemap.xml (`xhtml:link hreflang`, complete for both
  languages), and not in each page's <head>. Material's JavaScript fetches `sitemap.xml` relative to every
  `<link rel="alternate">` in the head; static-i18n points those links at the page itself, so each page
  view made two requests that failed (404, about 12 kB, two console errors), and Lighthouse rejected the
  relative hreflang addresses. The language switch in the header does not use these links.
- The search dialog gets an accessible name (Material leaves its `role="dialog"` unnamed).
- The theme's script is deferred. At the end of <body> it ran before the browser had drawn anything,
  and its first reads of sizes and scroll position forced the whole page's style and layout inside the
  script's own task: the largest part of Lighthouse's "total blocking time". Deferred, it runs once the
  document is parsed and still before `DOMContentLoaded`, which the theme waits for, so the browser
  can draw first. (Our own script is deferred in mkdocs.yml, after the theme's, in order.)
- Every <img> of the site's own (the theme's logo, pictures in the text) gets its file's width and
  height, so the browser keeps its place free and nothing below it jumps when it arrives.
- The logo's link is named by the logo's alt text ("Digitale Teilhabe – zur Startseite",
  overrides/partials/logo.html): the theme labels it with the site name, which says nothing about
  where it leads, and hides the alt text.
- Diagrams (SVG files in docs/assets/images/diagrams/) are drawn into the page instead of loaded as
  <img>: so they use the page's font, take their colours from the colour scheme (class names styled in
  handbook.css; the files' own colours are the light ones, which the PDF keeps) and cost no request.
  The Markdown alt text becomes the drawing's accessible name (aria-label) and its <title> (which the
  PDF uses as the figure's alternative text); width and height stay, so nothing jumps.

Each fix checks that the theme still produces the markup it expects and stops the build if not, so an
update of the theme cannot silently undo it.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from scripts import html_policy, images

if TYPE_CHECKING:
    from _paths import I18nPlugin
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

ALTERNATE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')
DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
IMG = re.compile(r"<img\b([^>]*?)\s*(/?)>")
SRC = re.compile(r'\bsrc="([^"]+)"')
BUNDLE = re.compile(r'<script src="([^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js)"></script>')
LOGO_LINK = re.compile(r'(<a href="[^"]*" title="[^"]*" class="md-(?:header|nav)__button md-logo") aria-label="[^"]*"')
ALT = re.compile(r'\balt="([^"]*)"')
DIAGRAMS = "assets/images/diagrams"
SVG_OPEN = re.compile(r"<svg\b([^>]*)>", re.S)
SVG_DROP = re.compile(r'\s(?:aria-labelledby|role|width|height|class|aria-label)="[^"]*"')
SVG_TITLE = re.compile(r"<title\b[^>]*>.*?</title>", re.S)
SVG_IDS = re.compile(r'(<(?:title|desc)\b[^>]*?)\s+id="[^"]*"')
COMMENT = re.compile(r"<!--.*?-->", re.S)


def _image_file(src: str, page_url: str, where: str, config: MkDocsConfig) -> Path | None:
    """The source file behind an image address on the page at page_url (None: not one of ours)."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        return None  # data: URIs; other hosts are refused by the content checks
    if parts.path.startswith("/"):
        base = urlsplit(config.site_url or "/").path or "/"
        if not parts.path.startswith(base):
            raise PluginError(f"{where}: image {src} is outside the site ({base})")
        target = parts.path[len(base) :]
    else:
        folder = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url)
        target = posixpath.normpath(posixpath.join(folder, parts.path))
    # Shared files live in docs/assets/, a language's own in docs/<locale>/ (the default language's at the
    # site root, another's under <locale>/).
    docs = Path(config.docs_dir)
    i18n = cast("I18nPlugin | None", config.plugins.get("i18n"))
    default = i18n.default_language if i18n is not None else config.theme["language"]
    for path in (docs / target, docs / default / target):
        if path.is_file():
            return path
    raise PluginError(f"{where}: image {src} not found in {docs} (looked for {target})")


def _guard(path: Path, where: str) -> None:
    """Inlined, an SVG's markup becomes the page's: anything that can run code, style the page or fetch
    from elsewhere stops the build instead (a diagram needs only shapes and text). The rules are
    scripts/html_policy.py's, stricter for drawings in the page (no <style>, no <use>)."""
    problems = html_policy.svg_problems(path, inline=True)
    if problems:
        listing = "\n".join(f"  {p}" for p in problems)
        raise PluginError(
            f"{where}: diagram {path.name} is drawn into the page, so it may hold only shapes "
            f"and text (no scripts, event handlers, styles, links or external references):\n{listing}"
        )


def _inline_svg(path: Path, alt: str, width: int, height: int, where: str) -> str:
    """The diagram's SVG as markup for the page: sized, named by the alt text, styled by handbook.css."""
    _guard(path, where)
    text = COMMENT.sub("", path.read_text(encoding="utf-8"))
    start = SVG_OPEN.search(text)
    if start is None:
        raise PluginError(f"{where}: {path} has no <svg> element")
    label = html.escape(alt, quote=True)
    attributes = SVG_DROP.sub("", start.group(1))
    inner = SVG_IDS.sub(r"\1", text[start.end() : text.rindex("</svg>")])
    inner, titles = SVG_TITLE.subn(f"<title>{html.escape(alt, quote=False)}</title>", inner, count=1)
    if not titles:
        inner = f"<title>{html.escape(alt, quote=False)}</title>" + inner
    inner = "\n".join(line.strip() for line in inner.splitlines() if line.strip())
    return (
        f'<svg{attributes} class="hb-diagram" width="{width}" height="{height}" role="img" '
        f'aria-label="{label}">{inner}</svg>'
    )


def _size_images(body: str, page_url: str, where: str, config: MkDocsConfig) -> str:
    def sized(match: re.Match) -> str:
        attributes = match.group(1)
        src = SRC.search(attributes)
        if re.search(r"\b(width|height)=", attributes) or src is None:
            return match.group(0)
        path = _image_file(html.unescape(src.group(1)), page_url, where, config)
        if path is None:
            return match.group(0)
        try:
            width, height = images.intrinsic_size(path)
        except images.ImageError as error:
            raise PluginError(f"{where}: {error}") from None
        if path.suffix.lower() == ".svg" and path.parent == Path(config.docs_dir) / DIAGRAMS:
            alt = ALT.search(attributes)
            if alt is None or not alt.group(1).strip():
                raise PluginError(f"{where}: diagram {src.group(1)} has no alt text")
            return _inline_svg(path, html.unescape(alt.group(1)), width, height, where)
        return f'<img{attributes} width="{width}" height="{height}"{match.group(2)}>'

    return IMG.sub(sized, body)


def _fix(output: str, where: str, config: MkDocsConfig, page_url: str = "") -> str:
    head_end = output.find("</head>")
    if head_end < 0:
        raise PluginError(f"{where}: no </head> in the rendered page")
    head, found = ALTERNATE.subn("", output[:head_end])
    if found == 0 and config.extra.get("alternate"):
        raise PluginError(
            f'{where}: the theme no longer writes <link rel="alternate" hreflang> as '
            "overrides/hooks/markup.py expects; update the hook"
        )
    body = output[head_end:]
    if DIALOG not in body:
        raise PluginError(f"{where}: the theme's search dialog markup changed; update overrides/hooks/markup.py")
    label = html.escape(config.extra["strings"][config.theme["language"]]["search_dialog"], quote=True)
    body = body.replace(DIALOG, DIALOG[:-1] + f' aria-label="{label}">', 1)
    body, found = BUNDLE.subn(r'<script src="\1" defer></script>', body)
    if found != 1:
        raise PluginError(
            f'{where}: expected the theme\'s one <script src="…/bundle.….min.js">, found {found}; '
            "update overrides/hooks/markup.py"
        )
    if config.theme.get("logo"):
        body, found = LOGO_LINK.subn(r"\1", body)
        if found == 0:
            raise PluginError(
                f"{where}: the theme's logo link markup changed (expected "
                'class="md-header__button md-logo" aria-label=…); update overrides/hooks/markup.py'
            )
    return head + _size_images(body, page_url, where, config)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return _fix(output, page.file.src_uri, config, page.url)


@event_priority(50)  # before search_per_language.py files each language's 404 page away
def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    if template_name.endswith(".html"):  # the 404 page; not sitemap.xml
        return _fix(output, template_name, config)
    return output
