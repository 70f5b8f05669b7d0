"""The Content-Security-Policy (overrides/hooks/csp.py): on every built page, before any script, with one
hash per inline script; and in Chromium, over every page of both languages with search, colour-scheme
toggle and language switch used, no violation. A negative test proves the recorder reports one."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import material
import pytest
from bs4 import BeautifulSoup
from helpers import LANGS, ROOT, page_paths, url_path

PAGES = page_paths()
NOT_FOUND = {"de": "/nowhere/", "en": "/en/nowhere/"}  # the server answers these with the 404 pages
# A sample of pages on which search, colour scheme and language switch are used (per language).
SAMPLE = ["index.md", "lessons/define-goals.md", "worksheets/netiquette.md"]
SEARCH_WORD = {"de": "Zielgruppe", "en": "goals"}
OTHER = {"de": "en", "en": "de"}
HOOKS = ROOT / "overrides" / "hooks"

# Reports each violation to Python (a binding survives navigations, so none is lost between pages).
RECORDER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation({url: location.href, directive: e.effectiveDirective, blocked: e.blockedURI,
                         sample: e.sample, source: e.sourceFile, line: e.lineNumber});
}, true);
"""


def csp_hook(monkeypatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(HOOKS))  # as MkDocs does for hooks
    spec = importlib.util.spec_from_file_location("csp_hook", HOOKS / "csp.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the built pages --------------------------------------------------------------------------------


def test_every_built_page_has_the_policy_first_with_a_hash_per_inline_script(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 2 * len(PAGES) + 2, "expected every page of both languages and both 404 pages"
    for path in pages:
        where = path.relative_to(site).as_posix()
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        head = soup.head
        metas = head.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert len(metas) == 1, f"{where}: {len(metas)} Content-Security-Policy meta tags"
        first = next(t for t in head.find_all(True) if t.name != "meta" or not t.get("charset"))
        assert first is metas[0], f"{where}: the policy is not first in <head> (found <{first.name}>)"
        directives = {d.split()[0]: d.split()[1:] for d in metas[0]["content"].split(";") if d.strip()}
        assert directives["default-src"] == ["'self'"], where
        assert directives["connect-src"] == ["'self'"] and directives["object-src"] == ["'none'"], where
        assert directives["base-uri"] == ["'none'"] and directives["form-action"] == ["'none'"], where
        scripts = directives["script-src"]
        assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, where
        assert "'unsafe-inline'" not in directives["style-src"], where
        inline = {
            s.string or ""
            for s in soup.find_all("script")
            if not s.get("src") and s.get("type", "text/javascript") == "text/javascript"
        }
        hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in inline}
        assert len(inline) >= 3, f"{where}: expected the theme's three inline scripts"
        assert set(scripts) == {"'self'"} | hashes, f"{where}: hashes do not match the inline scripts"


# --- the hook on its own ------------------------------------------------------------------------------


def test_hook_refuses_an_inline_script_that_is_not_the_themes(monkeypatch):
    csp = csp_hook(monkeypatch)
    theme = csp.theme_script_patterns([str(HOOKS.parent), str(Path(material.__file__).parent / "templates")])
    scope = (
        '__md_scope=new URL("../..",location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0))'
        ',0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set'
        '=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}}'
    )
    page = (
        f'<html><head><meta charset="utf-8"><script>{scope}</script></head><body>'
        '<script type="application/json" id="x">{"a": 1}</script><!-- <script>alert(1)</script> --></body></html>'
    )
    out = csp.add_policy(page, "lessons/effort.md", theme)
    assert out.index("Content-Security-Policy") < out.index("<script>")
    assert out.count("'sha256-") == 1, "exactly the theme's script is hashed (not data, not comments)"
    again = csp.add_policy(out, "lessons/effort.md", theme)
    assert again == out, "running twice must give the same page"
    hostile = [
        page.replace("<body>", "<body><h1><script>alert(document.cookie)</script></h1>"),
        page.replace(scope, scope.replace('"../.."', '"x",alert(1),"')),
    ]
    for bad in hostile:
        with pytest.raises(
            csp.PluginError,
            match=r"lessons/effort\.md: inline <script> at line 1 .* is not one "
            r"of the theme's",
        ):
            csp.add_policy(bad, "lessons/effort.md", theme)


def test_live_preview_allows_inline_scripts_and_builds_do_not(monkeypatch):
    """`mkdocs serve` injects a livereload script that changes with every request: only there the
    policy allows inline scripts instead of listing hashes."""
    csp = csp_hook(monkeypatch)
    page = '<html><head><meta charset="utf-8"></head><body></body></html>'
    csp.on_startup(command="serve", dirty=False)
    served = csp.add_policy(page, "index.md", [], csp._serving)
    csp.on_startup(command="build", dirty=False)
    built = csp.add_policy(page, "index.md", [], csp._serving)
    assert "script-src 'self' 'unsafe-inline';" in served
    assert "script-src 'self';" in built and "unsafe-inline" not in built


def test_theme_markup_made_valid(monkeypatch):
    csp = csp_hook(monkeypatch)
    page = (
        '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">'
        '<input type="text" name="q" autocomplete="off">'
        '<label class="md-nav__title" for="__toc">Inhalt</label><label for="__drawer">Menü</label>'
    )
    fixed = csp.valid_markup(page)
    assert 'id="__drawer">' in fixed and '<input type="text" name="q" autocomplete="off">' in fixed
    assert '<label class="md-nav__title">Inhalt</label>' in fixed and '<label for="__drawer">' in fixed


# --- in the browser -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def recorded(browser):
    """One browser tab for the module and the violations it reports (events and console messages)."""
    violations: list[dict] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.expose_binding("__cspViolation", lambda source, report: violations.append(report))
    context.add_init_script(RECORDER)
    tab = context.new_page()

    def console(message) -> None:
        if "Refused to" in message.text or "Content Security Policy" in message.text:
            violations.append({"url": tab.url, "console": message.text})

    tab.on("console", console)
    yield tab, violations
    context.close()


def settle(tab) -> None:
    """Let the deferred scripts, the search worker's start and late requests run."""
    tab.wait_for_load_state("load")
    tab.wait_for_function("() => !document.documentElement.classList.contains('no-js')")


def use_search(tab, lang: str) -> None:
    tab.keyboard.press("/")
    tab.locator("input.md-search__input").type(SEARCH_WORD[lang], delay=10)
    tab.wait_for_selector(".md-search-result__item", timeout=15000)


def use_scheme_toggle(tab) -> None:
    checked = '(document.querySelector("input[name=__palette]:checked")?.id ?? null)'
    before = tab.evaluate(checked)
    tab.locator('form[data-md-component="palette"] label:not([hidden])').click()
    tab.wait_for_function(f"() => {checked} !== {json.dumps(before)}")


def use_language_switch(tab, lang: str) -> None:
    tab.locator(".md-header .md-select button").first.focus()
    with tab.expect_navigation():
        tab.locator(f'a.md-select__link[hreflang="{OTHER[lang]}"]').first.click()
    settle(tab)


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_no_policy_violation_on_any_page(server, recorded, lang):
    tab, violations = recorded
    violations.clear()
    for path in [url_path(lang, md) for md in PAGES] + [NOT_FOUND[lang]]:
        tab.goto(server + path)
        settle(tab)
    for md in SAMPLE:
        tab.goto(server + url_path(lang, md))
        settle(tab)
        use_search(tab, lang)
        tab.keyboard.press("Escape")
        use_scheme_toggle(tab)
        use_language_switch(tab, lang)
    tab.goto("about:blank")  # unload the last page: late reports arrive before the check
    assert violations == []


@pytest.mark.browser
def test_recorder_reports_a_blocked_inline_script(server, recorded):
    tab, violations = recorded
    violations.clear()
    tab.goto(server + url_path("en", "glossary.md"))
    settle(tab)
    tab.evaluate("""() => { const s = document.createElement("script");
                           s.textContent = "window.__injected = true"; document.body.append(s); }""")
    tab.wait_for_timeout(100)
    assert tab.evaluate("window.__injected === undefined"), "the injected inline script ran"
    events = [v for v in violations if v.get("directive") == "script-src-elem"]
    consoles = [v for v in violations if "Content Security Policy" in v.get("console", "")]
    assert events and events[0]["blocked"] == "inline" and consoles, violations
    assert re.search(r"/en/glossary/$", events[0]["url"]), events
