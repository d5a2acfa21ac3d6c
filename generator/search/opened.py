"""The service's open search indexes: one per folder for the life of the process, reopened
when a build swaps a new index in, the replaced one closed a while later. See docs/search.md.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from generator.search.identity import META_FILE
from generator.search.pgindex import OPEN_POSTGRES, open_postgres
from generator.search.reader import Index, IndexMissing, SearchIndex

#: The engines the setting ``search_engine`` chooses between.
ENGINES = ("embedded", "postgresql")
#: Seconds a replaced index stays open (a search may still be reading it).
RETIRE_SECONDS = 60.0


class OpenIndexes:
    """Open indexes by folder, each with the stamp (inode, mtime) of its metadata file."""

    def __init__(self, retire_seconds: float = RETIRE_SECONDS) -> None:
        self.retire_seconds = retire_seconds
        self.current: dict[str, tuple[tuple[int, int], SearchIndex]] = {}
        #: Indexes replaced by a newer build, with the time they were replaced.
        self.retired: list[tuple[float, SearchIndex]] = []
        self._lock = threading.Lock()

    def open(self, folder: Path | str) -> SearchIndex:
        """The open index at ``folder``, reopened when a new build has been swapped in."""
        folder = Path(folder)
        try:
            stat = (folder / META_FILE).stat()
        except FileNotFoundError as exc:
            raise IndexMissing(str(folder)) from exc
        stamp = (stat.st_ino, stat.st_mtime_ns)
        key = str(folder.resolve())
        with self._lock:
            cached = self.current.get(key)
            if cached and cached[0] == stamp:
                return cached[1]
            now = time.monotonic()
            while self.retired and self.retired[0][0] < now - self.retire_seconds:
                self.retired.pop(0)[1].close()
            if cached:
                self.retired.append((now, cached[1]))
            index = SearchIndex(folder)
            self.current[key] = (stamp, index)
            return index

    def close(self, folder: Path | str) -> None:
        """Close the index of ``folder`` if open (a test's index, before its folder goes)."""
        with self._lock:
            found = self.current.pop(str(Path(folder).resolve()), None)
            if found:
                found[1].close()

    def close_all(self) -> None:
        """Close every open index (tests, shutdown)."""
        with self._lock:
            for _, index in self.current.values():
                index.close()
            for _, index in self.retired:
                index.close()
            self.current.clear()
            self.retired.clear()


#: The process's open indexes (the service's; a build never opens one).
OPEN_INDEXES = OpenIndexes()


def open_index(folder: Path | str) -> SearchIndex:
    """The process's open index at ``folder`` (see OpenIndexes.open)."""
    return OPEN_INDEXES.open(folder)


def open_engine(engine: str, folder: Path | str, url: str = "") -> Index:
    """The open index of the engine ``engine``: the embedded one at ``folder``, or the
    PostgreSQL tables at ``url`` (generator/search/pgindex.py); both answer alike."""
    if engine == "postgresql":
        if not url:
            raise IndexMissing("search_engine = postgresql, search_database_url not set")
        return open_postgres(url)
    if engine != "embedded":
        raise ValueError(f"search_engine 只能是 {' 或 '.join(ENGINES)}，而不是“{engine}”")
    return open_index(folder)


def close_all() -> None:
    """Close every index the process has open (tests, shutdown)."""
    OPEN_INDEXES.close_all()
    OPEN_POSTGRES.close_all()
