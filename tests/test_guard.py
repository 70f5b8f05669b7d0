"""A hostile pull request cannot get files into the site (issue 14): links out of the source tree, text that
is not UTF-8, unknown or marked-up front matter and oversized or over-nested input each stop `check` and
the build with a message naming the file.

The fixture trees tests/fixtures/hostile-*/ hold the cases that are plain files (test_checks.py runs
them with their expected.txt). Links, stray bytes and large files are made here, at test time, in a copy
of tests/fixtures/good laid out like the repository (docs/, includes/, overrides/)."""

from __future__ import annotations

import inspect
import os
import re
import shutil
from pathlib import Path

import pytest
from helpers import ROOT, assert_same_lines, build_sandbox, make_sandbox

from scripts import checks, frontmatter, guard, pdf, sources

GOOD = Path(__file__).parent / "fixtures" / "good"
SECRET = "/etc/passwd"
SECRET_TEXT = "root:x:0:0"


@pytest.fixture
def repo(tmp_path) -> Path:
    """A tiny repository: the good fixture as docs/, a snippet in includes/, a template in overrides/."""
    root = tmp_path / "repo"
    shutil.copytree(GOOD, root / "docs", ignore=shutil.ignore_patterns("expected.txt"))
    (root / "includes").mkdir()
    (root / "includes" / "links.md").write_text("[cc-by-sa-de]: https://creativecommons.org/\n", encoding="utf-8")
    (root / "overrides" / "partials").mkdir(parents=True)
    (root / "overrides" / "main.html").write_text('{% extends "base.html" %}\n', encoding="utf-8")
    return root


def reported(root: Path) -> list[str]:
    """What `check` and the build report for the repository, with paths relative to it."""
    return [str(p).replace(f"{root}/", "") for p in checks.structure(root / "docs")]


def assert_reported(root: Path, wanted: str) -> None:
    """The repository's one finding is `wanted`, in full: the case's mistake is found, reported once, in
    these words, and the good tree around it adds nothing."""
    assert_same_lines(reported(root), [wanted])


def test_the_repository_copy_is_clean(repo):
    """The cases below fail because of what each one adds, not because of the copy."""
    assert reported(repo) == []


# --- links and paths out of the tree ---------------------------------------------------------------------

LINK_MESSAGE = (
    "is a symbolic link (to {target}); the build would publish whatever it points to, so links "
    "are not allowed in docs/, includes/ and overrides/: replace it with the real {what}"
)


@pytest.mark.parametrize(
    ("link", "target", "what"),
    [
        ("docs/assets/x.txt", SECRET, "file"),  # copied into site/ with the target's text
        ("docs/assets/system", "/etc", "folder"),  # a whole folder
        ("docs/de/notes.md", SECRET, "file"),  # a page
        ("includes/notes.md", SECRET, "file"),  # a snippet (pymdownx checks abspath only)
        ("includes/shared", "/etc", "folder"),
        ("overrides/partials/footer.html", SECRET, "file"),  # a template
        ("docs/assets/config", "../../.git/config", "file"),  # inside the repository, still refused
        ("docs/assets/gone.svg", "/nonexistent/gone.svg", "file"),  # dangling
    ],
)
def test_a_link_below_a_guarded_folder_is_refused(repo, link, target, what):
    (repo / link).symlink_to(target)
    # the link alone: nothing else was read, the other rules wait until the tree is safe
    assert_reported(repo, f"{link}: " + LINK_MESSAGE.format(target=target, what=what))


@pytest.mark.parametrize("name", ["docs", "includes", "overrides"])
def test_a_guarded_folder_that_is_itself_a_link_is_refused(tmp_path, repo, name):
    elsewhere = tmp_path / "elsewhere"
    shutil.move(repo / name, elsewhere)
    (repo / name).symlink_to(elsewhere)
    assert_reported(repo, f"{name}: " + LINK_MESSAGE.format(target=elsewhere, what="folder"))


def test_a_page_is_never_read_through_a_link(tmp_path, repo):
    """The link is reported alone: the page rules (which would find two titles here) never read it."""
    outside = tmp_path / "outside.md"
    outside.write_text("---\ndescription: x\n---\n\n# One\n\n# Two\n", encoding="utf-8")
    (repo / "docs" / "de" / "page.md").unlink()
    (repo / "docs" / "de" / "page.md").symlink_to(outside)
    assert reported(repo) == [f"docs/de/page.md: {LINK_MESSAGE.format(target=outside, what='file')}"]


