"""The layer contracts of pyproject.toml, checked on the package's import graph.

``lint-imports`` (import-linter) checks the same contracts in ``make lint``; this test reads
them from ``[tool.importlinter]`` and checks them with a small graph of its own, so a broken
contract is a test failure wherever the tests run. Imports made only for type checking do
not count, as configured there.
"""

from __future__ import annotations

import ast
import tomllib
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "customer_understanding"
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract for contract in CONFIG["contracts"]}

Graph = dict[str, set[str]]


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[str, list[str]]]:
    """(imported module, names) for every import not guarded by ``if TYPE_CHECKING``."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            base = module.split(".") if is_package else module.split(".")[:-1]
            if node.level:
                base = base[: len(base) - node.level + 1]
                yield (
                    ".".join([*base, *([node.module] if node.module else [])]),
                    [alias.name for alias in node.names],
                )
            else:
                yield node.module or "", [alias.name for alias in node.names]
        stack.extend(ast.iter_child_nodes(node))


def build_graph() -> Graph:
    """Module → the package's modules it imports at run time."""
    files = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: Graph = {name: set() for name in files}
    for name, path in files.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        for imported, names in _imports(tree, name, path.name == "__init__.py"):
            if not imported.startswith("customer_understanding"):
                continue
            targets = {f"{imported}.{n}" for n in names if f"{imported}.{n}" in files}
            graph[name] |= targets or ({imported} if imported in files else set())
        graph[name].discard(name)
    return graph


def _reaches(graph: Graph, start: str, targets: list[str]) -> list[str] | None:
    """The shortest import chain from ``start`` into one of the ``targets`` packages."""
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        if current != start and any(_within(current, p) for p in targets):
            chain = [current]
            while (step := previous[chain[-1]]) is not None:
                chain.append(step)
            return chain[::-1]
        for nxt in sorted(graph.get(current, ())):
            if nxt not in previous:
                previous[nxt] = current
                queue.append(nxt)
    return None


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _layers(contract: dict[str, Any], graph: Graph) -> list[tuple[str, ...]]:
    """Each layer is a tuple of sibling packages (``a | b``); optional ``(x)`` may be absent."""
    container = contract["containers"][0]
    layers = []
    for line in contract["layers"]:
        names = [name.strip().strip("()") for name in line.split("|")]
        packages = tuple(f"{container}.{name}" for name in names)
        for name, package in zip(names, packages, strict=True):
            optional = f"({name})" in line
            assert optional or package in graph, f"layer {package} does not exist"
        layers.append(packages)
    return layers


def layer_violations(contract: dict[str, Any], graph: Graph) -> list[str]:
    """Chains from a layer up to a higher one, or across siblings of one layer."""
    layers = _layers(contract, graph)
    found = []
    for index, layer in enumerate(layers):
        for package in layer:
            forbidden = [p for higher in layers[:index] for p in higher]
            forbidden += [p for p in layer if p != package]
            for module in sorted(m for m in graph if _within(m, package)):
                chain = _reaches(graph, module, forbidden)
                if chain:
                    found.append(" -> ".join(chain))
    return found


def independence_violations(contract: dict[str, Any], graph: Graph) -> list[str]:
    """Chains from one of the independent packages to another."""
    packages = contract["modules"]
    found = []
    for package in packages:
        others = [p for p in packages if p != package]
        for module in sorted(m for m in graph if _within(m, package)):
            chain = _reaches(graph, module, others)
            if chain:
                found.append(" -> ".join(chain))
    return found


def _private_parent(module: str) -> str | None:
    """The package a private module belongs to (``a.b`` for ``a.b._c.d``), if it is private."""
    parts = module.split(".")
    for index, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:index])
    return None


def private_violations(graph: Graph) -> list[str]:
    """Direct imports of a private module from outside its parent package."""
    found = []
    for importer, imported in sorted((a, b) for a, targets in graph.items() for b in targets):
        parent = _private_parent(imported)
        if parent is not None and not _within(importer, parent):
            found.append(f"{importer} -> {imported}")
    return found


def check(contract_id: str, graph: Graph) -> list[str]:
    contract = CONTRACTS[contract_id]
    if contract["type"] == "layers":
        return layer_violations(contract, graph)
    if contract["type"] == "independence":
        return independence_violations(contract, graph)
    return private_violations(graph)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build_graph()


@pytest.mark.parametrize("contract_id", sorted(CONTRACTS))
def test_contract_is_kept(contract_id: str, graph: Graph) -> None:
    violations = check(contract_id, graph)
    assert not violations, f"{CONTRACTS[contract_id]['name']}:\n" + "\n".join(violations)


def _with(graph: Graph, edges: Iterable[tuple[str, str]]) -> Graph:
    changed = {module: set(targets) for module, targets in graph.items()}
    for importer, imported in edges:
        changed.setdefault(importer, set()).add(imported)
    return changed


def test_an_upward_import_breaks_the_layers(graph: Graph) -> None:
    broken = _with(
        graph, [("customer_understanding.domain._entities", "customer_understanding.base")]
    )
    assert any(
        "domain._entities -> customer_understanding.base" in v for v in check("layers", broken)
    )


def test_an_upward_chain_through_a_free_module_breaks_the_layers(graph: Graph) -> None:
    edges = [
        ("customer_understanding.tables._table", "customer_understanding.plugins"),
        ("customer_understanding.plugins", "customer_understanding.identity"),
    ]
    assert check("layers", _with(graph, edges))


def test_a_cycle_between_areas_breaks_the_layers(graph: Graph) -> None:
    cycle = _with(
        graph, [("customer_understanding.identity._linker", "customer_understanding.base")]
    )
    assert check("layers", cycle)


def test_siblings_importing_each_other_break_independence(graph: Graph) -> None:
    edge = [("customer_understanding.segmentation._rules", "customer_understanding.scoring")]
    assert check("siblings", _with(graph, edge))


def test_importing_another_packages_private_module_is_caught(graph: Graph) -> None:
    edge = [("customer_understanding.base._build", "customer_understanding.identity._survive")]
    assert "customer_understanding.base._build -> customer_understanding.identity._survive" in (
        check("private", _with(graph, edge))
    )


def test_type_checking_imports_do_not_count() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import x.y\nimport z\n"
    )
    assert sorted(name for name, _ in _imports(tree, "p.m", False)) == ["typing", "z"]


def test_import_linter_agrees_when_installed() -> None:
    """The same contracts through import-linter itself (installed with the ``dev`` extra)."""
    pytest.importorskip("importlinter")
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
