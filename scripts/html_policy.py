"""What a page and an SVG file may contain, checked on what the browser gets (not on Markdown lines).

Rendered pages. Markdown lets a contributor write raw HTML, and a list of forbidden patterns always
misses a spelling (`<svg onload=…>`, unquoted handlers, `&#106;avascript:`, `<base>`, a reference-style
image defined to another host). So every built page's article (`<article class="md-content__inner">`,
both languages, the 404 pages too) is held against an ALLOWLIST of elements and attributes, with nh3
(the Python binding of the maintained Rust sanitiser ammonia) as the reference:

1. nh3 cleans the article with the allowlist below (plus value rules in `_attribute_value_ok`: no
   resource from another host, no `url()` other than `url(#id)`, only checkbox inputs).
2. The article as it was and the article as nh3 left it are both parsed by an HTML5 parser
   (tinyhtml5, which follows the WHATWG algorithm as browsers and nh3's html5ever do), and their
   elements and attributes are compared. Equal means the browser sees nothing nh3 would have removed;
   every difference is a finding (an element or an attribute nh3 dropped).
Why this way round and not "walk with lxml and apply our own rules": libxml2's HTML parser does not
parse like a browser (foreign content, `<body onload>` merging, misnested tags), and a checker that
parses differently from the browser can be bypassed. Comparing two spec parses of the same text
leaves the security judgement (namespaces, URL schemes after entity decoding, raw-text elements) to
nh3 and keeps only the explanation here. Text and comments are not compared: they cannot run or load.
Theme markup inside the article (edit and PDF buttons, headerlinks, task-list checkboxes, page date)
passes the same allowlist.

Each finding is reported on the Markdown source (docs/<lang>/<page>.md), at the first line that holds
the offending URL, attribute or tag, with what to do. The build runs the check for every page in
overrides/hooks/html_policy.py, so `mkdocs build`, the live preview and `handbook.py build` all refuse.

SVG files (docs/**.svg, and the diagrams that overrides/hooks/markup.py draws into pages): parsed as
XML without entities, DTDs or network; only drawing elements in the SVG namespace, no event handlers,
no `href` other than `#id`, no `url()` other than `url(#id)`, no processing instructions (an
`<?xml-stylesheet?>` fetches). Run by checks.structure(), so `handbook.py check` and the build agree.
"""

from __future__ import annotations

import difflib
import functools
import html
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import nh3
import tinyhtml5
from lxml import etree

from scripts.project import page_url
from scripts.sources import Problem, headings, languages, pages, split_front_matter

# --- the allowlist of rendered pages -----------------------------------------------------------------

HTML_TAGS = {
    "a",
    "abbr",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "input",
    "button",
    "ins",
    "kbd",
    "label",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
}
# Drawing only: the theme's icons and the inlined diagrams. No <use>, <image>, <foreignObject>, <style>.
SVG_TAGS = {
    "svg",
    "g",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "title",
    "desc",
    "defs",
    "linearGradient",
    "radialGradient",
    "stop",
    "clipPath",
    "mask",
    "symbol",
    "marker",
    "pattern",
}
SVG_ATTRIBUTES = {
    "xmlns",
    "viewBox",
    "preserveAspectRatio",
    "width",
    "height",
    "x",
    "y",
    "x1",
    "x2",
    "y1",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "fx",
    "fy",
    "d",
    "points",
    "transform",
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-linejoin",
    "stroke-linecap",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-opacity",
    "stroke-miterlimit",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "letter-spacing",
    "text-decoration",
    "dx",
    "dy",
    "rotate",
    "textLength",
    "lengthAdjust",
    "offset",
    "stop-color",
    "stop-opacity",
    "gradientUnits",
    "gradientTransform",
    "spreadMethod",
    "clip-path",
    "clip-rule",
    "clipPathUnits",
    "mask",
    "maskUnits",
    "maskContentUnits",
    "marker-start",
    "marker-mid",
    "marker-end",
    "markerWidth",
    "markerHeight",
    "markerUnits",
    "refX",
    "refY",
    "orient",
    "patternUnits",
    "patternContentUnits",
    "patternTransform",
    "focusable",
    "visibility",
    "display",
    "paint-order",
    "vector-effect",
    "shape-rendering",
}
ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title", "lang", "dir", "hidden", "role"},
    "a": {"href", "download", "rel", "hreflang"},
    "abbr": set(),
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "details": {"open"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "col": {"span"},
    "colgroup": {"span"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "abbr", "style"},
    # Worksheet fields (div.hb-field) and the glossary's hover text (small.hb-term-def, kept out of search).
    "div": {"data-label", "data-lines"},
    "small": {"data-search-exclude"},
    # Task lists (`- [ ]`): <label class="task-list-control"><input type="checkbox" disabled>.
    "input": {"type", "disabled", "checked"},
    # The share button of the page actions (overrides/partials/actions.html; handbook.js gives it work).
    "button": {"type", "data-hb-copied", "data-hb-failed"},
    **{tag: SVG_ATTRIBUTES for tag in SVG_TAGS},
}
GENERIC_PREFIXES = {"aria-"}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRIBUTES = {
    "href",
    "src",
    "xlink:href",
    "cite",
    "action",
    "formaction",
    "poster",
    "data",
    "background",
    "longdesc",
    "ping",
}
# Elements whose address the browser fetches by itself (not a link the reader chooses to follow).
RESOURCE_TAGS = {
    "img",
    "source",
    "video",
    "audio",
    "track",
    "image",
    "use",
    "input",
    "script",
    "iframe",
    "embed",
    "object",
    "link",
    "feImage",
}
TABLE_ALIGN = re.compile(r"^\s*text-align:\s*(?:left|right|center)\s*;?\s*$")  # Markdown `|:--|`
URL_FUNCTION = re.compile(r"url\s*\(\s*['\"]?\s*([^)'\"]*)", re.IGNORECASE)
HTML_NS, SVG_NS = "http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg"
ARTICLE = '<article class="md-content__inner'


