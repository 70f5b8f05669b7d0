"""Intrinsic sizes of the site's images, so every <img> can carry width and height.

With both attributes the browser reserves the image's space before the file arrives; without them the
text below jumps when it does (layout shift, Lighthouse's `unsized-images`). CSS still scales images
to the column (`max-width: 100%; height: auto`).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

SVG_ROOT = re.compile(r"<svg\b[^>]*>", re.S)
ATTRIBUTE = r'\b{}\s*=\s*["\']\s*([0-9.]+)\s*(?:px)?\s*["\']'
VIEWBOX = re.compile(r'\bviewBox\s*=\s*["\']\s*[-0-9.]+[\s,]+[-0-9.]+[\s,]+([0-9.]+)[\s,]+([0-9.]+)\s*["\']')
RASTER = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


class ImageError(ValueError):
    """An image whose size cannot be read."""


def intrinsic_size(path: Path) -> tuple[int, int]:
    """(width, height) in CSS pixels: an SVG's width/height attributes or else its viewBox; a raster
    image's pixel size. Raises ImageError naming the file if there is none."""
    stat = path.stat()
    return _size(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _size(path: Path, mtime_ns: int, size: int) -> tuple[int, int]:  # mtime and size: cache key only
    suffix = path.suffix.lower()
    if suffix == ".svg":
        root = SVG_ROOT.search(path.read_text(encoding="utf-8"))
        if root is None:
            raise ImageError(f"{path}: no <svg> element found")
        tag = root.group(0)
        width = re.search(ATTRIBUTE.format("width"), tag)
        height = re.search(ATTRIBUTE.format("height"), tag)
        if width and height:
            return _positive(path, width.group(1), height.group(1))
        box = VIEWBOX.search(tag)
        if box:
            return _positive(path, box.group(1), box.group(2))
        raise ImageError(
            f"{path}: the <svg> element has neither width and height nor a viewBox; "
            'add viewBox="0 0 WIDTH HEIGHT" so pages can reserve its space'
        )
    if suffix in RASTER:
        from PIL import Image  # Pillow comes with WeasyPrint

        with Image.open(path) as image:
            return image.size
    raise ImageError(f"{path}: unknown image type {suffix!r}; use SVG, PNG, JPEG, GIF or WebP")


def _positive(path: Path, width: str, height: str) -> tuple[int, int]:
    w, h = round(float(width)), round(float(height))
    if w <= 0 or h <= 0:
        raise ImageError(f"{path}: the <svg> element's size {width} x {height} is not a size")
    return w, h
