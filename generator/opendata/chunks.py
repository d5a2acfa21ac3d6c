"""The open data files of the last build, kept with the byte range of every unit's rows.

A download file is the header followed by each unit's rows in code order, and a unit's
rows depend only on the unit (its content key), the site's as-of date (in the key), the
base URL and the code (in the store's key). So a build copies the rows of unchanged units
from the last build's file (``copy_file_range``, in the kernel) and makes rows only for
units whose key changed. A table none of whose bytes changed is a hard link to the kept
file. The kept file is a hard link to the published one (a copy where links are not
possible).

The SHA-256 of a file is not hashed again from its start: the hash state is kept every
``tablefiles.CHECKPOINT`` bytes (sha256.py), so only the bytes from the first changed unit on are
hashed. This module keeps the files and their index; tablefiles.py writes the new ones.
"""

from __future__ import annotations

import marshal
import mmap
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, cast

import numpy as np

#: Bump when the kept format changes.
VERSION = 3
FORMATS = ("csv", "jsonl")
#: A chunk of one unit: CSV bytes, JSON Lines bytes, row count.
Chunk = tuple[bytes, bytes, int]


class TablesMemo:
    """Work the tables of one open-data build share: their kept indexes hold the same codes
    and keys, so the lists are split once, matched once and joined once for all of them.

    Lists are recognised by identity (the next table's store holds the very same list
    objects), never compared element by element.
    """

    def __init__(self) -> None:
        self._split: dict[str, tuple[str, list[str]]] = {}
        self._match: tuple[tuple, tuple, bool, list[int]] | None = None
        self._joined: tuple[list, str] | None = None

    def lines(self, kind: str, text: str) -> list[str]:
        """``text`` split into lines; the same list for the same text of this kind."""
        last = self._split.get(kind)
        if last is None or last[0] != text:
            self._split[kind] = last = (text, text.split("\n") if text else [])
        return last[1]

    def joined(self, items: list[str | None]) -> str:
        """``items`` joined by newlines (None as empty); made once per list."""
        if self._joined is None or self._joined[0] is not items:
            text = (
                "\n".join(k or "" for k in items)
                if None in items
                else "\n".join(cast(list[str], items))
            )
            self._joined = (items, text)
        return self._joined[1]

    def match(
        self, old: tuple[list, list], new: tuple[list, list]
    ) -> tuple[bool, list[int]] | None:
        """The match last made of the same old and new lists, if any."""
        last = self._match
        if last is not None and _same(last[0], old) and _same(last[1], new):
            return last[2], last[3]
        return None

    def keep_match(self, old: tuple, new: tuple, same_codes: bool, plan: list[int]) -> None:
        """Remember a match for the next table."""
        self._match = (old, new, same_codes, plan)


