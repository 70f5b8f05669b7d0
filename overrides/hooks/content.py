"""Page content that depends on the configuration or on another page, per language.

- `{{ operator.name }}` (and .address, .email, .representative): the site operator, set once in
  mkdocs.yml under extra.operator; placeholders are highlighted so nobody publishes them by mistake.
- `{{ pdf_link }}`, `{{ worksheets_pdf_link }}`, `{{ epub_link }}`: download links to this language's
  PDFs and EPUB, which the later build steps write after the HTML build (so they are not Markdown
  links the link checker would reject); those steps add each file's size to the link text.
- A translated page whose original changed since it was translated (scripts/translations.py) says so
  under its title and links the original; a page `handbook.py add-language` copied and nobody has
  translated yet (`untranslated: true`) says that instead.
- Glossary terms: the first use of each term of docs/<lang>/glossary.md in a page's running text (not
  in headings or links) links to the glossary entry, with its short explanation beside it, which
  handbook.js opens on hover, keyboard focus and tap (scripts/glossary.py: mark_terms). Later uses
  stay plain text.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import _paths
from mkdocs.exceptions import PluginError

from scripts import glossary, translations
from scripts.project import page_url

if TYPE_CHECKING:
    from _paths import I18nPlugin
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

TOKEN = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)?)\s*\}\}")
# token: (extra.strings key of the file's site path, key of the link text)
DOWNLOADS = {
    "pdf_link": ("pdf_url", "pdf_download_title"),
    "worksheets_pdf_link": ("worksheets_pdf_url", "worksheets_pdf_title"),
    "epub_link": ("epub_url", "epub_download_title"),
}


def _default(config: MkDocsConfig) -> str:
    """The original language (the i18n plugin's default); every other language translates it."""
    plugin = cast("I18nPlugin | None", config.plugins.get("i18n"))
    if plugin is None:
        raise PluginError("overrides/hooks/content.py needs the i18n plugin (mkdocs-static-i18n)")
    return plugin.default_language


def _lang(page: Page, config: MkDocsConfig) -> str:
    return getattr(page.file, "locale", None) or _default(config)


def _page_href(page: Page, target: str) -> str:
    """A link from this page to a site-relative path (pages live at directory URLs)."""
    here = page.url if page.url.endswith("/") or not page.url else posixpath.dirname(page.url) + "/"
    rel = posixpath.relpath(target or ".", here or ".")
    return rel + "/" if target.endswith("/") and not rel.endswith("/") else rel


def _terms_for(lang: str, config: MkDocsConfig) -> dict[str, glossary.Term]:
    terms = _paths.per_build(config).setdefault("glossary_terms", {})
    if lang not in terms:
        entries = glossary.terms(Path(config.docs_dir) / lang / "glossary.md")
        terms[lang] = {e.term: e for e in entries}
    return terms[lang]


def _statuses(config: MkDocsConfig) -> dict[tuple[str, str], translations.Status]:
    """The translation status of every translated page, by (language, page), worked out once per build
    (it asks git)."""
    state = _paths.per_build(config)
    if "translation_status" not in state:
        docs = Path(config.docs_dir)
        state["translation_status"] = {
            (s.lang, s.page): s for s in translations.status(docs, Path(config.config_file_path).parent)
        }
    return state["translation_status"]


def on_pre_build(config: MkDocsConfig) -> None:
    _statuses(config)


def _status_table(page: Page, config: MkDocsConfig, strings: dict[str, Any]) -> str:
    """The translation status of every page, as a Markdown table with links: on a translation's page its
    own pages, on the original's page every translation's (named by locale when there are several)."""
    lang = _lang(page, config)
    here = posixpath.dirname(page.file.src_uri.split("/", 1)[1])
    head = strings["status_columns"]
    rows = [f"| {head[0]} | {head[1]} | {head[2]} |", "| --- | --- | --- |"]
    statuses = _statuses(config)
    several = len({locale for locale, _ in statuses}) > 1
    for (locale, name), entry in sorted(statuses.items(), key=lambda item: (item[0][1], item[0][0])):
        if lang != _default(config) and locale != lang:
            continue
        link = posixpath.relpath(name, here or ".")
        label = f"{name} ({locale})" if several and lang == _default(config) else name
        # A state a language's strings do not name yet (untranslated, in a language older than it) is
        # shown by its key rather than stopping the build.
        state = strings["status_states"].get(entry.state, entry.state)
        rows.append(f"| [{label}]({link}) | {state} | {entry.changed or ''} |")
    return "\n".join(rows)


UNTRANSLATED_KEYS = ("untranslated_title", "untranslated_text", "untranslated_link")


def _outdated_notice(markdown: str, page: Page, config: MkDocsConfig, strings: dict[str, Any]) -> str:
    """Under the title of a translated page: it may be behind its original, or not translated at all."""
    name = page.file.src_uri.split("/", 1)[1]
    entry = _statuses(config).get((_lang(page, config), name))
    if entry is None or entry.state not in ("outdated", "untranslated"):
        return markdown
    if entry.state == "untranslated":
        missing = [key for key in UNTRANSLATED_KEYS if key not in strings]
        if missing:
            raise PluginError(
                f"docs/{page.file.src_uri}: says `untranslated: true`, but mkdocs.yml extra.strings."
                f"{_lang(page, config)} has no {', '.join(missing)}: add them (handbook.py add-language writes them)"
            )
        title, text, link_text = (strings[key] for key in UNTRANSLATED_KEYS)
    else:
        title, link_text = strings["outdated_title"], strings["outdated_link"]
        text = strings["outdated_text_undated"]
        if entry.changed:
            text = strings["outdated_text"].format(date=entry.changed)
    original = _default(config)
    original_url = page_url(name, config.extra["strings"][original]["home_url"])
    link = f'<a href="{_page_href(page, original_url)}" hreflang="{original}">{html.escape(link_text)}</a>'
    notice = f'!!! warning "{title}"\n    {html.escape(text)} {link}.\n'
    lines = markdown.split("\n")
    at = next((i for i, line in enumerate(lines) if line.startswith("# ")), -1)
    lines.insert(at + 1, "\n" + notice)
    return "\n".join(lines)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    lang = _lang(page, config)
    strings = config.extra["strings"][lang]
    operator = config.extra["operator"]

    def replace(match: re.Match) -> str:
        key = match.group(1)
        if key.startswith("operator."):
            field = key.split(".", 1)[1]
            if field not in operator:
                raise PluginError(
                    f"{page.file.src_uri}: unknown token {{{{ {key} }}}}; "
                    f"known: {', '.join('operator.' + k for k in operator)}"
                )
            value = html.escape(str(operator[field]))
            if "PLATZHALTER" in value or "PLACEHOLDER" in value:
                return f'<span class="hb-placeholder">{value}</span>'
            return value
        if key == "translation_status":
            return _status_table(page, config, strings)
        if key in DOWNLOADS:
            url_key, title_key = DOWNLOADS[key]
            target, label = strings[url_key], strings[title_key]
            return (
                f'<a class="md-button md-button--primary" href="{_page_href(page, target)}" '
                f"download>{html.escape(label)}</a>"
            )
        line = markdown.count("\n", 0, match.start()) + 1
        raise PluginError(f"{page.file.src_uri}:{line}: unknown token {match.group(0)}")

    markdown = TOKEN.sub(replace, markdown)
    if lang != _default(config):
        markdown = _outdated_notice(markdown, page, config, strings)
    return markdown


TASK_ITEM = re.compile(r'<li class="task-list-item"><label class="task-list-control"><input\b([^>]*?)\s*/?>')
TASK_TEXT_END = re.compile(r"</li>|<ul\b|<ol\b")
TAG = re.compile(r"<[^>]+>")


def _label_checkboxes(content: str, where: str) -> str:
    """Checklist boxes get their item's text as their accessible name (tasklist leaves them unnamed).

    Works on the markup pymdownx.tasklist writes (a regular expression, not an HTML parser: this runs
    for every page on every build and preview rebuild, and parsing was a tenth of the build time).
    """
    if "task-list-control" not in content:
        return content
    out, pos = [], 0
    for match in TASK_ITEM.finditer(content):
        label_end = content.find("</label>", match.end())
        stop = TASK_TEXT_END.search(content, label_end)
        text = html.unescape(TAG.sub("", content[label_end + len("</label>") : stop.start() if stop else None]))
        name = html.escape(" ".join(text.split())[:200], quote=True)
        out += [
            content[pos : match.start()],
            f'<li class="task-list-item"><label class="task-list-control"><input{match.group(1)} aria-label="{name}"/>',
        ]
        pos = match.end()
    if not out:
        raise PluginError(
            f"{where}: pymdownx.tasklist markup changed; update _label_checkboxes() in "
            "overrides/hooks/content.py so checklist boxes keep their names"
        )
    out.append(content[pos:])
    return "".join(out)


def on_page_content(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Name checklist boxes; mark the first use of each glossary term (not inside links or headings)."""
    content = _label_checkboxes(content, page.file.src_uri)
    lang = _lang(page, config)
    entries = _terms_for(lang, config)
    if not entries:
        return content
    on_glossary = page.file.src_uri.split("/", 1)[-1] == "glossary.md"
    glossary_url = "glossary/" if lang == _default(config) else f"{lang}/glossary/"
    href = "" if on_glossary else _page_href(page, glossary_url)
    # Only the terms this page can contain (a cheap test before the markup is walked).
    lowered = content.lower()
    used = [entry for term, entry in entries.items() if term.lower() in lowered]
    return glossary.mark_terms(
        content, used, href, config.extra["strings"][lang]["glossary_entry"], glossary_page=on_glossary
    )
