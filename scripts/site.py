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


def build(site_dir: Path = SITE, *, pdf: bool = True, site_url: str | None = None,
          quiet: bool = False, root: Path = ROOT) -> Path:
    """Build the complete site (and the PDFs) into a temporary directory, then swap it in."""
    site_dir = Path(site_dir).resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    try:
        build_html(staging, site_url=site_url, quiet=quiet, root=root)
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
