"""Build and preview the site. A failed build never replaces the last good site/."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from scripts import filesystem, project
from scripts.environment import ROOT

SITE = ROOT / "site"


class BuildError(RuntimeError):
    pass


# The generator that turns the sources into the site (decisions/0004-leaving-material.md): MkDocs 1.6.1,
# or the successor the record keeps ready, ProperDocs (a fork of MkDocs 1.x that runs the same theme,
# plugins and hooks; it wants the configuration named with -f). HANDBOOK_GENERATOR chooses; every build,
# the live preview, the profile and the tests' sandboxes start the generator here, so the switch the
# record describes is this table and the pin, and the canary job (scripts/canary.py) runs the successor
# through the same place.
GENERATORS = {"mkdocs": (), "properdocs": ("-f", "mkdocs.yml")}
GENERATOR_VARIABLE = "HANDBOOK_GENERATOR"


def generator() -> str:
    name = os.environ.get(GENERATOR_VARIABLE) or "mkdocs"
    if name not in GENERATORS:
        known = ", ".join(GENERATORS)
        raise BuildError(
            f"{GENERATOR_VARIABLE}={name!r} is not a generator this project knows ({known}); "
            f"unset it to build with MkDocs"
        )
    return name


def generator_command(command: str, *args: str, name: str | None = None) -> list[str]:
    """`python -m <generator> <command> [-f mkdocs.yml] <args>`, run from the project's root."""
    name = name or generator()
    return [sys.executable, "-m", name, command, *GENERATORS[name], *args]


def build_environment(**extra: str) -> dict:
    """The environment a build runs in: ours, without the theme's end-of-life banner (`make check` says
    it once, with the plan), plus extra."""
    return {**os.environ, **project.QUIET_END_OF_LIFE, **extra}


def mkdocs(*args: str, env: dict | None = None, quiet: bool = False, root: Path = ROOT) -> subprocess.CompletedProcess:
    cmd = generator_command(*args)
    return subprocess.run(cmd, cwd=root, env=build_environment(**(env or {})), capture_output=quiet, text=True)


def build_html(site_dir: Path, site_url: str | None = None, quiet: bool = False, root: Path = ROOT) -> None:
    """mkdocs build --strict of both languages into site_dir (which it creates)."""
    env = {"HANDBOOK_SITE_URL": site_url} if site_url else {}
    result = mkdocs("build", "--strict", "--site-dir", str(site_dir), env=env, quiet=quiet, root=root)
    if result.returncode != 0:
        detail = (result.stdout or "") + (result.stderr or "") if quiet else ""
        raise BuildError(
            f"{generator()} build --strict failed" + (f":\n{detail}" if detail else " (see the messages above)")
        )


PLACEHOLDER = "[PLATZHALTER"
PLACEHOLDER_SECTION = ("extra", "operator")


def placeholders(config_file: Path) -> list[str]:
    """The keys in mkdocs.yml (under extra.operator) whose value is still a placeholder, as dotted paths."""
    found = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, [*path, str(key)])
        elif isinstance(value, list):
            for index, child in enumerate(value):
                walk(child, [*path, str(index)])
        elif isinstance(value, str) and value.strip().startswith(PLACEHOLDER):
            found.append(".".join(path))

    section = project.load_config(config_file)
    for key in PLACEHOLDER_SECTION:
        section = (section or {}).get(key) if isinstance(section, dict) else None
    walk(section or {}, list(PLACEHOLDER_SECTION))
    return found


def check_release(root: Path = ROOT) -> None:
    """A release (deploy, tag) publishes nothing while the operator's details are placeholders."""
    keys = placeholders(root / "mkdocs.yml")
    if keys:
        listed = "\n".join(f"  - {key}" for key in keys)
        raise BuildError(
            f"release build refused: {len(keys)} placeholder(s) in mkdocs.yml still start with "
            f"{PLACEHOLDER!r}; put the real values there first (imprint and privacy pages and "
            f"the PDFs show them):\n{listed}"
        )


