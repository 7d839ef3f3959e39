"""Feature packages depend in one direction: no import cycle between packages of lms_plugin.

Every `import` counts, including those inside functions (a lazy import is still a dependency):
the graph is read from the source with `ast`, not from what happens to be imported at run time.
Answers that must flow against the direction go through `lms_plugin.events` (facts published) or
`lms_plugin.providers` (questions answered by the feature above).
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "lms_plugin"
MODULE_PATH = re.compile(r"lms_plugin(\.[a-z_][a-z0-9_]*)+")


def _unit(module: str) -> str | None:
    """The package (or top-level module) of lms_plugin an import names."""
    parts = module.split(".")
    if parts[0] != "lms_plugin" or len(parts) < 2:
        return None
    return parts[1]


def import_graph() -> dict[str, dict[str, list[str]]]:
    """unit -> imported unit -> where ("file:line")."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        source_unit = rel.parts[0].removesuffix(".py")
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module == "lms_plugin":
                    names = [f"lms_plugin.{alias.name}" for alias in node.names]
                else:
                    names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.Call) and node.args:
                # importlib.import_module("lms_plugin.x.y") or a helper given such a string:
                # a dependency hidden in a string is still a dependency.
                first = node.args[0]
                value = first.value if isinstance(first, ast.Constant) else None
                if isinstance(value, str) and MODULE_PATH.fullmatch(value):
                    names = [value]
            for name in names:
                target = _unit(name)
                if target and target != source_unit:
                    graph[source_unit][target].append(f"{rel}:{node.lineno}")
    return graph


def cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """Strongly connected components with more than one unit (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(set(graph) | {t for targets in graph.values() for t in targets}):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_packages() -> None:
    graph = import_graph()
    problems = []
    for component in cycles(graph):
        members = set(component)
        edges = [
            f"  {a} -> {b}: {', '.join(graph[a][b][:3])}"
            for a in component
            for b in sorted(graph.get(a, {}))
            if b in members
        ]
        problems.append(f"cycle {' / '.join(component)}:\n" + "\n".join(edges))
    assert not problems, "\n".join(problems)


def test_the_checker_sees_a_cycle_and_a_lazy_import() -> None:
    """The checker itself can fail: a two-package cycle made of a function-level import."""
    graph: dict[str, dict[str, list[str]]] = {"a": {"b": ["a.py:1"]}, "b": {"a": ["b.py:9"]}}
    assert cycles(graph) == [["a", "b"]]
    assert cycles({"a": {"b": ["a.py:1"]}, "b": {}}) == []
    lazy = ast.parse("def f():\n    from lms_plugin.progress.services import x\n")
    imported = [n.module for n in ast.walk(lazy) if isinstance(n, ast.ImportFrom)]
    assert imported and _unit(str(imported[0])) == "progress"
    assert MODULE_PATH.fullmatch("lms_plugin.certification.services")
    assert not MODULE_PATH.fullmatch("see lms_plugin.certification for the rules")


def test_core_features_layer_order() -> None:
    """The direction the architecture promises (docs/architecture.md): nothing below imports
    anything above it in this chain."""
    order = ["lti", "courses", "grading", "progress", "certification", "coordination"]
    graph = import_graph()
    wrong = [
        f"{low} -> {high}: {graph[low][high][:3]}"
        for i, low in enumerate(order)
        for high in order[i + 1 :]
        if high in graph.get(low, {})
    ]
    assert not wrong, "\n".join(wrong)
