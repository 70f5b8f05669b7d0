"""A new language for the handbook: `handbook.py add-language LOCALE NAME`.

A language is data: a folder docs/<locale>/, a block in the i18n plugin of mkdocs.yml and its interface
strings (extra.strings.<locale>). This module writes all three as a copy of English (or of the default
language when there is no English), so that the new language builds at once and translators replace
text instead of assembling structure:

- mkdocs.yml is edited as text, not read and written back as YAML, so its comments and layout stay.
  The new i18n block and the new strings are English text; every line of text carries the comment
  `# untranslated` (the documented marker: translate the value, then delete the comment). Addresses
  (`*_url`) get the new language's prefix; `other_language*` keeps pointing to the language it names.
- Every page is copied with `untranslated: true` in its front matter: the page shows a notice that it
  is not translated yet (overrides/hooks/content.py) and the translation status page lists it as
  untranslated (scripts/translations.py) until `mark-translated` records a translation.
- A right-to-left locale (scripts/project.py RTL_LOCALES) needs nothing more: Material lays out its pages
  right to left from its own table of languages (<body dir="rtl">), and the hooks, the PDF and the EPUB
  step set `dir="rtl"` from the locale. (A `theme: {direction: rtl}` in the block would be refused by
  static-i18n as an unknown override, since the main theme block sets no direction, and stop the strict build.)

Nothing is written unless the whole result is valid: the new mkdocs.yml must load and list the language.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scripts import project
from scripts.sources import split_front_matter

# An ISO 639 language code (2 or 3 lower-case letters), optionally with a territory (pt_BR): it names the
# folder under docs/ and the site's address prefix, so nothing else is allowed.
LOCALE = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2})?$")
MARK = "  # untranslated"
# Keys of the i18n block whose value is text a reader sees (the rest are settings: media, icon, scheme …).
BLOCK_TEXT_KEYS = {"site_name", "site_description", "copyright", "name"}
KEY_LINE = re.compile(r"^(\s*)([A-Za-z_][\w-]*|\"[^\"]*\"|'[^']*'):(?:\s+(.*))?$")
BLOCK_SCALAR = re.compile(r"^[|>][+-]?\d*$")


class LanguageError(ValueError):
    """The language cannot be added; the message says why and what to do."""


@dataclass(frozen=True)
class Plan:
    """What add_language will write."""

    config_text: str
    pages: list[tuple[Path, str | bytes]]  # (target, content)
    source: str
    rtl: bool


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _meaningful(line: str) -> bool:
    return bool(line.strip()) and not line.lstrip().startswith("#")


def _block_end(lines: list[str], start: int, indent: int) -> int:
    """The index after the last line of the block that starts at `start` and whose lines are indented
    deeper than `indent` (blank and comment lines inside it belong to it, trailing ones do not)."""
    end = start + 1
    for i in range(start + 1, len(lines)):
        if _meaningful(lines[i]) and _indent(lines[i]) <= indent:
            break
        if _meaningful(lines[i]):
            end = i + 1
    return end


def _find(lines: list[str], pattern: str, start: int = 0, stop: int | None = None, where: str = "") -> int:
    for i in range(start, len(lines) if stop is None else stop):
        if re.match(pattern, lines[i]):
            return i
    raise LanguageError(f"{where}: found no line like `{pattern.strip('^$')}`; add-language cannot place the language")


def _mark(line: str) -> str:
    return line + MARK


def _language_items(lines: list[str], config_file: Path) -> tuple[int, int, dict[str, tuple[int, int]]]:
    """The i18n plugin's `languages:` list: (item indent, end index, {locale: (first, end)})."""
    plugin = _find(lines, r"^\s*- i18n:\s*$", where=str(config_file))
    plugin_end = _block_end(lines, plugin, _indent(lines[plugin]))
    key = _find(lines, r"^\s*languages:\s*$", plugin + 1, plugin_end, where=f"{config_file} (i18n plugin)")
    first = next(i for i in range(key + 1, plugin_end) if _meaningful(lines[i]))
    item = _indent(lines[first])
    items: dict[str, tuple[int, int]] = {}
    end = key + 1
    i = first
    while i < plugin_end and _meaningful(lines[i]) and _indent(lines[i]) == item and lines[i].lstrip().startswith("- "):
        stop = _block_end(lines, i, item)
        match = re.match(r"^\s*-\s+locale:\s*['\"]?([\w-]+)", lines[i])
        if match:
            items[match.group(1)] = (i, stop)
        end = stop
        i = next((j for j in range(stop, plugin_end) if _meaningful(lines[j])), plugin_end)
    return item, end, items


