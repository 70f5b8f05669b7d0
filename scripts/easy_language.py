"""Checks for pages in Leichte Sprache / Easy Read: what can be measured of the rules, per line.

A page is checked when its front matter says `easy_language: true` (docs/<lang>/leichte-sprache.md).
Run by `handbook.py check` (scripts/checks.py run_all), not by the build: like spelling and terminology
it is about style, so a long sentence should not stop the live preview.

The rules (Netzwerk Leichte Sprache; Inclusion Europe, "Information for all") and how they are measured:

- One sentence per line, and each line its own paragraph: Markdown joins neighbouring lines into one
  paragraph, so a sentence line directly under another one is reported (leave a blank line between).
  A sentence ends at `.`, `!` or `?` followed by a space and a capital letter or digit, or at the end
  of the line; a colon does not end a sentence.
- Short sentences: at most MAX_WORDS words each and MAX_AVERAGE on average over the page's body text
  (headings are held to MAX_WORDS but left out of the average). A word is a run of letters or digits,
  compounds joined by `-` or `·` count once.
- At most MAX_CLAUSES clauses per sentence. Heuristic: a sentence has one clause plus one per clause
  marker. Markers are a subordinating conjunction or relative word anywhere (CONJUNCTIONS), a comma
  before a conjunction, relative pronoun or such a word (AFTER_COMMA, counted once with the word
  itself), and a semicolon. Two main clauses joined by a bare comma are not seen, and "that" or "die"
  as an article after a comma is counted: the measure errs on the side of shorter sentences.
- No abbreviations: dotted short forms ("z. B.", "bzw.", "e.g.", "etc.") and words in capitals
  ("PDF"). A term in capitals is allowed when it is in EXPLAINED and the page explains it (its
  explanation pattern occurs on the page): write the explanation, e.g. "PDF ist eine Datei …".
- No percentages: `%`, "Prozent", "per cent", "percent".
- Long words split: a German word of more than LONG_WORD["de"] letters without `·` or `-` is reported
  ("Arbeits·blätter", "Arbeits-Blätter"); in English a word of more than LONG_WORD["en"] letters, unless
  it is in LONG_WORDS_ALLOWED (a short list of words that have no shorter common form).
- No passive where it can be seen: German a form of "werden" with a participle in the same sentence
  (ge…t/ge…en, …iert, be-/ver-/er-/ent-/zer-…t); English a form of "be" or "get" directly (or after
  one -ly adverb) before a word ending in -ed or a common irregular participle ("is hidden", "was
  read"; "-en" forms are listed one by one, as "is open" or "is often" are no passive).
- The title carries the class `.hb-easy` (`# Leichte Sprache { #easy-read .hb-easy }`): the stylesheet
  sets such pages in larger type with more line spacing.
"""

from __future__ import annotations

import re
from pathlib import Path

from scripts.sources import Problem, body_lines, front_matter, headings, languages, pages

KEY = "easy_language"
TITLE_CLASS = "hb-easy"
MAX_WORDS = 15
MAX_AVERAGE = 12
MAX_CLAUSES = 2
LONG_WORD = {"de": 13, "en": 12}
# Long words without a shorter common form: names, and the words the site's own links use.
LONG_WORDS_ALLOWED = {
    "de": {"organisationen", "niedersachsen", "barrierefreiheit", "datenschutzerklärung"},
    "en": {"organisations", "accessibility", "paritätischer", "wohlfahrtsverband", "niedersachsen"},
}
# Terms in capitals the page may use once it explains them: term -> {language: explanation pattern}.
EXPLAINED = {
    "PDF": {"de": r"\bPDF ist eine Datei\b", "en": r"\bA PDF is a file\b"},
}

