"""What the handbook says: every fact of the two sources in both languages, none of the claims a
careful review found unsupported or wrong, one direct quote, and a review date on legal pages.

Checked on the Markdown sources (what contributors edit) and, for the legal notice, on the built site
and the PDFs (what readers get).
"""

from __future__ import annotations

import re
import subprocess

import pytest
from bs4 import BeautifulSoup
from helpers import DOCS, LANGS, html_path, page_paths

from scripts import checks
from scripts import sources as source_model

PAGES = page_paths()


def sources(lang: str) -> dict[str, str]:
    """page -> Markdown body (front matter removed) of every page of a language."""
    out = {}
    for page in PAGES:
        text = (DOCS / lang / page).read_text(encoding="utf-8")
        _, start = source_model.split_front_matter(text)
        out[page] = "\n".join(text.splitlines()[start - 1 :])
    return out


def whole(lang: str) -> str:
    return " ".join(" ".join(sources(lang).values()).split())


# Facts of the two source texts (../shared/seeds/), as patterns per language. Each must appear
# somewhere in the handbook of that language; the wording around it is the handbook's own.
FACTS = {
    "district": (r"Friedrichshain-Kreuzberg", r"Friedrichshain-Kreuzberg"),
    "project name": (r"Digitale Teilhabe", r"Digitale Teilhabe"),
    "aim: digital transformation": (r"digitale[n]? Transformation", r"digital transformation"),
    "aim: needs": (r"Bedarfe", r"needs"),
    "aim: pandemic-driven digitalisation": (r"Corona|Pandemie", r"pandemic"),
    "method: conversations in the first half": (r"ersten Hälfte", r"first half"),
    "report with recommendations": (r"Status quo", r"status quo|where things stood|where things stand"),
    "frequently voiced wish": (r"häufig geäußert", r"frequently voiced|voiced frequently"),
    "training on social media and data protection": (r"Datenschutz", r"data protection"),
    "workshop expert": (r"Jona Hölderle", r"Jona Hölderle"),
    "expert's field": (r"Online-Marketing", r"online marketing"),
    "lesson 1": (r"keine Informationsplattformen", r"not information platforms"),
    "lesson 1: source's word": (r"Bindungsmedien", r"Bindungsmedien|bonding media"),
    "lesson 1: examples": (r"Flohmarkt", r"flea market"),
    "lesson 1: language café": (r"Sprachcafé", r"language café"),
    "lesson 2": (r"Zeit und Ressourcen", r"time and resources"),
    "lesson 3: the source's example channel": (r"Twitter", r"Twitter"),
    "lesson 3: value for the target group": (r"Mehrwert", r"value"),
    "state association": (
        r"Paritätische[nr]? Wohlfahrtsverband(?:s)? Niedersachsen",
        r"Paritätischer Wohlfahrtsverband Niedersachsen",
    ),
    "about 40 towns": (r"rund 40 Städte", r"(?:about|around) 40 towns"),
    "department": (r"Referat für digitale Kommunikation", r"digital communication"),
    "internal course": (r"verbandsintern", r"internal"),
    "compact, current, secure": (r"kompakt\w*, aktuell\w* und sicher\w*", r"compact, current and (?:secure|reliable)"),
    "effort underestimated against private use": (r"unterschätzt", r"underestimated"),
    "editorial planning": (r"Redaktionsplanung", r"editorial planning"),
    "monitoring": (r"Monitoring", r"monitoring"),
    "campaign planning": (r"Kampagnenplanung", r"campaign planning"),
    "five hours a week": (r"fünf (?:Wochenstunden|Stunden pro Woche)", r"five hours a week"),
    "deputy": (r"Vertretung", r"deputy"),
    "four modules": (r"vier Module", r"four modules"),
    "and much more": (r"„und vielem mehr“", r"“and much more”"),
    "corporate design": (r"Corporate Design", r"corporate design"),
    "community of the state association": (r"Social-Media-Community", r"Social Media Community"),
    "monthly exchange": (r"monatlich", r"monthly"),
    "municipal elections autumn 2021": (
        r"Kommunalwahlen[^.]{0,30}Herbst 2021",
        r"municipal elections[^.]{0,40}autumn (?:of )?2021",
    ),
    "volunteering campaign": (r"Ehrenamt", r"volunteering"),
    "round two from May 2022": (r"Mai 2022", r"May 2022"),
    "state election October 2022": (r"Landtagswahl[^.]{0,30}Oktober 2022", r"state election[^.]{0,40}October 2022"),
    "up to 20 district pages": (r"bis zu 20", r"up to 20|as many as 20"),
    "Facebook page of the association": (
        r"facebook-paritaetischer|facebook\.com/paritaetischer",
        r"facebook-paritaetischer|facebook\.com/paritaetischer",
    ),
    "author": (r"Anika Falke", r"Anika Falke"),
    "issue": (r"03/2022|03 \| 2022", r"03/2022|03 \| 2022"),
    "issue title": (r"Digitalisierung und Wohlfahrt", r"Digitalisierung und Wohlfahrt"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_every_source_fact_is_in_the_handbook(lang):
    text = whole(lang)
    index = LANGS.index(lang)
    missing = [name for name, patterns in FACTS.items() if not re.search(patterns[index], text)]
    assert missing == []


QUOTE = {
    "de": "„Soziale Medien zu nutzen, weil man soziale Medien nutzen muss, ist kein Grund.“",
    "en": "“Using social media because you have to use social media is no reason.”",
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_one_direct_quote_appears_once_attributed_and_nowhere_else_in_quotes(lang):
    """The sources' one direct quote, verbatim, once, on the lesson page that names its speaker."""
    pages = sources(lang)
    where = [page for page, text in pages.items() if QUOTE[lang] in " ".join(text.split())]
    assert where == ["lessons/define-goals.md"]
    page = " ".join(pages["lessons/define-goals.md"].split())
    at = page.index(QUOTE[lang])
    assert "Jona Hölderle" in page[max(0, at - 300) : at + len(QUOTE[lang]) + 300]
    # Other places paraphrase without quotation marks.
    quoted = re.compile(
        r"[„“\"][^„“”\"]{0,40}(?:weil man soziale Medien|because you have to use)"
        r"[^„“”\"]*[“”\"]"
    )
    assert len(quoted.findall(" ".join(" ".join(pages.values()).split()))) == 1


# Claims a review against the sources and current law found wrong: (pattern, allowed when the same
# sentence matches this, why).
WRONG = {
    "de": [
        (r"häufigste[nr]? Wunsch", None, "the source says a frequently voiced wish"),
        (r"(?:erste|zweite)[nr]? Workshop", None, "the source names no order of the workshops"),
        (r"häufigste[nr]? Fehler", None, "no source for the most common mistake"),
        (r"ausdrücklich erlaubt|ausdrücklich erlaubt", None, "a licence must cover the use, not name social media"),
        (r"NetzDG", r"abgelöst|ersetzt|nicht mehr", "the NetzDG is not current law for platforms"),
        (r"\bTMG\b", r"DDG", "§ 5 DDG replaced § 5 TMG in May 2024"),
        (r"antworten, ausblenden, löschen", None, "evidence first, then hide or delete, then report"),
    ],
    "en": [
        (r"most common wish", None, "the source says a frequently voiced wish"),
        (r"(?:first|second) workshop", None, "the source names no order of the workshops"),
        (r"most common mistake", None, "no source for the most common mistake"),
        (r"explicitly allows? social media", None, "a licence must cover the use, not name social media"),
        (r"NetzDG", r"replaced|no longer", "the NetzDG is not current law for platforms"),
        (r"\bTMG\b", r"DDG", "section 5 DDG replaced section 5 TMG in May 2024"),
        (r"answer, hide, delete", None, "evidence first, then hide or delete, then report"),
        (r"Watch out", None, "admonitions say Important"),
    ],
}


@pytest.mark.parametrize("lang", LANGS)
def test_no_claim_the_review_found_wrong(lang):
    found = []
    for page, text in sources(lang).items():
        for sentence in re.split(r"(?<=[.!?])\s+|\n\s*\n", text):
            for pattern, allowed, why in WRONG[lang]:
                if re.search(pattern, sentence) and not (allowed and re.search(allowed, sentence)):
                    found.append(f"{lang}/{page}: {why}: {' '.join(sentence.split())[:120]}")
    assert found == []


@pytest.mark.parametrize("lang", LANGS)
def test_twitter_only_as_the_sources_dated_example(lang):
    """Twitter appears only where the source used it, dated by the platform's current name, X."""
    for page, text in sources(lang).items():
        for line in text.splitlines():
            if "Twitter" in line:
                assert page in ("lessons/define-goals.md", "sources.md"), (page, line)
                assert re.search(r"\bX\b", line), line


def legal_pages(lang: str) -> list[str]:
    return [
        page
        for page in PAGES
        if source_model.front_matter(DOCS / lang / page, (DOCS / lang / page).read_text(encoding="utf-8"))[0].get(
            source_model.LEGAL_AS_OF
        )
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_legal_pages_show_their_review_month_and_no_legal_advice_under_the_title(site, lang):
    pages = legal_pages(lang)
    assert {"course/module-4-legal-hate-speech.md", "imprint.md", "privacy.md"} <= set(pages)
    words = {"de": ("Stand: ", "keine Rechtsberatung"), "en": ("As of ", "not legal advice")}[lang]
    for page in pages:
        soup = BeautifulSoup(html_path(site, lang, page).read_text(encoding="utf-8"), "lxml")
        note = soup.select_one("article h1 + p.hb-legal-note")
        assert note is not None, page
        month = source_model.front_matter(DOCS / lang / page, (DOCS / lang / page).read_text(encoding="utf-8"))[0][
            source_model.LEGAL_AS_OF
        ]
        year = month.split("-")[0]
        assert note.get_text().startswith(words[0]) and year in note.get_text() and words[1] in note.get_text()
    others = [p for p in PAGES if p not in pages]
    for page in others:
        soup = BeautifulSoup(html_path(site, lang, page).read_text(encoding="utf-8"), "lxml")
        assert soup.select_one("p.hb-legal-note") is None, page


@pytest.mark.parametrize("lang", LANGS)
def test_the_pdf_carries_the_legal_notice_under_each_legal_pages_title(site, lang):
    pdf = site / ("pdf/handbuch.pdf" if lang == "de" else "en/pdf/handbook.pdf")
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    checked = 0
    for page in legal_pages(lang):
        soup = BeautifulSoup(html_path(site, lang, page).read_text(encoding="utf-8"), "lxml")
        title = " ".join(soup.select_one("article h1").get_text(" ").replace("¶", "").split())
        note = " ".join(soup.select_one("p.hb-legal-note").get_text().split())
        at = text.find(title + " " + note)
        if title in text:  # pages the PDF leaves out (web-only) have no title there
            assert at >= 0, (page, title, note)
            checked += 1
    assert checked >= 3


def test_a_page_citing_a_law_without_review_month_is_named_with_its_line(tmp_path):
    page = tmp_path / "de" / "page.md"
    page.parent.mkdir()
    page.write_text("---\ndescription: x\n---\n\n# T { #t }\n\nNach Art. 6 DSGVO gilt das.\n", encoding="utf-8")
    problems = checks.page_rules(page, page.read_text(encoding="utf-8"))
    assert [(p.line, p.message.split(",")[0]) for p in problems] == [(7, "this page cites a law")]


# One time budget: the handbook's example split of the at least five hours a week (minutes per slot).
WEEK = {
    "de": {"Montag": 60, "Dienstag und Mittwoch": 45, "Donnerstag": 20, "Freitag": 30, "Arbeitstag": 20},
    "en": {"Monday": 60, "Tuesday and Wednesday": 45, "Thursday": 20, "Friday": 30, "working day": 20},
}
SLOTS_PER_WEEK = {"Dienstag und Mittwoch": 2, "Tuesday and Wednesday": 2, "Arbeitstag": 5, "working day": 5}


def minutes(text: str) -> int:
    hours = re.search(r"(\d+)\s*(?:Std\.|h\b)", text)
    mins = re.search(r"(\d+)\s*(?:Min\.|min\b)", text)
    return (int(hours.group(1)) * 60 if hours else 0) + (int(mins.group(1)) if mins else 0)


@pytest.mark.parametrize("lang", LANGS)
def test_one_time_budget_on_every_page_that_splits_the_five_hours(lang):
    week = WEEK[lang]
    assert sum(m * SLOTS_PER_WEEK.get(day, 1) for day, m in week.items()) == 300
    # The prerequisites page: the table's rows add up to its total, five hours.
    rows = [
        line.split("|")[1:-1]
        for line in sources(lang)["course/prerequisites.md"].splitlines()
        if line.startswith("|") and not line.startswith("| ---")
    ][1:]
    *tasks, total = rows
    assert sum(minutes(r[-1]) for r in tasks) == minutes(total[-1]) == 300
    # The slots named there and in the editorial plan's weekly rhythm are the same.
    for page in ("course/prerequisites.md", "worksheets/editorial-plan.md", "worksheets/resource-check.md"):
        text = " ".join(sources(lang)[page].split())
        for day, m in week.items():
            amount = rf"(?:etwa|about) {m} (?:Minuten|minutes)"
            assert re.search(rf"{day}[^.|]{{0,40}}?{amount}|{amount}[^.|]{{0,20}}? (?:on )?{day}", text), (page, day, m)
    module_1 = " ".join(sources(lang)["course/module-1-dialogue.md"].split())
    assert re.search(r"jedem Arbeitstag etwa 20 Minuten|about 20 minutes every working day", module_1)


@pytest.mark.parametrize("lang", LANGS)
def test_one_editorial_plan_columns_and_stages(lang):
    """Module 2 names the columns the template has, in its order, and both name the same four stages."""
    module = sources(lang)["course/module-2-target-groups.md"]
    section = module[module.index("{ #editorial-plan }") :]
    named = re.findall(r"^\d+\. \*\*([^:*]+):\*\*", section, re.MULTILINE)
    template = sources(lang)["worksheets/editorial-plan.md"]
    header = next(line for line in template.splitlines() if line.startswith("| ") and "---" not in line)
    columns = [c.strip() for c in header.strip("|").split("|")]
    assert named == columns and len(columns) == 7
    empty_rows = [line for line in template.splitlines() if re.fullmatch(r"\|(\s*\|)+", line.strip())]
    assert len(empty_rows) >= 10
    stages = {"de": "Idee → in Arbeit → fertig → veröffentlicht", "en": "idea → in progress → ready → published"}[lang]
    assert stages in section and stages in template