def _placeholders_in_pages(site_dir: Path) -> list[str]:
    return sorted(
        str(p.relative_to(site_dir))
        for p in site_dir.rglob("*.html")
        if 'class="hb-placeholder"' in p.read_text(encoding="utf-8")
    )


def build(
    site_dir: Path = SITE,
    *,
    pdf: bool = True,
    site_url: str | None = None,
    quiet: bool = False,
    root: Path = ROOT,
    release: bool = False,
) -> Path:
    """Build the complete site (and the PDFs) into a staging folder beside site_dir, then swap it in.

    release=True (deploy and release workflows) refuses to build while mkdocs.yml holds placeholders,
    and refuses the result if a built page still shows one. Local and pull-request builds show them
    highlighted instead. pdf=False keeps the PDFs of the previous site (see keep_pdfs).
    A build that fails or is stopped (SIGTERM, Ctrl+C) removes its staging folder and leaves site_dir as
    it was; one killed outright (kill -9) leaves the folder, which the next build removes."""
    if release:
        check_release(root)
    check_site_url(site_url if site_url is not None else os.environ.get(SITE_URL_ENV))
    check_encoding(root)
    site_dir = Path(site_dir).resolve()
    try:
        with sigterm_stops_the_build():
            site_dir.parent.mkdir(parents=True, exist_ok=True)
            remove_leftovers(site_dir)
            with Staging(site_dir) as staging:
                build_html(staging, site_url=site_url, quiet=quiet, root=root)
                if release and (pages := _placeholders_in_pages(staging)):
                    raise BuildError("release build refused: built pages still show placeholders: " + ", ".join(pages))
                from scripts import epub

                if pdf:
                    from scripts import pdf as pdf_module

                    pdf_module.build_all(staging)
                else:
                    keep_pdfs(site_dir, staging, root)
                epub.build_all(staging)  # a second or two: made on every build, with or without PDFs
                normalise_permissions(staging)
                swap(staging, site_dir)
    except OSError as err:
        raise BuildError(filesystem.os_error_message(err, site_dir)) from None
    return site_dir


# --- staging, clean-up and the swap --------------------------------------------------------------

STAGING_PREFIX = ".site-"
STAGING_NAME = re.compile(r"^\.site-(?:old-)?(?:(\d+)-)?")


class Staging:
    """A folder `.site-<pid>-XXXX` beside site_dir, locked (flock) while this build uses it.

    The pid and the lock tell the next build what it may remove: a folder whose lock it can take and
    whose process is gone is a leftover of a build that was killed. Leaving the context removes the
    folder (after the swap it holds the previous site)."""

    def __init__(self, site_dir: Path):
        self.path = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=site_dir.parent))
        self._fd = os.open(self.path, os.O_RDONLY)
        _lock(self._fd)

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc) -> None:
        os.close(self._fd)
        remove_tree(self.path)


