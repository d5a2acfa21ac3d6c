"""What a test run may not change: every file of the checkout except the few places tools
and the documented artifacts folder keep theirs."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Folders (any depth) a test run may write or that belong to tools, not to the project.
SKIPPED_FOLDERS = frozenset(
    {
        ".git",
        ".venv",
        "node_modules",
        "__pycache__",
        ".pytest_cache",
        ".ruff_cache",
        "test-artifacts",  # screenshots and served HTML, see docs/quality.md
        "yimatong.egg-info",
    }
)


def _skipped_file(name: str) -> bool:
    """Coverage data (pytest-cov writes .coverage and .coverage.<host>.<pid> files)."""
    return name == ".coverage" or name.startswith(".coverage.")


def snapshot(root: Path = ROOT) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file of the checkout, by relative path."""
    found: dict[str, tuple[int, int]] = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED_FOLDERS]
        for name in names:
            if _skipped_file(name):
                continue
            path = os.path.join(folder, name)
            try:
                stat = os.lstat(path)
            except FileNotFoundError:  # removed while we walked
                continue
            found[os.path.relpath(path, root)] = (stat.st_size, stat.st_mtime_ns)
    return found


def changed_paths(
    before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]
) -> list[str]:
    """Files added, removed or rewritten between two snapshots, each with what happened."""
    added = [f"新增 {p}" for p in sorted(after.keys() - before.keys())]
    removed = [f"删除 {p}" for p in sorted(before.keys() - after.keys())]
    changed = [f"改写 {p}" for p in sorted(before.keys() & after.keys()) if before[p] != after[p]]
    return added + removed + changed
