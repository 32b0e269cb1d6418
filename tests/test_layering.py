"""Who may import whom (ARCHITECTURE.md): the reference connector and the simulators stand alone."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "reference_impl": {"simulators", "harness", "features"},
    "simulators": {"harness", "reference_impl", "features"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_nothing_forbidden(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package} has no modules"
    offenders = {str(f.relative_to(ROOT)): _imports(f) & FORBIDDEN[package] for f in files}
    assert {k: v for k, v in offenders.items() if v} == {}


def _modules_imported(path: Path) -> set[str]:
    """Every module ``path`` imports, by full dotted name (``from a import b`` counts ``a.b`` too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_the_shared_simulator_layer_imports_no_service() -> None:
    """Services register themselves with the sandbox; only the package's ``__init__`` (which imports each
    service so that it registers) names them."""
    package = ROOT / "simulators"
    services = {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    assert {"amazon", "magento"} <= services
    shared = sorted(f for f in package.glob("*.py") if f.name != "__init__.py")
    assert shared, "the simulators have no shared modules"
    named = {f"simulators.{s}" for s in services}
    offenders = {f.name: sorted(m for m in _modules_imported(f) if ".".join(m.split(".")[:2]) in named) for f in shared}
    assert {k: v for k, v in offenders.items() if v} == {}


def _simulator_imports(path: Path, modules: set[str]) -> set[str]:
    """The simulator modules ``path`` imports (``from a import b`` names ``a.b`` when that is a module, else ``a``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            named = {f"{node.module}.{alias.name}" for alias in node.names}
            found |= (named & modules) or {node.module}
    return found & modules


def test_the_simulators_import_no_circle() -> None:
    """No simulator module reaches itself through its imports (lazy ones included)."""
    package = ROOT / "simulators"
    files = {
        ".".join(f.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): f for f in package.rglob("*.py")
    }
    graph = {name: _simulator_imports(path, set(files)) - {name} for name, path in files.items()}
    circles = []
    for start in sorted(graph):
        stack, seen = [(start, [start])], set()
        while stack:
            node, trail = stack.pop()
            for following in sorted(graph[node]):
                if following == start:
                    circles.append(" -> ".join([*trail, start]))
                elif following not in seen:
                    seen.add(following)
                    stack.append((following, [*trail, following]))
    assert circles == []