def _lock(fd: int, wait: bool = True) -> bool:
    """flock on a folder; False when another process holds it (no flock on this system: True)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(site_dir: Path) -> list[Path]:
    """Remove the staging folders of earlier builds that were killed (kill -9, power loss). A folder stays
    while its build runs: its lock is held, or (just created, not yet locked) its process is alive."""
    removed = []
    for path in sorted(site_dir.parent.glob(STAGING_PREFIX + "*")):
        match = STAGING_NAME.match(path.name)
        if not match or not path.is_dir() or path.is_symlink():
            continue
        pid = int(match.group(1)) if match.group(1) else None
        if pid is not None and _alive(pid):
            continue
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            if not _lock(fd, wait=False):
                continue
            remove_tree(path)
            removed.append(path)
        finally:
            os.close(fd)
    if removed:
        print(
            f"build: removed {len(removed)} folder(s) left by an interrupted build: "
            + ", ".join(p.name for p in removed),
            flush=True,
        )
    return removed


def remove_tree(path: Path) -> None:
    """rmtree that also removes what was made read-only (chmod -w) inside; never fails the build."""

    def writable_then_retry(function, name, _exc):
        try:
            os.chmod(os.path.dirname(name), 0o755)
            if os.path.isdir(name) and not os.path.islink(name):
                os.chmod(name, 0o755)
            function(name)
        except OSError:
            pass

    if path.exists() or path.is_symlink():
        shutil.rmtree(path, onerror=writable_then_retry)


def normalise_permissions(site: Path) -> None:
    """Folders 0755, files 0644, like any published web folder (mkdtemp makes the staging folder 0700)."""
    os.chmod(site, 0o755)
    for top, dirs, files in os.walk(site):
        for name in dirs:
            os.chmod(os.path.join(top, name), 0o755)
        for name in files:
            path = os.path.join(top, name)
            if not os.path.islink(path):
                os.chmod(path, 0o644)


AT_FDCWD = -100
RENAME_EXCHANGE = 2


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step: Linux renameat2(RENAME_EXCHANGE) from the C library. False where that
    does not exist (other systems, glibc before 2.28, file systems without it); then the caller renames
    twice, with a moment in which the second path is missing."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    if function(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap(staging: Path, site_dir: Path) -> None:
    """Put the new site in place of the old one in one atomic step; the staging path then holds the old
    site (removed with it). Without renameat2: two renames (site_dir is briefly missing)."""
    if not os.path.lexists(site_dir):
        os.replace(staging, site_dir)
        return
    if exchange(staging, site_dir):
        return
    old = staging.with_name(staging.name + "-old")
    os.replace(site_dir, old)
    os.replace(staging, site_dir)
    os.replace(old, staging)


# --- build --no-pdf keeps the PDFs ---------------------------------------------------------------


def pdf_urls(config: dict) -> list[str]:
    """Site-relative addresses of every PDF (handbook and worksheets, each language)."""
    strings = config["extra"]["strings"]
    locales = project.of_config(config).locales
    return [strings[lang][key] for lang in locales for key in ("pdf_url", "worksheets_pdf_url")]


def keep_pdfs(site_dir: Path, staging: Path, root: Path = ROOT) -> list[dict]:
    """Copy the PDFs of the previous site into the new one and state their size and pages in its download
    links, as a build with PDFs does. Says plainly when there are none (or not all)."""
    import pypdf

    from scripts import pdf as pdf_module

    config = project.load_config(root / "mkdocs.yml")
    kept, missing = [], []
    for url in pdf_urls(config):
        old = site_dir / url
        if not old.is_file():
            missing.append(url)
            continue
        new = staging / url
        new.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(old, new)
        try:
            pages = len(pypdf.PdfReader(new).pages)
        except (pypdf.errors.PyPdfError, ValueError, OSError):
            new.unlink()
            missing.append(url)
            continue
        kept.append({"file": str(new), "url": url, "bytes": new.stat().st_size, "pages": pages})
    if kept:
        pdf_module.annotate_download_links(staging, kept, config)
        print(
            f"build: --no-pdf kept the {len(kept)} PDF(s) of the previous site; they show the state of "
            "their last build: run `make pdf` to renew them",
            flush=True,
        )
    if missing:
        print(
            f"build: --no-pdf: the site has no PDF at {', '.join(missing)} (none was built before, so its "
            "download links lead nowhere); run `make build` or `make pdf` to make them",
            flush=True,
        )
    return kept


# --- messages instead of tracebacks --------------------------------------------------------------


class BuildInterrupted(BuildError):
    """SIGTERM during a build: raised in the main thread so that staging and PDF workers are cleaned up."""


@contextlib.contextmanager
def sigterm_stops_the_build():
    """While building, SIGTERM raises BuildInterrupted (clean-up runs) instead of ending the process
    on the spot (which left the PDF workers and the staging folder behind)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, _frame):
        raise BuildInterrupted(f"build stopped by signal {signal.Signals(signum).name}")

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def check_encoding(root: Path = ROOT) -> None:
    """Every Markdown source is UTF-8 without BOM; otherwise name the file, line and byte before MkDocs
    starts (it would stop with a traceback that names no file). The rule is scripts/guard.py's."""
    from scripts.guard import encoding_rules

    sources = sorted((root / "docs").rglob("*.md")) + sorted((root / "includes").rglob("*.md"))
    problems = [p for s in sources if s.is_file() for p in encoding_rules(s, s.read_bytes())]
    if problems:
        raise BuildError("these files are not UTF-8 text:\n" + "\n".join(f"  {p}" for p in problems))


