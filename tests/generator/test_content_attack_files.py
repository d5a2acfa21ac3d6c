"""Second round against the readers' files: a unit file, page, bodies.yaml or site.yaml
replaced after the folder was scanned (removed, a pipe, a folder, a symlink loop), which
once hung the build on the pipe; every other file is still read."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.content.readers import read_pages, read_units
from generator.content.readers.files import read_bodies, read_site_settings
from generator.content.readers.scan import scan

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A writable copy of the fixture content."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "content"))


def _removed(path: Path) -> None:
    path.unlink()


def _pipe(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _loop(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.name)


SWAPS: dict[str, tuple[Callable[[Path], None], str]] = {
    "removed": (_removed, "文件不存在"),
    "pipe": (_pipe, "不是普通文件"),
    "folder": (_folder, "文件夹"),
    "symlink loop": (_loop, "符号链接循环"),
}


def _within(seconds: float, work: Callable[[], object]) -> object:
    """Run ``work``; fail (instead of hanging the suite) if it takes longer than ``seconds``."""
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "reading blocked"
    return result[0]


@pytest.mark.parametrize(("swap", "words"), SWAPS.values(), ids=SWAPS)
def test_a_unit_file_swapped_after_the_scan_is_reported(content, swap, words):
    files = scan(content).units
    swap(files[0])
    units, problems = _within(10, lambda: read_units(content, files=files))
    assert [(p.file, words in p.message) for p in problems] == [
        (files[0].relative_to(content).as_posix(), True)
    ]
    assert len(units) == len(files) - 1


@pytest.mark.parametrize(("swap", "words"), SWAPS.values(), ids=SWAPS)
def test_a_page_swapped_after_the_scan_is_reported(content, swap, words):
    files = scan(content).pages
    swap(files[0])
    pages, problems = _within(10, lambda: read_pages(content, files=files))
    assert [p.file for p in problems] == [files[0].relative_to(content).as_posix()]
    assert words in problems[0].message and len(pages) == len(files) - 1


@pytest.mark.parametrize(("swap", "words"), SWAPS.values(), ids=SWAPS)
@pytest.mark.parametrize(
    ("name", "reader"), [("bodies.yaml", read_bodies), ("site.yaml", read_site_settings)]
)
def test_bodies_and_site_swapped_after_the_scan_are_reported(content, swap, words, name, reader):
    path = scan(content).top[name]
    swap(path)
    _, problems = _within(10, lambda: reader(path, name))
    assert [p.file for p in problems] == [name] and words in problems[0].message
