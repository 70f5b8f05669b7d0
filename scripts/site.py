"""Build and preview the site. A failed build never replaces the last good site/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from scripts.environment import ROOT

SITE = ROOT / "site"


class BuildError(RuntimeError):
    pass


def mkdocs(*args: str, env: dict | None = None, quiet: bool = False,
           root: Path = ROOT) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "mkdocs", *args]
    return subprocess.run(cmd, cwd=root, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
                           capture_output=quiet, text=True)


def build_html(site_dir: Path, site_url: str | None = None, quiet: bool = False,
               root: Path = ROOT) -> None:
    """mkdocs build --strict of both languages into site_dir (which it creates)."""
    env = {"HANDBOOK_SITE_URL": site_url} if site_url else {}
    result = mkdocs("build", "--strict", "--site-dir", str(site_dir), env=env, quiet=quiet, root=root)
    if result.returncode != 0:
        detail = (result.stdout or "") + (result.stderr or "") if quiet else ""
        raise BuildError("mkdocs build --strict failed" + (f":\n{detail}" if detail else
                         " (see the messages above)"))


PLACEHOLDER = "[PLATZHALTER"
PLACEHOLDER_SECTION = ("extra", "operator")


def placeholders(config_file: Path) -> list[str]:
    """The keys in mkdocs.yml (under extra.operator) whose value is still a placeholder, as dotted paths."""
    from scripts.pdf import load_config
    found = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, [*path, str(key)])
        elif isinstance(value, list):
            for index, child in enumerate(value):
                walk(child, [*path, str(index)])
        elif isinstance(value, str) and value.strip().startswith(PLACEHOLDER):
            found.append(".".join(path))

    section = load_config(config_file)
    for key in PLACEHOLDER_SECTION:
        section = (section or {}).get(key) if isinstance(section, dict) else None
    walk(section or {}, list(PLACEHOLDER_SECTION))
    return found


def check_release(root: Path = ROOT) -> None:
    """A release (deploy, tag) publishes nothing while the operator's details are placeholders."""
    keys = placeholders(root / "mkdocs.yml")
    if keys:
        listed = "\n".join(f"  - {key}" for key in keys)
        raise BuildError(f"release build refused: {len(keys)} placeholder(s) in mkdocs.yml still start with "
                         f"{PLACEHOLDER!r}; put the real values there first (imprint and privacy pages and "
                         f"the PDFs show them):\n{listed}")


def _placeholders_in_pages(site_dir: Path) -> list[str]:
    return sorted(str(p.relative_to(site_dir)) for p in site_dir.rglob("*.html")
                  if 'class="hb-placeholder"' in p.read_text(encoding="utf-8"))


def build(site_dir: Path = SITE, *, pdf: bool = True, site_url: str | None = None,
          quiet: bool = False, root: Path = ROOT, release: bool = False) -> Path:
    """Build the complete site (and the PDFs) into a temporary directory, then swap it in.

    release=True (deploy and release workflows) refuses to build while mkdocs.yml holds placeholders,
    and refuses the result if a built page still shows one. Local and pull-request builds show them
    highlighted instead."""
    if release:
        check_release(root)
    site_dir = Path(site_dir).resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    try:
        build_html(staging, site_url=site_url, quiet=quiet, root=root)
        if release and (pages := _placeholders_in_pages(staging)):
            raise BuildError("release build refused: built pages still show placeholders: " + ", ".join(pages))
        if pdf:
            from scripts import pdf as pdf_module
            pdf_module.build_all(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = None
    if site_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=".site-old-", dir=site_dir.parent))
        os.replace(site_dir, old / "site")
    os.replace(staging, site_dir)
    if old:
        shutil.rmtree(old, ignore_errors=True)
    return site_dir


def serve_command(address: str = "127.0.0.1:8000") -> tuple[list[str], dict]:
    """The live preview's command line and environment (also used by `handbook.py bench`)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "HANDBOOK_SITE_URL": f"http://{address}/"}
    return [sys.executable, "-m", "mkdocs", "serve", "--strict", "--dev-addr", address, "--livereload"], env


def serve(address: str = "127.0.0.1:8000") -> int:
    """Live preview of both languages; rebuilds on every saved change."""
    url = f"http://{address}/"
    print(f"Live preview: {url} (German) and {url}en/ (English). Stop with Ctrl+C.", flush=True)
    # Become the MkDocs server (exec), so that stopping this process stops the server too.
    cmd, env = serve_command(address)
    os.chdir(ROOT)
    os.execve(cmd[0], cmd, env)
