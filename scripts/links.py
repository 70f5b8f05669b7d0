"""External addresses (includes/links.md, the one place they live): are they still reachable?"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from scripts.environment import ROOT

LINKS_FILE = ROOT / "includes" / "links.md"
DEFINITION = re.compile(r"^\[([^\]]+)\]:\s*(\S+)", re.M)


def addresses(path: Path = LINKS_FILE) -> dict[str, str]:
    """{name: address}, without the `[//]: # "…"` comment lines."""
    return {name: url for name, url in DEFINITION.findall(path.read_text(encoding="utf-8")) if name != "//"}


def probe(url: str, timeout: float = 20) -> str | None:
    """None when the address answers, else what went wrong."""
    for method in ("HEAD", "GET"):
        req = urllib.request.Request(url, method=method,
                                     headers={"User-Agent": "digitale-teilhabe-link-check/1"})
        try:
            with urllib.request.urlopen(req, timeout=timeout):
                return None
        except urllib.error.HTTPError as err:
            if method == "HEAD" and err.code in (403, 405, 429, 501):
                continue  # some servers refuse HEAD; ask once more with GET
            return f"HTTP {err.code}"
        except (urllib.error.URLError, OSError) as err:
            return str(getattr(err, "reason", err))
    return "no answer"


def check(links: dict[str, str]) -> dict[str, str]:
    """{name: problem} for every address that does not answer."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(zip(links, pool.map(probe, links.values())))
    return {name: problem for name, problem in results.items() if problem}


def report(links: dict[str, str], broken: dict[str, str]) -> str:
    if not broken:
        return f"All {len(links)} external addresses in `includes/links.md` answer."
    rows = "\n".join(f"| `{name}` | {links[name]} | {problem} |" for name, problem in sorted(broken.items()))
    return (f"{len(broken)} of {len(links)} external addresses in `includes/links.md` do not answer.\n\n"
            "| reference | address | problem |\n| --- | --- | --- |\n" + rows +
            "\n\nFix the address in `includes/links.md` (both languages use it).")
