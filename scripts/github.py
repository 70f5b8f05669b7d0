"""What the workflows need from GitHub, with the standard library: one issue kept up to date, and
release assets. Uses $GITHUB_API_URL, $GITHUB_REPOSITORY and $GITHUB_TOKEN, as set on Actions runners."""

from __future__ import annotations

import json
import mimetypes
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path


class GitHubError(RuntimeError):
    pass


class Client:
    def __init__(self, api: str | None = None, repository: str | None = None, token: str | None = None):
        self.api = (api or os.environ.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/")
        self.repository = repository or os.environ.get("GITHUB_REPOSITORY", "")
        self.token = token or os.environ.get("GITHUB_TOKEN", "")
        if not self.repository or not self.token:
            raise GitHubError("GITHUB_REPOSITORY and GITHUB_TOKEN must be set")

    def request(self, method: str, url: str, body=None, *, data: bytes | None = None,
                content_type: str = "application/json"):
        if not url.startswith("http"):
            url = f"{self.api}/repos/{self.repository}{url}"
        payload = data if data is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(url, data=payload, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28", "Content-Type": content_type})
        try:
            with urllib.request.urlopen(req, timeout=60) as response:
                text = response.read().decode() or "null"
                return json.loads(text)
        except urllib.error.HTTPError as err:
            if err.code == 404 and method == "GET":
                return None
            raise GitHubError(f"{method} {url}: HTTP {err.code} {err.read().decode()[:300]}") from err

    def upsert_issue(self, label: str, title: str, body: str, *, close: bool = False) -> int | None:
        """Keep one open issue with `label`: update it, create it, or close it when all is well."""
        found = self.request("GET", f"/issues?state=open&labels={urllib.parse.quote(label)}") or []
        if close:
            for issue in found:
                self.request("PATCH", f"/issues/{issue['number']}", {"state": "closed", "body": body})
            return found[0]["number"] if found else None
        if found:
            self.request("PATCH", f"/issues/{found[0]['number']}", {"title": title, "body": body})
            return found[0]["number"]
        return self.request("POST", "/issues", {"title": title, "body": body, "labels": [label]})["number"]

    def release_assets(self, tag: str, files: list[Path]) -> list[str]:
        """Create the release for `tag` if needed and attach the files (replacing same-named ones)."""
        release = self.request("GET", f"/releases/tags/{urllib.parse.quote(tag)}")
        if release is None:
            release = self.request("POST", "/releases", {"tag_name": tag, "name": tag})
        existing = {asset["name"]: asset["id"] for asset in release.get("assets", [])}
        upload = release["upload_url"].split("{", 1)[0]
        names = []
        for path in files:
            if path.name in existing:
                self.request("DELETE", f"/releases/assets/{existing[path.name]}")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            self.request("POST", f"{upload}?name={urllib.parse.quote(path.name)}",
                         data=path.read_bytes(), content_type=kind)
            names.append(path.name)
        return names
