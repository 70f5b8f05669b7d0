"""The project model: where the handbook's files are, which languages it has, how a page becomes an
address. Hooks, scripts, the benchmark and the tests ask this module instead of knowing it themselves,
so a move to another site generator (decisions/0004) changes this layer, not every caller.

- One reading of mkdocs.yml (`load_config`), with its `!ENV` tags resolved as MkDocs resolves them
  (the variable, else the default) and the theme's `!!python/name:` tags kept as plain strings.
- Languages are data: the i18n plugin block lists them (locale, name, default, build). The default
  language lives at the site's root, every other under `<locale>/`. A language is written right to
  left when its block says `theme: {direction: rtl}` or when its locale is one of RTL_LOCALES.
- A page is its path below `docs/<locale>/` (`lessons/effort.md`); its address is `page_url`.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

from scripts.environment import ROOT  # the one definition; environment.py runs before .venv exists

CONFIG_FILE = ROOT / "mkdocs.yml"
# Locales written right to left (ISO 639-1 and the few 639-3 codes MkDocs sites use).
RTL_LOCALES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku", "ps", "sd", "ug", "ur", "yi"})
# Material for MkDocs prints its end-of-life notice (2027-05-05) at every build. The plan for it is
# decisions/0004-leaving-material.md, and `make check` says how many days are left; the builds the tools
# start pass this variable so that the notice does not bury each build's own messages.
QUIET_END_OF_LIFE = {"NO_MKDOCS_2_WARNING": "1"}
THEME_END_OF_LIFE = "2027-05-05"


def end_of_life_notice(today: str) -> str:
    """The one line `make check` prints about the theme's end of life (today as YYYY-MM-DD)."""
    from datetime import date

    days = (date.fromisoformat(THEME_END_OF_LIFE) - date.fromisoformat(today)).days
    when = f"in {days} days" if days > 0 else "today" if days == 0 else f"{-days} days ago"
    return (
        f"Material for MkDocs reaches its end of life on {THEME_END_OF_LIFE} ({when}); the plan and "
        "the triggers to move are in decisions/0004-leaving-material.md"
    )


class ProjectError(RuntimeError):
    """mkdocs.yml does not describe the project as the tools need it; the message says where."""


@functools.cache
def _config_loader():
    """mkdocs.yml as data: `!ENV` resolved, `!!python/name:…` (theme extensions) kept as text. (PyYAML is
    imported here, not at the top: the model is usable with the standard library alone.)"""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def env_tag(loader, node):
        if isinstance(node, yaml.SequenceNode):
            values = loader.construct_sequence(node)
            names, default = (values[:-1], values[-1]) if len(values) > 1 else (values, None)
            return next((os.environ[n] for n in names if os.environ.get(n)), default)
        return os.environ.get(loader.construct_scalar(node))

    Loader.add_constructor("!ENV", env_tag)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: suffix)
    return Loader


def load_config(path: Path = CONFIG_FILE) -> dict:
    """mkdocs.yml as a dict (see _config_loader); a file that is not YAML names its line."""
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            config = yaml.load(fh, Loader=_config_loader())
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ProjectError(f"{where}: not valid YAML: {getattr(err, 'problem', err)}") from err
    if not isinstance(config, dict):
        raise ProjectError(f"{path}: expected the MkDocs configuration (a mapping)")
    return config


@dataclass(frozen=True)
class Language:
    locale: str
    name: str
    default: bool
    build: bool = True
    direction: str = "ltr"
    block: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def prefix(self) -> str:
        """Where the language's pages live on the site: "" for the default language, else "<locale>/"."""
        return "" if self.default else f"{self.locale}/"


def _i18n_block(config: dict, where: Path) -> dict:
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "i18n" in plugin:
            return plugin["i18n"] or {}
    raise ProjectError(f"{where}: no i18n plugin in `plugins:` (mkdocs-static-i18n lists the languages)")


def languages_of(config: dict, where: Path = CONFIG_FILE) -> tuple[Language, ...]:
    out = []
    for entry in _i18n_block(config, where).get("languages") or []:
        locale = entry.get("locale")
        if not locale:
            raise ProjectError(f"{where}: a language of the i18n plugin has no `locale`")
        theme = entry.get("theme") or {}
        direction = "rtl" if is_rtl(locale, theme.get("direction")) else "ltr"
        out.append(
            Language(
                locale=locale,
                name=entry.get("name", locale),
                default=bool(entry.get("default")),
                build=entry.get("build", True),
                direction=direction,
                block=entry,
            )
        )
    defaults = [lang.locale for lang in out if lang.default]
    if len(defaults) != 1:
        raise ProjectError(
            f"{where}: the i18n plugin needs exactly one language with `default: true` (found {len(defaults)})"
        )
    return tuple(out)


