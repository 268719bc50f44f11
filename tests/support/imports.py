"""The import graph of a package, read with ``ast`` (nothing is imported), and its cycles.

Every import counts, lazy ones inside functions and ``TYPE_CHECKING`` ones included: a cycle
hidden in a function is still two modules that cannot be understood apart.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

#: Domain packages: every module below one of these belongs to it (longest prefix wins).
#: Any other module (``app.extensions``, ``app.audit``…) is a package of its own.
DOMAIN_PACKAGES = (
    "app.core.publishing", "app.core.finance", "app.accounts", "app.campaigns", "app.website",
    "app.editor", "app.donations", "app.ledger", "app.treasury", "app.privacy",
)  # fmt: skip


def module_names(root: Path, top: str) -> dict[str, Path]:
    """``dotted name → file`` for every module of the package folder ``root`` named ``top``."""
    names: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = [top, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _resolve(current: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = current.split(".")
    if not is_package:
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_graph(root: Path, top: str) -> dict[str, set[str]]:
    """``module → modules of the same package it imports``."""
    modules = module_names(root, top)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, path.name == "__init__.py", node)
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in modules else base)
            for target in targets:
                while target and target not in modules:  # ``import app.x.y`` of a package
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def package_of(module: str, packages: tuple[str, ...] = DOMAIN_PACKAGES) -> str:
    found = [p for p in packages if module == p or module.startswith(p + ".")]
    return max(found, key=len) if found else module


def package_graph(graph: dict[str, set[str]],
                  packages: tuple[str, ...] = DOMAIN_PACKAGES) -> dict[str, set[str]]:
    """``package → packages it imports``: the module graph seen from ``packages``."""
    result: dict[str, set[str]] = {}
    for module, targets in graph.items():
        source = package_of(module, packages)
        result.setdefault(source, set())
        result[source] |= {package_of(t, packages) for t in targets} - {source}
    return result


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan), each sorted."""
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
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def describe(components: Iterable[list[str]], graph: dict[str, set[str]]) -> list[str]:
    """One line per cycle, with the imports that close it."""
    lines = []
    for component in components:
        members = set(component)
        edges = [f"{a} → {b}" for a in component for b in sorted(graph[a] & members)]
        lines.append("; ".join(edges))
    return lines


#: What any module of the test tree may import from the tree: the builders and the harnesses.
SHARED_TEST_CODE = ("factories", "support")


def _plugins(tree: ast.Module) -> list[str]:
    """The modules a ``pytest_plugins = [...]`` assignment loads (pytest imports them)."""
    found: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "pytest_plugins" for t in node.targets):
            values = node.value.elts if isinstance(node.value, ast.List | ast.Tuple) else [
                node.value]
            found += [v.value for v in values
                      if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    return found


def forbidden_test_imports(root: Path, top: str = "tests") -> list[str]:
    """``module → target`` for every import, in the test tree ``root`` named ``top``, of one of
    its modules other than ``top.factories`` and ``top.support.*``: a test module or a conftest
    (a test gets fixtures by naming them, never by importing a conftest). Lazy imports and
    ``pytest_plugins`` count."""
    modules = module_names(root, top)
    graph = import_graph(root, top)
    for name, path in modules.items():
        for plugin in _plugins(ast.parse(path.read_text(encoding="utf-8"))):
            while plugin and plugin not in modules:
                plugin = plugin.rpartition(".")[0]
            if plugin:
                graph[name].add(plugin)
    shared = tuple(f"{top}.{name}" for name in SHARED_TEST_CODE)
    return [f"{module} → {target}" for module in sorted(graph) for target in sorted(graph[module])
            if not any(target == s or target.startswith(s + ".") for s in shared)]
