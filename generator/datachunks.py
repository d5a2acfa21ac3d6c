"""The open data files of the last build, kept with the byte range of every unit's rows.

A download file is the header followed by each unit's rows in code order, and a unit's
rows depend only on the unit (its content key), the site's as-of date (in the key), the
base URL and the code (in the store's key). So a build copies the rows of unchanged units
from the last build's file, byte for byte, and makes rows only for units whose key changed.
The kept file is a hard link to the published one (a copy where links are not possible).
"""

from __future__ import annotations

import hashlib
import marshal
import mmap
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Bump when the kept format changes.
VERSION = 1


#: Where one unit's rows are in the kept files and how many: (key, csv start, csv end,
#: jsonl start, jsonl end, rows). A plain tuple: 55,900 of them per table load fast.
Span = tuple[str, int, int, int, int, int]
FORMATS = ("csv", "jsonl")


@dataclass
class ChunkStore:
    """The kept files of one table and the span of each unit in them."""

    folder: Path
    table: str
    store_key: str
    old: dict[str, Span] = field(default_factory=dict)
    _maps: dict[str, mmap.mmap] = field(default_factory=dict)

    @classmethod
    def open(cls, folder: Path, table: str, store_key: str) -> ChunkStore:
        """The kept files of ``table`` if they were written with the same ``store_key``."""
        store = cls(Path(folder), table, store_key)
        try:
            version, key, spans, sizes = marshal.loads(store._path("index").read_bytes())
            if version != VERSION or key != store_key:
                return store
            for fmt in FORMATS:
                path = store._path(fmt)
                if path.stat().st_size != sizes[fmt]:
                    store.close()
                    return store
                if sizes[fmt]:
                    with path.open("rb") as handle:
                        store._maps[fmt] = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            store.close()
            return store
        store.old = spans
        return store

    def _path(self, kind: str) -> Path:
        return self.folder / f"{self.table}.{kind}"

    def kept(self, codes: list[str], keys: list[str | None]) -> list[bool]:
        """For each unit, whether its rows are kept under the same key."""
        if len(self._maps) != len(FORMATS):
            return [False] * len(codes)
        old = self.old
        return [
            k is not None and (s := old.get(c)) is not None and s[0] == k
            for c, k in zip(codes, keys, strict=True)
        ]

    def copy(self, fmt: str, start: int, end: int, write: Callable[[memoryview], Any]) -> None:
        """Hand bytes ``start:end`` of the kept file of ``fmt`` to ``write`` (no copy made)."""
        view = memoryview(self._maps[fmt])
        try:
            part = view[start:end]
            try:
                write(part)
            finally:
                part.release()
        finally:
            view.release()

    def close(self) -> None:
        """Release the kept files."""
        for kept in self._maps.values():
            kept.close()
        self._maps.clear()

    def commit(self, files: TableFiles) -> None:
        """Keep the files just written and the span of each unit in them."""
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        sizes = {}
        for fmt, path in files.paths.items():
            kept = self._path(fmt)
            tmp = kept.with_suffix(f".{fmt}.tmp")
            tmp.unlink(missing_ok=True)
            try:
                os.link(path, tmp)
            except OSError:
                shutil.copyfile(path, tmp)
            tmp.replace(kept)
            sizes[fmt] = kept.stat().st_size
        index = self._path("index")
        index.with_suffix(".tmp").write_bytes(
            marshal.dumps((VERSION, self.store_key, files.spans, sizes))
        )
        index.with_suffix(".tmp").replace(index)


class TableFiles:
    """The CSV and JSON Lines files of one table being written, with sizes and SHA-256s."""

    def __init__(self, csv_path: Path, jsonl_path: Path, header: bytes) -> None:
        self.paths = {"csv": csv_path, "jsonl": jsonl_path}
        self.handles = {}
        for fmt, path in self.paths.items():
            path.unlink(missing_ok=True)  # a new file: the old one may be the kept copy's link
            self.handles[fmt] = path.open("wb")
        self.sizes = dict.fromkeys(FORMATS, 0)
        self.shas = {fmt: hashlib.sha256() for fmt in FORMATS}
        self.rows = 0
        #: Span of each unit written with a key, for the next build.
        self.spans: dict[str, Span] = {}
        self._write("csv", header)

    def _write(self, fmt: str, data: bytes | memoryview) -> int:
        start = self.sizes[fmt]
        self.handles[fmt].write(data)
        self.shas[fmt].update(data)
        self.sizes[fmt] += len(data)
        return start

    def add(
        self, code: str, key: str | None, csv_bytes: bytes, jsonl_bytes: bytes, rows: int
    ) -> None:
        """Write one unit's rows, made afresh."""
        at_csv, at_jsonl = self._write("csv", csv_bytes), self._write("jsonl", jsonl_bytes)
        self.rows += rows
        if key:
            self.spans[code] = (key, at_csv, self.sizes["csv"], at_jsonl, self.sizes["jsonl"], rows)

    def copy_run(self, store: ChunkStore, codes: list[str]) -> None:
        """Copy the kept rows of consecutive units, in as few pieces as the kept files allow."""
        old = [store.old[c] for c in codes]
        start = 0
        for n in range(1, len(old) + 1):
            if n == len(old) or old[n - 1][2] != old[n][1] or old[n - 1][4] != old[n][3]:
                self._copy_piece(store, codes[start:n], old[start:n])
                start = n

    def _copy_piece(self, store: ChunkStore, codes: list[str], old: list[Span]) -> None:
        shift_csv = self.sizes["csv"] - old[0][1]
        shift_jsonl = self.sizes["jsonl"] - old[0][3]
        store.copy("csv", old[0][1], old[-1][2], lambda part: self._write("csv", part))
        store.copy("jsonl", old[0][3], old[-1][4], lambda part: self._write("jsonl", part))
        self.rows += sum(s[5] for s in old)
        self.spans.update(
            zip(
                codes,
                [
                    (
                        s[0],
                        s[1] + shift_csv,
                        s[2] + shift_csv,
                        s[3] + shift_jsonl,
                        s[4] + shift_jsonl,
                        s[5],
                    )
                    for s in old
                ],
                strict=True,
            )
        )

    def close(self) -> None:
        """Close both files."""
        for handle in self.handles.values():
            handle.close()

    def summary(self) -> list[tuple[str, Path, int, str]]:
        """(format, path, bytes, SHA-256) of each file."""
        return [(f, self.paths[f], self.sizes[f], self.shas[f].hexdigest()) for f in FORMATS]
