"""Three fixes to the theme's markup of every page, measured with `make bench` (Lighthouse, page weight).

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

Each fix checks that the theme still produces the markup it expects and stops the build if not, so an
update of the theme cannot silently undo it.
"""

from __future__ import annotations

import html
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

ALTERNATE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')
DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
BUNDLE = re.compile(r'<script src="([^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js)"></script>')


def _fix(output: str, where: str, config) -> str:
    head_end = output.find("</head>")
    if head_end < 0:
        raise PluginError(f"{where}: no </head> in the rendered page")
    head, found = ALTERNATE.subn("", output[:head_end])
    if found == 0 and config.extra.get("alternate"):
        raise PluginError(f"{where}: the theme no longer writes <link rel=\"alternate\" hreflang> as "
                          "overrides/hooks/markup.py expects; update the hook")
    body = output[head_end:]
    if DIALOG not in body:
        raise PluginError(f"{where}: the theme's search dialog markup changed; update overrides/hooks/markup.py")
    label = html.escape(config.extra["strings"][config.theme["language"]]["search_dialog"], quote=True)
    body = body.replace(DIALOG, DIALOG[:-1] + f' aria-label="{label}">', 1)
    body, found = BUNDLE.subn(r'<script src="\1" defer></script>', body)
    if found != 1:
        raise PluginError(f"{where}: expected the theme's one <script src=\"…/bundle.….min.js\">, found {found}; "
                          "update overrides/hooks/markup.py")
    return head + body


def on_post_page(output: str, page, config) -> str:
    return _fix(output, page.file.src_uri, config)


@event_priority(50)  # before search_per_language.py files each language's 404 page away
def on_post_template(output: str, template_name: str, config) -> str:
    if template_name.endswith(".html"):  # the 404 page; not sitemap.xml
        return _fix(output, template_name, config)
    return output
