"""overrides/hooks/compact.py: built pages lose the theme's indentation, never a code block's."""

from __future__ import annotations

import html
import importlib.util
import re
from pathlib import Path

from helpers import html_path

HOOK = Path(__file__).resolve().parent.parent / "overrides" / "hooks" / "compact.py"
spec = importlib.util.spec_from_file_location("compact_hook", HOOK)
compact = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compact)


def test_whitespace_with_a_line_break_becomes_one_line_break_outside_kept_elements():
    page = (
        "<div>\n    <p>Text\n\n      <a href=x>link</a> end</p>\n  </div>\n"
        "<pre><code>!!! note\n    indented\n\n        more</code></pre>\n"
        "<textarea>\n  keep\n</textarea><script>if (a)\n    b()</script><STYLE>\n  p {}\n</STYLE>  \n  <p>x</p>"
    )
    out = compact.compact(page)
    assert out == (
        "<div>\n<p>Text\n<a href=x>link</a> end</p>\n</div>\n"
        "<pre><code>!!! note\n    indented\n\n        more</code></pre>\n"
        "<textarea>\n  keep\n</textarea><script>if (a)\n    b()</script><STYLE>\n  p {}\n</STYLE>\n<p>x</p>"
    )
    assert compact.compact(out) == out


def test_built_page_keeps_its_code_blocks_and_drops_the_indentation(site):
    built = html_path(site, "de", "contributing/index.md").read_text(encoding="utf-8")
    source = (Path(__file__).resolve().parent.parent / "docs" / "de" / "contributing" / "index.md").read_text(
        encoding="utf-8"
    )
    blocks = re.findall(r"<pre><span></span><code>(.*?)</code></pre>", built, re.DOTALL)
    assert blocks, "expected code blocks on the contributing page"
    indented = [b for b in blocks if "\n    " in b]
    assert indented, "expected a code block with an indented line (the note example)"
    for block in indented:
        text = html.unescape(re.sub(r"<[^>]+>", "", block)).rstrip("\n")
        assert text.splitlines()[1] in source.replace("\n```", "\n"), text
    outside = compact.KEEP.sub("<kept/>", built)
    assert not re.search(r"\n[ \t]+\S", outside), "theme indentation left in the built page"
    assert "\n\n" not in outside
