"""The canary (issue 15, decisions/0004-leaving-material.md): build the handbook with the successor the
decision record keeps ready (ProperDocs) beside today's generator (MkDocs), compare the two sites file
by file, and report. The only difference expected is each page's `<meta name="generator">`; anything
else is a sign the successor is no longer a drop-in, and the record's trigger list says what to do.

The scheduled, non-blocking CI job (.github/workflows/canary.yml) runs this, then the whole test suite
with HANDBOOK_GENERATOR=properdocs, and puts the report in the job summary.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from scripts import builder
from scripts.environment import ROOT

CURRENT = "mkdocs"
SUCCESSOR = "properdocs"
REQUIREMENTS = ROOT / "requirements-canary.txt"
GENERATOR_TAG = re.compile(rb'<meta name="generator" content="[^"]*">')


class CanaryError(RuntimeError):
    pass


@dataclass
class Comparison:
    """Two builds of the same sources, file by file (paths relative to the site folder)."""

    identical: list[str] = field(default_factory=list)
    generator_tag_only: list[str] = field(default_factory=list)
    differing: list[str] = field(default_factory=list)
    only_current: list[str] = field(default_factory=list)
    only_successor: list[str] = field(default_factory=list)

    @property
    def drop_in(self) -> bool:
        """The successor builds the same site: no file differs except in its generator tag."""
        return not (self.differing or self.only_current or self.only_successor)


def ensure_successor(python: str = sys.executable) -> None:
    """Install ProperDocs from requirements-canary.txt (hash-checked, no other package) when it is
    missing, then let pip confirm that requirements.txt already holds everything it needs."""
    pip = [python, "-m", "pip", "--disable-pip-version-check"]
    if importlib.util.find_spec(SUCCESSOR) is None:
        print(f"[canary] installing {SUCCESSOR} from {REQUIREMENTS.name} (hash-checked)", flush=True)
        install = [*pip, "install", "--quiet", "--require-hashes", "--no-deps", "-r", str(REQUIREMENTS)]
        if subprocess.run(install, cwd=ROOT).returncode != 0:
            raise CanaryError(f"pip could not install {REQUIREMENTS.name} (see the messages above)")
    check = subprocess.run([*pip, "check"], cwd=ROOT, capture_output=True, text=True)
    if check.returncode != 0:
        raise CanaryError(
            f"{SUCCESSOR} needs packages requirements.txt does not pin as it wants:\n{check.stdout.strip()}\n"
            f"Add them to requirements.in and recompile, or update the pin in {REQUIREMENTS.name}."
        )


def compare(current: Path, successor: Path) -> Comparison:
    """Compare two site folders: byte for byte, and again with the generator tag taken out."""
    result = Comparison()
    ours = {p.relative_to(current).as_posix() for p in current.rglob("*") if p.is_file()}
    theirs = {p.relative_to(successor).as_posix() for p in successor.rglob("*") if p.is_file()}
    result.only_current = sorted(ours - theirs)
    result.only_successor = sorted(theirs - ours)
    for name in sorted(ours & theirs):
        a, b = (current / name).read_bytes(), (successor / name).read_bytes()
        if a == b:
            result.identical.append(name)
        elif GENERATOR_TAG.sub(b"", a) == GENERATOR_TAG.sub(b"", b):
            result.generator_tag_only.append(name)
        else:
            result.differing.append(name)
    return result


def _listing(title: str, names: list[str], limit: int = 30) -> list[str]:
    if not names:
        return []
    shown = [f"- `{name}`" for name in names[:limit]]
    more = [f"- … and {len(names) - limit} more"] if len(names) > limit else []
    return ["", f"**{title}** ({len(names)}):", "", *shown, *more]


def table(result: Comparison, left: str, right: str) -> list[str]:
    """The comparison as a Markdown table and the files that differ (also `handbook.py compare-builds`)."""
    total = len(result.identical) + len(result.generator_tag_only) + len(result.differing)
    lines = [
        "| | files |",
        "| --- | ---: |",
        f"| in both builds | {total} |",
        f"| byte-identical | {len(result.identical)} |",
        f'| differing only in `<meta name="generator">` | {len(result.generator_tag_only)} |',
        f"| differing otherwise | {len(result.differing)} |",
        f"| only in the {left} build | {len(result.only_current)} |",
        f"| only in the {right} build | {len(result.only_successor)} |",
    ]
    lines += _listing("Differing otherwise", result.differing)
    lines += _listing(f"Only in the {left} build", result.only_current)
    lines += _listing(f"Only in the {right} build", result.only_successor)
    return lines


def report(result: Comparison, seconds: dict[str, float]) -> str:
    """The job summary: the verdict first, then the figures and every file that differs."""
    verdict = (
        f"{SUCCESSOR} builds the same site as {CURRENT}: still a drop-in (decisions/0004)."
        if result.drop_in
        else f"{SUCCESSOR} builds a different site from {CURRENT}: review decisions/0004 and the files below."
    )
    timing = "Build time (HTML, both languages, one run each): " + ", ".join(
        f"{name} {value:.1f} s" for name, value in seconds.items()
    )
    lines = [f"### Canary: {CURRENT} and {SUCCESSOR}", "", verdict, "", timing, "", *table(result, CURRENT, SUCCESSOR)]
    return "\n".join(lines) + "\n"


def _build(name: str, site: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        builder.generator_command("build", "--strict", "--quiet", "--site-dir", str(site), name=name),
        cwd=ROOT,
        env=builder.build_environment(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise CanaryError(f"{name} build --strict failed:\n{(result.stdout + result.stderr).strip()}")
    return time.perf_counter() - started


def run(keep: Path | None = None) -> tuple[Comparison, str]:
    """Build with both generators (into keep/<name>/ when given, else a temporary folder) and compare."""
    ensure_successor()
    with tempfile.TemporaryDirectory(prefix="canary-") as tmp:
        base = Path(keep) if keep else Path(tmp)
        seconds = {name: _build(name, base / name) for name in (CURRENT, SUCCESSOR)}
        result = compare(base / CURRENT, base / SUCCESSOR)
    return result, report(result, seconds)