def _is_external(url: str) -> bool:
    """True for an address with a scheme or a host (`https://x/`, `//x/`, `data:`): not this site's file."""
    cleaned = re.sub(r"[\x00-\x20]", "", url)  # browsers drop these before parsing (java\tscript:)
    parts = urlsplit(cleaned)
    return bool(parts.scheme or parts.netloc or cleaned.startswith(("//", "\\\\", "/\\")))


def _scheme_ok(url: str) -> bool:
    cleaned = re.sub(r"[\x00-\x20]", "", url)
    scheme = urlsplit(cleaned).scheme.lower()
    return not scheme or scheme in URL_SCHEMES


def _attribute_value_ok(tag: str, attribute: str, value: str) -> bool:
    """The value rules nh3's allowlist cannot express. `value` has its entities already decoded."""
    name = attribute.lower()
    if any(not ref.startswith("#") for ref in URL_FUNCTION.findall(value)):
        return False  # fill="url(https://…)", mask=…: only references into the same drawing
    if name in URL_ATTRIBUTES:
        if not _scheme_ok(value):
            return False
        if tag in RESOURCE_TAGS and _is_external(value):
            return False
    if name == "srcset":
        return not any(_is_external(part.strip().split(" ")[0]) for part in value.split(",") if part.strip())
    if name == "style":
        return bool(TABLE_ALIGN.match(value))
    if tag == "input" and name == "type":
        return value.lower() == "checkbox"
    if tag == "button" and name == "type":
        return value.lower() == "button"  # not submit or reset: there is no form to send
    return True


def _filter(tag: str, attribute: str, value: str) -> str | None:
    return value if _attribute_value_ok(tag, attribute, value) else None


CLEANER = nh3.Cleaner(
    tags=HTML_TAGS | SVG_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ATTRIBUTES,
    attribute_filter=_filter,
    strip_comments=True,
    link_rel=None,
    generic_attribute_prefixes=GENERIC_PREFIXES,
    url_schemes=URL_SCHEMES,
)


# --- comparing what the browser gets with what nh3 keeps --------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One element or attribute of the article that the allowlist does not accept."""

    tag: str
    attribute: str | None = None
    value: str = ""

    def markup(self) -> str:
        if self.attribute is None:
            return f"<{self.tag}>"
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        return f'<{self.tag} {self.attribute}="{shown}">'


def _local(name: str) -> tuple[str, str]:
    """('svg'|'html'|…, local name) of an ElementTree tag or attribute name like '{ns}local'."""
    if name.startswith("{"):
        ns, local = name[1:].split("}", 1)
        return {HTML_NS: "html", SVG_NS: "svg"}.get(ns, ns), local
    return "", name


