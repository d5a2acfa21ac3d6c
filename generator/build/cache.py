"""What the last build wrote, kept in the cache folder so the next build can skip it."""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from generator.build.lock import BuildBusyError, build_lock
from generator.build.steps import StepRecord
from generator.pages.nearby import KeptNearby

__all__ = ["BuildBusyError", "BuildState", "build_lock", "load_state", "save_state"]

#: Bump when the state format changes; an unknown version means a full build.
VERSION = 4


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
    #: Key of what every unit shows without its nearby list (its data files'), by code.
    own: dict[str, str] = field(default_factory=dict)
    #: The nearby lists' keys and what they were made of (``pages.nearby.KeptNearby``).
    nearby: KeptNearby | None = None


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
