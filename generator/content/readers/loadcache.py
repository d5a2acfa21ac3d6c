"""What the unit readers produced, kept per source record between builds (the load cache).

A record is a YAML unit file or one line of a JSON Lines file, keyed by the SHA-1 of its
bytes. Only records read without problems are kept, so every problem is found again by the
readers on every load. A kept unit also remembers the first day it passed the per-unit checks
of ``validate`` without a problem; on that day and every later day the checks are not
repeated for it (they depend on the day only as "not after today", so a unit that passes on
one day passes on every later one; see ``validate.check_unit``). The whole-model checks
always run. The readers', model's and checks' code is part of the cache
folder's name: a change of code starts an empty cache.

Units are pickled through their constructors (``Unit(*fields)``), which loads about three
times faster than pickle's default for slotted dataclasses; a unit's measurements (most of its
objects) are pickled apart and unpickled only when read (``pickled.PickledTuple``). Equal
values of one load are one object (``fields.Sharing``), stored once per shard. The store is split in
shards by hash so that a changed record rewrites one shard, not the whole cache.
"""

from __future__ import annotations

import copyreg
import dataclasses
import datetime as dt
import hashlib
import io
import multiprocessing
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

from generator import assets
from generator.content import model
from generator.content.readers.fields import Sharing
from generator.content.readers.pickled import PickledTuple
from generator.progress import TICK

#: Bump when the stored format changes.
VERSION = 3
SHARDS = 64
#: A save in the background pays for a fork: worth it from this many shards to write.
BACKGROUND_FROM_SHARDS = 8
#: Code whose change makes cached units or checks stale.
CODE = (
    "generator/content/readers",
    "generator/content/model.py",
    "generator/content/enums.py",
    "generator/content/placeholders.py",
    "generator/content/problems.py",
    "generator/content/codes.py",
    "generator/content/divisions.py",
    "generator/content/validate.py",
    "generator/content/validate_places.py",
    "generator/content/data",
)


