"""Preview images for shared links (Open Graph, 1200 x 630 PNG): the page's title in the site's font and
colours, the part of the handbook it belongs to, the handbook's name and logo.

Drawn at build time by overrides/hooks/social.py, without the network:
- Font: the self-hosted Atkinson Hyperlegible (docs/assets/fonts/atkinson-hyperlegible/). Only WOFF2
  files are there and Pillow reads TTF/OTF, so fontTools decompresses the bold Latin and Latin Extended
  subsets and merges them into one TTF, kept in the cache folder.
- Colours: the light scheme's custom properties in docs/assets/stylesheets/handbook.css.
- Logo: docs/assets/images/logo.svg itself. Pillow cannot draw SVG, so `_Logo` reads the few SVG
  shapes the logo uses (paths with lines and arcs, circles; fill and stroke) and draws them at 4x size,
  then scales down for smooth edges. No stored PNG copy of the logo that could drift from the SVG; a
  shape it does not know stops the build with a message naming it.
- Cache: each image is stored under its key, a hash of everything that changes the picture (title,
  part, site name, language, font files, logo, colours and this file's own source), in .cache/social/.
  An unchanged page is copied, not drawn.
- Reproducible: the PNG has no metadata or timestamps; palette mode keeps it small (about 20-40 kB).
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MAX_BYTES = 100 * 1024
FONT_DIR = Path("docs/assets/fonts/atkinson-hyperlegible")
FONT_FILES = ("atkinson-hyperlegible-latin-700-normal", "atkinson-hyperlegible-latin-ext-700-normal")
REGULAR_FONT_FILES = ("atkinson-hyperlegible-latin-400-normal", "atkinson-hyperlegible-latin-ext-400-normal")
STYLESHEET = Path("docs/assets/stylesheets/handbook.css")
LOGO = Path("docs/assets/images/logo.svg")
# Roles in the picture and the custom property (light scheme) each takes its colour from.
COLOURS = {
    "band": "--md-primary-fg-color",  # petrol header band
    "on_band": "--md-primary-bg-color",  # white text on it
    "title": "--hb-title-color",  # dark petrol title
    "part": "--md-accent-fg-color",  # clay part label and rule
    "ground": "--hb-diagram-soft",  # pale petrol background
    "muted": "--hb-box-example",  # grey
}
MARGIN = 72
BAND = 132
TITLE_SIZES = range(78, 43, -4)  # largest first; a title that needs more than 3 lines shrinks
TITLE_LINES = 3
SCALE = 4  # the logo is drawn this much larger, then scaled down (anti-aliasing)


class SocialImageError(ValueError):
    """A problem with the inputs of the preview images; the message names the file and what to do."""


@dataclass(frozen=True)
class Card:
    """What one preview image shows."""

    title: str
    part: str
    site_name: str
    lang: str


def _hex(value: str, where: str) -> tuple[int, int, int]:
    value = value.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", value):
        raise SocialImageError(f"{where}: '{value}' is not a #rrggbb colour; the preview images need one")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def read_colours(css_file: Path) -> dict[str, tuple[int, int, int]]:
    """The picture's colours from the first (light scheme) declaration of each custom property."""
    if not css_file.is_file():
        raise SocialImageError(f"{css_file}: not found; the preview images take their colours from it")
    css = css_file.read_text(encoding="utf-8")
    colours = {}
    for role, prop in COLOURS.items():
        found = re.search(rf"{re.escape(prop)}\s*:\s*(#[0-9a-fA-F]{{3,6}})\s*;", css)
        if found is None:
            raise SocialImageError(
                f"{css_file}: no '{prop}: #rrggbb;' declaration; the preview images "
                f"take their {role} colour from it (scripts/social_images.py COLOURS)"
            )
        colours[role] = _hex(found.group(1), f"{css_file}: {prop}")
    return colours


