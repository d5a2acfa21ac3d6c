"""Putting a build in place: the old site goes (in the background when detached) and nothing
of the build is left running as our child or kept in a module list."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator.build.swap import apply_over, swap_in


def _children() -> list[str]:
    """Names of the live child processes of this process (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :]
        if int(rest.split()[1]) == os.getpid() and rest.split()[0] != "Z":
            found.append(name)
    return found


def _site(folder: Path, files: int) -> Path:
    for number in range(files):
        (folder / f"d{number % 7}").mkdir(parents=True, exist_ok=True)
        (folder / f"d{number % 7}" / f"{number}.html").write_text(str(number))
    return folder


def _gone(parent: Path, seconds: float = 20.0) -> bool:
    """Whether every old folder beside the site is deleted within ``seconds``."""
    deadline = time.monotonic() + seconds
    while any(parent.glob(".site.old-*")):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_detached_swap_deletes_the_old_site_without_a_child_of_ours(tmp_path):
    out = _site(tmp_path / "site", 3000)
    new = _site(tmp_path / "new", 5)
    swap_in(new, out, detach=True)
    assert sorted(p.name for p in (out / "d0").iterdir()) == ["0.html"]
    assert "rm" not in _children() and "sh" not in _children()
    assert _gone(tmp_path)


def test_a_detached_apply_over_deletes_replaced_files_in_the_background(tmp_path):
    out = _site(tmp_path / "site", 20)
    new = tmp_path / "new"
    (new / "d1").mkdir(parents=True)
    (new / "d1" / "1.html").write_text("new")
    apply_over(new, out, {"/d2/2.html"}, detach=True)
    assert (out / "d1" / "1.html").read_text() == "new"
    assert not (out / "d2" / "2.html").exists() and (out / "d2" / "9.html").exists()
    assert not new.exists()
    assert "rm" not in _children()
    assert _gone(tmp_path)


def test_an_attached_swap_has_deleted_the_old_site_when_it_returns(tmp_path):
    out = _site(tmp_path / "site", 30)
    swap_in(_site(tmp_path / "new", 2), out)
    assert not any(tmp_path.glob(".site.old-*"))
    assert sorted(p.name for p in out.rglob("*.html")) == ["0.html", "1.html"]


def _nice_of_rm_deleting(folder: Path) -> int | None:
    """The nice value of the rm process deleting ``folder``, None when none is running."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if cmdline[-2:-1] == [str(folder).encode()] and b"rm" in cmdline[0]:
            return int(stat.rsplit(")", 1)[1].split()[16])
    return None


def test_the_background_deletion_runs_at_the_lowest_priority(tmp_path):
    out = _site(tmp_path / "site", 40000)
    swap_in(_site(tmp_path / "new", 2), out, detach=True)
    old = next(tmp_path.glob(".site.old-*"), None)
    seen = None
    while old is not None and old.exists() and seen is None:
        seen = _nice_of_rm_deleting(old)
    if seen is None:
        pytest.skip("the old site was gone before its rm could be seen")
    assert seen == 19
    assert _gone(tmp_path, 300)
