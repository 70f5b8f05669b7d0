"""The canary (issue 15, decisions/0004): the generator is chosen in one place (scripts/builder.py), and
`handbook.py canary` builds the handbook with MkDocs and with ProperDocs and tells whether the successor is
still a drop-in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

from scripts import builder, canary

PAGE = '<html><head><meta name="generator" content="{}"><title>T</title></head><body>{}</body></html>'


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_generator_is_mkdocs_unless_the_environment_names_the_successor(monkeypatch):
    monkeypatch.delenv(builder.GENERATOR_VARIABLE, raising=False)
    assert builder.generator_command("build", "--strict") == [sys.executable, "-m", "mkdocs", "build", "--strict"]
    monkeypatch.setenv(builder.GENERATOR_VARIABLE, "properdocs")
    assert builder.generator_command("serve", "--strict") == [
        sys.executable,
        "-m",
        "properdocs",
        "serve",
        "-f",
        "mkdocs.yml",
        "--strict",
    ]
    monkeypatch.setenv(builder.GENERATOR_VARIABLE, "zensical")
    with pytest.raises(builder.BuildError, match=r"HANDBOOK_GENERATOR='zensical' .*\(mkdocs, properdocs\)"):
        builder.generator_command("build")


def test_an_unknown_generator_stops_the_build_with_a_message(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "handbook.py"), "build", "--no-pdf", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        env={**builder.build_environment(), builder.GENERATOR_VARIABLE: "hugo"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "HANDBOOK_GENERATOR='hugo' is not a generator this project knows (mkdocs, properdocs)" in result.stderr
    assert "Traceback" not in result.stderr


def test_compare_tells_the_generator_tag_from_real_differences(tmp_path):
    current = write(
        tmp_path / "a",
        {
            "same.css": "body{}",
            "index.html": PAGE.format("mkdocs-1.6.1", "Hallo"),
            "en/index.html": PAGE.format("mkdocs-1.6.1", "Hello"),
            "gone.html": "x",
        },
    )
    successor = write(
        tmp_path / "b",
        {
            "same.css": "body{}",
            "index.html": PAGE.format("mkdocs-ProperDocs 1.6.7", "Hallo"),
            "en/index.html": PAGE.format("mkdocs-ProperDocs 1.6.7", "Hello!"),
            "new.js": "y",
        },
    )
    result = canary.compare(current, successor)
    assert result.identical == ["same.css"]
    assert result.generator_tag_only == ["index.html"]
    assert result.differing == ["en/index.html"]
    assert (result.only_current, result.only_successor) == (["gone.html"], ["new.js"])
    assert not result.drop_in
    text = canary.report(result, {"mkdocs": 1.0, "properdocs": 1.2})
    assert "builds a different site" in text
    assert "- `en/index.html`" in text and "- `gone.html`" in text and "- `new.js`" in text
    assert '| differing only in `<meta name="generator">` | 1 |' in text


def test_a_site_differing_only_in_the_generator_tag_is_a_drop_in(tmp_path):
    current = write(tmp_path / "a", {"index.html": PAGE.format("mkdocs-1.6.1", "x")})
    successor = write(tmp_path / "b", {"index.html": PAGE.format("mkdocs-ProperDocs 1.6.7", "x")})
    result = canary.compare(current, successor)
    assert result.drop_in
    assert "still a drop-in" in canary.report(result, {"mkdocs": 1.0, "properdocs": 1.0})


def test_the_handbook_builds_the_same_with_properdocs(tmp_path):
    """The real canary on this handbook (two HTML builds, about 8 s): decisions/0004's finding holds."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "handbook.py"), "canary", "--keep", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "still a drop-in" in result.stdout
    pages = sorted(p.relative_to(tmp_path / "properdocs").as_posix() for p in (tmp_path / "properdocs").rglob("*.html"))
    assert "index.html" in pages and "en/index.html" in pages
    page = (tmp_path / "properdocs" / "index.html").read_text(encoding="utf-8")
    assert 'content="mkdocs-ProperDocs' in page, "the successor really built this copy"


def test_compare_builds_names_a_revision_git_does_not_know():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "handbook.py"), "compare-builds", "no-such-revision"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "git knows no commit 'no-such-revision'" in result.stderr
    assert "Traceback" not in result.stderr


def test_compare_builds_checks_out_revisions_and_finds_a_build_repeatable():
    """`handbook.py compare-builds A B` checks each revision out into a temporary worktree, builds it with
    its own code and compares the sites. The last commit built twice is the same site, byte for byte."""
    from scripts import revisions

    result, text = revisions.compare("HEAD", "HEAD")
    assert result.drop_in and not result.generator_tag_only, text
    assert len(result.identical) > 100 and "index.html" in result.identical and "en/index.html" in result.identical
    assert f"| byte-identical | {len(result.identical)} |" in text
    worktrees = subprocess.run(["git", "worktree", "list"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "compare-builds-" not in worktrees, "the temporary worktrees are removed again"