def _same(a: tuple[list, ...], b: tuple[list, ...]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


@dataclass
class KeptFile:
    """One kept file: where each unit's rows end, its size, SHA-256 and hash states."""

    ends: np.ndarray  # int64, end offset of unit n's rows
    header: int  # bytes before the first unit's rows
    size: int
    sha256: str
    checkpoints: list[tuple[int, bytes]]  # (offset, hash state of the bytes before it)

    def span(self, n: int) -> tuple[int, int]:
        """Byte range of unit n's rows."""
        return (int(self.ends[n - 1]) if n else self.header), int(self.ends[n])

    def pack(self) -> tuple:
        """A marshal-ready tuple."""
        return (self.ends.tobytes(), self.header, self.size, self.sha256, self.checkpoints)

    @classmethod
    def unpack(cls, packed: tuple) -> KeptFile:
        """The inverse of pack."""
        ends, header, size, sha, checkpoints = packed
        return cls(np.frombuffer(ends, dtype=np.int64), header, size, sha, list(checkpoints))


class Written(Protocol):
    """The files of a table just written (tablefiles.TableFiles), as ``commit`` keeps them."""

    paths: dict[str, Path]
    results: dict[str, KeptFile]
    unit_rows: list[np.ndarray]


@dataclass
class ChunkStore:
    """The kept files of one table, the units in them (code order) and their keys."""

    folder: Path
    table: str
    store_key: str
    codes: list[str] = field(default_factory=list)
    keys: list[str | None] = field(default_factory=list)
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    files: dict[str, KeptFile] = field(default_factory=dict)
    maps: dict[str, mmap.mmap] = field(default_factory=dict)
    fds: dict[str, int] = field(default_factory=dict)
    _position: dict[str, int] | None = None
    _same_codes: bool = False
    _joined_codes: str = ""
    memo: TablesMemo = field(default_factory=TablesMemo)

    @classmethod
    def open(
        cls, folder: Path, table: str, store_key: str, memo: TablesMemo | None = None
    ) -> ChunkStore:
        """The kept files of ``table`` if they were written with the same ``store_key``;
        ``memo`` shares work with the other tables of the same build."""
        store = cls(Path(folder), table, store_key, memo=memo or TablesMemo())
        try:
            version, key, codes, keys, rows, files = marshal.loads(store.path("index").read_bytes())
            if version != VERSION or key != store_key:
                return store
            # One string each: 55,900 codes load in a few milliseconds.
            store._joined_codes = codes
            codes = store.memo.lines("codes", codes)
            keys = cast(list[str | None], store.memo.lines("keys", keys))
            kept = {fmt: KeptFile.unpack(files[fmt]) for fmt in FORMATS}
            for fmt in FORMATS:
                store.fds[fmt] = fd = os.open(store.path(fmt), os.O_RDONLY)
                if os.fstat(fd).st_size != kept[fmt].size:
                    raise ValueError("kept file changed")
                store.maps[fmt] = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
            rows = np.frombuffer(rows, dtype=np.int64)
            if not len(codes) == len(keys) == len(rows) == len(kept["csv"].ends):
                raise ValueError("index does not match")
        except (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError):
            store.close()
            return store
        store.codes, store.keys, store.rows, store.files = codes, keys, rows, kept
        return store

    @property
    def valid(self) -> bool:
        """Whether the kept files can be used."""
        return len(self.files) == len(self.maps) == len(FORMATS)

    def path(self, kind: str) -> Path:
        """Path of a kept file (csv, jsonl) or of the index."""
        return self.folder / f"{self.table}.{kind}"

    def match(self, codes: list[str], keys: list[str | None]) -> list[int]:
        """For each unit, its position in the kept files if kept under the same key, else -1."""
        if not self.valid:
            return [-1] * len(codes)
        known = self.memo.match((self.codes, self.keys), (codes, keys))
        if known is not None:
            self._same_codes, plan = known
            return list(plan)
        plan = self._match(codes, keys)
        self.memo.keep_match((self.codes, self.keys), (codes, keys), self._same_codes, plan)
        return list(plan)

    def _match(self, codes: list[str], keys: list[str | None]) -> list[int]:
        old_keys = self.keys
        self._same_codes = codes == self.codes
        if self._same_codes:
            if keys == old_keys:
                return [n if k else -1 for n, k in enumerate(keys)]
            return [n if k and k == old_keys[n] else -1 for n, k in enumerate(keys)]
        where = self.position
        found = [where.get(c, -1) for c in codes]
        return [
            j if j >= 0 and k and old_keys[j] == k else -1 for j, k in zip(found, keys, strict=True)
        ]

    @property
    def order(self) -> list[int]:
        """The plan of a build that keeps every unit where it was."""
        return list(range(len(self.codes)))

    def old_position(self, n: int, code: str) -> int:
        """Position in the kept files of unit ``code``, n-th of the codes last matched; or -1."""
        return n if self._same_codes else self.position.get(code, -1)

    @property
    def position(self) -> dict[str, int]:
        """Code -> position in the kept files."""
        if self._position is None:
            self._position = {c: n for n, c in enumerate(self.codes)}
        return self._position

    def same_bytes(self, n: int, chunk: Chunk) -> bool:
        """Whether ``chunk`` is byte for byte the kept rows of unit n."""
        for fmt, data in zip(FORMATS, chunk[:2], strict=True):
            start, end = self.files[fmt].span(n)
            if end - start != len(data) or self.maps[fmt][start:end] != data:
                return False
        return True

    def close(self) -> None:
        """Release the kept files."""
        for kept in self.maps.values():
            kept.close()
        for fd in self.fds.values():
            os.close(fd)
        self.maps.clear()
        self.fds.clear()

    def commit(self, files: Written, codes: list[str], keys: list[str | None]) -> None:
        """Keep the files just written and where each unit's rows are in them."""
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        index = self.path("index")
        index.unlink(missing_ok=True)  # no index for half-replaced files
        packed = {}
        for fmt, path in files.paths.items():
            kept = self.path(fmt)
            kept.unlink(missing_ok=True)  # unlink, not rename over: ext4 would flush the data
            link_or_copy(path, kept)
            packed[fmt] = files.results[fmt].pack()
        rows = np.concatenate([*files.unit_rows, np.zeros(0, dtype=np.int64)]).tobytes()
        tmp = index.with_suffix(".tmp")
        joined = (
            self._joined_codes if self._same_codes else "\n".join(codes),
            self.memo.joined(keys),
        )
        tmp.write_bytes(marshal.dumps((VERSION, self.store_key, *joined, rows, packed)))
        tmp.replace(index)


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link ``source`` as ``target``, or copy it where links are not possible."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def runs(plan: list[int]) -> Iterator[tuple[int, int, int]]:
    """(first, stop, kept position) of each stretch of units: kept position -1 for one fresh
    unit, else the run of units ``first:stop`` is the kept run starting there."""
    where = np.asarray(plan, dtype=np.int64)
    if not len(where):
        return
    fresh = where < 0
    starts = np.ones(len(where), dtype=bool)
    starts[1:] = fresh[1:] | fresh[:-1] | (where[1:] != where[:-1] + 1)
    bounds = np.append(np.flatnonzero(starts), len(where))
    for first, stop in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        yield first, stop, int(where[first])