def _elements(fragment: str) -> list[tuple[tuple[str, str], dict[str, str]]]:
    """Every element (html, head and body included: `<body onload>` merges into body) with its attributes."""
    root = tinyhtml5.parse(fragment)
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        attributes = {_attribute_name(k): v for k, v in element.attrib.items()}
        found.append((_local(element.tag), attributes))
    return found


def _attribute_name(name: str) -> str:
    ns, local = _local(name)
    return {"http://www.w3.org/1999/xlink": "xlink:", "http://www.w3.org/2000/xmlns/": ""}.get(ns, "") + local


# A reference to one of the theme's icons in the site's own sprite (overrides/hooks/icons.py writes them
# after this check has run during the build; a check of the built site meets them): nothing else can be
# referred to, so it is accepted as the icon it stands for.
SPRITE_USE = re.compile(r'<use href="(?:\.\./)*assets/images/icons\.svg#i[0-9a-f]{10}"\s*/?>(?:</use>)?')


@functools.lru_cache(maxsize=512)  # the live preview rebuilds every page; most articles did not change
def findings(fragment: str) -> tuple[Finding, ...]:
    """What nh3, configured with the allowlist, would remove from this HTML (in document order)."""
    fragment = SPRITE_USE.sub("", fragment)
    before, after = _elements(fragment), _elements(CLEANER.clean(fragment))
    keys_before, keys_after = [k for k, _ in before], [k for k, _ in after]
    found: list[Finding] = []
    matcher = difflib.SequenceMatcher(None, keys_before, keys_after, autojunk=False)
    kept: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            kept[block.a + offset] = block.b + offset
    for index, ((_, tag), attributes) in enumerate(before):
        if index not in kept:
            found.append(Finding(tag))
            continue
        remaining = after[kept[index]][1]
        dropped = [Finding(tag, name, value) for name, value in attributes.items() if remaining.get(name) != value]
        if tag == "input" and "disabled" not in attributes and not dropped:
            dropped.append(Finding(tag, "disabled", "(missing)"))  # an active checkbox is a form field
        if tag == "button" and "type" not in attributes and not dropped:
            dropped.append(Finding(tag, "type", "(missing)"))  # without a type it is a submit button
        found += dropped
    return tuple(dict.fromkeys(found))  # once per page and kind is enough to act on


# --- explaining a finding ------------------------------------------------------------------------------

ELEMENT_REASONS = (
    (
        {"script", "noscript", "template"},
        "scripts are not allowed in pages (safety); remove it (the site's code lives in docs/assets/javascripts/)",
    ),
    (
        {"iframe", "frame", "frameset", "embed", "object", "portal", "applet", "foreignObject"},
        "frames, embeds and objects are not allowed in pages (privacy and safety); remove it and link to "
        "the content instead",
    ),
    (
        {"form", "input", "button", "select", "textarea", "option", "fieldset", "output", "datalist"},
        "forms and form fields are not allowed; remove it (a task list `- [ ]` gives the only checkbox)",
    ),
    ({"base"}, "<base> would redirect every link and script of the page to another address; remove it"),
    (
        {"meta"},
        "<meta> (refresh, http-equiv) is not allowed in pages; remove it (a page's metadata belongs in its "
        "front matter)",
    ),
    (
        {"style", "link"},
        (
            "<style> and <link> restyle the page or load from elsewhere; use a class styled in "
            "docs/assets/stylesheets/handbook.css"
        ),
    ),
    (
        {"video", "audio", "source", "track", "picture", "image", "use", "img"},
        "media from elsewhere are not allowed; use a Markdown image of a file under docs/assets/",
    ),
)


