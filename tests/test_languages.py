"""Languages as data (issue 15): `handbook.py add-language` scaffolds a language, and a copy of the handbook
with a third, right-to-left language (Arabic) builds with everything a language gets: its pages, dir="rtl",
hreflang alternates and the language switch for all three, its own search index and 404 page, the
untranslated notice and status, and a PDF laid out right to left."""

from __future__ import annotations

import json
import re
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pypdf
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from helpers import PROJECT, ROOT, build_sandbox, make_sandbox

from scripts import checks, epub, handbook, languages, pdf, project, sources, translations, webserver

NAMES = {"de": "Deutsch", "en": "English", "ar": "العربية"}


def config_only(tmp_path: Path) -> Path:
    """A repository copy with mkdocs.yml, docs/ and includes/ (enough to scaffold and check, no build)."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    for name in ("docs", "includes"):
        shutil.copytree(ROOT / name, root / name)
    return root


# --- refusals (fast) ---------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["AR", "a", "arab", "ar-EG", "ar_eg", "../x", "de/x", "", "ar "])
def test_add_language_refuses_a_malformed_locale(tmp_path, locale):
    root = config_only(tmp_path)
    before = (root / "mkdocs.yml").read_bytes()
    with pytest.raises(languages.LanguageError, match="is not a locale: use an ISO 639 language code"):
        languages.add_language(root, locale, "Name")
    assert (root / "mkdocs.yml").read_bytes() == before
    assert sorted(p.name for p in (root / "docs").iterdir()) == sorted(p.name for p in (ROOT / "docs").iterdir())


@pytest.mark.parametrize("name", ["", "  ", "<b>Arabic</b>", 'Ara"bic', "two\nlines"])
def test_add_language_refuses_a_bad_name(tmp_path, name):
    root = config_only(tmp_path)
    with pytest.raises(languages.LanguageError, match="is not a language name"):
        languages.add_language(root, "ar", name)


def test_add_language_refuses_an_existing_locale_and_folder(tmp_path):
    root = config_only(tmp_path)
    before = (root / "mkdocs.yml").read_bytes()
    with pytest.raises(languages.LanguageError, match=r"has the language 'en' already \(there are de, en\)"):
        languages.add_language(root, "en", "English")
    (root / "docs" / "fr").mkdir()
    with pytest.raises(languages.LanguageError, match=r"docs/fr: exists already; move it away"):
        languages.add_language(root, "fr", "Français")
    assert (root / "mkdocs.yml").read_bytes() == before
    assert not any((root / "docs" / "fr").iterdir())


def test_the_command_refuses_without_a_traceback():
    before = (ROOT / "mkdocs.yml").read_bytes()
    result = CliRunner().invoke(handbook.cli, ["add-language", "de", "Deutsch"])
    assert result.exit_code == 1
    assert "Error: " in result.output and "has the language 'de' already" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert (ROOT / "mkdocs.yml").read_bytes() == before


# --- the scaffold (fast) ------------------------------------------------------------------------------


def test_add_language_scaffolds_a_left_to_right_language(tmp_path):
    root = config_only(tmp_path)
    original = (root / "mkdocs.yml").read_text(encoding="utf-8").split("\n")
    done = languages.add_language(root, "fr", "Français")
    assert done[0].startswith("mkdocs.yml: language fr (Français) added") and "right to left" not in done[0]
    assert f"docs/fr/: {len(PROJECT.pages('en'))} pages copied from docs/en/" in done[2]
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    # Edited as text: every line of the original (comments included) is still there, in order.
    lines = iter(text.split("\n"))
    assert all(any(line == new for new in lines) for line in original)
    config = project.load_config(root / "mkdocs.yml")
    [fr] = [lang for lang in project.languages_of(config) if lang.locale == "fr"]
    assert (fr.name, fr.build, fr.default, fr.direction) == ("Français", True, False, "ltr")
    english = next(lang for lang in project.languages_of(config) if lang.locale == "en")
    assert fr.block["nav_translations"] == english.block["nav_translations"]
    strings, en = config["extra"]["strings"]["fr"], config["extra"]["strings"]["en"]
    assert set(en) < set(strings)
    assert strings["home_url"] == "fr/" and strings["pdf_url"] == "fr/pdf/handbook.pdf"
    assert strings["imprint_url"] == "fr/imprint/" and strings["other_language_url"] == en["other_language_url"]
    assert strings["search_dialog"] == en["search_dialog"] and strings["status_states"]["untranslated"]
    # The documented marker: each line of copied text says so.
    marked = [line for line in text.split("\n") if line.endswith("# untranslated")]
    assert any("search_dialog: Search" in line for line in marked)
    assert any("Einstieg: Getting started" in line for line in marked)
    assert not any("_url:" in line for line in marked)
    # Every page copied, marked untranslated, without the German version the English page followed.
    assert PROJECT.pages("en") == sorted(
        p.relative_to(root / "docs" / "fr").as_posix() for p in (root / "docs" / "fr").rglob("*.md")
    )
    page = (root / "docs" / "fr" / "lessons" / "effort.md").read_text(encoding="utf-8")
    meta, _ = sources.front_matter(Path("x.md"), page)
    assert meta["untranslated"] is True and "translation_of" not in meta
    assert checks.structure(root / "docs") == []
    states = {(s.lang, s.state) for s in translations.status(root / "docs", root)}
    assert ("fr", "untranslated") in states and ("fr", "current") not in states


def test_the_checks_cover_the_new_language(tmp_path):
    """A page missing in the third language, or a heading id of its own, is found like in English."""
    root = config_only(tmp_path)
    languages.add_language(root, "fr", "Français")
    (root / "docs" / "fr" / "glossary.md").unlink()
    effort = root / "docs" / "fr" / "lessons" / "effort.md"
    effort.write_text(
        re.sub(r"\{ #[\w-]+ \}", "{ #autre }", effort.read_text(encoding="utf-8"), count=1), encoding="utf-8"
    )
    messages = [str(p) for p in checks.structure(root / "docs")]
    assert any("missing French page: " in m and "glossary.md has no twin here" in m for m in messages)
    assert any("fr/lessons/effort.md" in m and "differs from the German" in m for m in messages)


def test_each_language_folder_serves_its_own_404_page(tmp_path):
    """The local server (scripts/webserver.py) answers a missing address with its language's 404 page."""
    for folder in ("", "en/", "ar/"):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / "404.html").write_text(f"not found {folder or 'de'}", encoding="utf-8")
    with webserver.SiteServer(tmp_path) as server:
        for path, expected in (("ar/nothing/", "ar/"), ("en/x", "en/"), ("nothing/", "de"), ("xx/y", "de")):
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(server.url + path)
            assert answer.value.code == 404 and answer.value.read().decode() == f"not found {expected}", path


