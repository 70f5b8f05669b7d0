"""Set-up of a contributor's machine: virtual environment, Python packages, system packages, browser.

Standard library only: this module runs before the virtual environment exists.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository (scripts/project.py re-exports it)
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements.txt"
PYPROJECT = ROOT / "pyproject.toml"
STAMP = VENV / ".requirements.sha256"

# Debian package -> why it is needed. Installed with apt-get when missing and running as root.
APT_PACKAGES = {
    "build": {
        "git": "page dates and PDF edition from the history",
        "libpango-1.0-0": "WeasyPrint lays out the PDF with Pango",
        "libpangoft2-1.0-0": "WeasyPrint font handling",
        "fonts-dejavu-core": "fallback glyphs in the PDF",
    },
    "test": {
        "hunspell": "spell checking",
        "hunspell-de-de": "German dictionary",
        "hunspell-en-gb": "English (British) dictionary",
        "poppler-utils": "pdffonts and pdftotext for the PDF tests",
        "libatomic1": "Playwright's bundled Node.js driver",
        "epubcheck": "checks the EPUB editions",
        "locales": "locale sources, so a test can build the PDFs under a German locale",
        "default-jre-headless": "Java for the Nu HTML Checker (vnu.jar from npm, tests/test_vnu.py)",
    },
}
# Commands that may come from elsewhere than Debian (GitHub runners, nvm): installed from Debian
# only when the command is missing.
APT_FOR_COMMAND = {"node": ["nodejs"], "npm": ["npm"]}
# The browser is found, not assumed: GitHub runners have Google Chrome, Debian has chromium.
BROWSER_ENV = "HANDBOOK_BROWSER"
BROWSER_NAMES = ("chromium", "google-chrome", "google-chrome-stable", "chromium-browser")
BROWSER_APT = "chromium"


class SetupError(RuntimeError):
    """Something a person has to do; the message says what."""


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _wanted() -> str:
    return _sha256(REQUIREMENTS) + " " + _sha256(PYPROJECT)


def up_to_date() -> bool:
    """.venv holds what requirements.txt and pyproject.toml ask for (as installed by ensure_venv)."""
    return STAMP.exists() and STAMP.read_text().strip() == _wanted()


def ensure_venv() -> Path:
    """Create .venv and install requirements.txt (with hashes) when it changed. Returns its python."""
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"[setup] creating the virtual environment in {VENV.relative_to(ROOT)}/", flush=True)
        try:
            venv.create(VENV, with_pip=True, clear=True)
        except (subprocess.CalledProcessError, OSError) as err:
            shutil.rmtree(VENV, ignore_errors=True)
            raise SetupError(
                f"could not create {VENV}: {err}\n"
                "On Debian or Ubuntu install the venv module first: apt-get install python3-venv"
            ) from err
    wanted = _wanted()
    if not up_to_date():
        print("[setup] installing Python packages from requirements.txt (hash-checked)", flush=True)
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        if subprocess.run([*pip, "--require-hashes", "-r", str(REQUIREMENTS)], cwd=ROOT).returncode != 0:
            raise SetupError("pip could not install requirements.txt (see the messages above)")
        # The project's own tooling (pyproject.toml), editable: `import scripts.…` then works in the build
        # hooks, the tests and the command line without sys.path edits. No build isolation: the pinned
        # setuptools from requirements.txt builds it, nothing is fetched.
        print("[setup] installing the handbook's tooling (pyproject.toml) editable", flush=True)
        if subprocess.run([*pip, "--no-deps", "--no-build-isolation", "-e", str(ROOT)], cwd=ROOT).returncode:
            raise SetupError("pip could not install the tooling from pyproject.toml (see the messages above)")
        STAMP.write_text(wanted + "\n")
    return python


def find_browser() -> str | None:
    """$HANDBOOK_BROWSER, then chromium, then google-chrome on the PATH."""
    env = os.environ.get(BROWSER_ENV)
    if env:
        if Path(env).is_file() and os.access(env, os.X_OK):
            return env
        raise SetupError(f"${BROWSER_ENV} is set to {env!r}, which is not an executable file")
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _missing_apt(packages) -> list[str]:
    if not shutil.which("dpkg-query"):
        return []  # not a Debian-like system: the checks that need a tool say so themselves
    missing = []
    for pkg in packages:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True)
        if "install ok installed" not in out.stdout:
            missing.append(pkg)
    return missing


def _apt_install(packages: list[str]) -> None:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SetupError(
            "these system packages are missing: " + " ".join(packages) + "\n"
            "Install them, then run the command again:\n"
            "    sudo apt-get update && sudo apt-get install -y --no-install-recommends " + " ".join(packages)
        )
    print("[setup] apt-get install " + " ".join(packages), flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
    ):
        if subprocess.run(cmd, env=env).returncode != 0:
            raise SetupError(f"{' '.join(cmd)} failed (see the messages above)")


def ensure_system(profile: str) -> None:
    """Install what `profile` ("build" or "test") needs from Debian, when it is missing."""
    wanted = dict(APT_PACKAGES["build"])
    if profile == "test":
        wanted.update(APT_PACKAGES["test"])
    missing = _missing_apt(wanted)
    if profile == "test":
        if find_browser() is None:
            missing.append(BROWSER_APT)
        for command, packages in APT_FOR_COMMAND.items():
            if not shutil.which(command):
                missing += [p for p in packages if p not in missing]
    if missing:
        _apt_install(missing)
    if profile == "test":
        ensure_node_modules()


def ensure_node_modules(directory: Path = ROOT) -> Path:
    """npm ci from directory/package-lock.json (integrity-checked) when it changed.

    The tests' helpers live in the repository root; Lighthouse, which only `make bench` needs, in bench/.
    """
    lock = directory / "package-lock.json"
    stamp = directory / "node_modules" / ".package-lock.sha256"
    if not lock.exists():
        return directory / "node_modules"
    wanted = _sha256(lock)
    if stamp.exists() and stamp.read_text().strip() == wanted:
        return directory / "node_modules"
    npm = shutil.which("npm")
    if not npm:
        raise SetupError("npm is missing: apt-get install nodejs npm")
    where = directory.relative_to(ROOT).as_posix() + "/" if directory != ROOT else ""
    print(f"[setup] npm ci in ./{where} (pinned, integrity-checked helpers from package-lock.json)", flush=True)
    cmd = [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"]
    if subprocess.run(cmd, cwd=directory).returncode != 0:
        raise SetupError(f"npm ci in ./{where} failed (see the messages above)")
    stamp.write_text(wanted + "\n")
    return directory / "node_modules"


def main(argv: list[str]) -> int:
    """`python3 scripts/environment.py apt build|test`: only the Debian packages (for CI runners, as root)."""
    if len(argv) != 2 or argv[0] != "apt" or argv[1] not in APT_PACKAGES:
        print("usage: python3 scripts/environment.py apt build|test", file=sys.stderr)
        return 2
    wanted = dict(APT_PACKAGES["build"], **(APT_PACKAGES["test"] if argv[1] == "test" else {}))
    missing = _missing_apt(wanted)
    try:
        if missing:
            _apt_install(missing)
    except SetupError as err:
        print(f"setup: {err}", file=sys.stderr)
        return 1
    print("system packages: " + ("installed " + " ".join(missing) if missing else "all present"))
    return 0


def reexec_in_venv(script: Path, argv: list[str]) -> None:
    """Make sure .venv is ready, then run `script argv` with its python (does not return)."""
    try:
        python = ensure_venv()
    except SetupError as err:
        sys.exit(f"setup: {err}")
    os.execv(str(python), [str(python), str(script), *argv])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