def _new_block(lines: list[str], span: tuple[int, int], item: int, locale: str, name: str) -> list[str]:
    """The source language's i18n block, as the new language's (text lines marked untranslated)."""
    out = [f"{' ' * item}- locale: {locale}", f"{' ' * (item + 2)}name: {json.dumps(name, ensure_ascii=False)}"]
    out.append(f"{' ' * (item + 2)}build: true")
    key_indent = item + 2
    in_nav, in_theme = False, False
    for line in lines[span[0] + 1 : span[1]]:
        match = KEY_LINE.match(line)
        if match and _indent(line) == key_indent:
            in_nav = match.group(2) == "nav_translations"
            in_theme = match.group(2) == "theme"
            if match.group(2) in ("locale", "name", "build", "default"):
                continue
            value = (match.group(3) or "").strip()
            out.append(_mark(line) if match.group(2) in BLOCK_TEXT_KEYS and value else line)
            continue
        if match and (in_nav or (in_theme and match.group(2) == "name")) and match.group(3):
            out.append(_mark(line))
            continue
        out.append(line)
    return out


def _strings_items(lines: list[str], config_file: Path) -> tuple[int, int, dict[str, tuple[int, int]]]:
    """extra.strings: (language key indent, end index, {locale: (first, end)})."""
    extra = _find(lines, r"^extra:\s*$", where=str(config_file))
    extra_end = _block_end(lines, extra, 0)
    key = _find(lines, r"^\s+strings:\s*$", extra + 1, extra_end, where=f"{config_file} (extra:)")
    end = _block_end(lines, key, _indent(lines[key]))
    first = next(i for i in range(key + 1, end) if _meaningful(lines[i]))
    indent = _indent(lines[first])
    items = {}
    for i in range(first, end):
        match = KEY_LINE.match(lines[i])
        if match and _indent(lines[i]) == indent:
            items[match.group(2).strip("'\"")] = (i, _block_end(lines, i, indent))
    return indent, end, items


def _new_strings(lines: list[str], span: tuple[int, int], locale: str, source_prefix: str, names: dict) -> list[str]:
    """The source language's strings as the new language's: addresses moved, text marked untranslated."""
    out = [f"{' ' * _indent(lines[span[0]])}{locale}:"]
    body = lines[span[0] + 1 : span[1]]
    indent = next((_indent(line) for line in body if _meaningful(line)), _indent(lines[span[0]]) + 2)
    seen = set()
    for number, line in enumerate(body):
        match = KEY_LINE.match(line)
        if not match or _indent(line) != indent:
            out.append(line)
            continue
        key, value = match.group(2), (match.group(3) or "").strip()
        seen.add(key)
        following = next((x for x in body[number + 1 :] if _meaningful(x)), "")
        continues = bool(following) and _indent(following) > indent and not BLOCK_SCALAR.match(value)
        if key.startswith("other_language"):
            out.append(line)  # it names and links another language: stays as it is
        elif key == "home_url" or key.endswith("_url"):
            address = value.strip("'\"")
            moved = f"{locale}/" + address.removeprefix(source_prefix) if key != "home_url" else f"{locale}/"
            out.append(f"{' ' * indent}{key}: {json.dumps(moved) if moved else chr(34) * 2}")
        elif key == "status_states" and value.endswith("}") and "untranslated:" not in value:
            out.append(_mark(line[: line.rstrip().rfind("}")] + ", untranslated: untranslated}"))
        elif continues:
            out.append(line)  # a plain scalar over several lines: a comment would cut it
        else:
            out.append(_mark(line))
    notice = {
        "untranslated_title": "This page has not been translated yet",
        "untranslated_text": f"It shows the {names['source']} text until it is translated.",
        "untranslated_link": f"Read the {names['original']} original",
    }
    out += [_mark(f"{' ' * indent}{key}: {json.dumps(text)}") for key, text in notice.items() if key not in seen]
    return out


def _untranslated_page(text: str) -> str:
    """A copied page: `untranslated: true` in its front matter, without the version it translated."""
    fm, _ = split_front_matter(text)
    if fm is None:
        return f"---\nuntranslated: true\n---\n\n{text}"
    kept = "".join(
        line for line in fm.splitlines(keepends=True) if not re.match(r"(translation_of|untranslated):", line)
    )
    return "---\n" + kept + "untranslated: true\n" + text[4 + len(fm) :]