def explain(finding: Finding) -> str:
    """Why the finding is refused and what to do instead, in one sentence."""
    tag, attribute, value = finding.tag, finding.attribute, finding.value
    if attribute is None:
        for tags, reason in ELEMENT_REASONS:
            if tag in tags:
                return reason
        if tag in HTML_TAGS | SVG_TAGS:
            return (
                "it stands inside an element that is not allowed (HTML inside a drawing, a drawing "
                "element outside <svg>, or the content of a removed element); remove the surrounding markup"
            )
        return (
            f"<{tag}> is not in the allowlist of elements (scripts/html_policy.py); write it in "
            "Markdown, or ask for it to be added there if the handbook needs it"
        )
    name = attribute.lower()
    if name.startswith("on"):
        return "event handler attributes (on...) run scripts and are not allowed; remove it"
    if tag == "input":
        return "only the disabled checkbox of a task list (`- [ ]`) is allowed; write the list in Markdown"
    if tag == "button":
        return 'only type="button" buttons of the theme\'s page actions are allowed; forms are not'
    if name == "style":
        return "style attributes are not allowed (only table column alignment); use a class styled in handbook.css"
    if URL_FUNCTION.search(value):
        return "url() may only point into the same drawing (url(#id)); remove the outside reference"
    if name in URL_ATTRIBUTES | {"srcset"} and not _scheme_ok(value):
        return "this address scheme is not allowed; link with https://, http://, mailto:, tel: or a relative path"
    if name in URL_ATTRIBUTES | {"srcset"} and (tag in RESOURCE_TAGS or name == "srcset"):
        return (
            "the browser would load this from another address; put the file under docs/assets/ "
            "and refer to it with a relative path (privacy: no third-party requests)"
        )
    return (
        f"attribute {attribute} is not in the allowlist for <{tag}> (scripts/html_policy.py); "
        "remove it, or ask for it to be added there if the handbook needs it"
    )


# --- from the built page back to the Markdown source --------------------------------------------------


def source_line(source: str, finding: Finding) -> int:
    """The first body line of the Markdown that holds the offending address, attribute or tag (else 1)."""
    _, start = split_front_matter(source)
    lines = source.splitlines()
    needles = []
    if finding.value and finding.value != "(missing)" and len(finding.value) >= 3:
        needles.append(re.compile(re.escape(finding.value), re.IGNORECASE))
        needles.append(re.compile(re.escape(html.escape(finding.value, quote=True)), re.IGNORECASE))
    if finding.attribute:
        needles.append(re.compile(rf"(?<![\w-]){re.escape(finding.attribute)}\s*=", re.IGNORECASE))
    needles.append(re.compile(rf"<\s*{re.escape(finding.tag)}\b", re.IGNORECASE))
    for needle in needles:
        for number, line in enumerate(lines[start - 1 :], start):
            if needle.search(line):
                return number
    return 1


def article(page_html: str) -> str | None:
    """The article of a built page, from the theme's opening tag to the page's last `</article>`.

    Up to the last one: a `</article>` written in the content closes the article early in the browser,
    and what follows it is still content to check."""
    start = page_html.find(ARTICLE)
    end = page_html.rfind("</article>")
    if start < 0 or end < start:
        return None
    return page_html[start : end + len("</article>")]


def check_page(page_html: str, source: Path | None, where: str) -> list[Problem]:
    """The problems of one built page, reported on its Markdown source (or on `where` if it has none):
    its <head> against what the theme writes there, its article against the allowlist."""
    content = article(page_html)
    path = source if source is not None else Path(where)
    if content is None:
        return [
            Problem(
                path,
                1,
                f'built page {where} has no <article class="md-content__inner">: '
                "the theme changed; update scripts/html_policy.py",
            )
        ]
    in_head, found = head_findings(page_html), findings(content)
    if not in_head and not found:
        return []
    text = source.read_text(encoding="utf-8") if source is not None and source.is_file() else ""
    problems = [
        Problem(
            path,
            title_line(text),
            f"{markup} in the <head> of the built page {where}: the theme "
            "writes only meta, link, title and its own scripts there; this came from the page title "
            "(write it without '<' and '>') or a template (see HEAD_* in scripts/html_policy.py)",
        )
        for markup in in_head
    ]
    return problems + [
        Problem(path, source_line(text, f) if text else 1, f"{f.markup()} in the built page {where}: {explain(f)}")
        for f in found
    ]


# --- the page's <head> ------------------------------------------------------------------------------------
# Material prints `{{ page.title | striptags }}` into <title>, and striptags decodes entities: a title
# `&lt;/title&gt;&lt;meta http-equiv="refresh" …&gt;` becomes a working element in <head>. scripts/guard.py
# refuses such titles in the source; this is the second line: everything before the theme's <body> is
# parsed as the browser parses it, and each element must be one the theme writes (the allowlist below).