def test_a_docs_folder_outside_the_repository_is_refused(tmp_path, repo):
    found = [str(p) for p in guard.tree(tmp_path / "repo" / "docs", root=tmp_path / "other")]
    assert any("outside the repository" in line and "keep docs/ inside the repository" in line for line in found), found


def test_a_pipe_in_docs_is_refused(repo):
    os.mkfifo(repo / "docs" / "assets" / "pipe.svg")  # reading it would hang the build
    assert_reported(repo, "docs/assets/pipe.svg: is not a plain file (a device, pipe or socket); remove it")


@pytest.mark.parametrize("name", ['x" onmouseover="alert(1).md', "<b>.md", "Übersicht.md", "new\nline.md"])
def test_a_name_that_could_carry_markup_is_refused(repo, name):
    """Names end up in addresses and in the edit link's href: only ASCII letters, digits, '.', '-', '_'."""
    (repo / "docs" / "de" / name).write_text("x", encoding="utf-8")
    shown = name if name.isprintable() else ascii(name)[1:-1]
    assert_reported(
        repo,
        f"docs/de/{shown}: has characters other than a-z, A-Z, 0-9, '.', '-' and '_' in its "
        "name; names become web addresses: rename it",
    )


# --- encoding ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("file", ["docs/de/page.md", "includes/links.md", "overrides/main.html"])
def test_bytes_that_are_not_utf8_name_line_and_column(repo, file):
    path = repo / file
    lines = path.read_bytes().split(b"\n")
    lines[1] = b"Gr\xfc\xdfe " + lines[1]  # "Grüße" saved as Latin-1, on line 2
    path.write_bytes(b"\n".join(lines))
    assert_reported(repo, f"{file}:2: is not UTF-8 (byte 0xfc at column 3); save the file as UTF-8")


def test_the_column_counts_characters_not_bytes(repo):
    path = repo / "docs" / "en" / "page.md"
    path.write_bytes(path.read_bytes().replace(b"---\n\n", "---\n\nÄöü ".encode() + b"\xe9\n", 1))
    assert_reported(repo, "docs/en/page.md:5: is not UTF-8 (byte 0xe9 at column 5); save the file as UTF-8")


def test_a_byte_order_mark_is_named_instead_of_a_missing_description(repo):
    path = repo / "docs" / "en" / "other.md"
    path.write_bytes(guard.UTF8_BOM + path.read_bytes())
    assert_reported(  # and nothing about a missing description
        repo,
        "docs/en/other.md:1: starts with a byte order mark (BOM, the bytes EF BB BF), so the build does not see "
        "the front matter; save the file as UTF-8 without BOM",
    )


# --- sizes ------------------------------------------------------------------------------------------------


def grow(path: Path, size: int) -> None:
    """Make the file `size` bytes long (sparse: only the size matters to the rule)."""
    with path.open("ab") as file:
        file.truncate(size)


@pytest.mark.parametrize(
    ("file", "size", "wanted"),
    [
        (
            "docs/de/other.md",
            250_000,
            "is 250 kB, more than the 200 kB allowed for a page; split it into several pages",
        ),
        (
            "includes/links.md",
            250_000,
            "is 250 kB, more than the 200 kB allowed for a page; split it into several pages",
        ),
        (
            "docs/assets/photo.jpg",
            2_500_000,
            "is 2,500 kB, more than the 2,000 kB allowed for a file; make it smaller "
            "(scale a picture down, compress it)",
        ),
        (
            "docs/assets/goal-de.svg",
            600_000,
            "is 600 kB, more than the 500 kB allowed for a SVG; simplify the drawing or export it with fewer points",
        ),
    ],
)
def test_a_file_over_its_size_limit_is_refused(repo, file, size, wanted):
    path = repo / file
    path.touch()
    grow(path, size)
    assert_reported(repo, f"{file}: {wanted}")


def test_the_size_limits_leave_room_for_what_the_handbook_holds():
    """Today's largest page, asset and SVG are well under their limits (the figures in scripts/guard.py)."""
    sizes = {
        kind: max((p.stat().st_size for p in paths), default=0)
        for kind, paths in {
            "page": [*(ROOT / "docs").rglob("*.md"), *(ROOT / "includes").rglob("*.md")],
            "svg": (ROOT / "docs").rglob("*.svg"),
            "asset": [p for p in (ROOT / "docs" / "assets").rglob("*") if p.is_file() and p.suffix != ".svg"],
        }.items()
    }
    assert sizes["page"] * 4 < guard.MAX_PAGE_BYTES
    assert sizes["svg"] * 4 < guard.MAX_SVG_BYTES
    assert sizes["asset"] * 4 < guard.MAX_ASSET_BYTES


