"""A local web server for a built site that answers like the published one (GitHub Pages):
text compressed with gzip, `Cache-Control: max-age=600` with an ETag, each language's own 404 page.

It counts the bytes it sends (status line, headers and body) per request, so the benchmark can say
how much a browser really transferred, with a cold or a warm cache. Tests and `handbook.py bench` use it.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import mimetypes
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
    "application/manifest+json",
)
MAX_AGE = 600  # what GitHub Pages sends


@dataclass
class Transfer:
    path: str
    status: int
    bytes: int  # everything written to the socket for this response
    encoding: str = ""  # "gzip" when the body was compressed


@dataclass
class _Entry:
    body: bytes
    gzipped: bytes | None
    etag: str
    ctype: str


@dataclass
class Log:
    transfers: list[Transfer] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, transfer: Transfer) -> None:
        with self.lock:
            self.transfers.append(transfer)

    def take(self) -> list[Transfer]:
        """The transfers since the last call (and forget them)."""
        with self.lock:
            out, self.transfers = self.transfers, []
            return out


class _CountingWriter:
    def __init__(self, raw):
        self.raw, self.count = raw, 0

    def write(self, data) -> int:
        self.count += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()

    def __getattr__(self, name):
        return getattr(self.raw, name)


def content_type(path: Path) -> str:
    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".woff2":
        ctype = "font/woff2"
    if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
        ctype += "; charset=utf-8"
    return ctype


def compressible(ctype: str) -> bool:
    return ctype.startswith(COMPRESSIBLE)


class Handler(http.server.BaseHTTPRequestHandler):
    root: Path
    log: Log
    cache: dict
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.wfile = _CountingWriter(self.wfile)

    def log_message(self, *args):
        pass

    def _resolve(self, url_path: str) -> Path | None:
        rel = unquote(urlsplit(url_path).path).lstrip("/")
        target = (self.root / rel).resolve()
        if not target.is_relative_to(self.root):
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def _entry(self, path: Path) -> _Entry:
        key = (path, path.stat().st_mtime_ns)
        entry = self.cache.get(key)
        if entry is None:
            body = path.read_bytes()
            ctype = content_type(path)
            gz = gzip.compress(body, compresslevel=6, mtime=0) if compressible(ctype) else None
            entry = _Entry(body, gz, '"' + hashlib.sha1(body).hexdigest()[:16] + '"', ctype)
            self.cache[key] = entry
        return entry

    def _not_found(self) -> tuple[int, Path | None]:
        """A language's own 404 page under its folder (`/en/…` -> en/404.html), else the root's."""
        first = unquote(urlsplit(self.path).path).lstrip("/").split("/", 1)
        own = self.root / first[0] / "404.html" if len(first) == 2 and first[0] not in ("", ".", "..") else None
        page = own if own is not None and own.is_file() else self.root / "404.html"
        return 404, page if page.is_file() else None

    def _respond(self, head_only: bool) -> None:
        start = self.wfile.count
        url_path = urlsplit(self.path).path
        if not url_path.endswith("/") and (self.root / unquote(url_path).lstrip("/")).is_dir():
            self.send_response(301)  # like GitHub Pages: /en -> /en/
            self.send_header("Location", url_path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.log.add(Transfer(self.path, 301, self.wfile.count - start))
            return
        path = self._resolve(self.path)
        status = 200
        if path is None:
            status, path = self._not_found()
        encoding = ""
        if path is None:
            body, headers = b"not found", {"Content-Type": "text/plain; charset=utf-8"}
        else:
            entry = self._entry(path)
            headers = {
                "Content-Type": entry.ctype,
                "Cache-Control": f"max-age={MAX_AGE}",
                "ETag": entry.etag,
                "Vary": "Accept-Encoding",
            }
            if status == 200 and entry.etag in self.headers.get("If-None-Match", ""):
                status, body = 304, b""
            elif entry.gzipped is not None and "gzip" in self.headers.get("Accept-Encoding", ""):
                body, encoding = entry.gzipped, "gzip"
                headers["Content-Encoding"] = "gzip"
            else:
                body = entry.body
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head_only and status != 304:
            self.wfile.write(body)
        self.log.add(Transfer(self.path, status, self.wfile.count - start, encoding))

    def do_GET(self):
        self._respond(head_only=False)

    def do_HEAD(self):
        self._respond(head_only=True)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Browsers and Lighthouse drop connections they no longer need; that is not an error.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class SiteServer:
    """`with SiteServer(site) as server:` serves site/ on a free local port; `server.url` ends in /."""

    def __init__(self, root: Path, port: int = 0):
        handler = type("SiteHandler", (Handler,), {"root": Path(root).resolve(), "log": Log(), "cache": {}})
        self.log = handler.log
        self.httpd = _Server(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