HEAD_META = ({"charset"}, {"name", "content"}, {"property", "content"}, {"http-equiv", "content"})
HEAD_HTTP_EQUIV = {"content-security-policy"}  # overrides/hooks/csp.py
HEAD_LINK_RELS = {"stylesheet", "icon", "canonical", "prev", "next", "alternate", "preload"}
HEAD_LINK_ATTRIBUTES = {"rel", "href", "hreflang", "as", "type", "crossorigin", "sizes", "media", "title"}
HEAD_LINK_LOCAL = {"stylesheet", "icon", "preload"}  # fetched by the browser: this site's files only
HEAD_SCRIPT_ATTRIBUTES = {"src", "defer", "async"}
# The theme's inline scripts in <head> (Material's base.html), by their start; overrides/hooks/csp.py
# checks each inline script's full text against the theme's templates and hashes it.
HEAD_INLINE_SCRIPTS = ("__md_scope=new URL(",)
HTML_ATTRIBUTES = {"lang", "class", "dir"}


def _head_element_ok(tag: str, attributes: dict[str, str], text: str) -> bool:
    names = set(attributes)
    if tag == "meta":
        return names in HEAD_META and ("http-equiv" not in names or attributes["http-equiv"].lower() in HEAD_HTTP_EQUIV)
    if tag == "link":
        rel = attributes.get("rel", "").lower()
        return (
            rel in HEAD_LINK_RELS
            and "href" in names
            and names <= HEAD_LINK_ATTRIBUTES
            and not (rel in HEAD_LINK_LOCAL and _is_external(attributes["href"]))
        )
    if tag == "title":
        return not names
    if tag == "script":
        if "src" in names:
            return names <= HEAD_SCRIPT_ATTRIBUTES and not _is_external(attributes["src"])
        return not names and text.strip().startswith(HEAD_INLINE_SCRIPTS)
    return False


def head_findings(page_html: str) -> list[str]:
    """The elements in a built page's <head> that the theme does not write there, as markup to show.

    The head is the text up to the theme's <body>: the last `<body` before the article (the title can
    write a `<body` of its own into <head>, only before the theme's). Text or an element that does not
    belong in a head makes the parser start the body early, so the theme's own elements after it land
    in the body of this text: every element of it is held against the same allowlist, in order."""
    end = page_html.rfind("<body", 0, max(page_html.find(ARTICLE), 0))
    return list(_head_findings(page_html[:end] if end > 0 else page_html))


@functools.lru_cache(maxsize=512)  # the live preview rebuilds every page; most heads did not change
def _head_findings(head: str) -> tuple[str, ...]:
    root = tinyhtml5.parse(head)
    found, titles = [], 0
    if any(_attribute_name(k) not in HTML_ATTRIBUTES for k in root.attrib):
        found.append(_shown(root))
    for element in root.iter():
        if not isinstance(element.tag, str) or element is root:
            continue
        ns, tag = _local(element.tag)
        if ns == "html" and tag in ("head", "body"):
            if element.attrib:  # `<body onload=…>` written into the head merges into the body
                found.append(_shown(element))
            continue
        attributes = {_attribute_name(k): v for k, v in element.attrib.items()}
        titles += tag == "title"
        if ns != "html" or not _head_element_ok(tag, attributes, element.text or "") or (tag == "title" and titles > 1):
            found.append(_shown(element))
    return tuple(dict.fromkeys(found))


def _shown(element) -> str:
    attributes = " ".join(
        f'{_attribute_name(k)}="{v if len(v) <= 60 else v[:57] + "..."}"' for k, v in element.attrib.items()
    )
    return f"<{_local(element.tag)[1]}{' ' + attributes if attributes else ''}>"


def title_line(source: str) -> int:
    """The line of the page's title (its first `# ` heading) in the Markdown, else 1."""
    return next((h.line for h in headings(source) if h.level == 1), 1)


def source_of(site_dir: Path, page: Path, docs: Path) -> Path | None:
    """The Markdown file a built page comes from (None for pages without one, such as 404.html)."""
    relative = page.relative_to(site_dir).as_posix()
    locales = languages(docs)  # the default first, at the site's root
    lang = next((code for code in locales[1:] if relative.startswith(code + "/")), locales[0])
    prefix = "" if lang == locales[0] else lang + "/"
    url = relative[len(prefix) :].removesuffix("index.html")
    for name in pages(docs, lang):
        if page_url(name, "") == url:
            return docs / lang / name
    return None


