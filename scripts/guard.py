"""What a pull request may put into the source tree: no links out of it, text as UTF-8, sizes within limits.

Contributors edit by pull request and the main branch is published as it is, so the files under docs/,
includes/ and overrides/ are untrusted input to the build. Three kinds of rules, run by
`checks.structure()` (so by `handbook.py check` and, in overrides/hooks/language_parity.py, by the build
before MkDocs reads a single page):

- tree(): every symbolic link, every path that resolves outside the repository and everything that is not
  a plain file or folder is refused. Git stores symbolic links, and the build follows them: a link in
  docs/ is copied into site/ with the contents of its target, and pymdownx.snippets (base path
  includes/) checks `abspath`, not `realpath`, so `includes/notes.md -> /etc/passwd` would be printed on
  every page. The rule is simple on purpose: no link at all, whatever it points to (a link inside the
  repository can still reach .git/config). The same walk refuses text that is not UTF-8 (naming line
  and column) and files over the size limits, because reading them later would fail with a traceback or
  take minutes. `structure()` stops after this walk when it finds anything, so no other check reads a
  file through a link.
- file_types(): only the kinds of files the site needs are published from docs/ (DOCS_FILE_TYPES). MkDocs
  copies every other file into site/ as it is, and an `.html`, `.xhtml` or `.xml` file with a script runs
  on the site's origin. Run after tree() and not blocking: it reads no file.
- pages(): per Markdown file, the nesting depth of lists, quotes and admonitions, of emphasis markers
  and of HTML block elements, the number of headings (all measured on the Markdown text, before anything
  is rendered), the page title (no '<' or '>', which the theme's `striptags` would turn into markup in
  <head>), and the front matter schema (scripts/frontmatter.py).
- check_pdf_size(): the size of each finished PDF (called by scripts/pdf.py `job`).

The limits are constants below, each with the figure measured in the handbook when it was set (make them
larger with a reason, not to let one page through).
"""

from __future__ import annotations

import html
import os
import re
import stat
from pathlib import Path

from scripts.sources import Problem, body_lines, headings, languages, pages, rel

# The folders a pull request changes and the build reads: the pages, the snippets, the theme overrides.
GUARDED = ("docs", "includes", "overrides")
# Files the build reads as text (Markdown pages and snippets, Jinja templates); others are copied as bytes.
TEXT_SUFFIXES = (".md", ".html")
UTF8_BOM = b"\xef\xbb\xbf"
# File and folder names become web addresses and are printed into pages (the edit link, the navigation):
# ASCII letters, digits, '.', '-' and '_' only, so that no name can carry a quote or a tag.
SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]+$")

# --- limits (the handbook's maximum when they were set, in brackets) ---------------------------------
# A Markdown page or snippet: 200 kB [17 kB, docs/de/course/module-4-legal-hate-speech.md]. Twelve times
# the longest chapter; anything longer should be split into pages anyway.
MAX_PAGE_BYTES = 200_000
# Any other file under docs/ (pictures, fonts, style sheets, downloads): 2 MB [18 kB, a font]. Room
# for a photograph; the site is read on phones.
MAX_ASSET_BYTES = 2_000_000
# An SVG: 500 kB [5 kB, the module diagrams]. Browsers and WeasyPrint draw it element by element: a
# 50 MB SVG made a 135 MB PDF and took 6.4 GB of memory.
MAX_SVG_BYTES = 500_000
# Nesting of lists, quotes and admonitions: 8 levels [3]. Python-Markdown recurses once per level and
# fails with a RecursionError near 300; a reader loses the thread long before 8.
MAX_NESTING = 8
# Emphasis markers (`*`, `_`, `~`, `=`, `^`) in a row: 12 [2; `***bold italic***` is 3], and emphasis opened
# inside emphasis in one paragraph: 12 levels [1]. Python-Markdown's inline patterns recurse once per
# level: 3000 `*` around a word, or 1000 nested `*a `, failed with a RecursionError.
MAX_EMPHASIS_RUN = 12
MAX_EMPHASIS_NESTING = 12
# HTML block elements (`<div>`, `<details>`, …) open inside each other: 20 levels [1]. `<div markdown="1">`
# renders its content as Markdown, recursively: 1000 nested ones failed with a RecursionError.
MAX_HTML_NESTING = 20
# Headings per page: 150 [29, the glossary]. Each one is an entry in the table of contents and the search
# index: 10,000 headings took 39 s to build.
MAX_HEADINGS = 150
# A finished PDF: 30 MB [0.58 MB, the German handbook]. Guards the download and the build's memory.
MAX_PDF_BYTES = 30_000_000


