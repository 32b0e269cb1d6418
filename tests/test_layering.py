"""Who may import whom (ARCHITECTURE.md): the reference connector and the simulators stand alone."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
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


# -- the harness and the reference connector ------------------------------------------------------------------
def _public_surface() -> set[str]:
    """``reference_impl.__all__``, read from its source: the names the harness may import."""
    tree = ast.parse((ROOT / "reference_impl" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return {str(ast.literal_eval(e)) for e in node.value.elts}  # type: ignore[attr-defined]
    raise AssertionError("reference_impl/__init__.py defines no __all__")


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _reference_imports(tree: ast.AST, public: set[str]) -> list[str]:
    """Every way a module reaches reference_impl other than ``from reference_impl import <public name>``."""
    found: list[str] = []
    for node in ast.walk(tree):
        module = node.module or "" if isinstance(node, ast.ImportFrom) else ""
        if isinstance(node, ast.ImportFrom) and node.level == 0 and module.split(".")[0] == "reference_impl":
            if node.module != "reference_impl":
                found.append(f"line {node.lineno}: from {node.module} import ...")
            found += [f"line {node.lineno}: {a.name}" for a in node.names if a.name not in public]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.startswith("reference_impl.")]
            found += [f"line {node.lineno}: import {name}" for name in names]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "reference_impl":
            if node.attr not in public:
                found.append(f"line {node.lineno}: reference_impl.{node.attr}")
        elif isinstance(node, ast.Call) and any(
            isinstance(a, ast.Constant) and str(a.value).startswith("reference_impl.") for a in node.args
        ):
            found.append(f"line {node.lineno}: a module of reference_impl imported by name")
    return found


def _private_members(package: str) -> set[str]:
    """The private names a package defines: functions, methods, classes, module and instance attributes."""
    names: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return {n for n in names if _is_private(n)}


def _private_uses(tree: ast.Module, reference_private: set[str], public: set[str]) -> list[str]:
    """Private members of the reference connector a harness module uses: ``x._name`` where ``_name`` is one
    the reference defines and the module does not define for itself, and private methods overridden in
    subclasses of the reference's classes."""
    derived = set(public)  # names of reference classes, and of this module's classes derived from them
    classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    changed = True
    while changed:
        changed = False
        for cls in classes:
            bases = {b.id for b in cls.bases if isinstance(b, ast.Name)} | {
                b.attr for b in cls.bases if isinstance(b, ast.Attribute)
            }
            if cls.name not in derived and bases & derived:
                derived.add(cls.name)
                changed = True
    inside = {id(n) for cls in classes if cls.name in derived and cls.name not in public for n in ast.walk(cls)}
    own: set[str] = set()
    found: list[str] = []
    for node in ast.walk(tree):
        defined = None
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined = node.name
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            defined = node.attr
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined = node.id
        if defined is None or not _is_private(defined):
            continue
        if id(node) in inside and defined in reference_private:
            found.append(f"line {node.lineno}: {defined} (a private member of the reference, overridden)")
        elif id(node) not in inside:
            own.add(defined)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in reference_private and node.attr not in own:
            found.append(f"line {node.lineno}: .{node.attr}")
    return found


def test_the_harness_imports_only_the_public_surface_of_the_reference_connector() -> None:
    """harness/ takes from reference_impl only what its ``__all__`` exports: no submodule, no private name
    (the driver server is found through an entry point, the mutants are built on the public seams)."""
    public = _public_surface()
    assert {"Connector", "StoreSync"} <= public and not any(_is_private(n) for n in public)
    offenders = {}
    for path in sorted((ROOT / "harness").rglob("*.py")):
        found = _reference_imports(ast.parse(path.read_text(encoding="utf-8")), public)
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}


def test_the_harness_uses_no_private_member_of_the_reference_connector() -> None:
    public = _public_surface()
    reference_private = _private_members("reference_impl")
    assert {"_store_lock", "_amazon_client", "_send"} <= reference_private  # the check sees what it must
    offenders = {}
    for path in sorted((ROOT / "harness").rglob("*.py")):
        found = _private_uses(ast.parse(path.read_text(encoding="utf-8")), reference_private, public)
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}


@pytest.mark.parametrize("package", ["harness", "reference_impl"])
def test_no_module_of_the_package_imports_itself_in_a_circle(package: str) -> None:
    """No import circle among a package's modules (grimp reads every import, function-level ones too)."""
    graph = grimp.build_graph(package)
    circles = sorted(
        (module, other)
        for module in graph.modules
        for other in graph.find_modules_directly_imported_by(module)
        if module < other and graph.chain_exists(importer=other, imported=module)
    )
    assert circles == []


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