CONJUNCTIONS = {
    "de": {
        "weil",
        "dass",
        "wenn",
        "ob",
        "obwohl",
        "sodass",
        "nachdem",
        "bevor",
        "sobald",
        "falls",
        "damit",
        "indem",
        "seit",
        "seitdem",
        "bis",
    },
    "en": {
        "because",
        "that",
        "if",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "whenever",
        "while",
        "although",
        "though",
        "unless",
        "whether",
        "until",
        "where",
        "since",
    },
}
AFTER_COMMA = {
    "de": {
        "und",
        "oder",
        "aber",
        "denn",
        "sondern",
        "der",
        "die",
        "das",
        "dem",
        "den",
        "deren",
        "dessen",
        "welche",
        "welcher",
        "welches",
        "wo",
        "was",
        "wie",
        "als",
        "während",
        "um",
        "ohne",
    },
    "en": {"and", "or", "but", "so", "yet", "as", "what", "how"},
}
# Words that introduce a clause only after a comma (else an adverb: "Damit finden Sie ...", "bis 5").
COMMA_ONLY = {"de": {"damit", "seit", "bis"}, "en": {"since", "where"}}

SHORT_FORMS = r"(?:bzw|usw|etc|ca|vgl|ggf|evtl|inkl|sog|bspw|zzgl|Nr|Tel|Dr|approx|incl|esp|vs)\."
ABBREVIATION = re.compile(
    r"(?<![\w.])(?:[A-Za-zÄÖÜäöü]\.\s?){2,}"  # z. B., d. h., u. a., e.g., i.e.
    r"|(?<![\w.])" + SHORT_FORMS
)
CAPITALS = re.compile(r"\b([A-ZÄÖÜ]{2,})s?\b")
PERCENT = re.compile(r"%|\bProzent\b|\bper ?cent\b", re.IGNORECASE)
WORD = re.compile(r"[\wÄÖÜäöüß]+(?:[·-][\wÄÖÜäöüß]+)*")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"“”»«']?\s+(?=[\"„“«»']?[A-ZÄÖÜ0-9])")
# A break after "z. B.", "e.g.", "bzw." or "1." is no sentence end.
NOT_AN_END = re.compile(r"(?:^|\s)(?:(?:[A-Za-zÄÖÜäöü]\.\s?)+|\d+\.|" + SHORT_FORMS + r")$")
PASSIVE = {
    "de": (
        re.compile(r"\b(?:wird|werden|wurde|wurden|worden|werde|wirst|werdet)\b", re.IGNORECASE),
        re.compile(
            r"\b(?:[a-zäöüß]*ge[a-zäöüß]{2,}(?:t|en)|[a-zäöüß]+iert|"
            r"(?:be|ver|er|ent|zer)[a-zäöüß]{3,}t)\b"
        ),
    ),
    "en": (
        None,
        re.compile(
            r"\b(?:am|is|are|was|were|be|been|being|get|gets|got)\s+(?:\w+ly\s+)?"
            r"(?:\w{2,}ed|made|shown|given|written|done|seen|known|found|built|sent|taken|told|"
            r"kept|held|brought|bought|paid|chosen|spoken|hidden|broken|forgotten|driven|stolen|"
            r"thrown|grown|drawn|torn|worn|shaken|frozen|begun|meant|taught|caught|thought|left|"
            r"lost|sold|heard|felt|read|put|set|cut|run|won|led|spent|understood)\b",
            re.IGNORECASE,
        ),
    ),
}
# Words that look like participles but are not (infinitives and adjectives starting with ge-).
NOT_PARTICIPLES = {
    "gehen",
    "geben",
    "gelten",
    "gewinnen",
    "gehören",
    "gefallen",
    "genießen",
    "geschehen",
    "gerecht",
    "gesamt",
    "gegen",
    "gestalten",
    "gebrauchen",
    "genügen",
}

LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+(?:\[[ xX]\]\s+)?")
ADMONITION = re.compile(r'^\s*(?:!!!|\?\?\?\+?)\s+\w+(?:\s+"([^"]*)")?\s*$')
HEADING_LINE = re.compile(r"^\s{0,3}#{1,6}\s+")


