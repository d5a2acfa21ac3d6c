"""The open data files of the last build, kept with the byte range of every unit's rows.

A download file is the header followed by each unit's rows in code order, and a unit's
rows depend only on the unit (its content key), the site's as-of date (in the key), the
base URL and the code (in the store's key). So a build copies the rows of unchanged units
from the last build's file, byte for byte, and makes rows only for units whose key changed.
The kept file is a hard link to the published one (a copy where links are not possible).
"""

from __future__ import annotations

import mmap
import os
import pickle
import shutil
from dataclasses import dataclass, field
from pathlib import Path

#: Bump when the kept format changes.
VERSION = 1


#: Where one unit's rows are in the kept files and how many: (key, csv start, csv end,
#: jsonl start, jsonl end, rows). A plain tuple: 55,900 of them per table load fast.
Span = tuple[str, int, int, int, int, int]


@dataclass
class ChunkStore:
    """The kept files of one table and the span of each unit in them."""

    folder: Path
    table: str
    store_key: str
    old: dict[str, Span] = field(default_factory=dict)
    new: dict[str, Span] = field(default_factory=dict)
    _maps: dict[str, mmap.mmap] = field(default_factory=dict)

    @classmethod
    def open(cls, folder: Path, table: str, store_key: str) -> ChunkStore:
        """The kept files of ``table`` if they were written with the same ``store_key``."""
        store = cls(Path(folder), table, store_key)
        try:
            version, key, spans, sizes = pickle.loads(store._path("index").read_bytes())
            if version != VERSION or key != store_key:
                return store
            for fmt in ("csv", "jsonl"):
                path = store._path(fmt)
                if path.stat().st_size != sizes[fmt]:
                    return store
                if sizes[fmt]:
                    with path.open("rb") as handle:
                        store._maps[fmt] = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError):
            store.close()
            return store
        store.old = spans
        return store

    def _path(self, kind: str) -> Path:
        return self.folder / f"{self.table}.{kind}"

    def span(self, code: str, key: str) -> Span | None:
        """The kept span of unit ``code`` if its key is still ``key``."""
        span = self.old.get(code)
        return span if span is not None and span[0] == key and self._maps else None

    def read(self, fmt: str, start: int, end: int) -> bytes:
        """Bytes ``start:end`` of the kept file of ``fmt``."""
        return self._maps[fmt][start:end]

    def close(self) -> None:
        """Release the kept files."""
        for kept in self._maps.values():
            kept.close()
        self._maps.clear()

    def commit(self, files: dict[str, Path]) -> None:
        """Keep the files just written (by format) and the spans recorded in ``new``."""
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        sizes = {}
        for fmt, path in files.items():
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
            pickle.dumps((VERSION, self.store_key, self.new, sizes), pickle.HIGHEST_PROTOCOL))
        index.with_suffix(".tmp").replace(index)
