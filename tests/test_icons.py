"""overrides/hooks/icons.py: the theme's icons come from one shared sprite, and every one still shows."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from helpers import LANGS, html_path, page_paths, url_path

SVG = "{http://www.w3.org/2000/svg}"
USE = re.compile(r'<use href="((?:\.\./)*)assets/images/icons\.svg#(i[0-9a-f]{10})"/>')
INLINE_ICON = re.compile(r'<svg xmlns="http://www\.w3\.org/2000/svg" viewBox="[0-9. ]+">')


def test_every_page_refers_to_symbols_the_sprite_has_and_keeps_no_icon_inline(site):
    sprite = ET.parse(site / "assets" / "images" / "icons.svg").getroot()
    symbols = {s.get("id") for s in sprite.iter(f"{SVG}symbol")}
    assert len(symbols) >= 12 and all(s.get("viewBox") for s in sprite.iter(f"{SVG}symbol"))
    used = set()
    for lang in LANGS:
        for md in page_paths():
            page = html_path(site, lang, md)
            text = page.read_text(encoding="utf-8")
            refs = USE.findall(text)
            assert len(refs) >= 12, f"{page}: {len(refs)} icons from the sprite"
            depth = page.relative_to(site).as_posix().count("/")
            assert all(up == "../" * depth for up, _ in refs), f"{page}: sprite address not relative to the root"
            assert not INLINE_ICON.search(text), f"{page}: a theme icon is still inline"
            used |= {key for _, key in refs}
    assert used <= symbols, f"symbols missing from the sprite: {used - symbols}"
    assert symbols <= used, f"symbols no page uses: {symbols - used}"


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_icons_from_the_sprite_are_drawn(server, browser, lang):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    tab = context.new_page()
    tab.goto(server + url_path(lang, "course/module-4-legal-hate-speech.md"), wait_until="load")
    sizes = tab.evaluate("""() => [...document.querySelectorAll('header svg use, .md-content svg use')]
        .filter(use => use.closest('svg').getBoundingClientRect().width > 0)
        .map(use => { const box = use.getBBox(); return [use.getAttribute('href'), box.width, box.height]; })""")
    assert len(sizes) >= 6, sizes
    assert all(w > 5 and h > 5 for _, w, h in sizes), sizes  # the symbol's shapes arrived and have a size
    colour = tab.evaluate("getComputedStyle(document.querySelector('header label[for=__search] svg')).fill")
    assert colour not in ("", "none", "rgb(0, 0, 0)"), colour  # currentColor from the header, not the default black
    context.close()


def test_only_a_reference_into_the_sites_own_sprite_passes_the_allowlist():
    from scripts import html_policy

    ours = '<p><svg viewBox="0 0 24 24"><use href="../../assets/images/icons.svg#i0123456789"/></svg></p>'
    assert html_policy.findings(ours) == ()
    for other in (
        '<use href="https://example.org/icons.svg#i0123456789"/>',
        '<use href="../../assets/images/other.svg#i0123456789"/>',
        '<use href="../../assets/images/icons.svg#anything"/>',
    ):
        found = html_policy.findings(f'<p><svg viewBox="0 0 24 24">{other}</svg></p>')
        assert any(f.tag == "use" for f in found), other
