"""The built site is valid HTML: the Nu HTML Checker (vnu.jar, from npm: package.json) reports no error on
any page. One Java process checks the whole site. Warnings are not failures."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest
from helpers import ROOT

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_errors(folder: Path) -> list[str]:
    """Every error the checker finds in the HTML files under folder, as 'file:line:column: message'."""
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "Java is missing; the Nu HTML Checker needs it. Run `make setup` (installs Debian's "
            "default-jre-headless) or: sudo apt-get install default-jre-headless"
        )
    if not VNU_JAR.is_file():
        pytest.fail(
            f"{VNU_JAR.relative_to(ROOT)} is missing. Run `make setup` (npm ci installs vnu-jar "
            "from package-lock.json) or: npm ci --ignore-scripts"
        )
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout", "--skip-non-html", str(folder)],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"vnu.jar gave no JSON report (exit {result.returncode}):\n{result.stdout}{result.stderr}")
    return [
        f"{_relative(m.get('url', ''), folder)}:{m.get('lastLine', '?')}:{m.get('firstColumn', '?')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]


def _relative(url: str, folder: Path) -> str:
    """vnu names files as file:/abs/path; the report names them relative to the site."""
    path = Path(unquote(url.removeprefix("file:")))
    return path.relative_to(folder.resolve()).as_posix() if path.is_relative_to(folder.resolve()) else url


def test_built_site_has_no_html_errors(site):
    errors = vnu_errors(site)
    assert not errors, f"{len(errors)} HTML error(s) in the built site:\n" + "\n".join(errors[:60])


def test_checker_reports_errors(tmp_path):
    """The check can fail: the two errors the theme's markup had before overrides/hooks/csp.py."""
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text(
        '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>x</title></head><body>'
        '<input type="checkbox" id="__drawer" autocomplete="off"><label for="__toc">Inhalt</label>'
        "</body></html>",
        encoding="utf-8",
    )
    errors = vnu_errors(tmp_path)
    assert len(errors) == 2, errors
    assert errors[0].startswith("page/index.html:1:") and "autocomplete" in errors[0], errors
    assert "label" in errors[1], errors
