"""The session guard's view of the checkout: what counts as a change, what is left out."""

from __future__ import annotations

import os

from tests.checkout import ROOT, changed_paths, snapshot


def _write(path, text="x"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_added_removed_and_rewritten_files_are_changes(tmp_path):
    _write(tmp_path / "build" / "search-index" / "yimatong-search.json", '{"units": 230}')
    _write(tmp_path / "content" / "a.yaml")
    before = snapshot(tmp_path)
    meta = tmp_path / "build" / "search-index" / "yimatong-search.json"
    meta.write_text('{"units": 4}', encoding="utf-8")  # same name, other bytes
    (tmp_path / "content" / "a.yaml").unlink()
    _write(tmp_path / "instance" / "feedback.sqlite3")
    assert changed_paths(before, snapshot(tmp_path)) == [
        f"新增 {os.path.join('instance', 'feedback.sqlite3')}",
        f"删除 {os.path.join('content', 'a.yaml')}",
        f"改写 {os.path.join('build', 'search-index', 'yimatong-search.json')}",
    ]


def test_same_size_rewrite_is_seen_by_its_time(tmp_path):
    _write(tmp_path / "docs" / "x.md", "aaaa")
    before = snapshot(tmp_path)
    os.utime(tmp_path / "docs" / "x.md", ns=(1, 1))
    assert changed_paths(before, snapshot(tmp_path)) == [f"改写 {os.path.join('docs', 'x.md')}"]


def test_tool_folders_artifacts_and_coverage_are_left_out(tmp_path):
    before = snapshot(tmp_path)
    for rel in (
        "test-artifacts/e2e/a/01-step.png",
        ".venv/lib/x.py",
        "node_modules/vnu-jar/x",
        "generator/__pycache__/a.pyc",
        ".pytest_cache/v",
        ".coverage",
        ".coverage.host.123.456",
    ):
        _write(tmp_path / rel)
    assert changed_paths(before, snapshot(tmp_path)) == []


def test_the_guard_watches_this_checkout():
    files = snapshot()
    assert ROOT.joinpath("pyproject.toml").is_file() and "pyproject.toml" in files
    assert not any(p.startswith(".venv") or "__pycache__" in p for p in files)
