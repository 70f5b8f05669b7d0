"""The shape of the code (issue 15): the project's modules import each other without cycles, and the
knowledge a move to another generator would change lives in one layer (scripts/project.py)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "scripts"


def _module_name(path: Path) -> str:
    return f"{PACKAGE}.{path.stem}"


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The project modules a file imports, at module level or inside functions (lazy imports count: a
    cycle through a function-level import is still a cycle)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in known}
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module in known:
                found.add(node.module)
            if node.module == PACKAGE:
                found |= {f"{PACKAGE}.{alias.name}" for alias in node.names} & known
    return found


def import_graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in (ROOT / PACKAGE).glob("*.py") if p.stem != "__init__"}
    return {name: imports_of(path, set(files)) - {name} for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def test_cycle_finder_finds_a_cycle_and_passes_a_tree():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_project_modules_import_each_other_without_cycles():
    graph = import_graph()
    assert {"scripts.project", "scripts.checks", "scripts.pdf"} <= set(graph)
    found = cycles(graph)
    assert not found, "import cycles among scripts/ modules: " + "; ".join(" <-> ".join(c) for c in found)


def test_the_project_model_depends_only_on_the_set_up_module():
    """project.py is the bottom layer (environment.py, standard library only, gives it ROOT)."""
    graph = import_graph()
    assert graph["scripts.project"] == {"scripts.environment"}
    assert graph["scripts.environment"] == set()


def test_no_module_edits_sys_path():
    """The tooling is installed (pyproject.toml, editable), so nothing needs to put itself on sys.path."""
    offenders = []
    for folder in ("scripts", "overrides", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            if "fixtures" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if ("sys.path.insert" in line or "sys.path.append" in line) and "offenders" not in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert not offenders, offenders


def test_the_end_of_life_is_announced_with_its_plan():
    from scripts import project

    assert "(in 155 days)" in project.end_of_life_notice("2026-12-01")
    assert "(today)" in project.end_of_life_notice("2027-05-05")
    assert "(3 days ago)" in project.end_of_life_notice("2027-05-08")
    assert "decisions/0004-leaving-material.md" in project.end_of_life_notice("2026-12-01")
    assert (ROOT / "decisions" / "0004-leaving-material.md").is_file()


def imports_of_tests(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in a test file, function-level imports included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
    return found


def test_tests_share_code_through_helper_modules_only():
    """Test modules import shared code from helper modules (tests/helpers.py, tests/pdf_reading.py), never
    from conftest.py (fixtures only) nor from another test module: a test file can be moved, renamed or
    deleted without breaking another."""
    tests = {path.stem for path in (ROOT / "tests").glob("test_*.py")}
    offenders = [
        f"{path.name}:{line}: imports {module}"
        for path in sorted((ROOT / "tests").glob("*.py"))
        for line, module in imports_of_tests(path)
        if module.split(".")[0] == "conftest" or module.split(".")[0] in tests
    ]
    assert offenders == [], offenders


def test_the_import_rule_for_tests_sees_lazy_imports(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text("import os\n\n\ndef test_x():\n    from test_site import resolve\n    from conftest import x\n")
    assert imports_of_tests(sample) == [(1, "os"), (5, "test_site"), (6, "conftest")]


# The build hooks are typed with MkDocs' own types and checked by mypy (pyproject.toml [tool.mypy]),
# which `handbook.py check` and pre-commit (so CI) run.
HOOKS = ROOT / "overrides" / "hooks"
WRONG_HOOK = """from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> int:
    return page.nonexistent


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return len(output)


def on_page_content(html, page, config, files):
    return html
"""


def unannotated_hooks(path: Path) -> list[str]:
    """`file:line: name` of every module-level `def on_*` (a MkDocs event) missing a parameter's or the
    return's annotation: mypy checks a hook only as far as it is annotated."""
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8"), filename=str(path)).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("on_"):
            arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            arguments += [a for a in (node.args.vararg, node.args.kwarg) if a is not None]
            if node.returns is None or any(a.annotation is None for a in arguments):
                found.append(f"{path.name}:{node.lineno}: {node.name}")
    return found


def test_every_build_hook_is_annotated():
    hooks = sorted(HOOKS.glob("*.py"))
    events = [
        node.name
        for path in hooks
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("on_")
    ]
    assert len(events) >= 20, events  # the rule looks at the real hooks
    assert [line for path in hooks for line in unannotated_hooks(path)] == []


def test_the_annotation_rule_sees_a_missing_annotation(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def on_config(config: object) -> object:\n    return config\n\n\n"
        "def on_post_page(output: str, page, config: object) -> str:\n    return output\n\n\n"
        "def on_startup(*, command: str, dirty: bool):\n    pass\n"
    )
    assert unannotated_hooks(sample) == ["sample.py:5: on_post_page", "sample.py:9: on_startup"]


def test_mypy_in_the_check_names_a_wrong_hook(tmp_path, monkeypatch):
    """`handbook.py check` runs mypy with the project's configuration over a copy of the hooks with one
    wrong hook added: each mistake is reported with its file and line, an untyped hook included."""
    import shutil

    from scripts import handbook

    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(HOOKS, tmp_path / "overrides" / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "scripts").symlink_to(ROOT / "scripts")  # the hooks import the project's modules
    (tmp_path / "overrides" / "hooks" / "wrong.py").write_text(WRONG_HOOK, encoding="utf-8")
    monkeypatch.setattr(handbook, "ROOT", tmp_path)
    failed = handbook._mypy()
    assert all(line.startswith("overrides/hooks/wrong.py:") for line in failed), failed
    assert any(line.startswith("overrides/hooks/wrong.py:12: error: ") and '"Page"' in line for line in failed)
    assert any(line.startswith("overrides/hooks/wrong.py:16: error: ") and "return-value" in line for line in failed)
    assert any(line.startswith("overrides/hooks/wrong.py:19: error: ") and "no-untyped-def" in line for line in failed)
