"""What the last build wrote, kept in the cache folder so the next build can skip it."""

from __future__ import annotations

import fcntl
import hashlib
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from generator.build.steps import StepRecord

#: Bump when the state format changes; an unknown version means a full build.
VERSION = 3


@dataclass
class BuildState:
    """The global key, the key of every unit and of every other output file, and the files
    written by build steps."""

    global_key: str
    #: Key of every file outside the units' folders, by path.
    outputs: dict[str, str]
    #: Key of every unit, by code (all of a unit's files share it).
    units: dict[str, str] = field(default_factory=dict)
    extra: set[str] = field(default_factory=set)
    #: What each build step did (its inputs key and files), by step name.
    steps: dict[str, StepRecord] = field(default_factory=dict)


def state_file(cache: Path, out: Path) -> Path:
    """Where the state of the build into ``out`` is kept (one per output folder)."""
    name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
    return cache / "builds" / f"{name}.pickle"


def load_state(cache: Path, out: Path) -> BuildState | None:
    """The state of the last build into ``out``, or None (then the build is full)."""
    path = state_file(cache, out)
    try:
        version, state = pickle.loads(path.read_bytes())
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        ValueError,
        TypeError,
        ImportError,
        AttributeError,
    ):
        # ImportError/AttributeError: kept by a version whose classes lived elsewhere.
        return None
    return state if version == VERSION and isinstance(state, BuildState) else None


def save_state(cache: Path, out: Path, state: BuildState) -> None:
    """Keep the state of the build just published into ``out``."""
    path = state_file(cache, out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps((VERSION, state), protocol=pickle.HIGHEST_PROTOCOL))
    tmp.replace(path)


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
