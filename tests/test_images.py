"""Intrinsic image sizes (scripts/images.py), which the build writes into every <img>."""

from __future__ import annotations

import pytest

from scripts import images


@pytest.mark.parametrize(
    "tag,size",
    [
        ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80px" viewBox="0 0 12 8">', (120, 80)),
        ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 780" role="img">', (640, 780)),
        ("<svg viewBox='-10 -10,300.4 200'>", (300, 200)),
    ],
)
def test_svg_size_from_attributes_or_viewbox(tmp_path, tag, size):
    path = tmp_path / "a.svg"
    path.write_text(f"<?xml version='1.0'?>\n{tag}<rect/></svg>", encoding="utf-8")
    assert images.intrinsic_size(path) == size


def test_svg_without_size_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "bad.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="50%"><rect/></svg>', encoding="utf-8")
    with pytest.raises(images.ImageError, match=r"bad\.svg: .*viewBox"):
        images.intrinsic_size(path)


def test_raster_size_and_edits_are_seen(tmp_path):
    from PIL import Image

    path = tmp_path / "photo.png"
    Image.new("RGB", (30, 20)).save(path)
    assert images.intrinsic_size(path) == (30, 20)
    Image.new("RGB", (31, 21)).save(path)  # the preview must not keep the old size
    assert images.intrinsic_size(path) == (31, 21)


def test_unknown_type_is_an_error(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\0")
    with pytest.raises(images.ImageError, match=r"clip\.mp4: unknown image type"):
        images.intrinsic_size(path)


def test_the_sites_images_all_have_a_size():
    from helpers import DOCS

    found = [
        p
        for p in DOCS.rglob("*")
        if p.suffix.lower() in {".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp"} and "fonts" not in p.parts
    ]
    assert found
    for path in found:
        width, height = images.intrinsic_size(path)
        assert width > 0 and height > 0, path
