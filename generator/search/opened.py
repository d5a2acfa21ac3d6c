"""The service's open search indexes: one per folder for the life of the process, reopened
when a build swaps a new index in, the replaced one closed a while later; ``refresh`` opens a
new build's index beside the one serving, so no search waits for the open. See
docs/search.md ("The service").
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from generator.search.facets import facet_table
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
        #: Folders whose new index ``refresh`` is opening, each with the event it sets when done.
        self.opening: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _stamp(folder: Path) -> tuple[int, int]:
        try:
            stat = (folder / META_FILE).stat()
        except FileNotFoundError as exc:
            raise IndexMissing(str(folder)) from exc
        return stat.st_ino, stat.st_mtime_ns

    def open(self, folder: Path | str) -> SearchIndex:
        """The open index at ``folder``, reopened when a new build has been swapped in."""
        folder = Path(folder)
        stamp, key = self._stamp(folder), str(folder.resolve())
        with self._lock:
            cached, opening = self.current.get(key), self.opening.get(key)
            if cached and (cached[0] == stamp or opening):
                return cached[1]  # the new build's index is being opened beside this one
        if opening:  # nothing open yet: wait for the open under way
            opening.wait()
            with self._lock:
                if key in self.current:
                    return self.current[key][1]
        with self._lock:
            cached = self.current.get(key)
            if cached and cached[0] == stamp:
                return cached[1]
            index = SearchIndex(folder)
            self._install(key, stamp, index)
            return index

    def _install(self, key: str, stamp: tuple[int, int], index: SearchIndex) -> None:
        """Serve ``index`` from now on; the one it replaces is closed a while later (the lock
        held)."""
        now = time.monotonic()
        while self.retired and self.retired[0][0] < now - self.retire_seconds:
            self.retired.pop(0)[1].close()
        cached = self.current.get(key)
        if cached:
            self.retired.append((now, cached[1]))
        self.current[key] = (stamp, index)

    def refresh(self, folder: Path | str) -> bool:
        """Open the index at ``folder`` if a build has swapped in a newer one than the one
        open (or none is open), with its facet table made, while searches go on with the
        one open; True if it opened one. A service's background thread calls it
        (feedback/search/views.py, ``start_warming``)."""
        folder = Path(folder)
        try:
            stamp = self._stamp(folder)
        except IndexMissing:
            return False
        key = str(folder.resolve())
        with self._lock:
            cached = self.current.get(key)
            if (cached and cached[0] == stamp) or key in self.opening:
                return False
            done = self.opening[key] = threading.Event()
        try:
            index = SearchIndex(folder)
            facet_table(index)  # the first count's table (a second at a million units)
            with self._lock:
                self._install(key, stamp, index)
        finally:
            with self._lock:
                del self.opening[key]
            done.set()
        return True

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