# The kinds of files published from docs/ (exact, lower-case suffixes): pages, drawings, style sheets,
# the site's script, fonts and pictures; plus the fonts' licence files. Add a type here with a reason:
# anything a browser might run as a document (.html, .xhtml, .xml, .svgz, …) would run on the site's origin.
DOCS_FILE_TYPES = (".md", ".svg", ".css", ".js", ".woff2", ".png", ".jpg", ".jpeg", ".webp")
DOCS_FILE_NAMES = ("LICENSE", "LICENSE.txt", "OFL.txt")


class FileProblem(Problem):
    """A problem with a whole file or folder (a link, a size): names the file without a line number."""

    def __str__(self) -> str:
        # rel() resolves the path; for a link that would name its target, so resolve the folder only.
        return f"{rel(self.path.parent) / self.path.name}: {self.message}"


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _kb(size: int) -> str:
    return f"{size / 1000:,.1f}".removesuffix(".0") + " kB"


def tree(docs: Path, root: Path | None = None) -> list[Problem]:
    """Links, paths outside the repository, non-UTF-8 text and oversized files under the guarded folders.

    root is the repository (by default the folder holding docs). Reads nothing through a link: the walk
    does not follow links, and files are read only once they are known to be plain files."""
    root = Path(root or docs.parent)
    real_root = root.resolve()
    problems: list[Problem] = []
    for name, top in (("docs", Path(docs)), ("includes", root / "includes"), ("overrides", root / "overrides")):
        if not os.path.lexists(top):
            continue
        if top.is_symlink():
            problems.append(_link(top))
            continue
        if not _inside(top.resolve(), real_root):
            problems.append(
                FileProblem(
                    top,
                    0,
                    f"resolves to {top.resolve()}, outside the repository "
                    f"{real_root}; keep {name}/ inside the repository",
                )
            )
            continue
        problems += _walk(top, docs=name == "docs")
    return problems


def _walk(top: Path, docs: bool) -> list[Problem]:
    problems: list[Problem] = []

    def unreadable(err: OSError) -> None:
        problems.append(FileProblem(Path(err.filename), 0, f"cannot be read ({err.strerror}); fix its permissions"))

    for folder, subfolders, files in os.walk(top, onerror=unreadable):  # does not follow links
        subfolders.sort()
        for name in [*subfolders, *sorted(files)]:
            path = Path(folder) / name
            mode = os.lstat(path).st_mode
            if not SAFE_NAME.match(name):
                shown = name if name.isprintable() else ascii(name)[1:-1]
                problems.append(
                    FileProblem(
                        path.parent / shown,
                        0,
                        "has characters other than "
                        "a-z, A-Z, 0-9, '.', '-' and '_' in its name; names become web "
                        "addresses: rename it",
                    )
                )
            if stat.S_ISLNK(mode):
                problems.append(_link(path))
            elif stat.S_ISREG(mode):
                problems += file_rules(path, docs=docs)
            elif not stat.S_ISDIR(mode):
                problems.append(FileProblem(path, 0, "is not a plain file (a device, pipe or socket); remove it"))
    return problems


def file_types(docs: Path) -> list[Problem]:
    """Every plain file under docs/ is of a type in DOCS_FILE_TYPES (or a licence file): MkDocs publishes
    whatever lies there, so an `evil.html` with a script would run on the site's origin."""
    problems: list[Problem] = []
    for folder, subfolders, files in os.walk(docs):  # does not follow links (tree() refuses them anyway)
        subfolders.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if stat.S_ISREG(os.lstat(path).st_mode) and not allowed_in_docs(name):
                kind = f"a {path.suffix} file" if path.suffix else "a file without a type"
                problems.append(
                    FileProblem(
                        path,
                        0,
                        f"is {kind}, which the site does not publish: only "
                        f"{', '.join(DOCS_FILE_TYPES)} files and files named "
                        f"{', '.join(DOCS_FILE_NAMES)} may lie under docs/ (the list is "
                        "DOCS_FILE_TYPES in scripts/guard.py); remove it, or convert it "
                        "to one of these types",
                    )
                )
    return problems


def allowed_in_docs(name: str) -> bool:
    """Whether a file of this name may be published (the suffix compared exactly: `.SVG` would escape the
    SVG rules, which look for `*.svg`)."""
    return name in DOCS_FILE_NAMES or Path(name).suffix in DOCS_FILE_TYPES


def _link(path: Path) -> Problem:
    target = os.readlink(path)
    what = "folder" if path.is_dir() else "file"
    return FileProblem(
        path,
        0,
        f"is a symbolic link (to {target}); the build would publish whatever it "
        f"points to, so links are not allowed in docs/, includes/ and overrides/: "
        f"replace it with the real {what}",
    )