@dataclass(frozen=True)
class Project:
    root: Path
    config: dict = field(compare=False, repr=False)
    languages: tuple[Language, ...]

    @property
    def docs(self) -> Path:
        return self.root / self.config.get("docs_dir", "docs")

    @property
    def default(self) -> Language:
        return next(lang for lang in self.languages if lang.default)

    @property
    def translations(self) -> tuple[str, ...]:
        """The built languages other than the default: each is a translation of the default language."""
        return tuple(locale for locale in self.locales if locale != self.default.locale)

    @property
    def locales(self) -> tuple[str, ...]:
        """The built languages, the default first, then in the order mkdocs.yml lists them."""
        built = [lang for lang in self.languages if lang.build]
        return tuple(lang.locale for lang in sorted(built, key=lambda lang: not lang.default))

    def language(self, locale: str) -> Language:
        for lang in self.languages:
            if lang.locale == locale:
                return lang
        raise ProjectError(
            f"{self.root / 'mkdocs.yml'}: no language {locale!r} in the i18n plugin "
            f"(there are {', '.join(lang.locale for lang in self.languages)})"
        )

    def prefix(self, locale: str) -> str:
        return self.language(locale).prefix

    def locale_at(self, address: str) -> str:
        """The language of a site-relative address (`en/lessons/effort/index.html` -> "en"): the built
        language with the longest matching prefix, else the default (at the site's root)."""
        for lang in sorted(self.languages, key=lambda lang: -len(lang.prefix)):
            if lang.build and lang.prefix and address.startswith(lang.prefix):
                return lang.locale
        return self.default.locale

    def page_url(self, path: str, locale: str) -> str:
        """The site-relative address of a page of a language: `lessons/effort.md` -> `en/lessons/effort/`."""
        return page_url(path, self.prefix(locale))

    def pages(self, locale: str) -> list[str]:
        """The page files of a language, as paths below docs/<locale>/, sorted."""
        base = self.docs / locale
        return sorted(p.relative_to(base).as_posix() for p in base.rglob("*.md"))

    def nav_pages(self) -> list[str]:
        """The pages the navigation names, in its order."""
        found: list[str] = []

        def walk(items) -> None:
            for item in items or []:
                if isinstance(item, str):
                    found.append(item)
                elif isinstance(item, dict):
                    for value in item.values():
                        walk(value) if isinstance(value, list) else walk([value])

        walk(self.config.get("nav"))
        return [p for p in found if p.endswith(".md")]

    def strings(self, locale: str) -> dict:
        """The interface strings of a language (mkdocs.yml extra.strings.<locale>)."""
        try:
            return self.config["extra"]["strings"][locale]
        except KeyError as err:
            raise ProjectError(f"{self.root / 'mkdocs.yml'}: no extra.strings.{locale}") from err


def page_url(path: str, prefix: str = "") -> str:
    """`lessons/effort.md` -> `lessons/effort/`, `start/index.md` -> `start/`, `index.md` -> `` (after prefix)."""
    stem = path[:-3]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[:-5]
    else:
        stem += "/"
    return prefix + stem


def language_name(locale: str) -> str:
    """A language's English name for messages ("de" -> "German"), from Babel's locale data; the locale
    itself when Babel does not know it."""
    try:
        from babel import Locale, UnknownLocaleError

        return Locale.parse(locale.replace("-", "_")).get_language_name("en") or locale
    except (ImportError, ValueError, UnknownLocaleError):
        return locale


def is_rtl(locale: str, direction: str | None = None) -> bool:
    """Whether a language is written right to left: its block's `theme: {direction: …}`, else its locale."""
    return (direction or ("rtl" if locale.split("_")[0].split("-")[0] in RTL_LOCALES else "ltr")) == "rtl"


@functools.lru_cache(maxsize=64)
def for_docs(docs: Path) -> Project:
    """The project a docs folder belongs to: the one whose mkdocs.yml lies beside it (the repository, a
    sandbox copy with a language more) and lists languages; else the repository's (a test fixture's tree).
    Checks of a copy thereby check the copy's languages, not those of the repository the code runs from."""
    root = Path(docs).resolve().parent
    if (root / "mkdocs.yml").is_file():
        try:
            return load(root)
        except ProjectError:
            pass
    return load()


@functools.cache
def load(root: Path = ROOT) -> Project:
    """The project whose mkdocs.yml is in root (read once per process)."""
    return of_config(load_config(Path(root) / "mkdocs.yml"), root)


def of_config(config: dict, root: Path = ROOT) -> Project:
    """The project a configuration read with load_config describes (the PDF and EPUB steps pass theirs
    around; a test may hand them a changed copy)."""
    return Project(root=Path(root), config=config, languages=languages_of(config, Path(root) / "mkdocs.yml"))
