"""The lock of an output folder: one build writes into it at a time. Light to import (the
standard library only), so ``yimatong build`` takes it before loading anything."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class BuildBusyError(Exception):
    """Another build is writing into the same output folder."""


@contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold the lock of output folder ``out`` (a file beside it) for the length of a build.

    Two builds into one folder would share its temporary folder and state; the second one
    stops at once with a clear message instead. The lock goes with the process (flock), so a
    killed build never leaves it held.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.parent / f".{out.name}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildBusyError(
                f"另一个构建正在写入 {out}，请等它结束后再构建（锁文件 {handle.name}）"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