def test_a_pdf_over_the_limit_stops_the_build(tmp_path):
    small, large = tmp_path / "small.pdf", tmp_path / "handbuch.pdf"
    small.write_bytes(b"%PDF-1.7\n")
    assert guard.pdf_size_problem(small) is None
    large.touch()
    grow(large, guard.MAX_PDF_BYTES + 1)
    assert re.match(r"handbuch\.pdf: the PDF is 30\.0 MB, more than the 30 MB allowed", guard.pdf_size_problem(large))


def test_every_pdf_is_measured_after_it_is_made():
    source = inspect.getsource(pdf.job)
    assert "guard.pdf_size_problem(" in source and "raise PdfError(problem)" in source
    assert source.index("render(") < source.index("guard.pdf_size_problem(")


# --- nesting and headings, measured on the Markdown ------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "depth"),
    [
        ("Text", 0),
        ("- item", 1),
        ("    - item", 2),
        ("> > - 1. text", 4),
        ("\t\t- item", 3),
        ("* * *", 0),
        ("        continued text", 2),
        ("1) first", 1),
        ("-not a list", 0),
    ],
)
def test_nesting_depth_of_a_line(line, depth):
    assert guard.nesting_depth(line) == depth


def test_a_list_too_deep_for_the_renderer_is_refused_before_rendering(repo):
    """300 levels made Python-Markdown fail with a RecursionError (thousands of lines of traceback); now
    one line names the file and the first line too deep."""
    path = repo / "docs" / "de" / "other.md"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n" + "\n".join("    " * i + "- x" for i in range(300)) + "\n",
        encoding="utf-8",
    )
    start = len(path.read_text(encoding="utf-8").splitlines()) - 300
    assert_reported(  # the first line too deep only
        repo,
        f"docs/de/other.md:{start + 9}: nested 9 levels deep (lists, quotes, indented blocks); at most 8 are "
        "allowed: flatten the list or split it",
    )


def test_setext_headings_count_towards_the_limit():
    text = "---\ndescription: x\n---\n\n# Title\n\nA\n===\n\nB\n---\n\n- item\n---\n\n| a |\n|---|\n"
    assert guard.heading_count(text) == 3


# --- front matter -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "wanted"),
    [
        ("pdf: false", None),
        ("translation_of: 0123abcd4567", None),
        ("translation_of: 123456789012", None),  # all digits: YAML reads a number
        ("description: 'Kinder & Jugend'", "description: contains '&'"),
        ('description: "a `b`"', "description: contains '`'"),
        ('description: "tab\\x01"', "description: contains '\\x01'"),
        ("description: 2026-11-01", "description: must be text (in quotes), not a date"),
        ("pdf: 1", "pdf: must be true or false, not a number"),
        ("search: {exclude: true}", "unknown front matter key 'search'"),
        ("hide: [navigation]", "unknown front matter key 'hide' (every page shows"),
    ],
)
def test_front_matter_schema(line, wanted):
    key = line.split(":")[0]
    body = "" if key == "description" else "description: Eine Seite.\n"
    problems = [str(p) for p in frontmatter.check(Path("page.md"), f"---\n{body}{line}\n---\n\n# T\n")]
    if wanted is None:
        assert problems == []
    else:
        assert len(problems) == 1 and wanted in problems[0], problems
        assert problems[0].startswith(f"page.md:{2 if key == 'description' else 3}: ")


def test_the_schema_knows_every_key_the_handbook_uses():
    assert guard.pages_rules(ROOT / "docs") == []
    assert guard.tree(ROOT / "docs") == []


# --- the build itself ------------------------------------------------------------------------------------


def test_the_build_refuses_a_linked_snippet_and_publishes_nothing(tmp_path):
    """`ln -s /etc/passwd includes/notes.md` plus a snippet line: the build stops in its first hook,
    before MkDocs reads a page, and the file's text is nowhere in the output."""
    box = make_sandbox(tmp_path)
    for harness_link in ("docs/assets", "includes", "overrides"):  # the sandbox's own links: make them real
        if (box / harness_link).is_symlink():
            (box / harness_link).unlink()
            shutil.copytree(ROOT / harness_link, box / harness_link, ignore=shutil.ignore_patterns("__pycache__"))
    (box / "includes" / "notes.md").symlink_to(SECRET)
    with (box / "includes" / "links.md").open("a", encoding="utf-8") as snippets:
        snippets.write('\n--8<-- "notes.md"\n')
    result = build_sandbox(box)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert f"includes/notes.md: is a symbolic link (to {SECRET})" in output, output
    assert "Traceback" not in output, output
    published = [p for p in (box / "site").rglob("*") if p.is_file()] if (box / "site").exists() else []
    assert not [p for p in published if SECRET_TEXT in p.read_text(encoding="utf-8", errors="replace")]


