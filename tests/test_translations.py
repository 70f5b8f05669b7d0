"""Translation drift on a small fixture repository made with git: current, outdated, updated again,
also in a shallow clone; and the notice English readers see on an outdated page."""

from __future__ import annotations

import subprocess

import pytest
from bs4 import BeautifulSoup
from helpers import build_sandbox, make_sandbox

from scripts import translations

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]


def git(repo, *args):
    return subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    for lang, text in (
        ("de", "# Ziele { #goals }\n\nErste Fassung.\n"),
        ("en", "# Goals { #goals }\n\nFirst version.\n"),
    ):
        (root / "docs" / lang).mkdir(parents=True)
        (root / "docs" / lang / "goals.md").write_text(text, encoding="utf-8")
    git(root, "init", "-q")
    translations.mark(root / "docs", "goals.md")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Erste Fassung in beiden Sprachen")
    return root


def test_a_fresh_translation_is_current(repo):
    [entry] = translations.status(repo / "docs", repo)
    assert entry.state == "current"
    assert "1 of 1 English pages are up to date" in translations.report([entry])


def test_a_german_change_makes_the_english_page_outdated_with_date_and_commits(repo):
    page = repo / "docs" / "de" / "goals.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nNeuer Absatz.\n", encoding="utf-8")
    git(repo, "commit", "-qam", "Neuer Absatz im Original")
    page.write_text(page.read_text(encoding="utf-8") + "\nNoch einer.\n", encoding="utf-8")
    git(repo, "commit", "-qam", "Noch ein Absatz")
    [entry] = translations.status(repo / "docs", repo)
    assert entry.state == "outdated" and entry.history
    assert entry.changed == git(repo, "log", "-1", "--format=%cs").strip()
    assert [c.split(" ", 1)[1] for c in entry.commits] == ["Noch ein Absatz", "Neuer Absatz im Original"]
    text = translations.report([entry])
    assert f"docs/en/goals.md: outdated, the German original changed on {entry.changed}" in text
    assert "Neuer Absatz im Original" in text


def test_marking_the_translation_makes_it_current_again(repo):
    page = repo / "docs" / "de" / "goals.md"
    page.write_text("# Ziele { #goals }\n\nZweite Fassung.\n", encoding="utf-8")
    git(repo, "commit", "-qam", "Zweite Fassung")
    assert translations.status(repo / "docs", repo)[0].state == "outdated"
    translations.mark(repo / "docs", "goals.md")
    assert translations.status(repo / "docs", repo)[0].state == "current"
    assert "translation_of:" in (repo / "docs" / "en" / "goals.md").read_text(encoding="utf-8")


def test_a_shallow_clone_still_knows_a_page_is_outdated(repo, tmp_path):
    page = repo / "docs" / "de" / "goals.md"
    page.write_text("# Ziele { #goals }\n\nZweite Fassung.\n", encoding="utf-8")
    git(repo, "commit", "-qam", "Zweite Fassung")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)], check=True)
    [entry] = translations.status(shallow / "docs", shallow)
    assert entry.state == "outdated" and not entry.history
    assert "not in this clone's history" in translations.report([entry])


def test_untracked_translation_is_reported(tmp_path):
    for lang in ("de", "en"):
        (tmp_path / "docs" / lang).mkdir(parents=True)
        (tmp_path / "docs" / lang / "a.md").write_text("# A { #a }\n", encoding="utf-8")
    [entry] = translations.status(tmp_path / "docs", tmp_path)
    assert entry.state == "untracked"
    assert "mark-translated a.md" in translations.report([entry])


def test_every_english_page_of_the_handbook_is_tracked():
    from helpers import DOCS, ROOT

    states = {e.page: e.state for e in translations.status(DOCS, ROOT)}
    assert "untracked" not in states.values(), [p for p, s in states.items() if s == "untracked"]


@pytest.mark.slow
def test_outdated_english_page_shows_readers_a_notice(tmp_path, site):
    box = make_sandbox(tmp_path)
    german = box / "docs" / "de" / "lessons" / "effort.md"
    german.write_text(german.read_text(encoding="utf-8") + "\nEin neuer Satz im Original.\n", encoding="utf-8")
    result = build_sandbox(box)
    assert result.returncode == 0, result.stdout + result.stderr
    soup = BeautifulSoup(
        (box / "site" / "en" / "lessons" / "effort" / "index.html").read_text(encoding="utf-8"), "lxml"
    )
    notice = soup.select_one("article .admonition.warning")
    assert notice is not None and "may be out of date" in notice.get_text()
    link = notice.select_one('a[hreflang="de"]')
    assert link["href"] == "../../../lessons/effort/"
    status = (box / "site" / "en" / "contributing" / "translation-status" / "index.html").read_text(encoding="utf-8")
    assert "out of date" in status
    # the real handbook, where every translation is current, shows no notice
    current = BeautifulSoup((site / "en" / "lessons" / "effort" / "index.html").read_text(encoding="utf-8"), "lxml")
    assert "may be out of date" not in current.get_text()