def font_file(root: Path, cache: Path, names: tuple[str, ...] = FONT_FILES) -> Path:
    """One TTF of a face (by default the bold; Latin + Latin Extended), made from the site's WOFF2 files
    once. The EPUB cover (scripts/epub.py) also asks for the regular face (REGULAR_FONT_FILES)."""
    from fontTools.merge import Merger
    from fontTools.ttLib import TTFont

    sources = []
    for name in names:
        for ext in (".ttf", ".otf", ".woff2"):
            if (root / FONT_DIR / f"{name}{ext}").is_file():
                sources.append(root / FONT_DIR / f"{name}{ext}")
                break
        else:
            raise SocialImageError(
                f"{FONT_DIR / name}.woff2 (or .ttf): not found; the preview images set "
                "their text in it (scripts/social_images.py FONT_FILES)"
            )
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()[:16]
    target = cache / f"font-{digest}.ttf"
    if target.is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        plain = []
        for source in sources:
            font = TTFont(source)
            font.flavor = None  # WOFF2 -> plain TrueType
            plain.append(Path(tmp) / f"{source.stem}.ttf")
            font.save(plain[-1])
        merged = Merger().merge([str(p) for p in plain])
        merged.save(Path(tmp) / "merged.ttf")
        os.replace(Path(tmp) / "merged.ttf", target)
    return target


class _Logo:
    """The SVG shapes logo.svg uses: <path> (M, L, H, V, A, Z, absolute or relative) and <circle>."""

    TOKEN = re.compile(r"[A-Za-z]|-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?")
    ARGS: ClassVar[dict[str, int]] = {"M": 2, "L": 2, "H": 1, "V": 1, "A": 7, "Z": 0}

    def __init__(self, svg_file: Path):
        self.file = svg_file
        try:
            self.root = ET.fromstring(svg_file.read_bytes())
        except (OSError, ET.ParseError) as error:
            raise SocialImageError(f"{svg_file}: cannot read the logo ({error}); the preview images draw it") from None
        box = [float(v) for v in self.root.get("viewBox", "0 0 32 32").replace(",", " ").split()]
        self.box = box

    def _points(self, d: str) -> list[list[tuple[float, float]]]:
        tokens = self.TOKEN.findall(d)
        shapes, points, x, y, start, i, cmd = [], [], 0.0, 0.0, (0.0, 0.0), 0, None
        while i < len(tokens):
            if tokens[i].isalpha():
                cmd = tokens[i]
                i += 1
                if cmd in "Zz":
                    if points:
                        shapes.append(points)
                    points, (x, y) = [], start
                    continue
            if cmd is None or cmd.upper() not in self.ARGS:
                raise SocialImageError(
                    f"{self.file}: path command {cmd or tokens[i]!r} is not one the preview "
                    "images can draw (M L H V A Z); extend scripts/social_images.py _Logo"
                )
            n = self.ARGS[cmd.upper()]
            args = [float(t) for t in tokens[i : i + n]]
            i += n
            rel = cmd.islower()
            if cmd in "Mm":
                if points:
                    shapes.append(points)
                x, y = (x + args[0], y + args[1]) if rel else (args[0], args[1])
                start, points = (x, y), [(x, y)]
                cmd = "l" if rel else "L"  # further pairs are lines
            elif cmd in "Ll":
                x, y = (x + args[0], y + args[1]) if rel else (args[0], args[1])
                points.append((x, y))
            elif cmd in "Hh":
                x = x + args[0] if rel else args[0]
                points.append((x, y))
            elif cmd in "Vv":
                y = y + args[0] if rel else args[0]
                points.append((x, y))
            else:
                ex, ey = (x + args[5], y + args[6]) if rel else (args[5], args[6])
                points.extend(_arc((x, y), args[0], args[1], args[2], bool(args[3]), bool(args[4]), (ex, ey)))
                x, y = ex, ey
        if points:
            shapes.append(points)
        return shapes

    def draw(self, size: int) -> Image.Image:
        """The logo as an RGBA image size x size pixels."""
        big = size * SCALE
        image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
        pen = ImageDraw.Draw(image)
        min_x, min_y, width, height = self.box
        factor = big / max(width, height)

        def at(p):
            return ((p[0] - min_x) * factor, (p[1] - min_y) * factor)

        for element in self.root.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            fill = element.get("fill")
            fill = _hex(fill, f"{self.file}: fill") if fill and fill != "none" else None
            stroke = element.get("stroke")
            stroke = _hex(stroke, f"{self.file}: stroke") if stroke and stroke != "none" else None
            width_px = round(float(element.get("stroke-width", "1")) * factor)
            if tag == "path":
                for shape in self._points(element.get("d", "")):
                    polygon = [at(p) for p in shape]
                    if fill:
                        pen.polygon(polygon, fill=fill)
                    if stroke:
                        pen.line(polygon + polygon[:1], fill=stroke, width=width_px, joint="curve")
            elif tag == "circle":
                cx, cy = at((float(element.get("cx", 0)), float(element.get("cy", 0))))
                r = float(element.get("r", 0)) * factor
                pen.ellipse(
                    (cx - r, cy - r, cx + r, cy + r), fill=fill, outline=stroke, width=width_px if stroke else 0
                )
            elif tag not in ("svg", "title", "desc", "g") and not callable(element.tag):
                raise SocialImageError(
                    f"{self.file}: <{tag}> is not a shape the preview images can draw "
                    "(path, circle); extend scripts/social_images.py _Logo"
                )
        return image.resize((size, size), Image.Resampling.LANCZOS)


