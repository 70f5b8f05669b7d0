#!/usr/bin/env python3
"""The handbook's one command line: `python3 scripts/handbook.py --help`.

Every subcommand is a thin wrapper over a module in scripts/. Run with any python3: the first run
creates .venv, installs the pinned packages, and re-runs itself inside it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import environment  # noqa: E402  (standard library only)

if not environment.in_venv():
    environment.reexec_in_venv(Path(__file__), sys.argv[1:])

import click  # noqa: E402  (comes with MkDocs, inside .venv)


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
    """Live preview of both languages at http://127.0.0.1:8000/ (English under /en/)."""
    from scripts import site
    environment.ensure_venv()
    sys.exit(site.serve(address))


@cli.command()
@click.option("--no-pdf", is_flag=True, help="Only the HTML site (faster).")
@click.option("--site-dir", type=click.Path(path_type=Path), default=ROOT / "site", show_default=True)
def build(no_pdf: bool, site_dir: Path) -> None:
    """The complete site in site/ (English in site/en/) with both PDFs."""
    from scripts import site
    _system("build")
    try:
        out = site.build(site_dir, pdf=not no_pdf)
    except site.BuildError as err:
        raise click.ClickException(f"{err}\nThe previous site/ was left as it was.") from err
    click.echo(f"build: site written to {out}")


@cli.command()
@click.option("--site-dir", type=click.Path(path_type=Path), default=ROOT / "site", show_default=True)
def pdf(site_dir: Path) -> None:
    """Only the PDFs, from an already built site/ (run `make build` once first)."""
    from scripts import pdf as pdf_module
    _system("build")
    if not (site_dir / "index.html").exists():
        raise click.ClickException(f"{site_dir} holds no built site: run `make build` first")
    try:
        pdf_module.build_all(site_dir)
    except pdf_module.PdfError as err:
        raise click.ClickException(str(err)) from err


@cli.command()
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def test(pytest_args: tuple[str, ...]) -> None:
    """The whole test suite, browser tests included."""
    import pytest
    _system("test")
    sys.exit(pytest.main(["-p", "no:cacheprovider", *pytest_args]))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Content checks on the Markdown sources (parity, ids, front matter, images, safety)."""
    from scripts import checks
    problems = checks.run_all(ROOT / "docs")
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found")
    click.echo("check: no problems")


if __name__ == "__main__":
    cli()
