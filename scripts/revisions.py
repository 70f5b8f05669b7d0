"""Did a change alter the site? Build two revisions of the repository (HTML of every language, no PDFs)
and compare them file by file, as the canary compares two generators (scripts/canary.py). For changes
that should not change what readers get, such as a restructuring of the code (issue 15):
`python3 scripts/handbook.py compare-builds BEFORE [AFTER]`, AFTER being the working tree unless named.

Each revision is checked out into a temporary git worktree and built with its own code (its `scripts/`
comes first on the import path) and the installed packages of this .venv.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

from scripts import builder, canary
from scripts.environment import ROOT


class RevisionError(RuntimeError):
    pass


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)


def resolve(revision: str) -> str:
    """The commit a revision names, or a message saying it names none."""
    found = _git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if found.returncode != 0:
        raise RevisionError(f"git knows no commit {revision!r} in {ROOT} (try a hash from `git log --oneline`)")
    return found.stdout.strip()


def build(revision: str | None, site: Path, scratch: Path) -> float:
    """Build one revision (None: the working tree) into site; returns the seconds it took."""
    source = ROOT
    if revision is not None:
        source = scratch / f"tree-{resolve(revision)[:12]}"
        added = _git("worktree", "add", "--detach", "--force", str(source), revision)
        if added.returncode != 0:
            raise RevisionError(f"cannot check out {revision}: {added.stderr.strip()}")
        (source / ".cache").symlink_to(ROOT / ".cache")  # the preview images, as the working tree has them
    started = time.perf_counter()
    try:
        result = subprocess.run(
            builder.generator_command("build", "--strict", "--quiet", "--site-dir", str(site)),
            cwd=source,
            env=builder.build_environment(PYTHONPATH=str(source)),
            capture_output=True,
            text=True,
        )
    finally:
        if revision is not None:
            _git("worktree", "remove", "--force", str(source))
    if result.returncode != 0:
        where = revision or "the working tree"
        raise RevisionError(f"the build of {where} failed:\n{(result.stdout + result.stderr).strip()}")
    return time.perf_counter() - started


def compare(before: str, after: str | None = None) -> tuple[canary.Comparison, str]:
    """Build both revisions and compare the sites; the report names every file that differs."""
    (ROOT / ".cache").mkdir(exist_ok=True)
    labels = (before, after or "working tree")
    with tempfile.TemporaryDirectory(prefix="compare-builds-") as tmp:
        scratch = Path(tmp)
        seconds = [build(rev, scratch / f"site-{n}", scratch) for n, rev in enumerate((before, after))]
        result = canary.compare(scratch / "site-0", scratch / "site-1")
    same = "The two builds are the same site." if result.drop_in else "The two builds differ: see the files below."
    lines = [
        f"### Site built at {labels[0]} and at {labels[1]}",
        "",
        same,
        "",
        f"Build time: {seconds[0]:.1f} s and {seconds[1]:.1f} s",
        "",
        *canary.table(result, labels[0], labels[1]),
    ]
    return result, "\n".join(lines) + "\n"