def _arc(p0, rx, ry, rotation, large, sweep, p1, steps: int = 24) -> list[tuple[float, float]]:
    """Points along an SVG elliptical arc (endpoint to centre form, SVG 1.1 appendix F.6.5)."""
    if p0 == p1:
        return []
    if rx == 0 or ry == 0:
        return [p1]
    phi = math.radians(rotation)
    cos, sin = math.cos(phi), math.sin(phi)
    dx, dy = (p0[0] - p1[0]) / 2, (p0[1] - p1[1]) / 2
    x1, y1 = cos * dx + sin * dy, -sin * dx + cos * dy
    rx, ry = abs(rx), abs(ry)
    scale = x1**2 / rx**2 + y1**2 / ry**2
    if scale > 1:
        rx, ry = rx * math.sqrt(scale), ry * math.sqrt(scale)
    num = rx**2 * ry**2 - rx**2 * y1**2 - ry**2 * x1**2
    den = rx**2 * y1**2 + ry**2 * x1**2
    factor = math.sqrt(max(0.0, num / den)) * (-1 if large == sweep else 1)
    cx1, cy1 = factor * rx * y1 / ry, -factor * ry * x1 / rx
    cx = cos * cx1 - sin * cy1 + (p0[0] + p1[0]) / 2
    cy = sin * cx1 + cos * cy1 + (p0[1] + p1[1]) / 2

    def angle(ux, uy, vx, vy):
        return math.atan2(ux * vy - uy * vx, ux * vx + uy * vy)

    start = angle(1, 0, (x1 - cx1) / rx, (y1 - cy1) / ry)
    delta = angle((x1 - cx1) / rx, (y1 - cy1) / ry, (-x1 - cx1) / rx, (-y1 - cy1) / ry)
    if not sweep and delta > 0:
        delta -= 2 * math.pi
    elif sweep and delta < 0:
        delta += 2 * math.pi
    points = []
    for step in range(1, steps + 1):
        t = start + delta * step / steps
        ex, ey = rx * math.cos(t), ry * math.sin(t)
        points.append((cos * ex - sin * ey + cx, sin * ex + cos * ey + cy))
    return points


def _tokens(text: str) -> list[str]:
    """Words, with hyphenated compounds split after each hyphen (a line may break there)."""
    return re.findall(r"[^\s-]*-+(?=[^\s-])|\S+", text)


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy line breaking at spaces and after hyphens; a line is never wider than width unless a
    single word is."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        tokens = _tokens(word) if font.getlength(word) > width else [word]
        for index, token in enumerate(tokens):
            candidate = line + (" " if index == 0 else "") + token if line else token
            if line and font.getlength(candidate) > width:
                lines.append(line)
                line = token
            else:
                line = candidate
    if line:
        lines.append(line)
    return lines


