"""The search package's shape: one package both sides import, whoosh behind two modules and
only through its public API, no import cycle, no module over about 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
SEARCH = ROOT / "generator" / "search"
SERVICE = ROOT / "feedback" / "search"
MODULES = sorted([*SEARCH.glob("*.py"), *SERVICE.glob("*.py")])
#: The only modules that import whoosh.
WHOOSH_MODULES = {"segment.py", "reader.py"}
MAX_LINES = 400


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _whoosh_names(tree: ast.Module) -> set[str]:
    """Local names bound to whoosh modules or objects by the imports of ``tree``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.asname or a.name for a in node.names if a.name.startswith("whoosh"))
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_private_attribute_of_another_object(path):
    """``x._name`` only on ``self`` (ours): never on whoosh's writers, matchers or readers."""
    found = [
        f"{path.name}:{node.lineno} {ast.unparse(node)}"
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id == "self")
    ]
    assert not found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_whoosh_only_behind_two_modules(path):
    imports_whoosh = any(name.startswith("whoosh") for name in _imported(_tree(path)))
    assert imports_whoosh == (path.parent == SEARCH and path.name in WHOOSH_MODULES)


def test_whoosh_classes_not_subclassed_for_their_internals():
    """A subclass of a whoosh class may set public switches only, no methods of its own."""
    for name in WHOOSH_MODULES:
        tree = _tree(SEARCH / name)
        whoosh = _whoosh_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Name) and b.id in whoosh for b in node.bases
            ):
                assert not [n for n in node.body if isinstance(n, ast.FunctionDef)], node.name


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_module_size(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def test_service_keeps_only_its_routes():
    """feedback/search holds the blueprint; the query side lives in generator/search."""
    assert {p.name for p in SERVICE.glob("*.py")} == {"__init__.py", "views.py"}
    for path in SERVICE.glob("*.py"):
        service_imports = {n for n in _imported(_tree(path)) if n.startswith("feedback")}
        assert service_imports <= {"feedback.search"}, path.name
    for path in SEARCH.glob("*.py"):
        assert not any(n.startswith("feedback") for n in _imported(_tree(path))), path.name


def test_no_import_cycle_in_search():
    """No cycle among the search modules, counting imports inside functions."""
    graph = grimp.build_graph(
        "generator", "feedback", include_external_packages=False, cache_dir=None
    )
    modules = {m for m in graph.modules if m.startswith(("generator.search", "feedback.search"))}
    cycles = [
        (a, b)
        for a in modules
        for b in graph.find_modules_directly_imported_by(a) & modules
        if graph.chain_exists(importer=b, imported=a)
    ]
    assert not cycles
