"""One search index and one 404 page per language.

mkdocs-static-i18n 1.3 builds the languages one after the other into one site and
1. merges every language into a single search index at site/search/ with `lang: [de, en]`, so German
   readers get English hits without German stemming (ultrabug/mkdocs-static-i18n#271);
2. lets the last language's 404.html overwrite the default language's.

This hook splits the index into site/search/ (German, lunr `de` stemmer) and site/en/search/ (English),
points the English pages' search at theirs (Material loads `<base>/search/search_index.json`), and writes
each language's 404 page into its own folder, the default language's at the root.

A language written right to left also gets `dir="rtl"` on <html> (Material sets it on <body> only), so
the whole document, its <head> and the browser's own interface follow the direction.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, cast

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from scripts import project

if TYPE_CHECKING:
    from _paths import I18nPlugin
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

CONFIG_SCRIPT = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
HTML_TAG = re.compile(r"<html\b([^>]*)>")
_not_found: dict[str, str] = {}


def _i18n(config: MkDocsConfig) -> I18nPlugin:
    plugin = cast("I18nPlugin | None", config.plugins.get("i18n"))
    if plugin is None:
        raise PluginError("search_per_language.py needs the i18n plugin (mkdocs-static-i18n)")
    return plugin


def _languages(config: MkDocsConfig) -> tuple[str, list[str]]:
    i18n = _i18n(config)
    return i18n.default_language, [lang.locale for lang in i18n.config.languages if lang.build]


def _rebase(html: str, lang: str, where: str) -> str:
    """Point Material's `base` (search index, palette scope) at the language's own root."""
    match = CONFIG_SCRIPT.search(html)
    if not match:
        raise PluginError(
            f"{where}: no Material __config script found; the theme changed, "
            "update overrides/hooks/search_per_language.py"
        )
    data = json.loads(match.group(2))
    base = data["base"].rstrip("/")
    data["base"] = f"{base}/{lang}/" if base not in ("", ".") else f"{lang}/"
    return html[: match.start(2)] + json.dumps(data, ensure_ascii=False) + html[match.end(2) :]


def _direction(html: str, lang: str, config: MkDocsConfig, where: str) -> str:
    """`dir="rtl"` on <html> for a language written right to left (its block's theme.direction, which
    static-i18n sets for its build, or its locale); left-to-right pages stay as Material writes them."""
    if not project.is_rtl(lang, config.theme.get("direction")):
        return html
    match = HTML_TAG.search(html)
    if match is None:
        raise PluginError(f"{where}: no <html> tag found; update overrides/hooks/search_per_language.py")
    if re.search(r"\sdir=", match.group(1)):
        return html
    attributes = re.sub(r'(\blang="[^"]*")', r'\1 dir="rtl"', match.group(1), count=1)
    if attributes == match.group(1):
        attributes = ' dir="rtl"' + attributes
    return html[: match.start()] + f"<html{attributes}>" + html[match.end() :]


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    default, _ = _languages(config)
    lang = getattr(page.file, "locale", default)
    output = _direction(output, lang, config, page.file.src_uri)
    return output if lang == default else _rebase(output, lang, page.file.src_uri)


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    if template_name != "404.html":
        return output
    default, _ = _languages(config)
    lang = _i18n(config).current_language
    output = _direction(output, lang, config, f"404.html ({lang})")
    if lang == default:
        _not_found[lang] = output
        return output
    target = Path(config.site_dir) / lang / "404.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_rebase(output, lang, f"{lang}/404.html"), encoding="utf-8")
    return _not_found.get(default, output)


@event_priority(-200)  # after static-i18n (-100) has merged the indexes of all languages
def on_post_build(config: MkDocsConfig) -> None:
    if _i18n(config).building:
        return  # an inner, per-language build: the merged index is written afterwards
    default, languages = _languages(config)
    site = Path(config.site_dir)
    merged_path = site / "search" / "search_index.json"
    merged = json.loads(merged_path.read_text(encoding="utf-8"))
    others = [lang for lang in languages if lang != default]
    for lang in languages:
        prefix = "" if lang == default else f"{lang}/"
        docs = []
        for doc in merged["docs"]:
            location = doc["location"]
            if lang == default:
                if any(location.startswith(f"{o}/") or location == o for o in others):
                    continue
            elif not location.startswith(prefix):
                continue
            docs.append({**doc, "location": location[len(prefix) :]})
        if not docs:
            raise PluginError(f"the search index for '{lang}' would be empty")
        index = {"config": {**merged["config"], "lang": [lang]}, "docs": docs}
        target = site / prefix / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