def fit_title(title: str, font_path: Path, width: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest size at which the title fits on TITLE_LINES lines; at the smallest size, the lines
    beyond that are cut and the last ends in an ellipsis."""
    for size in TITLE_SIZES:
        font = ImageFont.truetype(str(font_path), size)
        lines = wrap(title, font, width)
        if len(lines) <= TITLE_LINES and all(font.getlength(line) <= width for line in lines):
            return font, lines
    lines = lines[:TITLE_LINES]
    while lines[-1] and font.getlength(lines[-1] + " …") > width:
        lines[-1] = lines[-1][:-1]
    lines[-1] = lines[-1].rstrip() + " …"
    return font, lines


def _fit_line(text: str, font_path: Path, size: int, width: int) -> ImageFont.FreeTypeFont:
    """The font at `size`, smaller if the one-line text would be wider than width."""
    while True:
        font = ImageFont.truetype(str(font_path), size)
        if font.getlength(text) <= width or size <= 16:
            return font
        size -= 1


class Painter:
    """Draws preview images, or copies them from the cache when an identical one was drawn before."""

    def __init__(self, root: Path, cache: Path):
        self.root, self.cache = Path(root), Path(cache)
        self.colours = read_colours(self.root / STYLESHEET)
        self.font = font_file(self.root, self.cache)
        self.logo = _Logo(self.root / LOGO)
        self.drawn = 0
        self.reused = 0
        base = hashlib.sha256()
        for part in (
            Path(__file__).read_bytes(),
            self.font.read_bytes(),
            (self.root / LOGO).read_bytes(),
            repr(sorted(self.colours.items())).encode(),
        ):
            base.update(hashlib.sha256(part).digest())
        self._base = base.hexdigest()
        self._covered = set(self._cmap())

    def _cmap(self) -> list[int]:
        from fontTools.ttLib import TTFont

        return list(TTFont(self.font).getBestCmap())

    def key(self, card: Card) -> str:
        data = f"{self._base}\x00{card.title}\x00{card.part}\x00{card.site_name}\x00{card.lang}"
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]

    def missing_glyphs(self, text: str) -> str:
        """The characters of text the font cannot set (shown as empty boxes otherwise)."""
        return "".join(sorted({c for c in text if not c.isspace() and ord(c) not in self._covered}))

    def render(self, card: Card) -> bytes:
        """The PNG bytes of one preview image (no metadata: the same card gives the same bytes)."""
        c = self.colours
        image = Image.new("RGB", (WIDTH, HEIGHT), c["ground"])
        pen = ImageDraw.Draw(image)
        # Header band: logo and the handbook's name, as in the site's header.
        pen.rectangle((0, 0, WIDTH, BAND), fill=c["band"])
        logo_size = 76
        logo = self.logo.draw(logo_size)
        image.paste(logo, (MARGIN, (BAND - logo_size) // 2), logo)
        name_x = MARGIN + logo_size + 28
        name_font = _fit_line(card.site_name, self.font, 34, WIDTH - name_x - MARGIN)
        pen.text((name_x, BAND // 2), card.site_name, font=name_font, fill=c["on_band"], anchor="lm")
        # The part of the handbook, above a short clay rule.
        top = BAND + 62
        if card.part:  # pages outside any part (top level of the navigation) have none
            part_font = _fit_line(card.part, self.font, 36, WIDTH - 2 * MARGIN)
            pen.text((MARGIN, top), card.part, font=part_font, fill=c["part"], anchor="ls")
            pen.rectangle((MARGIN, top + 22, MARGIN + 96, top + 29), fill=c["part"])
        # The title, up to three lines, centred in the space that is left.
        font, lines = fit_title(card.title, self.font, WIDTH - 2 * MARGIN)
        ascent, descent = font.getmetrics()
        step = round(font.size * 1.18)
        block = step * (len(lines) - 1) + ascent + descent
        area_top, area_bottom = top + 60, HEIGHT - 56
        y = area_top + max(0, (area_bottom - area_top - block) // 2)
        for line in lines:
            pen.text((MARGIN, y), line, font=font, fill=c["title"], anchor="la")
            y += step
        pen.rectangle((0, HEIGHT - 16, WIDTH, HEIGHT), fill=c["part"])
        out = io.BytesIO()
        image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            out, format="PNG", optimize=True
        )
        return out.getvalue()

    def image(self, card: Card) -> bytes:
        """The card's PNG from the cache, drawn and stored first if it is not there."""
        cached = self.cache / f"{self.key(card)}.png"
        if cached.is_file():
            self.reused += 1
            return cached.read_bytes()
        data = self.render(card)
        self.drawn += 1
        self.cache.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.cache, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, cached)  # atomic: parallel builds never read half a file
        return data
