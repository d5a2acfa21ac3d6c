"""The open data files of the last build, kept with the byte range of every unit's rows.

A download file is the header followed by each unit's rows in code order, and a unit's
rows depend only on the unit (its content key), the site's as-of date (in the key), the
base URL and the code (in the store's key). So a build copies the rows of unchanged units
from the last build's file (``copy_file_range``, in the kernel) and makes rows only for
units whose key changed. A table none of whose bytes changed is a hard link to the kept
file. The kept file is a hard link to the published one (a copy where links are not
possible).

The SHA-256 of a file is not hashed again from its start: the hash state is kept every
``CHECKPOINT`` bytes (OpenSSL's SHA256_CTX, through ctypes), so only the bytes from the
first changed unit on are hashed. Without that API every byte is hashed (same result).
"""

from __future__ import annotations

import ctypes
import hashlib
import marshal
import mmap
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

Buffer = bytes | bytearray | memoryview | mmap.mmap

#: Bump when the kept format changes.
VERSION = 3
FORMATS = ("csv", "jsonl")
#: Bytes between kept hash states: at most this much is hashed again before a change.
CHECKPOINT = 4 << 20
#: Fresh rows are gathered up to this size before one write.
BUFFER = 1 << 20
#: A chunk of one unit: CSV bytes, JSON Lines bytes, row count.
Chunk = tuple[bytes, bytes, int]


def _libcrypto() -> ctypes.CDLL | None:
    try:
        lib = ctypes.CDLL("libcrypto.so.3")
        for name in ("SHA256_Init", "SHA256_Update", "SHA256_Final"):
            getattr(lib, name).restype = ctypes.c_int
        lib.SHA256_Update.argtypes = (ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)
        lib.SHA256_Final.argtypes = (ctypes.c_void_p, ctypes.c_void_p)
        lib.SHA256_Init.argtypes = (ctypes.c_void_p,)
        return lib
    except (OSError, AttributeError):
        return None


#: sizeof(SHA256_CTX): h[8], Nl, Nh, data[16], num, md_len (32-bit each).
_CTX = 112
_LIB = _libcrypto()


class Sha256:
    """SHA-256 whose state can be saved and resumed (hashlib's cannot)."""

    def __init__(self, state: bytes | None = None) -> None:
        self._ctx = ctypes.create_string_buffer(_CTX + 16)
        if state is not None:
            ctypes.memmove(self._ctx, state, _CTX)
        else:
            _LIB.SHA256_Init(self._ctx)

    def update(self, data: Buffer) -> None:
        """Hash ``data`` (bytes, bytearray, mmap or memoryview)."""
        array = np.frombuffer(data, dtype=np.uint8)
        if len(array):
            _LIB.SHA256_Update(self._ctx, array.ctypes.data, len(array))
        del array

    def state(self) -> bytes | None:
        """The state to resume from."""
        return self._ctx.raw[:_CTX]

    def hexdigest(self) -> str:
        """The digest of the bytes so far (the state is left as it is)."""
        ctx = ctypes.create_string_buffer(self._ctx.raw)
        out = ctypes.create_string_buffer(32)
        _LIB.SHA256_Final(out, ctx)
        return out.raw.hex()


class _PlainSha:
    """hashlib's SHA-256, when OpenSSL's low-level API is missing: no states to keep."""

    def __init__(self, state: bytes | None = None) -> None:
        self._sha = hashlib.sha256()

    def update(self, data: Buffer) -> None:
        self._sha.update(data)

    def state(self) -> bytes | None:
        return None

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def _resumable() -> bool:
    """Whether Sha256 works here and gives hashlib's digests after a resume."""
    if _LIB is None:
        return False
    data = bytes(range(256)) * 40
    try:
        first = Sha256()
        first.update(data[:1000])
        again = Sha256(first.state())
        again.update(memoryview(data)[1000:])
        return again.hexdigest() == hashlib.sha256(data).hexdigest()
    except (OSError, ValueError, TypeError, AttributeError):
        return False


