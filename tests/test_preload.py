"""The font preload (overrides/hooks/preload.py): every built page, the 404 pages included, preloads
exactly the font file that sets most of the text on its first screen (worked out in Chromium from what
is on screen and the @font-face rules of fonts.css), from an address that resolves to a file of the site,
never another host."""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import LANGS, PROJECT, ROOT, TEST_SITE_URL, page_paths

FONTS_CSS = ROOT / "docs" / "assets" / "stylesheets" / "fonts.css"
FONTS_CSS_URL = "assets/stylesheets/fonts.css"  # where the site serves it
# Lighthouse's phone screen (its mobile profile, what `make bench` measures) and a desktop screen.
SCREENS = {"phone": {"width": 412, "height": 823}, "desktop": {"width": 1280, "height": 900}}
NOT_FOUND = {"de": "/nowhere/", "en": "/en/nowhere/"}  # the server answers these with the 404 pages


# --- the @font-face rules and the browser's choice among them -------------------------------------


def font_faces() -> list[dict]:
    """family, style, weight, file (site-relative) and unicode ranges of each @font-face rule."""
    faces = []
    for body in re.findall(r"@font-face\s*\{([^}]*)\}", FONTS_CSS.read_text(encoding="utf-8")):
        rule = dict(re.findall(r"([a-z-]+)\s*:\s*([^;]+);", body))
        url = re.search(r'url\("([^"]+)"\)', rule["src"]).group(1)
        ranges = []
        for part in rule.get("unicode-range", "U+0-10FFFF").split(","):
            low, _, high = part.strip()[2:].partition("-")
            ranges.append((int(low, 16), int(high or low, 16)))
        faces.append(
            {
                "family": rule["font-family"].strip().strip('"'),
                "style": rule["font-style"].strip(),
                "weight": int(rule["font-weight"]),
                "ranges": ranges,
                "file": posixpath.normpath(posixpath.join(posixpath.dirname(FONTS_CSS_URL), url)),
            }
        )
    return faces


def _closest_weight(available: set[int], wanted: int) -> int:
    """CSS Fonts 4 font matching for weights (section 5.2)."""
    if wanted in available:
        return wanted
    lighter = sorted((w for w in available if w < wanted), reverse=True)
    heavier = sorted(w for w in available if w > wanted)
    if 400 <= wanted <= 500:
        up_to_500 = [w for w in heavier if w <= 500]
        return (up_to_500 + lighter + [w for w in heavier if w > 500])[0]
    return (lighter + heavier)[0] if wanted < 400 else (heavier + lighter)[0]


def files_for(faces: list[dict], family: str, weight: int, style: str, text: str) -> set[str]:
    """The font files a browser loads to draw text in this family, weight and style: the matching face's
    files whose unicode-range covers one of the characters (none for a family fonts.css does not declare)."""
    family_faces = [f for f in faces if f["family"] == family]
    if not family_faces:
        return set()
    italic = style.startswith(("italic", "oblique"))
    styled = [f for f in family_faces if (f["style"] != "normal") == italic] or family_faces
    weight = _closest_weight({f["weight"] for f in styled}, weight)
    chosen = [f for f in styled if f["weight"] == weight]
    codes = {ord(c) for c in text if not c.isspace()}
    return {f["file"] for f in chosen if any(lo <= c <= hi for c in codes for lo, hi in f["ranges"])}


def test_font_matching_follows_the_css_rules():
    faces = font_faces()
    regular, bold = (
        "assets/fonts/atkinson-hyperlegible/atkinson-hyperlegible-latin-400-normal.woff2",
        "assets/fonts/atkinson-hyperlegible/atkinson-hyperlegible-latin-700-normal.woff2",
    )
    family = "Atkinson Hyperlegible"
    assert files_for(faces, family, 300, "normal", "Titel") == {regular}  # lighter than 400: the 400 face
    assert files_for(faces, family, 500, "normal", "Text") == {regular}
    assert files_for(faces, family, 600, "normal", "Text") == {bold}
    assert files_for(faces, family, 400, "italic", "Text") == {regular.replace("normal", "italic")}
    assert files_for(faces, family, 400, "normal", "„Straße“") == {regular}, "German letters are Latin"
    assert files_for(faces, family, 400, "normal", "Łódź") == {regular, regular.replace("latin", "latin-ext")}
    assert files_for(faces, family, 400, "normal", "→ ") == set(), "in no unicode-range: a system font"
    assert files_for(faces, "Roboto", 400, "normal", "Text") == set()


