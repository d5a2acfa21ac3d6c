"""The build and the pages import in no circle, counting imports inside functions and package
``__init__`` files, and the pages never reach back into the build that freezes them."""

from __future__ import annotations

import grimp
import pytest

MINE = ("generator.build", "generator.pages")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("generator", include_external_packages=False, cache_dir=None)


def _circles(graph: grimp.ImportGraph, prefixes: tuple[str, ...]) -> list[str]:
    """Every import ``a -> b`` of a module under ``prefixes`` that ``b`` leads back from."""
    found = []
    for module in sorted(m for m in graph.modules if m.startswith(prefixes)):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if graph.chain_exists(importer=imported, imported=module):
                found.append(f"{module} -> {imported}")
    return found


def test_the_build_and_the_pages_import_in_no_circle(graph):
    assert _circles(graph, MINE) == []


def test_the_pages_do_not_import_the_build(graph):
    pages = sorted(m for m in graph.modules if m.startswith("generator.pages"))
    back = [
        f"{m} -> {i}"
        for m in pages
        for i in sorted(graph.find_modules_directly_imported_by(m))
        if i.startswith("generator.build")
    ]
    assert back == []


def test_the_circle_finder_finds_a_circle(tmp_path, monkeypatch):
    package = tmp_path / "circlepkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from circlepkg import b\n")
    (package / "b.py").write_text("def f():\n    from circlepkg import a\n")
    (package / "c.py").write_text("from circlepkg import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    found = grimp.build_graph("circlepkg", cache_dir=None)
    assert _circles(found, ("circlepkg",)) == [
        "circlepkg.a -> circlepkg.b",
        "circlepkg.b -> circlepkg.a",
    ]