def check_site(site_dir: Path, docs: Path | None = None) -> list[Problem]:
    """Every built page's article (both languages, 404 pages included) against the allowlist."""
    from scripts.environment import ROOT

    docs = docs or ROOT / "docs"
    problems = []
    for page in sorted([*site_dir.rglob("index.html"), *site_dir.rglob("404.html")]):
        # The 404 pages have no Markdown: their article is the template's.
        source = source_of(site_dir, page, docs) or (
            docs.parent / "overrides" / "404.html" if page.name == "404.html" else None
        )
        problems += check_page(page.read_text(encoding="utf-8"), source, page.relative_to(site_dir).as_posix())
    return problems


# --- SVG files -------------------------------------------------------------------------------------------

SVG_FILE_TAGS = SVG_TAGS | {"use", "style"}  # a file on its own may reuse its shapes and style itself
XLINK_NS = "http://www.w3.org/1999/xlink"
DOCTYPE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
SVG_HINT = "diagrams and icons may hold only shapes and text"


def _svg_element_problem(element, inline: bool) -> str | None:
    ns, tag = _local(element.tag)
    allowed = SVG_TAGS if inline else SVG_FILE_TAGS
    if ns != "svg" or tag not in allowed:
        return (
            f"'<{tag}>' is not allowed in a diagram ({SVG_HINT}: no scripts, foreignObject, images or links); remove it"
        )
    if tag == "style" and re.search(r"url\s*\(|@import", element.text or "", re.IGNORECASE):
        return "a <style> with url() or @import is not allowed in a diagram (it loads from elsewhere); remove it"
    for name, value in element.attrib.items():
        attr_ns, local = _local(name)
        shown = ("xlink:" if attr_ns == XLINK_NS else "") + local
        if local.lower().startswith("on"):
            return f"'{shown}=' is not allowed in a diagram (event handlers run scripts); remove it"
        if local == "href" and not value.strip().startswith("#"):
            return f"'{shown}=\"{value}\"' is not allowed in a diagram (only references into the file: #id); remove it"
        if any(not ref.startswith("#") for ref in URL_FUNCTION.findall(value)) or (
            local == "style" and re.search(r"url\s*\(|@import", value, re.IGNORECASE)
        ):
            return f"'{shown}=\"{value}\"' is not allowed in a diagram (url() only to #id inside the file); remove it"
    return None


def svg_problems(path: Path, *, inline: bool = False) -> list[Problem]:
    """What in this SVG file could run code or load from elsewhere (inline=True: drawn into a page)."""
    data = path.read_bytes()
    doctype = DOCTYPE.search(data)
    if doctype:
        line = data.count(b"\n", 0, doctype.start()) + 1
        return [
            Problem(
                path,
                line,
                "'<!DOCTYPE' or '<!ENTITY' is not allowed in a diagram: remove it (entities can expand or read files)",
            )
        ]
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_comments=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        return [Problem(path, error.lineno or 1, f"not a well-formed SVG file: {error.msg}; fix the markup")]
    problems: list[Problem] = []

    def walk(node) -> None:  # a refused element is reported once, not again for what it contains
        if isinstance(node, etree._ProcessingInstruction):
            problems.append(
                Problem(
                    path,
                    node.sourceline or 1,
                    "a processing instruction such as "
                    "<?xml-stylesheet?> is not allowed in a diagram (it loads from elsewhere); "
                    "remove it",
                )
            )
        elif isinstance(node, etree._Entity):
            problems.append(
                Problem(path, node.sourceline or 1, "an entity is not allowed in a diagram; write the text itself")
            )
        elif isinstance(node.tag, str) and (message := _svg_element_problem(node, inline)):
            problems.append(Problem(path, node.sourceline or 1, message))
        else:
            for child in node:
                walk(child)

    walk(root)
    for sibling in [*root.itersiblings(preceding=True), *root.itersiblings()]:
        if isinstance(sibling, etree._ProcessingInstruction):
            problems.append(
                Problem(
                    path,
                    sibling.sourceline or 1,
                    "a processing instruction such as "
                    "<?xml-stylesheet?> is not allowed in a diagram (it loads from elsewhere); remove it",
                )
            )
    if not problems and (_local(root.tag) != ("svg", "svg")):
        problems.append(Problem(path, 1, 'the file\'s root element is not <svg xmlns="http://www.w3.org/2000/svg">'))
    return problems


def svg_files(docs: Path) -> list[Problem]:
    """Every SVG under docs/ (assets, diagrams, icons): opened on their own they run on the site's origin."""
    problems = []
    for path in sorted(docs.rglob("*.svg")):
        if path.is_file():
            problems += svg_problems(path)
    return problems