def test_what_the_templates_print_unescaped_is_refused_or_plain_text():
    """Material prints `page.meta.title`, `subtitle`, `description`, `revision_date` … without escaping:
    each such key is either refused by the schema or a type that cannot hold markup."""
    import material

    templates = [
        *Path(material.__file__).parent.joinpath("templates").rglob("*.html"),
        *(ROOT / "overrides").rglob("*.html"),
    ]
    printed = set()
    for template in templates:
        text = template.read_text(encoding="utf-8")
        for expression in re.findall(r"\{\{(.*?)\}\}", text, re.DOTALL):
            if not re.search(r"\|\s*(e|escape|urlencode|tojson|striptags)\b", expression):
                printed.update(re.findall(r"\bmeta\.(\w+)", expression))
        # `{% set updated = page.meta.revision_date %}` … `{{ updated }}`: count what a template sets as printed
        for expression in re.findall(r"\{%-?\s*set\s+\w+\s*=([^%]*)%\}", text):
            printed.update(re.findall(r"\bmeta\.(\w+)", expression))
    assert {"title", "subtitle", "description", "revision_date"} <= printed  # the scan finds what it looks for
    for key in printed:
        spec = frontmatter.SCHEMA.get(key)
        assert spec is None or spec.kind in ("text", "bool", "hash"), key


# --- file types under docs/ -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "evil.html",
        "evil.xhtml",
        "evil.htm",
        "evil.shtml",
        "evil.xml",
        "evil.svgz",
        "evil.php",
        "evil.swf",
        "evil.SVG",
        "notes.txt",
        "README",
    ],
)
def test_a_file_type_the_site_does_not_need_is_refused(repo, name):
    """MkDocs copies every file under docs/ into site/: `evil.html` with a script would run on the site's
    origin, and `evil.SVG` would escape the SVG rules (which look for `*.svg`)."""
    (repo / "docs" / "assets" / name).write_text("<script>alert(document.cookie)</script>", encoding="utf-8")
    kind = f"a {Path(name).suffix} file" if Path(name).suffix else "a file without a type"
    assert_reported(
        repo,
        f"docs/assets/{name}: is {kind}, which the site does not publish: only .md, "
        ".svg, .css, .js, .woff2, .png, .jpg, .jpeg, .webp files and files named "
        "LICENSE, LICENSE.txt, OFL.txt may lie under docs/ (the list is DOCS_FILE_TYPES "
        "in scripts/guard.py); remove it, or convert it to one of these types",
    )


def test_licence_files_and_the_listed_types_are_published(repo):
    for name in ("LICENSE", "LICENSE.txt", "OFL.txt", "a.css", "a.js", "a.woff2", "a.png", "a.jpg", "a.jpeg", "a.webp"):
        (repo / "docs" / "assets" / name).write_bytes(b"x")
    assert reported(repo) == []
    assert guard.file_types(ROOT / "docs") == []


# --- emphasis, HTML nesting and the page title ------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "wanted"),
    [
        ("*" * 3000 + "x" + "*" * 3000, "3: 3000 emphasis markers in a row ('*****...'); at most 12 are allowed"),
        ("_*" * 7 + "x" + "*_" * 7, "3: 14 emphasis markers in a row"),
        ("*a " * 1000 + "x" + " a*" * 1000, "3: emphasis opened inside emphasis more than 12 times in one paragraph"),
        ("*a\n" * 13 + "x", "15: emphasis opened inside emphasis more than 12 times"),  # a paragraph's 13th line
        (
            '<div markdown="1">\n' * 1500 + "x\n" + "</div>\n" * 1500,
            "23: HTML block elements (<div>, <details>, …) nested more than 20 levels deep",
        ),
        ("<details><summary>x</summary>" * 21, "3: HTML block elements"),
    ],
)
def test_emphasis_and_html_too_deep_for_the_renderer_are_refused_before_rendering(body, wanted):
    """The first three and the fifth made Python-Markdown fail with a RecursionError (thousands of lines
    of traceback); now one line names the file and the line."""
    problems = [str(p) for p in guard.page_limits(Path("page.md"), "# T { #t }\n\n" + body + "\n")]
    assert len(problems) == 1 and problems[0].startswith(f"page.md:{wanted}"), problems


