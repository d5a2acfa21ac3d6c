"""Write the CSV and JSON Lines files of one table unit by unit, copying kept runs.

Rows of units kept unchanged are copied from the last build's files (chunks.ChunkStore) in
the kernel (``copy_file_range``); fresh rows are buffered; the SHA-256 resumes from the last
kept hash state before the first change (sha256.py).
"""

from __future__ import annotations

import mmap
import os
from pathlib import Path

import numpy as np

from generator.opendata.chunks import FORMATS, Chunk, ChunkStore, KeptFile, link_or_copy
from generator.opendata.sha256 import Buffer, Hasher, HashState

#: Bytes between kept hash states: at most this much is hashed again before a change.
CHECKPOINT = 4 << 20
#: Fresh rows are gathered up to this size before one write.
BUFFER = 1 << 20


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
        self.hasher: HashState | None = None if self.kept is not None else Hasher()
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
        kept, kept_map = self._kept()
        before = [c for c in kept.checkpoints if c[0] <= self.pos]
        self.checkpoints = before
        self.hashed = before[-1][0] if before else 0
        self.hasher = Hasher(before[-1][1]) if before else Hasher()
        self.next_checkpoint = self.hashed + CHECKPOINT
        self._hash(kept_map, self.hashed, self.pos)

    def _kept(self) -> tuple[KeptFile, mmap.mmap]:
        """The kept file and its map: there is one whenever kept bytes are copied or hashed."""
        if self.kept is None or self.map is None:
            raise RuntimeError(f"没有上次构建保留的数据文件：{self.path}")
        return self.kept, self.map

    def _hash(self, data: Buffer, start: int, end: int) -> None:
        hasher = self.hasher
        if hasher is None:
            raise RuntimeError("hashing before the hash was resumed")
        with memoryview(data) as view:
            while start < end:
                stop = min(end, start + self.next_checkpoint - self.hashed)
                with view[start:stop] as part:
                    hasher.update(part)
                self.hashed += stop - start
                start = stop
                if self.hashed == self.next_checkpoint:
                    state = hasher.state()
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
        kept_map = self._kept()[1]
        if self.hasher is not None:
            self._hash(kept_map, start, end)
        while start < end:
            try:
                done = os.copy_file_range(self.src, self.fd, end - start, start)
            except OSError:
                done = os.write(self.fd, kept_map[start:end])
            if done <= 0:
                raise OSError(f"复制数据文件失败：{self.path}")
            start += done

    def _kept_hasher(self) -> HashState:
        if self.hasher is None:
            raise RuntimeError("the hash was never resumed")
        return self.hasher

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
        kept = self.kept
        if self.hasher is None and kept is not None and self.pos == kept.size:
            sha, self.checkpoints = kept.sha256, kept.checkpoints
        else:
            if self.hasher is None:
                self._diverge()
            self._flush_pending()
            sha = self._kept_hasher().hexdigest()
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
            same = out.map is not None and out.map[: len(data)] == data
            if kept is not None and kept.header == len(data) and same:
                out.old(0, len(data))
            elif data:
                out.fresh(data)
            out.header = len(data)

    def add(self, chunk: Chunk) -> None:
        """Write one unit's rows, made afresh."""
        for fmt, data in zip(FORMATS, chunk[:2], strict=True):
            out = self.outputs[fmt]
            out.fresh(data)
            out.end_unit()
        self._fresh_rows.append(chunk[2])

    def copy_run(self, first: int, stop: int) -> None:
        """Copy the kept rows of the units at positions ``first:stop`` of the kept files."""
        store = self._store()
        for fmt, out in self.outputs.items():
            kept = store.files[fmt]
            start, end = kept.span(first)[0], int(kept.ends[stop - 1])
            out.end_run(kept.ends[first:stop] + (out.pos - start))
            out.old(start, end)
        self._flush_rows()
        self.unit_rows.append(store.rows[first:stop])

    def link_kept(self) -> None:
        """The table is the kept one byte for byte: link the kept files instead of writing."""
        store = self._store()
        for fmt, out in self.outputs.items():
            os.close(out.fd)
            out.path.unlink()
            link_or_copy(store.path(fmt), out.path)
        self.results = dict(store.files)
        self.unit_rows = [store.rows]
        self._fresh_rows = []

    def _store(self) -> ChunkStore:
        if self.store is None:
            raise RuntimeError("no kept files to copy from")
        return self.store

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
