"""Builds clean up after themselves, PDFs do not depend on the time zone, and bad input gets a message
that says what to do (issue 14, robustness). Most tests run in-process with MkDocs replaced by a tiny
fake site; two start real processes (a sandbox build killed in its PDF phase, a sandbox build that
the source checks stop)."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from helpers import ROOT, build_sandbox, make_sandbox

from scripts import builder, checks, handbook, pdf, sources, spelling, translations

# --- helpers ---------------------------------------------------------------------------------------


def children(pid: int) -> set[int]:
    """Live (not zombie) child processes of pid, read from /proc (psutil is not installed)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_for(predicate, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def sandbox(tmp_path: Path) -> Path:
    """make_sandbox with real copies where the build refuses symbolic links (docs/, includes/, overrides/)."""
    box = make_sandbox(tmp_path)
    for name in ("docs/assets", "includes", "overrides"):
        link = box / name
        if link.is_symlink():
            target = link.resolve()
            link.unlink()
            shutil.copytree(target, link, ignore=shutil.ignore_patterns("__pycache__"))
    return box


def fake_html(pages: dict[str, str]):
    """A build_html stand-in that writes the given pages (path -> HTML) into the staging folder."""

    def build_html(staging: Path, **_):
        for name, text in pages.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_text(text, encoding="utf-8")

    return build_html


PAGES = {
    "index.html": '<p><a href="pdf/handbuch.pdf">Handbuch als PDF</a></p>',
    "en/index.html": '<p><a href="pdf/handbook.pdf">Handbook as PDF</a></p>',
}


def blank_pdf(path: Path, pages: int) -> None:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        writer.write(out)


@pytest.fixture
def fake_build(monkeypatch):
    """builder.build over stand-in pages: the EPUB step (tested in test_epub.py on the real site) is recorded."""
    from scripts import epub

    monkeypatch.setattr(builder, "build_html", fake_html(PAGES))
    monkeypatch.setattr(epub, "build_all", lambda staging: EPUB_CALLS.append(Path(staging)) or [])
    monkeypatch.delenv(builder.SITE_URL_ENV, raising=False)
    EPUB_CALLS.clear()
    return EPUB_CALLS


EPUB_CALLS: list[Path] = []


# --- 1. PDF workers die with the build -------------------------------------------------------------

POOL_SCRIPT = textwrap.dedent("""
    import sys, time
    from scripts import builder, pdf
    with builder.sigterm_stops_the_build():
        try:
            pdf.run_jobs(time.sleep, [(60,), (60,)], 2)
        except builder.BuildInterrupted:
            print("interrupted", flush=True)
""")


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_pdf_workers_die_with_the_build(how):
    """kill -9 or SIGTERM of the process that runs the PDF pool leaves no worker behind."""
    proc = subprocess.Popen(
        [sys.executable, "-c", POOL_SCRIPT.format(root=str(ROOT))], stdout=subprocess.PIPE, text=True
    )
    try:
        assert wait_for(lambda: len(children(proc.pid)) == 2, 10), "the pool did not start 2 workers"
        workers = children(proc.pid)
        os.kill(proc.pid, how)
        out, _ = proc.communicate(timeout=10)
        assert wait_for(lambda: not any(alive(w) for w in workers), 5), f"workers left: {workers}"
        if how == signal.SIGTERM:
            assert "interrupted" in out and proc.returncode == 0
    finally:
        proc.kill()


def test_killed_sandbox_build_leaves_no_worker_and_the_next_build_removes_its_folder(tmp_path):
    """A real build (sandbox sources), killed with SIGKILL in its PDF phase: its WeasyPrint workers die
    with it, and the staging folder it leaves is removed by the next build's clean-up."""
    box = sandbox(tmp_path)
    out = tmp_path / "out" / "site"
    script = (
        "from pathlib import Path; "
        f"from scripts import builder; builder.build(Path({str(out)!r}), root=Path({str(box)!r}), quiet=True)"
    )
    env = {**os.environ, "HANDBOOK_SITE_URL": "http://127.0.0.1:8000/"}
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    try:
        for line in proc.stdout:
            if line.startswith("[pdf]"):
                break
        assert wait_for(lambda: len(children(proc.pid)) >= 2, 20), "no PDF workers started"
        workers = children(proc.pid)
        proc.kill()
        proc.wait(timeout=10)
        assert wait_for(lambda: not any(alive(w) for w in workers), 5), f"workers left: {workers}"
    finally:
        proc.kill()
    leftovers = list(out.parent.glob(".site-*"))
    assert [p.name.startswith(f".site-{proc.pid}-") for p in leftovers] == [True]
    assert builder.remove_leftovers(out) == leftovers
    assert not list(out.parent.glob(".site-*")) and not out.exists()


# --- 2. leftovers, one atomic swap, permissions ----------------------------------------------------


def test_next_build_removes_leftovers_but_not_a_running_builds_folder(tmp_path, fake_build):
    out = tmp_path / "site"
    dead = tmp_path / ".site-999999999-abcd"  # a killed build (no such process)
    legacy = tmp_path / ".site-old-xyz"  # named by an older version of the build
    running = tmp_path / ".site-999999998-efgh"  # its build holds the lock (other pid namespace)
    for folder in (dead, legacy, running):
        (folder / "assets").mkdir(parents=True)
    (dead / "assets").chmod(0o555)
    fd = os.open(running, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        builder.build(out, pdf=False, root=ROOT)
    finally:
        os.close(fd)
    assert not dead.exists() and not legacy.exists()
    assert running.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [running.name, "site"]


def test_exchange_swaps_two_folders_in_one_step(tmp_path):
    new, old = tmp_path / "new", tmp_path / "old"
    new.mkdir()
    old.mkdir()
    (new / "x").write_text("new")
    (old / "x").write_text("old")
    assert builder.exchange(new, old) is True, "renameat2(RENAME_EXCHANGE) should work on Linux"
    assert (old / "x").read_text() == "new" and (new / "x").read_text() == "old"


@pytest.mark.parametrize("atomic", [True, False])
def test_build_replaces_the_site_and_gives_normal_permissions(tmp_path, fake_build, monkeypatch, atomic):
    out = tmp_path / "site"
    (out / "stale").mkdir(parents=True)
    if not atomic:  # other systems: two renames
        monkeypatch.setattr(builder, "exchange", lambda a, b: False)
    previous = os.umask(0o077)
    try:
        builder.build(out, pdf=False, root=ROOT)
    finally:
        os.umask(previous)
    assert not (out / "stale").exists() and (out / "index.html").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]
    modes = {p.relative_to(out).as_posix(): p.stat().st_mode & 0o777 for p in [out, *out.rglob("*")]}
    assert modes["."] == 0o755 and modes["en"] == 0o755 and modes["index.html"] == 0o644, modes


# --- 3. build --no-pdf keeps the PDFs ---------------------------------------------------------------


def test_no_pdf_build_keeps_the_pdfs_and_states_their_size(tmp_path, fake_build, capsys):
    out = tmp_path / "site"
    blank_pdf(out / "pdf" / "handbuch.pdf", 3)
    blank_pdf(out / "en" / "pdf" / "handbook.pdf", 2)
    builder.build(out, pdf=False, root=ROOT)
    assert len(pypdf.PdfReader(out / "pdf" / "handbuch.pdf").pages) == 3
    assert "(PDF, 0,1 MB, 3 Seiten)" in (out / "index.html").read_text(encoding="utf-8")
    assert "(PDF, 0.1 MB, 2 pages)" in (out / "en" / "index.html").read_text(encoding="utf-8")
    said = capsys.readouterr().out
    assert "kept the 2 PDF(s) of the previous site" in said
    assert "no PDF at pdf/arbeitsblaetter.pdf, en/pdf/worksheets.pdf" in said
    assert len(fake_build) == 1, "the EPUBs are made on a --no-pdf build too (their links must not lead nowhere)"


def test_no_pdf_build_says_plainly_when_the_site_has_no_pdfs(tmp_path, fake_build, capsys):
    builder.build(tmp_path / "site", pdf=False, root=ROOT)
    said = capsys.readouterr().out
    assert "the site has no PDF at pdf/handbuch.pdf" in said and "kept" not in said


# --- 4. PDFs byte-identical across time zones and locales ------------------------------------------

RENDER_SCRIPT = textwrap.dedent("""
    import locale
    locale.setlocale(locale.LC_ALL, "")  # as a program that honours the locale would (Pango reads it too)
    print(locale.nl_langinfo(locale.MON_1))
    from pathlib import Path
    from scripts import pdf, project
    config = project.load().config
    strings = config["extra"]["strings"]["de"]
    ed = pdf.edition()
    document = (pdf._head("de", "Zeitzonen", "Test", config, ed) + "<body><h1>Zeitzonen</h1>"
                + pdf._edition_lines(strings, "de", ed) + "</body></html>")
    pdf.render(document, Path({target!r}), pdf.ROOT / "docs", "tz")
""")


def test_pdf_is_byte_identical_across_time_zones_and_locales(tmp_path):
    """The same PDF under UTC and UTC+14 (a date on which the two calendars show different months),
    with different locales: the same bytes."""
    # The German locale compiled into a folder of the test's own (Debian's `locales` package has its
    # sources; `make setup` installs it), so the second run really is German whatever the machine has.
    locales = tmp_path / "locales"
    locales.mkdir()
    compiled = subprocess.run(
        ["localedef", "-i", "de_DE", "-f", "UTF-8", str(locales / "de_DE.UTF-8")], capture_output=True, text=True
    )
    assert compiled.returncode in (0, 1) and (locales / "de_DE.UTF-8").is_dir(), compiled.stderr
    made = []
    for tz, locale, january in (("UTC", "C.UTF-8", "January"), ("Pacific/Kiritimati", "de_DE.UTF-8", "Januar")):
        target = tmp_path / f"{tz.replace('/', '-')}.pdf"
        env = {
            **os.environ,
            "TZ": tz,
            "LC_ALL": locale,
            "LANG": locale,
            "LOCPATH": str(locales),
            "SOURCE_DATE_EPOCH": "1769889600",
        }  # 2026-01-31 20:00 UTC = 1 February 10:00 in Kiritimati
        run = subprocess.run(
            [sys.executable, "-c", RENDER_SCRIPT.format(root=str(ROOT), target=str(target))],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        assert run.stdout.splitlines()[0] == january, f"locale {locale} not in effect: {run.stdout[:80]!r}"
        made.append(target.read_bytes())
    assert made[0] == made[1]
    assert "Januar 2026" in "".join(page.extract_text() for page in pypdf.PdfReader(tmp_path / "UTC.pdf").pages)


# --- 5. messages instead of tracebacks -------------------------------------------------------------


def test_read_only_folder_gets_a_message(tmp_path, fake_build, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".site-1-x"))

    monkeypatch.setattr(builder.tempfile, "mkdtemp", refuse)
    with pytest.raises(builder.BuildError, match=r"cannot write .*needs write permission there.*--site-dir"):
        builder.build(tmp_path / "site", pdf=False, root=ROOT)


def test_disk_full_during_pdfs_gets_a_message_and_keeps_the_old_site(tmp_path, fake_build, monkeypatch):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("old")

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x.pdf.tmp"))

    monkeypatch.setattr(pdf, "job", full)
    monkeypatch.setattr(pdf.os, "cpu_count", lambda: 1)  # in-process, so that the patched job runs
    with pytest.raises(pdf.PdfError, match=r"no space left on the device while writing .*x\.pdf\.tmp: free"):
        builder.build(out, pdf=True, root=ROOT)
    assert (out / "index.html").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_missing_hunspell_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(spelling.shutil, "which", lambda name: None)
    result = CliRunner().invoke(handbook.cli, ["check"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "make setup" in result.output and "apt-get install hunspell hunspell-de-de" in result.output


def test_port_taken_is_reported_before_any_build(monkeypatch):
    def must_not_start(*args):
        raise AssertionError("the preview started although the port is taken")

    monkeypatch.setattr(os, "execve", must_not_start)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(handbook.cli, ["serve", "--address", f"127.0.0.1:{port}"])
    assert result.exit_code == 1, result.output
    assert f"port {port} on 127.0.0.1 is already in use" in result.output
    assert f'make serve ARGS="--address 127.0.0.1:{port + 1}"' in result.output


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/handbuch",
        "ftp://example.org/",
        "https:///x/",
        'https://example.org/"></script><script>alert(1)</script>/',
        "https://example.org/a b/",
        "example.org/",
        "https://example.org/?q=1/",
        "https://example.org:http/",
    ],
)
def test_malformed_site_url_is_refused_before_building(url, monkeypatch, tmp_path):
    monkeypatch.setenv(builder.SITE_URL_ENV, url)
    monkeypatch.setattr(builder, "build_html", lambda *a, **k: pytest.fail("built with a malformed site URL"))
    with pytest.raises(builder.BuildError, match="HANDBOOK_SITE_URL=.* cannot be the site's address: it"):
        builder.build(tmp_path / "site", pdf=False, root=ROOT)


@pytest.mark.parametrize(
    "url", ["https://digitale-teilhabe.github.io/handbuch/", "http://127.0.0.1:8000/", "http://[::1]:8000/x/"]
)
def test_good_site_urls_pass(url):
    assert builder.site_url_problem(url) is None


def test_non_utf8_source_is_named_with_its_line(tmp_path):
    root = tmp_path / "repo"
    page = root / "docs" / "de" / "page.md"
    page.parent.mkdir(parents=True)
    page.write_bytes(b"---\ndescription: x\n---\n\n# Gr" + b"\xfc\xdfe { #hi }\n")
    with pytest.raises(builder.BuildError, match=r"docs/de/page\.md:5: is not UTF-8 \(byte 0xfc at column 5\)"):
        builder.check_encoding(root)
    for problems in (checks.structure(root / "docs"), spelling.check(root / "docs")):  # no crash
        assert all(isinstance(p, sources.Problem) for p in problems)


# --- 6. check and build agree; check PATHS; mark-translated stays inside docs/ -------------------


def test_build_rejects_what_check_rejects_with_the_same_message(tmp_path, monkeypatch):
    """Link to the other language, page not in nav, zero-width space in an id, duplicate ids: the
    sandbox build stops in its source checks and prints each of check's messages."""
    box = sandbox(tmp_path)
    for lang, link in (("de", "../en/index.md"), ("en", "../de/index.md")):
        (box / "docs" / lang / "extra.md").write_text(
            f"---\ndescription: Extra.\n---\n\n# Extra {{ #extra }}\n\n[Index]({link})\n\n"
            "## Eins { #one }\n\nText.\n\n## Zwei { #one }\n\nText.\n\n## Drei { #th\u200bree }\n\nText.\n",
            encoding="utf-8",
        )
    monkeypatch.chdir(box)
    expected = [str(p) for p in checks.structure(box / "docs")]
    for part in (
        "leads to the English page en/index.md",
        "extra.md is not in the navigation",
        "U+200B ZERO WIDTH SPACE",
        "heading id '#one' is already used at line 9",
    ):
        assert any(part in line for line in expected), (part, expected)
    built = build_sandbox(box)
    assert built.returncode != 0
    output = built.stdout + built.stderr
    missing = [line for line in expected if line not in output]
    assert missing == [], output[-3000:]


def test_check_paths_reports_only_those_pages_and_their_twins(monkeypatch):
    docs = ROOT / "docs"
    page, other = sources.pages(docs, "de")[:2]
    fake = [
        sources.Problem(docs / "de" / page, 1, "one"),
        sources.Problem(docs / "en" / page, 2, "twin"),
        sources.Problem(docs / "de" / other, 3, "elsewhere"),
    ]
    monkeypatch.setattr(checks, "run_all", lambda d: fake)
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(handbook.cli, ["check", f"docs/de/{page}"])
    assert result.exit_code == 1
    assert "one" in result.output and "twin" in result.output and "elsewhere" not in result.output
    result = CliRunner().invoke(handbook.cli, ["check", "README.md"])
    assert result.exit_code == 1 and "README.md: outside docs/" in result.output


def test_mark_translated_refuses_paths_outside_docs(tmp_path):
    escape = ROOT / "x.md"
    result = CliRunner().invoke(handbook.cli, ["mark-translated", "../../x.md"])
    assert result.exit_code == 1 and "not a page inside docs/de/" in result.output
    assert not escape.exists()
    with pytest.raises(ValueError, match="not a page inside"):
        translations.mark(ROOT / "docs", "../../../etc/passwd")