def plain(line: str) -> str:
    """A source line as the words a reader sees: no link targets, emphasis, attributes, tags or tokens."""
    line = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line)
    line = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", line)
    line = re.sub(r"\{\{[^}]*\}\}|\{[:#.][^}]*\}|\{\s*#[^}]*\}|<[^>]+>", " ", line)
    line = re.sub(r"(?:https?|mailto):\S+", " ", line)
    return re.sub(r"[*_]{1,3}(?=\S)|(?<=\S)[*_]{1,3}", "", line).strip()


def sentences(text: str) -> list[str]:
    """The sentences of one line (a break after "z. B." or "1." is no sentence end)."""
    parts, start = [], 0
    for m in SENTENCE_END.finditer(text):
        if NOT_AN_END.search(text[start : m.start()]):
            continue
        parts.append(text[start : m.start()].strip())
        start = m.end()
    parts.append(text[start:].strip())
    return [p for p in parts if WORD.search(p)]


def words(sentence: str) -> list[str]:
    return WORD.findall(sentence)


def clause_count(sentence: str, lang: str) -> int:
    """1 + clause markers (see the module's docstring for the heuristic)."""
    markers = sentence.count(";")
    tokens = re.findall(r",|[\wÄÖÜäöüß·-]+", sentence.lower())
    for i, token in enumerate(tokens):
        after_comma = i > 0 and tokens[i - 1] == ","
        subordinate = token in CONJUNCTIONS[lang] and (after_comma or token not in COMMA_ONLY[lang])
        if subordinate or (after_comma and token in AFTER_COMMA[lang]):
            markers += 1
    return 1 + markers


def passive(sentence: str, lang: str) -> str | None:
    """The words that look like a passive, or None."""
    auxiliary, participle = PASSIVE[lang]
    if lang == "en":
        m = participle.search(sentence)
        return m.group(0) if m else None
    aux = auxiliary.search(sentence)
    if not aux:
        return None
    for m in participle.finditer(sentence):
        if m.group(0).lower() not in NOT_PARTICIPLES:
            return f"{aux.group(0)} … {m.group(0)}"
    return None


def word_rules(path: Path, number: int, text: str, lang: str, page_text: str) -> list[Problem]:
    """Abbreviations, unexplained capitals, percentages and long unsplit words on one line."""
    problems = []
    for m in ABBREVIATION.finditer(text):
        problems.append(
            Problem(path, number, f"easy language: abbreviation '{m.group(0).strip()}'; write the words out")
        )
    for m in CAPITALS.finditer(text):
        term = m.group(1)
        explanation = EXPLAINED.get(term, {}).get(lang)
        if explanation is None:
            problems.append(
                Problem(
                    path,
                    number,
                    f"easy language: abbreviation '{term}'; write the words "
                    "out, or explain the term on the page and add it to "
                    "EXPLAINED in scripts/easy_language.py",
                )
            )
        elif not re.search(explanation, page_text):
            problems.append(
                Problem(
                    path,
                    number,
                    f"easy language: '{term}' is not explained on this page; add a sentence that begins "
                    f"'{explanation.replace(chr(92) + 'b', '')} …'",
                )
            )
    if PERCENT.search(text):
        problems.append(
            Problem(path, number, 'easy language: percentage; say it in words ("1 of 4 people", "most people")')
        )
    limit = LONG_WORD[lang]
    for word in WORD.findall(text):
        letters = re.sub(r"[^A-Za-zÄÖÜäöüß]", "", word)
        if "·" in word or "-" in word or len(letters) <= limit or word.lower() in LONG_WORDS_ALLOWED[lang]:
            continue
        advice = (
            'split it with · or - ("Arbeits·blätter", "Arbeits-Blätter")'
            if lang == "de"
            else "use a shorter word, or add it to LONG_WORDS_ALLOWED in scripts/easy_language.py"
        )
        problems.append(
            Problem(
                path, number, f"easy language: long word '{word}' ({len(letters)} letters, more than {limit}); {advice}"
            )
        )
    return problems