def file_rules(path: Path, docs: bool = True) -> list[Problem]:
    """One plain file: its size (for files under docs/ and snippets) and, for text, its encoding."""
    size = path.stat().st_size
    limit = size_limit(path) if docs or path.suffix == ".md" else None
    if limit is not None and size > limit:
        kind = "page" if path.suffix == ".md" else "SVG" if path.suffix.lower() == ".svg" else "file"
        advice = {
            "page": "split it into several pages",
            "SVG": "simplify the drawing or export it with fewer points",
            "file": "make it smaller (scale a picture down, compress it)",
        }[kind]
        return [FileProblem(path, 0, f"is {_kb(size)}, more than the {_kb(limit)} allowed for a {kind}; {advice}")]
    if path.suffix in TEXT_SUFFIXES:
        return encoding_rules(path, path.read_bytes())
    return []


def size_limit(path: Path) -> int:
    if path.suffix == ".md":
        return MAX_PAGE_BYTES
    if path.suffix.lower() == ".svg":
        return MAX_SVG_BYTES
    return MAX_ASSET_BYTES


def encoding_rules(path: Path, data: bytes) -> list[Problem]:
    """Text files are UTF-8 without a byte order mark; a problem names the line and column."""
    if data.startswith(UTF8_BOM):
        return [
            Problem(
                path,
                1,
                "starts with a byte order mark (BOM, the bytes EF BB BF), so the build "
                "does not see the front matter; save the file as UTF-8 without BOM",
            )
        ]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        line_start = data.rfind(b"\n", 0, err.start) + 1
        line = data.count(b"\n", 0, err.start) + 1
        column = len(data[line_start : err.start].decode("utf-8", errors="replace")) + 1
        return [
            Problem(
                path, line, f"is not UTF-8 (byte 0x{data[err.start]:02x} at column {column}); save the file as UTF-8"
            )
        ]
    return []


# --- per page -------------------------------------------------------------------------------------------

NESTING_MARKER = re.compile(r" *(?:>|[-*+](?= |$)|\d{1,9}[.)](?= |$))")
THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?: *\1){2,} *$")
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+) *$")
BLOCK_START = re.compile(r"^ *(?:[-*+>|#]|\d{1,9}[.)]|!!!|\?\?\?)")


def nesting_depth(line: str) -> int:
    """How deep a line sits in lists, quotes and indented blocks: one level per four spaces of indent,
    plus one per list or quote marker at its start (`> - 1. text` is three levels)."""
    expanded = line.expandtabs(4)
    if THEMATIC_BREAK.match(expanded):
        return 0
    depth = (len(expanded) - len(expanded.lstrip(" "))) // 4
    position = 0
    while (marker := NESTING_MARKER.match(expanded, position)) and marker.end() > position:
        depth += 1
        position = marker.end()
    return depth


def heading_count(text: str) -> int:
    """ATX headings (`## Title`) plus setext ones (a text line underlined with === or ---)."""
    setext, previous = 0, ""
    for _, line in body_lines(text):
        if SETEXT_UNDERLINE.match(line) and previous.strip() and not BLOCK_START.match(previous):
            setext += 1
        previous = line
    return len(headings(text)) + setext


EMPHASIS_RUN = re.compile(rf"[*_~=^]{{{MAX_EMPHASIS_RUN + 1},}}")
# `[^1]` (a footnote) and `*[HTML]: …` (an abbreviation) are not emphasis.
EMPHASIS_OPENER = re.compile(r"(?<![\w*_~=^\[])[*_~=^]+(?=[^\s*_~=^\[])|(?<![\w*_~=^\[])[*_~=^]+(?=\[(?!\^))")
ABBREVIATION = re.compile(r"^\*\[[^\]]+\]:")
EMPHASIS_CLOSER = re.compile(r"(?<=[^\s*_~=^])[*_~=^]+(?![\w*_~=^])")
HTML_BLOCK_TAGS = (
    "address|article|aside|blockquote|details|dialog|div|dl|fieldset|figcaption|figure|footer|"
    "form|header|hgroup|main|nav|ol|section|summary|table|ul"
)
HTML_BLOCK_TAG = re.compile(rf"<(/?)\s*(?:{HTML_BLOCK_TAGS})\b[^>]*?(/?)>", re.IGNORECASE)


