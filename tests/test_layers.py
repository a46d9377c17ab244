"""The layers the README promises, checked: SQL only in pni.store, no import cycles (between
modules, or between the stage packages), and no shipped code or doctest that imports the tests."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PNI = SRC / "pni"
SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|REPLACE|WITH)\s")
SQL_WORDS = re.compile(r"\b(FROM|INTO|SET|TABLE|WHERE|VALUES|EXISTS)\b")


def _modules() -> dict[str, Path]:
    out = {}
    for f in sorted(PNI.rglob("*.py")):
        parts = list(f.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = f
    return out


MODULES = _modules()


def _tree(name: str) -> ast.Module:
    return ast.parse(MODULES[name].read_text("utf-8"))


def _sql_strings(tree: ast.AST) -> list[tuple[int, str]]:
    """String literals that read as SQL: an upper-case statement keyword, then a clause word."""
    return [(n.lineno, n.value[:60]) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and SQL.match(n.value) and SQL_WORDS.search(n.value)]


def test_sql_only_in_the_store() -> None:
    leaks = []
    for name, path in MODULES.items():
        if name == "pni.store" or name.startswith("pni.store."):
            continue
        tree = _tree(name)
        leaks += [f"{path.relative_to(SRC)}:{line}: {text!r}" for line, text in _sql_strings(tree)]
        leaks += [f"{path.relative_to(SRC)}:{n.lineno}: uses a raw connection (.conn)"
                  for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "conn"]
    assert not leaks, "SQL outside pni.store:\n" + "\n".join(leaks)


def test_the_sql_check_sees_the_store() -> None:
    """The check is not vacuous: it finds the store's own SQL."""
    assert _sql_strings(_tree("pni.store.runs"))


def _imports(name: str) -> set[str]:
    """Every pni module ``name`` imports, at import time or inside a function."""
    out = set()
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(_tree(name)):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")
                base = ".".join(up[: len(up) - node.level + 1] + ([base] if base else []))
            for a in node.names:
                sub = f"{base}.{a.name}"
                out.add(sub if sub in MODULES else base)
    return {m for m in out if m in MODULES and m != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _graph() -> dict[str, set[str]]:
    return {name: _imports(name) for name in MODULES}


def _is_package_init(a: str, b: str) -> bool:
    """A package's __init__ re-exporting its own modules is not a cycle of design."""
    return b.startswith(a + ".") and MODULES[a].name == "__init__.py"


def test_no_import_cycles_between_modules() -> None:
    graph = {a: {b for b in bs if not _is_package_init(a, b)} for a, bs in _graph().items()}
    cycles = _cycles(graph)
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_no_import_cycles_between_stage_packages() -> None:
    """Data flows one way (cli -> stages -> store): no two top-level packages import each
    other, directly or around a loop."""
    def top(m: str) -> str:
        return ".".join(m.split(".")[:2])

    graph: dict[str, set[str]] = defaultdict(set)
    for a, bs in _graph().items():
        graph[top(a)] |= {top(b) for b in bs if top(b) != top(a)}
    cycles = _cycles(graph)
    assert not cycles, "package cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_shipped_code_never_imports_the_tests() -> None:
    bad = [f"{p.relative_to(SRC)}:{i}" for p in MODULES.values()
           for i, line in enumerate(p.read_text("utf-8").splitlines(), 1)
           if re.search(r"\b(from|import)\s+tests\b", line)]
    assert not bad, "src imports the test suite (doctests included): " + ", ".join(bad)
