"""What git knows about changes to the pages: which pages a change touches (for the pull request's
job summary) and when each file last changed (for the page dates)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from scripts.sources import languages


class ChangesError(RuntimeError):
    pass


def changed_pages(root: Path, base: str) -> list[str]:
    """Relative page paths (as in docs/<lang>/) changed between `base` and HEAD, in either language."""
    diff = subprocess.run(
        ["git", "diff", "--name-only", f"{base}...HEAD", "--", "docs/"], cwd=root, capture_output=True, text=True
    )
    if diff.returncode != 0:
        raise ChangesError(f"git diff against {base} failed: {diff.stderr.strip()}")
    pages = set()
    locales = languages(Path(root) / "docs")
    for name in diff.stdout.split():
        parts = name.split("/", 2)
        if len(parts) == 3 and parts[1] in locales and name.endswith(".md"):
            pages.add(parts[2])
    return sorted(pages)


def summary(pages: list[str], root: Path) -> str:
    lines = [f"### Pages changed ({len(pages)})", ""]
    if not pages:
        lines.append("No handbook page changed.")
    for page in pages:
        marks = [
            f"`docs/{lang}/{page}`" + ("" if (root / "docs" / lang / page).exists() else " (missing)")
            for lang in languages(Path(root) / "docs")
        ]
        lines.append("- " + " / ".join(marks))
    return "\n".join(lines)


def last_changes(docs: Path) -> dict[Path, int]:
    """{absolute file path: unix time of the newest commit that changed it} for everything under docs,
    from one `git log` (the page dates of the build); empty outside a git repository."""
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=docs, capture_output=True, text=True)
    result = subprocess.run(
        ["git", "log", "--format=%x00%ct", "--name-only", "--", "."], cwd=docs, capture_output=True, text=True
    )
    if top.returncode != 0 or result.returncode != 0:
        return {}
    root = Path(top.stdout.strip())
    dates: dict[Path, int] = {}
    for chunk in result.stdout.split("\0")[1:]:
        stamp, _, names = chunk.partition("\n")
        for name in names.split("\n"):
            if name.strip():
                dates.setdefault((root / name.strip()).resolve(), int(stamp))
    return dates


def commit_on_branch(commit: str, branch: str = "origin/main", root: Path | None = None) -> bool:
    """Whether `branch` contains `commit` (the release workflow releases only tags on main)."""
    result = subprocess.run(
        ["git", "merge-base", "--is-ancestor", commit, branch], cwd=root, capture_output=True, text=True
    )
    if result.returncode not in (0, 1):
        raise ChangesError(
            f"git cannot compare {commit} with {branch}: {result.stderr.strip()} "
            "(check out with fetch-depth: 0 so the history of main is there)"
        )
    return result.returncode == 0