def plan(root: Path, locale: str, name: str) -> Plan:
    """Everything add_language writes, worked out and validated first. Raises LanguageError."""
    config_file = root / "mkdocs.yml"
    if not LOCALE.match(locale):
        raise LanguageError(
            f"{locale!r} is not a locale: use an ISO 639 language code of 2 or 3 lower-case letters, "
            "optionally with a territory (fr, ar, pt_BR); it becomes the folder docs/<locale>/ and the address prefix"
        )
    name = name.strip()
    if not name or any(char in name for char in '\n\r\t<>&"`'):
        raise LanguageError(
            f"{name!r} is not a language name: give the language's own name in its own script, "
            'as the language switch shows it (Français, العربية), without < > & " or `'
        )
    try:
        config = project.load_config(config_file)
        known = project.languages_of(config, config_file)
    except FileNotFoundError:
        raise LanguageError(f"{config_file}: not found; run add-language in the repository") from None
    except project.ProjectError as err:
        raise LanguageError(str(err)) from None
    locales = [lang.locale for lang in known]
    if locale in locales:
        raise LanguageError(
            f"{config_file}: the i18n plugin has the language {locale!r} already (there are {', '.join(locales)}); "
            "to start it again, delete its block, its extra.strings and docs/" + locale + "/ first"
        )
    docs = root / config.get("docs_dir", "docs")
    if (docs / locale).exists():
        raise LanguageError(f"{docs / locale}: exists already; move it away or choose another locale")
    original = next(lang for lang in known if lang.default)
    source = next((lang for lang in known if lang.locale == "en"), original)
    lines = config_file.read_text(encoding="utf-8").split("\n")
    item, languages_end, items = _language_items(lines, config_file)
    if source.locale not in items:
        raise LanguageError(f"{config_file}: no `- locale: {source.locale}` line in the i18n plugin's languages")
    rtl = project.is_rtl(locale)
    block = _new_block(lines, items[source.locale], item, locale, name)
    copied = project.language_name(source.locale)
    comment = (
        f"{' ' * item}# Added by `handbook.py add-language {locale}`, copied from {copied}:"
        f" translate each value marked `{MARK.strip()}`, then delete the mark."
    )
    strings_indent, strings_end, string_items = _strings_items(lines, config_file)
    if source.locale not in string_items:
        raise LanguageError(f"{config_file}: no extra.strings.{source.locale} to copy the interface strings from")
    names = {"source": project.language_name(source.locale), "original": project.language_name(original.locale)}
    strings = _new_strings(lines, string_items[source.locale], locale, source.prefix, names)
    strings_comment = f"{' ' * strings_indent}# {comment.strip().removeprefix('# ')}"
    # Insert the later position first, so the earlier one stays where it is.
    edits = sorted([(languages_end, [comment, *block]), (strings_end, [strings_comment, *strings])], reverse=True)
    for at, new in edits:
        lines[at:at] = new
    text = "\n".join(lines)
    _validate(text, config_file, locale, source.locale)
    pages: list[tuple[Path, str | bytes]] = []
    for path in sorted((docs / source.locale).rglob("*")):
        if path.is_file():
            target = docs / locale / path.relative_to(docs / source.locale)
            content = (
                _untranslated_page(path.read_text(encoding="utf-8")) if path.suffix == ".md" else path.read_bytes()
            )
            pages.append((target, content))
    return Plan(text, pages, source.locale, rtl)


def _validate(text: str, config_file: Path, locale: str, source: str) -> None:
    """The edited mkdocs.yml loads, lists the language, and its strings have every key the source's have."""
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder) / "mkdocs.yml"
        scratch.write_text(text, encoding="utf-8")
        try:
            config = project.load_config(scratch)
            langs = project.languages_of(config, scratch)
        except project.ProjectError as err:
            raise LanguageError(
                f"{config_file}: the edited file would not be valid ({err}); its layout is not one add-language "
                "knows: add the language by hand (CONTRIBUTING)"
            ) from None
    strings = (config.get("extra") or {}).get("strings") or {}
    missing = set(strings.get(source) or {}) - set(strings.get(locale) or {})
    if locale not in [lang.locale for lang in langs] or missing:
        raise LanguageError(
            f"{config_file}: the edit did not come out as planned (strings missing: "
            f"{', '.join(sorted(missing)) or '-'}); add the language by hand (CONTRIBUTING)"
        )


def add_language(root: Path, locale: str, name: str) -> list[str]:
    """Add the language; returns what was done, one line each. Raises LanguageError and writes nothing when
    the language cannot be added."""
    todo = plan(root, locale, name)
    written = []
    try:
        for target, content in todo.pages:
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
            written.append(target)
    except OSError as err:
        shutil.rmtree(root / "docs" / locale, ignore_errors=True)
        raise LanguageError(f"{err.filename}: could not be written ({err.strerror}); nothing was added") from None
    (root / "mkdocs.yml").write_text(todo.config_text, encoding="utf-8")
    source = project.language_name(todo.source)
    md = sum(1 for target in written if target.suffix == ".md")
    return [
        f"mkdocs.yml: language {locale} ({name}) added to the i18n plugin, nav_translations copied from {source}"
        + (', written right to left (its locale says so: dir="rtl" on its pages, PDF and EPUB)' if todo.rtl else ""),
        f"mkdocs.yml: extra.strings.{locale} copied from {source}; translate each line marked `{MARK.strip()}`",
        f"docs/{locale}/: {md} pages copied from docs/{todo.source}/, each marked `untranslated: true` "
        f"(the page shows a notice; the translation status lists it)"
        + (f", and {len(written) - md} other file(s)" if len(written) > md else ""),
        f"Next: translate, then `python3 scripts/handbook.py mark-translated --language {locale} PAGE` per page.",
    ]