@pytest.mark.parametrize(
    "body",
    [
        "a *b* c **d** ***e*** ~~f~~ ==g== ^^h^^ snake_case_name 2^10^ a == b, `*****************`",
        "*[HTML]: Hypertext\n" * 20,
        "Text[^1] " * 20 + "\n\n[^1]: Note",
        "* * * * * * * * * * * * * * * *",
        "Title\n" + "=" * 40,
        "<div>\n" * 20 + "</div>\n" * 20 + "<div>\n" * 20,
    ],
)
def test_ordinary_emphasis_and_html_pass(body):
    assert guard.page_limits(Path("page.md"), "# T { #t }\n\n" + body + "\n") == []


@pytest.mark.parametrize(
    ("title", "char"),
    [
        (
            'So nutzen Sie &lt;/title&gt;&lt;meta http-equiv="refresh" content="0;url=https://attacker.example/"&gt;',
            "<",
        ),
        ("Eins &#62; zwei", ">"),
        ("The `<details>` element", "<"),
        ("A &#x3C;b&#x3E;", "<"),
    ],
)
def test_a_page_title_with_angle_brackets_is_refused(title, char):
    """Material prints `{{ page.title | striptags }}` into <title>; striptags decodes `&lt;` to '<'."""
    problems = [str(p) for p in guard.page_limits(Path("page.md"), f"---\ndescription: x\n---\n\n# {title} {{ #t }}\n")]
    assert problems == [
        f"page.md:5: page title contains '{char}' (also written as an entity such as &lt; or "
        "&gt;): the theme prints the title into the page's <head>, where it could become markup; "
        "write it in words"
    ]


def test_a_title_with_ampersand_or_a_later_heading_with_brackets_passes():
    text = "# Kinder &amp; Jugend { #t }\n\nText.\n\n## a &lt; b { #s }\n\nText.\n"
    assert guard.page_limits(Path("page.md"), text) == []


def test_a_recursion_error_in_the_renderer_names_the_page(tmp_path, monkeypatch):
    """Whatever nesting the guard does not know still ends in one line naming the page, not a traceback:
    the hook wraps MkDocs' Page.render."""
    import importlib.util

    from mkdocs.exceptions import PluginError

    monkeypatch.syspath_prepend(str(ROOT / "overrides" / "hooks"))
    spec = importlib.util.spec_from_file_location("html_policy_hook", ROOT / "overrides" / "hooks" / "html_policy.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs" / "de").mkdir(parents=True)

    class Page:
        file = type("File", (), {"abs_src_path": str(tmp_path / "docs" / "de" / "deep.md")})()

        def render(self, config, files):
            def down(n):
                return down(n + 1)

            return down(0)

    page = hook.on_pre_page(Page(), config=None, files=None)
    with pytest.raises(
        PluginError,
        match=r"^docs/de/deep\.md: the page is nested too deeply for the Markdown "
        r"renderer .*; flatten it or split it into several pages$",
    ):
        page.render(None, None)


def test_the_build_refuses_a_hostile_title_deep_emphasis_and_an_html_file_without_a_traceback(tmp_path):
    """`mkdocs build --strict` passed a title that wrote a meta refresh into <head>, copied docs/assets/
    evil.html into site/, and printed a 2,000-line traceback for deep emphasis; now one list names all three."""
    box = make_sandbox(tmp_path)
    page = box / "docs" / "de" / "start" / "how-to-use.md"
    text = page.read_text(encoding="utf-8")
    title = next(h for h in sources.headings(text) if h.level == 1)
    lines = text.splitlines()
    hostile = '&lt;/title&gt;&lt;meta http-equiv="refresh" content="0;url=https://attacker.example/"&gt;'
    lines[title.line - 1] = lines[title.line - 1].replace("# ", f"# So nutzen Sie {hostile} ", 1)
    lines.append("\n" + "*" * 3000 + "x" + "*" * 3000)
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (box / "docs" / "assets" / "evil.html").write_text("<script>alert(document.cookie)</script>", encoding="utf-8")
    result = build_sandbox(box)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"docs/de/start/how-to-use.md:{title.line}: page title contains '<'" in output, output[-3000:]
    assert f"docs/de/start/how-to-use.md:{len(lines) + 1}: 3000 emphasis markers in a row" in output, output[-3000:]
    assert "docs/assets/evil.html: is a .html file, which the site does not publish" in output, output[-3000:]
    assert "Traceback" not in output and len(output.splitlines()) < 40, output[-3000:]
    assert not (box / "site" / "assets" / "evil.html").exists()