# --- the markup of every built page -----------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.preloads: list[dict] = []
        self.fonts_css: str | None = None
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        if tag == "head":
            self.in_head = True
        if tag != "link":
            return
        attributes = dict(attrs)
        if attributes.get("rel") == "preload":
            self.preloads.append({**attributes, "in_head": self.in_head})
        elif attributes.get("rel") == "stylesheet" and attributes.get("href", "").endswith(FONTS_CSS_URL):
            self.fonts_css = attributes["href"]

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def _site_path(href: str, page: str) -> str:
    """A same-site address on the page at site-relative path `page` as a site-relative file path."""
    if href.startswith("/"):
        base = urlsplit(TEST_SITE_URL).path
        assert href.startswith(base), f"{page}: {href} is outside the site"
        return posixpath.normpath(href[len(base) :])
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href))


def built_pages(site: Path) -> list[str]:
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert "404.html" in pages and "en/404.html" in pages
    return pages


def test_every_page_preloads_fonts_of_the_site_as_the_stylesheet_names_them(site):
    faces = {f["file"] for f in font_faces()}
    wanted = None
    for page in built_pages(site):
        links = _Links()
        links.feed((site / page).read_text(encoding="utf-8"))
        assert links.fonts_css, f"{page}: no fonts.css"
        assert links.preloads, f"{page}: preloads nothing"
        files = []
        for link in links.preloads:
            where = f"{page}: preload {link.get('href')}"
            assert link["in_head"], where
            assert (link.get("as"), link.get("type")) == ("font", "font/woff2"), where
            assert "crossorigin" in link and link["crossorigin"] in (None, "", "anonymous"), (
                f"{where}: without crossorigin the browser fetches the font a second time"
            )
            parts = urlsplit(link["href"])
            assert not parts.scheme and not parts.netloc, f"{where}: another host"
            path = _site_path(link["href"], page)
            assert path in faces, f"{where}: not a file fonts.css declares"
            assert (site / path).is_file(), f"{where}: no such file in the site"
            # Written the way the stylesheet's own address is written (relative, or absolute on 404 pages).
            assert link["href"].startswith("/") == links.fonts_css.startswith("/"), where
            files.append(path)
        assert len(files) == len(set(files)), f"{page}: preloads a file twice"
        wanted = wanted or set(files)
        assert set(files) == wanted, f"{page}: preloads {sorted(files)}, other pages {sorted(wanted)}"


# --- what the first screen uses, in Chromium ---------------------------------------------------------

# Family (first name of the computed font-family), weight, style and characters of every piece of text
# a reader sees on the first screen (text nodes with a box in the viewport, visible placeholders), and
# the fonts the page preloads and fetched.
FIRST_SCREEN_TEXT = r"""() => {
  const H = innerHeight, W = innerWidth;
  const onScreen = b => b.width > 0 && b.height > 0 && b.bottom > 0 && b.top < H && b.right > 0 && b.left < W;
  const piece = (element, text) => {
    const s = getComputedStyle(element);
    if (s.visibility !== 'visible' || parseFloat(s.opacity) === 0) return null;
    return {family: s.fontFamily.split(',')[0].replace(/["']/g, '').trim(),
            weight: parseInt(s.fontWeight, 10), style: s.fontStyle, text};
  };
  const screen = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || !node.parentElement) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if ([...range.getClientRects()].some(onScreen)) screen.push(piece(node.parentElement, node.textContent));
  }
  for (const input of document.querySelectorAll('input[placeholder]'))
    if (onScreen(input.getBoundingClientRect())) screen.push(piece(input, input.placeholder));
  return {screen: screen.filter(Boolean),
          preloads: [...document.querySelectorAll('link[rel=preload][as=font]')].map(l => l.href),
          fetched: performance.getEntriesByType('resource').map(r => r.name).filter(n => n.endsWith('.woff2'))};
}"""


def _files_by_characters(faces: list[dict], pieces: list[dict]) -> dict[str, int]:
    """How many characters each font file sets."""
    counts: dict[str, int] = {}
    for piece in pieces:
        for char in piece["text"]:
            for file in files_for(faces, piece["family"], piece["weight"], piece["style"], char):
                counts[file] = counts.get(file, 0) + 1
    return counts