def _code_key() -> str:
    sha = hashlib.sha1(str(VERSION).encode())
    for _name, path in assets.code_files(CODE):
        sha.update(path.name.encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()[:16]


def _reduce(obj: Any) -> tuple:
    return type(obj), tuple(getattr(obj, f.name) for f in dataclasses.fields(obj))


def _reduce_unit(unit: model.Unit) -> tuple:
    """A unit with its measurements pickled apart, unpickled only when read (PickledTuple)."""
    cls, args = _reduce(unit)
    found = unit.measurements
    if not isinstance(found, PickledTuple):
        found = PickledTuple(dumps(tuple(found)), len(found))
    index = _MEASUREMENTS
    return cls, (*args[:index], found, *args[index + 1 :])


_MEASUREMENTS = [f.name for f in dataclasses.fields(model.Unit)].index("measurements")
_TABLE = copyreg.dispatch_table.copy()
for _cls in vars(model).values():
    if isinstance(_cls, type) and dataclasses.is_dataclass(_cls) and _cls is not model.Site:
        _TABLE[_cls] = _reduce
_TABLE[model.Unit] = _reduce_unit


def dumps(value: Any) -> bytes:
    """Pickle ``value``, model dataclasses through their constructors."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _TABLE
    pickler.dump(value)
    return buffer.getvalue()


class LoadCache:
    """The kept records of one content folder, and the hash of every record read this time.

    A shard is kept as three parallel lists (SHA-1s, units, day last checked): plain lists
    load much faster than an object per record.
    """

    def __init__(self, cache_dir: Path | str, content_dir: Path | str) -> None:
        content = str(Path(content_dir).resolve())
        name = hashlib.sha1(content.encode()).hexdigest()[:16] + "-" + _code_key()
        self.folder = Path(cache_dir) / "load" / name
        #: SHA-1 of the bytes of each record read, by source ("units/a.yaml", "units/b.jsonl:3").
        self.hashes: dict[str, str] = {}
        self._units: dict[str, model.Unit] = {}
        self._checked: dict[str, dt.date | None] = {}
        self._used: set[str] = set()
        self._dirty: set[int] = set()
        self._writer: Any = None
        self._load()

    @staticmethod
    def _shard(sha: str) -> int:
        return int(sha[:4], 16) % SHARDS

    def _path(self, shard: int) -> Path:
        return self.folder / f"{shard:02d}.pickle"

    def _load(self) -> None:
        for shard in range(SHARDS):
            try:
                shas, units, checked = pickle.loads(self._path(shard).read_bytes())
                if not len(shas) == len(units) == len(checked):
                    continue
            except (
                OSError,
                pickle.UnpicklingError,
                EOFError,
                AttributeError,
                ImportError,  # kept by a version whose classes lived in other modules
                TypeError,
                ValueError,
            ):
                continue
            self._units.update(zip(shas, units, strict=True))
            self._checked.update(zip(shas, checked, strict=True))

    def unit(self, sha: str, source: str) -> model.Unit | None:
        """The kept unit read from bytes hashing to ``sha``, placed at ``source``; or None."""
        self.hashes[source] = sha
        unit = self._units.get(sha)
        if unit is None:
            return None
        self._used.add(sha)
        if unit.source != source:
            unit = self._units[sha] = dataclasses.replace(unit, source=source)
            self._checked[sha] = None
            self._dirty.add(self._shard(sha))
        return unit

    def keep(self, sha: str, unit: model.Unit) -> None:
        """Keep a unit read without problems."""
        self._units[sha] = unit
        self._checked[sha] = None
        self._used.add(sha)
        self._dirty.add(self._shard(sha))

    def checked(self, today: dt.date) -> frozenset[str]:
        """Sources of kept units that passed the per-unit checks on ``today`` or before."""
        units, checked = self._units, self._checked
        return frozenset(
            units[sha].source
            for sha in self._used
            if (day := checked[sha]) is not None and day <= today
        )

    def mark_checked(self, today: dt.date) -> None:
        """Every unit read this time passed the per-unit checks on ``today``; a unit keeps the
        earliest such day, so a new day rewrites nothing."""
        for sha in self._used:
            day = self._checked[sha]
            if day is None or day > today:
                self._checked[sha] = today
                self._dirty.add(self._shard(sha))

    def save(self, background: bool = False) -> None:
        """Write the shards that changed, without the records not read this time.

        With ``background`` they are written by a forked process (it has the same units
        without copying them) while the build goes on; ``wait`` waits for it. Each shard is
        replaced by a rename, so a reader sees the old shard or the new one, never half.
        """
        for sha in set(self._units) - self._used:
            self._dirty.add(self._shard(sha))
            del self._units[sha], self._checked[sha]
        if not self._dirty:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self._forget_other_code()
        shards: dict[int, list[str]] = {n: [] for n in self._dirty}
        for sha in self._units:
            shard = self._shard(sha)
            if shard in shards:
                shards[shard].append(sha)
        self._dirty.clear()
        if background and len(shards) >= BACKGROUND_FROM_SHARDS:
            self.wait()
            context = multiprocessing.get_context("fork")
            self._writer = context.Process(target=self._write, args=(shards, True))
            self._writer.start()
        else:
            self._write(shards)

    def _write(self, shards: dict[int, list[str]], quiet: bool = False) -> None:
        """Write ``shards``. A failure (a full disk) leaves the shard as it was; in the
        background (``quiet``) it only costs the next load its speed, so it is not raised."""
        for shard, shas in shards.items():
            kept = (shas, [self._units[s] for s in shas], [self._checked[s] for s in shas])
            path = self._path(shard)
            tmp = path.with_suffix(f".tmp-{os.getpid()}")
            try:
                tmp.write_bytes(dumps(kept))
                tmp.replace(path)
            except OSError:
                tmp.unlink(missing_ok=True)
                if not quiet:
                    raise
                return

    def wait(self) -> None:
        """Wait until shards written in the background are in place."""
        if self._writer is not None:
            self._writer.join()
            self._writer = None

    def _forget_other_code(self) -> None:
        """Remove this content folder's caches made by other code: they are never read again."""
        prefix = self.folder.name.split("-")[0]
        for other in self.folder.parent.glob(prefix + "-*"):
            if other != self.folder and other.is_dir():
                shutil.rmtree(other, ignore_errors=True)


def read_yaml_cached(
    cache: LoadCache, path: Path, rel: str, bar: Any = None, sharing: Sharing | None = None
) -> tuple[list, list]:
    """A YAML unit file through the cache: read again only when its bytes changed. A file
    that cannot be read now is reported, whatever the cache holds."""
    from generator.content.readers.files import yaml_unit
    from generator.content.readers.source import read_bytes

    raw, problems = read_bytes(path, rel)
    if raw is None:
        return [], problems
    if bar is not None:
        bar.update(len(raw))
    sha = hashlib.sha1(raw).hexdigest()
    unit = cache.unit(sha, rel)
    if unit is not None:
        return [unit], []
    units, problems = yaml_unit(raw, rel, sharing)
    if units and not problems:
        cache.keep(sha, units[0])
    return units, problems


def read_jsonl_cached(
    cache: LoadCache, path: Path, rel: str, bar: Any = None, sharing: Sharing | None = None
) -> tuple[list, list]:
    """A JSON Lines file through the cache: only changed lines are parsed and read again.
    ``bar`` is moved on by the bytes read."""
    from generator.content.readers.files import jsonl_lines, read_jsonl_bytes
    from generator.content.readers.source import read_bytes

    units: list[model.Unit] = []
    data, problems = read_bytes(path, rel)
    lines, found = jsonl_lines(data, rel) if data is not None else ([], [])
    problems += found
    sha1 = hashlib.sha1
    # Hashed in one pass: at province scale the per-line work is most of a warm load.
    shas = [sha1(raw).hexdigest() for raw in lines]
    shown = 0
    for number, (raw, sha) in enumerate(zip(lines, shas, strict=True), 1):
        if not raw or raw.isspace():
            continue
        unit = cache.unit(sha, f"{rel}:{number}")
        if unit is None:
            unit, found = read_jsonl_bytes(raw, rel, number, sharing)
            problems.extend(found)
            if unit is not None and not found:
                cache.keep(sha, unit)
        if unit is not None:
            units.append(unit)
        if bar is not None and number % TICK == 0:
            step = sum(map(len, lines[number - TICK : number])) + TICK
            bar.update(step)
            shown += step
    if bar is not None and data is not None:
        bar.update(len(data) - shown)
    return units, problems


#: Cached readers by file suffix (the formats of ``files.UNIT_READERS``).
CACHED_READERS = {".yaml": read_yaml_cached, ".yml": read_yaml_cached, ".jsonl": read_jsonl_cached}
