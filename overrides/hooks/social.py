"""Pages that look right when shared (issue 16): Open Graph and Twitter card metadata on every page of
both languages and on the 404 pages, each with its own preview image.

For every page the hook prepares `hb_social` for overrides/main.html (block `extrahead`), which prints
each value escaped: og:title, og:description (the page's front-matter `description:`), og:url and
og:image as absolute addresses from `site_url`, og:locale and og:locale:alternate, og:type (`website`
for a language's home page, `article` otherwise), og:site_name, og:image:width/height/alt and
twitter:card = summary_large_image.

The preview image (scripts/social_images.py) shows the page title, the part of the handbook it is in
(its top-level section in the navigation, e.g. "Teil 2: Drei Lehren"), the handbook's name and logo.
It is written to site/assets/social/<lang>/<page>.png and drawn only when no identical image is in
.cache/social/ yet. site/assets/social/manifest.json records per page what each image was drawn from
(title, part, image), so tests can compare it with the page.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urljoin

import _paths
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from scripts.social_images import HEIGHT, WIDTH, Card, Painter, SocialImageError

if TYPE_CHECKING:
    from _paths import I18nPlugin
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page
    from mkdocs.utils.templates import TemplateContext

log = logging.getLogger("mkdocs.hooks.social")
FOLDER = "assets/social"
MANIFEST = f"{FOLDER}/manifest.json"
CACHE = _paths.ROOT / ".cache" / "social"
# Open Graph locales (language_TERRITORY) of the handbook's languages: British English, German German.
LOCALES = {"de": "de_DE", "en": "en_GB"}


def _i18n(config: MkDocsConfig) -> I18nPlugin:
    plugin = cast("I18nPlugin | None", config.plugins.get("i18n"))
    if plugin is None:
        raise PluginError("overrides/hooks/social.py needs the i18n plugin (mkdocs-static-i18n)")
    return plugin


def _state(config: MkDocsConfig) -> dict[str, Any]:
    state = _paths.per_build(config)
    if "social" not in state:
        try:
            painter = Painter(_paths.ROOT, CACHE)
        except SocialImageError as error:
            raise PluginError(str(error)) from None
        state["social"] = {"painter": painter, "manifest": {}}
    return state["social"]


def _locale(lang: str) -> str:
    """The Open Graph locale of a language: LOCALES where the handbook chose the territory, else the most
    likely one from Babel's data (ar -> ar_EG, fr -> fr_FR)."""
    if lang in LOCALES:
        return LOCALES[lang]
    from babel.core import get_global

    likely = get_global("likely_subtags").get(lang.replace("-", "_"))
    parts = likely.split("_") if likely else []
    if len(parts) < 2 or not parts[-1].isalpha() or not parts[-1].isupper():
        raise PluginError(
            f"overrides/hooks/social.py: no Open Graph locale for language '{lang}'; "
            "add it to LOCALES (e.g. 'fr': 'fr_FR')"
        )
    return f"{parts[0]}_{parts[-1]}"


def _site_url(config: MkDocsConfig) -> str:
    site_url = config.site_url or ""
    if not site_url.startswith(("http://", "https://")):
        raise PluginError(
            f"mkdocs.yml: site_url {site_url!r} is not an absolute http(s) address; shared "
            "links need one (set site_url or HANDBOOK_SITE_URL)"
        )
    return site_url if site_url.endswith("/") else site_url + "/"


def _part(page: Page) -> str:
    """The title of the page's top-level section in the navigation ("Teil 2: Drei Lehren")."""
    node, part = page.parent, ""
    while node is not None:
        part, node = node.title, node.parent
    return part


