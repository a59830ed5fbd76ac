"""The layout of docs/architecture.md, checked: imports between apps run one way (the
import-linter contracts of pyproject.toml), no import cycle between modules, no module too
long to hold in one's head. The import graph comes from grimp (import-linter's engine), which
reads every import statement, also those inside functions."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import grimp
import pytest
from importlinter import configuration
from importlinter.application.use_cases import lint_imports

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "core",
    "kern",
    "pages",
    "municipalities",
    "accounts",
    "questionnaires",
    "applications",
    "messaging",
    "reviews",
    "notifications",
    "grants",
    "reports",
    "documents",
    "demo",
    "wir_portal",
)
MAX_LINES = 600


@cache
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)


def _skipped(module: str) -> bool:
    parts = module.split(".")
    return "migrations" in parts or "tests" in parts


def test_imports_between_apps_run_one_way():
    """The contracts of import-linter in pyproject.toml (layers; kern stands alone); the
    report of a broken contract is printed with the failure."""
    configuration.configure()
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), cache_dir=None, no_logo=True)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules():
    modules = [m for m in graph().modules if not _skipped(m)]
    edges = {
        m: {i for i in graph().find_modules_directly_imported_by(m) if not _skipped(i)}
        for m in modules
    }
    assert _cycles(edges) == []


def _source_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if {"migrations", "tests"} & set(path.relative_to(ROOT).parts):
                continue
            yield path


@pytest.mark.parametrize("limit", [MAX_LINES])
def test_no_module_over_the_limit(limit):
    long = {
        str(path.relative_to(ROOT)): n
        for path in _source_files()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > limit
    }
    assert long == {}, f"modules over {limit} lines (split them by concern): {long}"