def test_the_epub_of_a_right_to_left_language_says_so():
    root, _ = epub._document("ar", "t")
    assert (root.get("dir"), root.get("lang")) == ("rtl", "ar")
    assert epub._document("en", "t")[0].get("dir") is None


# --- a three-language build with a right-to-left language ---------------------------------------------


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> tuple[Path, Path]:
    """A sandbox copy with Arabic added by add-language, built with mkdocs build --strict."""
    box = make_sandbox(tmp_path_factory.mktemp("languages"))
    languages.add_language(box, "ar", NAMES["ar"])
    result = build_sandbox(box)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return box, box / "site"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def built_pages(site: Path, lang: str) -> list[Path]:
    prefix = PROJECT.prefix(lang) if lang in PROJECT.locales else f"{lang}/"
    return [site / project.page_url(page, prefix) / "index.html" for page in PROJECT.pages("de")]


def test_three_languages_each_have_every_page_in_their_direction(three):
    _, site = three
    for lang in ("de", "en", "ar"):
        for path in built_pages(site, lang):
            html = soup(path).html
            assert html["lang"] == lang, path
            if lang == "ar":
                assert html.get("dir") == "rtl", path
            else:
                assert html.get("dir", "ltr") == "ltr", path


def test_the_language_switch_and_the_alternates_name_all_three(three):
    _, site = three
    for lang in ("de", "en", "ar"):
        for path in built_pages(site, lang):
            links = soup(path).select("a.md-select__link[hreflang]")
            assert {a["hreflang"]: a.get_text(strip=True) for a in links} == NAMES, path
    sitemap = BeautifulSoup((site / "sitemap.xml").read_text(encoding="utf-8"), "xml")
    urls = sitemap.find_all("url")
    assert len(urls) == 3 * len(PROJECT.pages("de"))
    for url in urls:
        assert {link["hreflang"] for link in url.find_all("link")} >= {"de", "en", "ar"}, url.loc.text


def test_each_language_has_its_own_search_index_and_404_page(three):
    _, site = three
    sizes = {}
    for lang, prefix in (("de", ""), ("en", "en/"), ("ar", "ar/")):
        index = json.loads((site / prefix / "search" / "search_index.json").read_text(encoding="utf-8"))
        assert index["config"]["lang"] == [lang]
        sizes[lang] = len(index["docs"])
        assert not any(doc["location"].startswith(("en/", "ar/")) for doc in index["docs"])
        page = soup(site / prefix / "404.html")
        assert page.html["lang"] == lang and (page.html.get("dir") == "rtl") == (lang == "ar")
        assert page.find(id="not-found")
    assert sizes["ar"] == sizes["en"] > 0


def test_the_arabic_pages_say_they_are_untranslated(three):
    _, site = three
    effort = soup(site / "ar" / "lessons" / "effort" / "index.html")
    notice = effort.select_one("article .admonition.warning")
    assert notice and "This page has not been translated yet" in notice.get_text()
    assert notice.find("a", hreflang="de")["href"].endswith("lessons/effort/")
    status = soup(site / "ar" / "contributing" / "translation-status" / "index.html").select("article table tr")
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in status[1:]]
    # ar's strings are English copies until translated: its status label is English's
    label = PROJECT.strings("en")["status_states"]["untranslated"]
    assert len(rows) == len(PROJECT.pages("de")) and all(row[1] == label for row in rows)
    german = soup(site / "contributing" / "translation-status" / "index.html").select("article table tr")
    assert any(tr.find("td") and "(ar)" in tr.find("td").get_text() for tr in german)
    german_label = PROJECT.strings("de")["status_states"]["untranslated"]
    assert any(german_label in tr.get_text() for tr in german)  # the German page says it in German
    assert not soup(site / "en" / "lessons" / "effort" / "index.html").find(string=re.compile("not been translated"))


def test_the_arabic_pdf_is_laid_out_right_to_left(three):
    box, site = three
    config = project.load_config(box / "mkdocs.yml")
    assert '<html lang="ar" dir="rtl">' in pdf._head("ar", "t", "s", config, pdf.edition())
    assert '<html lang="en">' in pdf._head("en", "t", "s", config, pdf.edition())
    info = pdf.job(site, "ar", "worksheets", root=box)
    reader = pypdf.PdfReader(info["file"])
    assert reader.trailer["/Root"]["/Lang"] == "ar"