SITE_URL_ENV = "HANDBOOK_SITE_URL"
SITE_URL_FORBIDDEN = re.compile(r"[\s\"'<>`\\{}|^\x00-\x1f\x7f]")


def site_url_problem(url: str) -> str | None:
    """Why url cannot be the site's address (it ends up in every page and in the sitemap), or None."""
    from urllib.parse import urlsplit

    if SITE_URL_FORBIDDEN.search(url):
        return "it contains a space, quote, <, >, backslash or control character"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "it is not a valid URL"
    if parts.scheme not in ("http", "https"):
        return "it must start with https:// (or http://)"
    if not parts.hostname:
        return "it names no host"
    if parts.query or parts.fragment or parts.username or parts.password:
        return "it must not have a query (?), fragment (#) or user name"
    if not url.endswith("/"):
        return "it must end with '/'"
    return None


def check_site_url(url: str | None) -> None:
    """Refuse a malformed site address before anything is built."""
    if url is None:
        return
    reason = site_url_problem(url)
    if reason:
        raise BuildError(
            f"{SITE_URL_ENV}={url!r} cannot be the site's address: {reason}. Write it like "
            f"https://example.org/handbuch/ (http or https, a host, ending in '/'), or unset "
            f"{SITE_URL_ENV} to use site_url from mkdocs.yml"
        )


def check_address(address: str) -> tuple[str, int]:
    """host:port for the live preview, free to listen on (checked before MkDocs builds for a minute)."""
    host, _, port_text = address.rpartition(":")
    host = host.strip("[]")
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise BuildError(f"--address {address!r} is not HOST:PORT; write it like 127.0.0.1:8001")
    port = int(port_text)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            probe.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise BuildError(
                    f"port {port} on {host} is already in use (another preview still running? stop it "
                    f'with Ctrl+C there); or choose another port: make serve ARGS="--address {host}:{port + 1}" '
                    f"(python3 scripts/handbook.py serve --address {host}:{port + 1})"
                ) from None
            raise BuildError(
                f"cannot listen on {host}:{port} ({err.strerror}); choose another address: "
                f'make serve ARGS="--address 127.0.0.1:{port + 1}"'
            ) from None
    return host, port


def serve_command(address: str = "127.0.0.1:8000") -> tuple[list[str], dict]:
    """The live preview's command line and environment (also used by `handbook.py bench`)."""
    env = build_environment(HANDBOOK_SITE_URL=f"http://{address}/")
    return generator_command("serve", "--strict", "--dev-addr", address, "--livereload"), env


def serve(address: str = "127.0.0.1:8000") -> int:
    """Live preview of every language; rebuilds on every saved change."""
    check_address(address)
    url = f"http://{address}/"
    model = project.load()
    where = " and ".join(f"{url}{model.prefix(lang)} ({project.language_name(lang)})" for lang in model.locales)
    print(f"Live preview: {where}. Stop with Ctrl+C.", flush=True)
    # Become the MkDocs server (exec), so that stopping this process stops the server too.
    cmd, env = serve_command(address)
    os.chdir(ROOT)
    os.execve(cmd[0], cmd, env)
