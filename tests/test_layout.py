"""The import rules of the layout: `warehouse` is the core every package may import and that imports none of
them; publications never reach into ingest; no module or package imports itself round about."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("warehouse", "data_contracts", "ingest", "privacy", "sample_data", "dashboards", "orchestration",
            "reports")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Every project module a file imports, at the top or inside a function (lazy imports count too).
    `from a.b import c` imports module a.b.c when there is one, else the name c of module a.b."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
    return {m for m in found if m in modules}


def _graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for pkg in PACKAGES if (ROOT / pkg).is_dir() for p in (ROOT / pkg).rglob("*.py")}
    return {name: _imports(path, set(paths)) - {name} for name, path in paths.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        packages.setdefault(module.split(".")[0], set()).update(t.split(".")[0] for t in targets)
    return {p: t - {p} for p, t in packages.items()}


def test_the_core_imports_no_project_package():
    graph = _graph()
    assert any(m.startswith("warehouse.") for m in graph)
    outside = {m: sorted(t for t in targets if not t.startswith("warehouse"))
               for m, targets in graph.items() if m.split(".")[0] == "warehouse"}
    assert {m: t for m, t in outside.items() if t} == {}


@pytest.mark.parametrize(("package", "forbidden"), [
    ("dashboards", "ingest"), ("dashboards", "orchestration"), ("data_contracts", "ingest"),
    ("ingest", "orchestration"), ("ingest", "dashboards"), ("sample_data", "orchestration"),
    ("reports", "orchestration"), ("reports", "ingest"),
])
def test_package_does_not_import(package: str, forbidden: str):
    graph = _graph()
    offending = sorted(f"{m} → {t}" for m, targets in graph.items() if m.split(".")[0] == package
                       for t in targets if t.split(".")[0] == forbidden)
    assert offending == []


def test_no_import_cycles_between_modules_or_packages():
    graph = _graph()
    assert _cycles(graph) == []
    assert _cycles(_package_graph(graph)) == []


def test_the_cycle_check_finds_a_cycle():
    """The checker itself must be able to fail."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles(_package_graph({"x.m": {"y.n"}, "y.n": {"x.k"}, "x.k": set()})) == [["x", "y"]]


DBT_MODELS = ROOT / "dbt_project" / "models"
REF = re.compile(r"ref\(\s*'([\w]+)'\s*\)")
SOURCE = re.compile(r"source\(\s*'(\w+)'\s*,\s*'(\w+)'\s*\)")


def _models(layer: str) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in (DBT_MODELS / layer).rglob("*.sql")}


def test_dbt_layers_read_downwards_only():
    """Staging reads one source and nothing else; intermediate never reads a mart."""
    staging, intermediate, marts = _models("staging"), _models("intermediate"), _models("marts")
    assert staging and intermediate and marts
    assert {name: sorted(set(SOURCE.findall(sql))) for name, sql in staging.items()
            if len(set(SOURCE.findall(sql))) != 1 or REF.findall(sql) or "ref('stg_" in sql} == {}
    reads_marts = {name: sorted(set(REF.findall(sql)) & set(marts)) for name, sql in intermediate.items()}
    assert {name: refs for name, refs in reads_marts.items() if refs} == {}
    assert not any(SOURCE.search(sql) for sql in [*intermediate.values(), *marts.values()])