Hasher = Sha256 if _resumable() else _PlainSha


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
            text = "\n".join(items) if None not in items else "\n".join(k or "" for k in items)
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
            codes, keys = store.memo.lines("codes", codes), store.memo.lines("keys", keys)
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
        for fmt, data in zip(FORMATS, chunk, strict=False):
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

    def commit(self, files: TableFiles, codes: list[str], keys: list[str | None]) -> None:
        """Keep the files just written and where each unit's rows are in them."""
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        index = self.path("index")
        index.unlink(missing_ok=True)  # no index for half-replaced files
        packed = {}
        for fmt, path in files.paths.items():
            kept = self.path(fmt)
            kept.unlink(missing_ok=True)  # unlink, not rename over: ext4 would flush the data
            _link(path, kept)
            packed[fmt] = files.results[fmt].pack()
        rows = np.concatenate([*files.unit_rows, np.zeros(0, dtype=np.int64)]).tobytes()
        tmp = index.with_suffix(".tmp")
        joined = (
            self._joined_codes if self._same_codes else "\n".join(codes),
            self.memo.joined(keys),
        )
        tmp.write_bytes(marshal.dumps((VERSION, self.store_key, *joined, rows, packed)))
        tmp.replace(index)


def _link(source: Path, target: Path) -> None:
    """Hard-link ``source`` as ``target``, or copy it where links are not possible."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


class _Output:
    """One file being written: kept runs copied in the kernel, fresh rows buffered, hashed.

    While the file so far equals the start of the kept file nothing is hashed; at the first
    difference the hash resumes from the last kept state before it.
    """

    def __init__(self, path: Path, store: ChunkStore | None, fmt: str) -> None:
        self.path = path
        path.unlink(missing_ok=True)
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        self.kept = store.files.get(fmt) if store is not None else None
        self.src = store.fds.get(fmt, -1) if store is not None else -1
        self.map = store.maps.get(fmt) if store is not None else None
        self.pos = 0  # bytes written or due
        self.hashed = 0
        self.hasher = None if self.kept is not None else Hasher()
        self.checkpoints: list[tuple[int, bytes]] = []
        self.next_checkpoint = CHECKPOINT
        self.buffer = bytearray()
        self.pending: list[int] = []  # [start, end] of a kept range not yet copied
        self.ends: list[np.ndarray] = []
        self.fresh_ends: list[int] = []
        self.header = 0

    def old(self, start: int, end: int) -> None:
        """Bytes ``start:end`` of the kept file come next."""
        if self.hasher is None and start != self.pos:
            self._diverge()
        self._flush_buffer()
        if self.pending and self.pending[1] == start:
            self.pending[1] = end
        else:
            self._flush_pending()
            self.pending = [start, end]
        self.pos += end - start

    def fresh(self, data: bytes) -> None:
        """New bytes come next."""
        if self.hasher is None:
            self._diverge()
        self._flush_pending()
        self.buffer += data
        self.pos += len(data)
        if len(self.buffer) >= BUFFER:
            self._flush_buffer()

    def _diverge(self) -> None:
        """The file so far is the kept file's start: resume its hash, hash up to here."""
        self._flush_pending()
        kept = self.kept
        before = [c for c in kept.checkpoints if c[0] <= self.pos]
        self.checkpoints = before
        self.hashed = before[-1][0] if before else 0
        self.hasher = Hasher(before[-1][1]) if before else Hasher()
        self.next_checkpoint = self.hashed + CHECKPOINT
        self._hash(self.map, self.hashed, self.pos)

    def _hash(self, data: Buffer, start: int, end: int) -> None:
        with memoryview(data) as view:
            while start < end:
                stop = min(end, start + self.next_checkpoint - self.hashed)
                with view[start:stop] as part:
                    self.hasher.update(part)
                self.hashed += stop - start
                start = stop
                if self.hashed == self.next_checkpoint:
                    state = self.hasher.state()
                    if state is not None:
                        self.checkpoints.append((self.hashed, state))
                    self.next_checkpoint += CHECKPOINT

    def _flush_buffer(self) -> None:
        if not self.buffer:
            return
        if self.hasher is not None:
            self._hash(self.buffer, 0, len(self.buffer))
        with memoryview(self.buffer) as view:
            done = 0
            while done < len(view):
                done += os.write(self.fd, view[done:])
        self.buffer = bytearray()

    def _flush_pending(self) -> None:
        if not self.pending:
            return
        start, end = self.pending
        self.pending = []
        if self.hasher is not None:
            self._hash(self.map, start, end)
        while start < end:
            try:
                done = os.copy_file_range(self.src, self.fd, end - start, start)
            except OSError:
                done = os.write(self.fd, self.map[start:end])
            if done <= 0:
                raise OSError(f"复制数据文件失败：{self.path}")
            start += done

    def end_unit(self) -> None:
        """A unit's rows end here."""
        self.fresh_ends.append(self.pos)

    def end_run(self, ends: np.ndarray) -> None:
        """Units copied in a run end at ``ends``."""
        if self.fresh_ends:
            self.ends.append(np.asarray(self.fresh_ends, dtype=np.int64))
            self.fresh_ends = []
        self.ends.append(ends)

    def finish(self) -> KeptFile:
        """Write what is left, close the file; what to keep of it."""
        self._flush_buffer()
        if self.hasher is None and self.pos == self.kept.size:
            sha, self.checkpoints = self.kept.sha256, self.kept.checkpoints
        else:
            if self.hasher is None:
                self._diverge()
            self._flush_pending()
            sha = self.hasher.hexdigest()
        self._flush_pending()
        os.close(self.fd)
        self.end_run(np.zeros(0, dtype=np.int64))
        ends = np.concatenate(self.ends)
        return KeptFile(ends, self.header, self.pos, sha, self.checkpoints)


