"""A Content-Security-Policy on every page, and the theme's markup made valid HTML (Nu HTML Checker).

Register this hook last in mkdocs.yml: it works on each page's final HTML, after every other hook.

Content-Security-Policy (a <meta http-equiv> right after <meta charset>, before any script; GitHub
Pages cannot send headers). Scripts run only from the site itself (`script-src 'self'`) plus the
theme's few inline scripts, each allowed by the SHA-256 hash of its exact text on that page. Only inline
scripts that the theme's templates write are hashed: their text must match a `<script>…</script>` of a
template in the theme's folders (Material's and overrides/), with any `{{ … }}` standing for a value
without quotes or angle brackets. Any other inline script stops the build, so a script smuggled into a
page's content or front matter is never made allowed. Scripts with a `type` that browsers do not run
(`application/json` data blocks) need no hash. No `unsafe-inline` for scripts, no inline styles (the
theme sets styles only through the CSSOM, which CSP does not restrict). `img-src data:` is needed for
the theme's icons (SVG data: URIs in its stylesheet). Material's search runs in a Web Worker loaded
from assets/ (`new Worker(url)`, same origin): `worker-src` falls back to `script-src 'self'`.

The live preview (`mkdocs serve`) injects a livereload script whose text changes with every request,
so it cannot be hashed: in serve mode (told by MkDocs' `on_startup` event) the policy allows inline
scripts (`script-src 'self' 'unsafe-inline'`, no hashes, which would switch `unsafe-inline` off); every
other directive stays, so the preview still shows other violations. Built sites always get the hashes.

Valid HTML (tests/test_vnu.py runs the Nu HTML Checker over the built site):
- Material 9.8 writes `autocomplete="off"` on its checkbox toggles (drawer, search) in base.html, which
  HTML allows only on text-like inputs. It is dropped: the theme's script unchecks both toggles on every
  page load anyway (`merge(location$, target$)` -> `setToggle(…, false)`), so a state a browser restores
  does not stay. base.html is not a partial, so a template override would copy the whole base.
- Material's table-of-contents title (partials/toc.html) is a `<label for="__toc">` on every page, but
  the `__toc` checkbox exists only where the page is a plain navigation entry, not on section index
  pages (navigation.indexes). A label pointing at no element does nothing: its `for` is dropped. Done
  here rather than in a copy of toc.html, whose template cannot know whether the navigation wrote the
  checkbox.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import _paths
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

POLICY = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("base-uri", "'none'"),
    ("form-action", "'none'"),
    ("object-src", "'none'"),
    ("frame-src", "'none'"),
)
SERVE_SCRIPTS = "'unsafe-inline'"  # the live preview only (see the module docstring)
META = re.compile(r'\n?[ \t]*<meta http-equiv="Content-Security-Policy" content="[^"]*">')
CHARSET = re.compile(r"<meta charset=[\"']?utf-8[\"']?\s*/?>", re.IGNORECASE)
HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
# Script types browsers run (HTML's JavaScript MIME types, and modules); anything else is data.
JS_TYPES = {
    "",
    "module",
    "text/javascript",
    "application/javascript",
    "application/ecmascript",
    "application/x-ecmascript",
    "application/x-javascript",
    "text/ecmascript",
    "text/javascript1.0",
    "text/javascript1.1",
    "text/javascript1.2",
    "text/javascript1.3",
    "text/javascript1.4",
    "text/javascript1.5",
    "text/jscript",
    "text/livescript",
    "text/x-ecmascript",
    "text/x-javascript",
}
TEMPLATE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
JINJA_VALUE = re.compile(r"\{\{.*?\}\}", re.DOTALL)
VALUE = r"[^\"'<>\\]*"
AUTOCOMPLETE_TOGGLE = re.compile(r'(<input\b[^>]*\btype="checkbox"[^>]*?)\s+autocomplete="off"([^>]*>)')
LABEL_FOR = re.compile(r'(<label\b[^>]*?)\s+for="([^"]*)"([^>]*>)')
ID = re.compile(r'\sid="([^"]*)"')

_serving = False


def on_startup(command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
    """Remember whether this is the live preview (`serve`), whose livereload script has no fixed hash."""
    global _serving
    _serving = command == "serve"


class _Scripts(HTMLParser):
    """The inline scripts a browser would run, in page order: (line, text). HTML's parser rules, so
    `<script>` inside comments or attribute values does not count, and the text is exactly what the
    browser hashes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._current: tuple[int, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "script":
            return
        values = {name: (value or "") for name, value in attrs}
        runs = "src" not in values and values.get("type", "").strip().lower() in JS_TYPES
        self._current = (self.getpos()[0], []) if runs else None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.found.append((self._current[0], "".join(self._current[1])))
            self._current = None


@functools.lru_cache(maxsize=256)  # the live preview rebuilds every page; most of them come out the same
def inline_scripts(output: str) -> tuple[tuple[int, str], ...]:
    return tuple(_inline_scripts(output))


def _inline_scripts(output: str) -> list[tuple[int, str]]:
    parser = _Scripts()
    parser.feed(output)
    parser.close()
    return parser.found


def script_hash(text: str) -> str:
    """The CSP source for one inline script: SHA-256 of its text as the browser sees it (HTML turns
    CR LF and CR into LF before parsing)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def theme_script_patterns(template_dirs: list[str]) -> list[re.Pattern]:
    """Every bare `<script>…</script>` written by a template in template_dirs, as a full-match pattern.
    Scripts with Jinja statements or comments inside are left out (they would need a template engine)."""
    patterns: set[str] = set()
    for folder in template_dirs:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]  # Material's 14,000 icons
            for name in filenames:
                if not name.endswith(".html"):
                    continue
                text = Path(dirpath, name).read_text(encoding="utf-8", errors="replace")
                for body in TEMPLATE_SCRIPT.findall(text):
                    if "{%" not in body and "{#" not in body:
                        patterns.add(VALUE.join(re.escape(part) for part in JINJA_VALUE.split(body)))
    return [re.compile(p, re.DOTALL) for p in sorted(patterns)]


def _theme_scripts(config: MkDocsConfig) -> list[re.Pattern]:
    state = _paths.per_build(config)
    if "csp_theme_scripts" not in state:
        state["csp_theme_scripts"] = theme_script_patterns(list(config.theme.dirs))
    return state["csp_theme_scripts"]


def policy(hashes: list[str], serving: bool = False) -> str:
    sources = dict(POLICY)
    sources["script-src"] += " " + (SERVE_SCRIPTS if serving else " ".join(hashes))
    return "; ".join(f"{name} {value.strip()}" for name, value in sources.items())


def add_policy(output: str, where: str, theme_scripts: list[re.Pattern], serving: bool = False) -> str:
    """The page with its Content-Security-Policy meta tag (replacing an earlier one of ours)."""
    output = META.sub("", output)
    hashes: list[str] = []
    for line, text in inline_scripts(output):
        if not any(p.fullmatch(text) for p in theme_scripts):
            start = " ".join(text.split())[:80]
            raise PluginError(
                f"{where}: inline <script> at line {line} of the built page is not one of the theme's "
                f"(it starts {start!r}). The Content-Security-Policy (overrides/hooks/csp.py) allows only "
                "the theme's own inline scripts: remove it, or put the code in a file under "
                "docs/assets/javascripts/ and load it with extra_javascript in mkdocs.yml"
            )
        digest = script_hash(text)
        if digest not in hashes:
            hashes.append(digest)
    content = html.escape(policy(hashes, serving), quote=False).replace('"', "&quot;")
    tag = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
    anchor = CHARSET.search(output) or HEAD.search(output)
    if anchor is None:
        raise PluginError(
            f"{where}: no <head> in the rendered page for the Content-Security-Policy (overrides/hooks/csp.py)"
        )
    first_script = output.lower().find("<script")
    if 0 <= first_script < anchor.end():
        raise PluginError(
            f"{where}: a <script> comes before <meta charset>; the Content-Security-Policy "
            "must come first in <head> (overrides/hooks/csp.py)"
        )
    return output[: anchor.end()] + "\n" + tag + output[anchor.end() :]


def valid_markup(output: str) -> str:
    """The theme's two invalid constructs fixed (see the module docstring)."""
    output = AUTOCOMPLETE_TOGGLE.sub(r"\1\2", output)
    ids = set(ID.findall(output))

    def label(match: re.Match) -> str:
        return match.group(0) if match.group(2) in ids else match.group(1) + match.group(3)

    return LABEL_FOR.sub(label, output)


def _finish(output: str, where: str, config: MkDocsConfig) -> str:
    return add_policy(valid_markup(output), where, _theme_scripts(config), _serving)


@event_priority(-100)  # after every other hook (and static-i18n, -100, registered before this hook)
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return _finish(output, page.file.src_uri, config)


@event_priority(10)  # after markup.py and preload.py (50), before search_per_language.py (0) writes en/404.html
def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    if template_name.endswith(".html"):  # the 404 page; not sitemap.xml
        return _finish(output, template_name, config)
    return output