@pytest.mark.browser
@pytest.mark.parametrize("screen", SCREENS)
def test_every_page_preloads_the_font_file_its_first_screen_needs_first(site, server, browser, screen):
    """Preloaded: exactly the file that sets most of the first screen's text, fetched once, from this site.
    (Bold, italic and Latin Extended files the screen uses are not preloaded: decisions/0003, item 16.)"""
    faces = font_faces()
    addresses = {f"{lang} {md}": server + "/" + PROJECT.page_url(md, lang) for lang in LANGS for md in page_paths()}
    addresses.update({f"404 {lang}": server + path for lang, path in NOT_FOUND.items()})
    context = browser.new_context(viewport=SCREENS[screen], is_mobile=screen == "phone")
    tab = context.new_page()
    problems = []
    try:
        for label, address in addresses.items():
            tab.goto(address, wait_until="load")
            found = tab.evaluate(FIRST_SCREEN_TEXT)
            used = _files_by_characters(faces, found["screen"])
            main = {max(used, key=used.get)} if used else set()
            preloaded = {urlsplit(href).path.lstrip("/") for href in found["preloads"]}
            if not all(href.startswith(server + "/") for href in found["preloads"]):
                problems.append(f"{label}: a preload from another host: {found['preloads']}")
            if preloaded != main:
                problems.append(
                    f"{label}: preloaded {sorted(preloaded)}, but the first screen's text is set "
                    f"mostly in {sorted(main)} (characters per file: {used})"
                )
            twice = sorted({f for f in found["fetched"] if found["fetched"].count(f) > 1})
            if twice:
                problems.append(f"{label}: fetched twice (preload not used): {twice}")
            unused = sorted(f for f in preloaded if server + "/" + f not in found["fetched"])
            if unused:
                problems.append(f"{label}: preloaded but not fetched: {unused}")
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


# --- the system font shown until the font arrives, scaled to it (handbook.css) -----------------------

HANDBOOK_CSS = ROOT / "docs" / "assets" / "stylesheets" / "handbook.css"
FONT_DIR = ROOT / "docs" / "assets" / "fonts" / "atkinson-hyperlegible"
SYSTEM_FONTS = {  # fallback face in handbook.css -> where Debian puts the font it names, per weight
    "Atkinson Hyperlegible Fallback DejaVu": {
        400: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        700: "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    },
    "Atkinson Hyperlegible Fallback": {
        400: "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
        700: "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    },
}


def _mean_advance(path, text: str) -> tuple[float, float, float]:
    """Mean advance width over `text`, ascent and descent, in em."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(path))
    cmap, widths, em = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    advances = [widths[cmap[ord(c)]][0] for c in text if ord(c) in cmap]
    return sum(advances) / len(advances) / em, font["hhea"].ascent / em, -font["hhea"].descent / em


def test_fallback_faces_are_scaled_to_the_handbook_font():
    """Until Atkinson Hyperlegible arrives the page is set in a system font; each fallback face's
    size-adjust and vertical overrides must match the fonts' own metrics (within 2 %), or the swap
    re-wraps the text and the page jumps (Cumulative Layout Shift). Checked for every face whose font
    this machine has; DejaVu Sans always (a build dependency, fonts-dejavu-core)."""
    css = HANDBOOK_CSS.read_text(encoding="utf-8")
    text = re.sub(
        r"\s+",
        " ",
        (ROOT / "docs" / "en" / "index.md").read_text(encoding="utf-8")
        + (ROOT / "docs" / "de" / "index.md").read_text(encoding="utf-8"),
    )
    faces = {}
    for body in re.findall(r"@font-face\s*\{([^}]*)\}", css):
        family = re.search(r'font-family:\s*"([^"]+)"', body).group(1)
        weight = int(re.search(r"font-weight:\s*(\d+)", body).group(1))
        values = {k: float(v) / 100 for k, v in re.findall(r"([a-z-]+-override|size-adjust):\s*([\d.]+)%", body)}
        faces[(family, weight)] = values
    stack = re.search(r"--md-text-font:\s*([^;]+);", css).group(1)
    assert [f.strip().strip('"') for f in stack.split(",")] == ["Atkinson Hyperlegible", *sorted(SYSTEM_FONTS)]
    checked = 0
    for family, paths in SYSTEM_FONTS.items():
        for weight, system in paths.items():
            values = faces[(family, weight)]
            if not Path(system).exists():
                assert family != "Atkinson Hyperlegible Fallback DejaVu", f"{system} missing: run make setup"
                continue
            ours = _mean_advance(FONT_DIR / f"atkinson-hyperlegible-latin-{weight}-normal.woff2", text)
            theirs = _mean_advance(system, text)
            scale = ours[0] / theirs[0]
            assert values["size-adjust"] == pytest.approx(scale, rel=0.02), (family, weight)
            assert values["ascent-override"] == pytest.approx(ours[1] / scale, rel=0.02), (family, weight)
            assert values["descent-override"] == pytest.approx(ours[2] / scale, rel=0.02), (family, weight)
            assert values["line-gap-override"] == 0
            checked += 1
    assert checked >= 2