class TableFiles:
    """The CSV and JSON Lines files of one table being written, unit by unit."""

    def __init__(self, folder: Path, table: str, header: bytes, store: ChunkStore | None) -> None:
        self.store = store if store is not None and store.valid else None
        self.paths = {fmt: folder / f"{table}.{fmt}" for fmt in FORMATS}
        self.outputs = {fmt: _Output(self.paths[fmt], self.store, fmt) for fmt in FORMATS}
        self.unit_rows: list[np.ndarray] = []
        self._fresh_rows: list[int] = []
        self.results: dict[str, KeptFile] = {}
        for fmt, data in zip(FORMATS, (header, b""), strict=True):
            out = self.outputs[fmt]
            kept = out.kept
            if kept is not None and kept.header == len(data) and out.map[: len(data)] == data:
                out.old(0, len(data))
            elif data:
                out.fresh(data)
            out.header = len(data)

    def add(self, chunk: Chunk) -> None:
        """Write one unit's rows, made afresh."""
        for fmt, data in zip(FORMATS, chunk, strict=False):
            out = self.outputs[fmt]
            out.fresh(data)
            out.end_unit()
        self._fresh_rows.append(chunk[2])

    def copy_run(self, first: int, stop: int) -> None:
        """Copy the kept rows of the units at positions ``first:stop`` of the kept files."""
        for fmt, out in self.outputs.items():
            kept = self.store.files[fmt]
            start, end = kept.span(first)[0], int(kept.ends[stop - 1])
            out.end_run(kept.ends[first:stop] + (out.pos - start))
            out.old(start, end)
        self._flush_rows()
        self.unit_rows.append(self.store.rows[first:stop])

    def link_kept(self) -> None:
        """The table is the kept one byte for byte: link the kept files instead of writing."""
        for fmt, out in self.outputs.items():
            os.close(out.fd)
            out.path.unlink()
            _link(self.store.path(fmt), out.path)
        self.results = dict(self.store.files)
        self.unit_rows = [self.store.rows]
        self._fresh_rows = []

    def _flush_rows(self) -> None:
        if self._fresh_rows:
            self.unit_rows.append(np.asarray(self._fresh_rows, dtype=np.int64))
            self._fresh_rows = []

    def close(self) -> None:
        """Finish both files."""
        self._flush_rows()
        for fmt, out in self.outputs.items():
            if fmt not in self.results:
                self.results[fmt] = out.finish()

    @property
    def rows(self) -> int:
        """Rows written."""
        return int(sum(int(part.sum()) for part in self.unit_rows))

    def summary(self) -> list[tuple[str, Path, int, str]]:
        """(format, path, bytes, SHA-256) of each file."""
        return [(f, self.paths[f], self.results[f].size, self.results[f].sha256) for f in FORMATS]


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