def emphasis_problem(path: Path, text: str) -> Problem | None:
    """The first line with a run of emphasis markers over MAX_EMPHASIS_RUN, or where emphasis is opened
    inside emphasis more than MAX_EMPHASIS_NESTING times in one paragraph. An opener is a run of markers
    not preceded by a letter and followed by text, a closer the reverse (`snake_case` is neither)."""
    depth = 0
    for number, line in body_lines(text):
        if not line.strip():
            depth = 0  # a paragraph ends: emphasis does not cross it
            continue
        if THEMATIC_BREAK.match(line) or SETEXT_UNDERLINE.match(line) or ABBREVIATION.match(line):
            continue
        if run := EMPHASIS_RUN.search(line):
            return Problem(
                path,
                number,
                f"{len(run.group(0))} emphasis markers in a row ('{run.group(0)[:5]}...'); "
                f"at most {MAX_EMPHASIS_RUN} are allowed: write the text without them",
            )
        events = sorted(
            [(m.start(), 1) for m in EMPHASIS_OPENER.finditer(line)]
            + [(m.start(), -1) for m in EMPHASIS_CLOSER.finditer(line)]
        )
        for _, step in events:
            depth = max(depth + step, 0)
            if depth > MAX_EMPHASIS_NESTING:
                return Problem(
                    path,
                    number,
                    f"emphasis opened inside emphasis more than {MAX_EMPHASIS_NESTING} "
                    "times in one paragraph (`*`, `_`, `~`, `=`, `^`); "
                    "write the text with less emphasis",
                )
    return None


def html_nesting_problem(path: Path, text: str) -> Problem | None:
    """The first line where HTML block elements (`<div>`, `<details>`, …) open more than MAX_HTML_NESTING
    levels deep, counting opening and closing tags over the whole page."""
    depth = 0
    for number, line in body_lines(text):
        for tag in HTML_BLOCK_TAG.finditer(line):
            if tag.group(2):
                continue  # <div/>: opens nothing
            depth = max(depth - 1, 0) if tag.group(1) else depth + 1
            if depth > MAX_HTML_NESTING:
                return Problem(
                    path,
                    number,
                    f"HTML block elements (<div>, <details>, …) nested more than "
                    f"{MAX_HTML_NESTING} levels deep; flatten the markup or write "
                    "it in Markdown",
                )
    return None


def title_problem(path: Path, text: str) -> Problem | None:
    """The page title (its first `# ` heading, entities decoded) holds no '<' or '>': the theme prints it
    into <title> through Jinja's `striptags`, which decodes `&lt;` back into '<', so
    `# A &lt;/title&gt;&lt;meta http-equiv=refresh …&gt;` would write a working element into <head>."""
    title = next((h for h in headings(text) if h.level == 1), None)
    if title is None:
        return None
    decoded = html.unescape(title.text)
    for char in "<>":
        if char in decoded:
            return Problem(
                path,
                title.line,
                f"page title contains '{char}' (also written as an entity such "
                f"as &lt; or &gt;): the theme prints the title into the page's "
                "<head>, where it could become markup; write it in words",
            )
    return None


def page_limits(path: Path, text: str) -> list[Problem]:
    """Nesting depths, number of headings and the title of one Markdown file, measured before it is rendered."""
    problems = []
    for number, line in body_lines(text):
        depth = nesting_depth(line)
        if depth > MAX_NESTING:
            problems.append(
                Problem(
                    path,
                    number,
                    f"nested {depth} levels deep (lists, quotes, indented "
                    f"blocks); at most {MAX_NESTING} are allowed: flatten the "
                    "list or split it",
                )
            )
            break  # the lines below are usually just as deep
    problems += [
        p for p in (emphasis_problem(path, text), html_nesting_problem(path, text), title_problem(path, text)) if p
    ]
    count = heading_count(text)
    if count > MAX_HEADINGS:
        problems.append(
            Problem(
                path,
                1,
                f"has {count} headings, more than the {MAX_HEADINGS} allowed on one page; split it into several pages",
            )
        )
    return problems


def pages_rules(docs: Path, root: Path | None = None) -> list[Problem]:
    """The limits for every page and snippet, and the front matter schema for every page.

    Run only after tree() found nothing: it reads the files."""
    from scripts import frontmatter

    root = Path(root or docs.parent)
    problems: list[Problem] = []
    for lang in languages(docs):
        for page in pages(docs, lang):
            path = docs / lang / page
            text = path.read_text(encoding="utf-8")
            problems += frontmatter.check(path, text) + page_limits(path, text)
    includes = root / "includes"
    if includes.is_dir():
        for path in sorted(includes.rglob("*.md")):
            problems += page_limits(path, path.read_text(encoding="utf-8"))
    return problems


def pdf_size_problem(path: Path) -> str | None:
    """What is wrong when a finished PDF is larger than MAX_PDF_BYTES (scripts/pdf.py `job` stops on it)."""
    size = path.stat().st_size
    if size > MAX_PDF_BYTES:
        return (
            f"{path.name}: the PDF is {size / 1e6:,.1f} MB, more than the {MAX_PDF_BYTES / 1e6:,.0f} MB "
            "allowed; look for a large picture or SVG in its pages (or pages that repeat)"
        )
    return None