def _card_meta(
    config: MkDocsConfig,
    *,
    lang: str,
    where: str,
    url: str,
    image: str,
    title: str,
    part: str,
    description: str,
    kind: str,
) -> dict[str, Any]:
    """Draw (or reuse) the image, copy it into the site, record it, and return the template's values."""
    state = _state(config)
    painter: Painter = state["painter"]
    strings = config.extra["strings"][lang]
    missing = painter.missing_glyphs(title + part + config.site_name)
    if missing:
        raise PluginError(
            f"{where}: the title or part contains characters the preview image's font "
            f"(Atkinson Hyperlegible) cannot set: {missing!r}; use others in the title"
        )
    data = painter.image(Card(title=title, part=part, site_name=config.site_name, lang=lang))
    target = Path(config.site_dir) / image
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    state["manifest"][url] = {"title": title, "part": part, "image": image, "lang": lang}
    site_url = _site_url(config)
    locale = _locale(lang)
    others = [_locale(lang_.locale) for lang_ in _i18n(config).config.languages if lang_.build and lang_.locale != lang]
    alt = strings["social_image_alt"].format(title=title, part=part, site=config.site_name)
    meta = [
        ("property", "og:type", kind),
        ("property", "og:site_name", config.site_name),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:url", urljoin(site_url, url)),
        ("property", "og:locale", locale),
        *[("property", "og:locale:alternate", other) for other in others],
        ("property", "og:image", urljoin(site_url, image)),
        ("property", "og:image:type", "image/png"),
        ("property", "og:image:width", str(WIDTH)),
        ("property", "og:image:height", str(HEIGHT)),
        ("property", "og:image:alt", alt),
        ("name", "twitter:card", "summary_large_image"),
    ]
    return {"meta": meta}


def _description(page: Page) -> str:
    value = page.meta.get("description")
    if not isinstance(value, str) or not value.strip():
        raise PluginError(
            f"docs/{page.file.src_uri}: no 'description:' in the front matter; shared "
            "links show it (og:description): add one sentence"
        )
    return " ".join(value.split())


def on_page_context(context: TemplateContext, page: Page, config: MkDocsConfig, nav: Navigation) -> TemplateContext:
    default = _i18n(config).default_language
    lang = getattr(page.file, "locale", None) or default
    prefix = "" if lang == default else f"{lang}/"
    path = page.url.removeprefix(prefix)
    image = f"{FOLDER}/{lang}/{path.strip('/') or 'index'}.png"
    context["hb_social"] = _card_meta(  # type: ignore[typeddict-unknown-key]  # overrides/main.html reads it
        config,
        lang=lang,
        where=f"docs/{page.file.src_uri}",
        url=page.url,
        image=image,
        title=page.title,
        part=_part(page),
        description=_description(page),
        kind="website" if page.is_homepage or page.url == prefix else "article",
    )
    return context


def on_template_context(context: TemplateContext, template_name: str, config: MkDocsConfig) -> TemplateContext:
    """The 404 page of each language: its own title and text, the image drawn from them."""
    if template_name != "404.html":
        return context
    i18n = _i18n(config)
    lang = i18n.current_language
    strings = config.extra["strings"][lang]
    prefix = "" if lang == i18n.default_language else f"{lang}/"
    context["hb_social"] = _card_meta(  # type: ignore[typeddict-unknown-key]  # overrides/main.html reads it
        config,
        lang=lang,
        where=f"404.html ({lang})",
        url=f"{prefix}404.html",
        image=f"{FOLDER}/{lang}/404.png",
        title=strings["not_found_title"],
        part="404",
        description=strings["not_found_text"],
        kind="website",
    )
    return context


@event_priority(-200)  # after static-i18n (-100) has built the other languages
def on_post_build(config: MkDocsConfig) -> None:
    if _i18n(config).building:
        return  # an inner, per-language build: all languages are recorded afterwards
    state = _state(config)
    manifest = dict(sorted(state["manifest"].items()))
    target = Path(config.site_dir) / MANIFEST
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    painter: Painter = state["painter"]
    log.info(f"preview images: {painter.drawn} drawn, {painter.reused} from the cache")
