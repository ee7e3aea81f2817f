"""Imports point one way: cli -> actions -> core -> transport, config, store; no circles.

Every import is counted, those inside functions too: a lazy import is still a
dependency, and a circle of lazy imports is still a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ctlsupport"

# Which layers each layer may import (besides itself and the shared top-level modules).
ALLOWED = {
    "cli": {"actions", "core", "transport", "config", "store", "data", "sandbox"},
    "actions": {"core", "transport", "config", "store", "data", "sandbox"},
    "core": {"transport", "config", "store", "data"},
    "transport": {"config", "data"},
    "config": {"data"},
    "store": {"config", "data"},
    "sandbox": {"core", "transport", "config", "store", "data"},
    "data": set(),
}
TERMINAL = ("typer", "rich", "questionary", "click", "prompt_toolkit")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from ctlsupport.actions import signin` imports the module signin
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path) if m in modules and m != name}
    return graph


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else None  # ctlsupport.<layer>.<module>


def test_each_layer_imports_only_the_layers_below_it():
    wrong = []
    for module, targets in _graph().items():
        layer = _layer(module)
        if layer is None:
            continue
        for target in targets:
            other = _layer(target)
            if other is not None and other != layer and other not in ALLOWED[layer]:
                wrong.append(f"{module} -> {target}")
    assert not wrong, "imports against the layering:\n" + "\n".join(sorted(wrong))


def test_only_the_terminal_layer_imports_the_terminal_libraries():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        module = _module_name(path)
        if _layer(module) == "cli":
            continue
        for name in _imports(path):
            if name.split(".")[0] in TERMINAL:
                wrong.append(f"{module} imports {name}")
    assert not wrong, "\n".join(wrong)


def test_no_import_circles():
    graph = _graph()
    # Package __init__ modules only re-export: an edge to a package is not a cycle.
    edges = {m: {t for t in ts if not (PACKAGE.parent / t.replace(".", "/")).is_dir()}
             for m, ts in graph.items()}  # fmt: skip
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert not circles, "import circles:\n" + "\n".join(" <-> ".join(c) for c in circles)