def sentence_rules(path: Path, number: int, sentence: str, lang: str) -> list[Problem]:
    """Length, clauses and passive of one sentence."""
    problems = []
    count = len(words(sentence))
    if count > MAX_WORDS:
        problems.append(
            Problem(
                path,
                number,
                f"easy language: sentence has {count} words (at most {MAX_WORDS}); split it into two sentences",
            )
        )
    clauses = clause_count(sentence, lang)
    if clauses > MAX_CLAUSES:
        problems.append(
            Problem(
                path,
                number,
                f"easy language: sentence has {clauses} clauses (at most "
                f"{MAX_CLAUSES}); make one statement per sentence",
            )
        )
    found = passive(sentence, lang)
    if found:
        problems.append(Problem(path, number, f"easy language: passive '{found}'; say who does it (active voice)"))
    return problems


def check_page(path: Path, text: str, lang: str) -> list[Problem]:
    """All rules on one easy-language page."""
    problems: list[Problem] = []
    title = next((h for h in headings(text) if h.level == 1), None)
    if title is not None:
        line = text.splitlines()[title.line - 1]
        if not re.search(r"\{[^}]*\." + TITLE_CLASS + r"\b[^}]*\}\s*$", line):
            problems.append(
                Problem(
                    path,
                    title.line,
                    f"easy language: the title needs the class "
                    f".{TITLE_CLASS} for the larger type: "
                    f"'# Title {{ #id .{TITLE_CLASS} }}'",
                )
            )
    counts: list[int] = []
    previous_prose = False
    for number, raw in body_lines(text):
        if not raw.strip() or re.match(r"^\s*(?:\[[^\]]+\]:|\*\[[^\]]+\]:)", raw):
            previous_prose = False
            continue
        is_heading = bool(HEADING_LINE.match(raw))
        admonition = ADMONITION.match(raw)
        is_item = bool(LIST_ITEM.match(raw)) or raw.lstrip().startswith("|")  # list items, table rows
        if admonition:
            line_text = admonition.group(1) or ""
        else:
            line_text = plain(LIST_ITEM.sub("", HEADING_LINE.sub("", raw)).replace("|", " "))
        if previous_prose and not (is_heading or is_item or admonition):
            problems.append(
                Problem(
                    path,
                    number,
                    "easy language: this line runs on from the line above "
                    "into one paragraph; leave a blank line between "
                    "sentences (one sentence per line)",
                )
            )
        previous_prose = not (is_heading or admonition)
        problems += word_rules(path, number, line_text, lang, text)
        found = sentences(line_text)
        if len(found) > 1:
            problems.append(
                Problem(
                    path,
                    number,
                    f"easy language: {len(found)} sentences on one line; "
                    "put each sentence on its own line, with a blank line "
                    "between",
                )
            )
        for sentence in found:
            problems += sentence_rules(path, number, sentence, lang)
            if not is_heading and not admonition:
                counts.append(len(words(sentence)))
    if counts and sum(counts) / len(counts) > MAX_AVERAGE:
        line = title.line if title else 1
        problems.append(
            Problem(
                path,
                line,
                f"easy language: sentences have {sum(counts) / len(counts):.1f} "
                f"words on average (at most {MAX_AVERAGE}); shorten the longest",
            )
        )
    return problems


def easy_pages(docs: Path) -> list[tuple[Path, str]]:
    """(path, language) of every page whose front matter says `easy_language: true`. A value that is not
    a boolean is reported by the front matter schema (scripts/frontmatter.py), broken YAML by
    checks.page_rules."""
    found = []
    # The rules exist for German and English (LONG_WORD, the word lists): another language's easy pages
    # are not checked until it has its rules here.
    for lang in [lang for lang in languages(docs) if lang in LONG_WORD]:
        for page in pages(docs, lang):
            path = docs / lang / page
            if front_matter(path, path.read_text(encoding="utf-8"))[0].get(KEY) is True:
                found.append((path, lang))
    return found


def check(docs: Path) -> list[Problem]:
    """Every easy-language page of both languages."""
    problems: list[Problem] = []
    for path, lang in easy_pages(docs):
        problems += check_page(path, path.read_text(encoding="utf-8"), lang)
    return problems
