"""The PostgreSQL engine's reader: ``PgIndex`` answers as reader.SearchIndex does, from SQL.

Term look-ups are ``t_<field> @> ARRAY[term]`` on the GIN indexes, codes ``LIKE 'x%'`` on a
``text_pattern_ops`` B-tree; each answers the rows of one generation (born ≤ g < died), mapped
to rank order by the generation's order and returned as bitsets, so the same query code
(engine.py, rank.py, near.py) ranks, counts facets and finds near misses for both engines:
their answers are identical by construction. Facet and rank-group bitsets are read once when
a generation is opened (``GROUP BY``). ``open_postgres`` keeps one open generation per
database and opens the next when a load has committed one. See docs/search.md ("Two engines").
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from generator.search.pgstore import connect, safe_url
from generator.search.reader import IndexMissing
from generator.search.text import BAND, FACETS, SIGNAL, SearchDoc

#: Answers kept per open generation (LRU). A generation never changes, so every answer may
#: be kept, rare terms too: each would otherwise cost a round trip to the server.
CACHE_SIZE = 4096
#: Display records kept per open generation (the pages most asked for).
RECORDS = 10000
#: Connections one open generation keeps for the service's threads.
POOL = 4
#: Seconds a replaced generation stays open (a search may still be reading it).
RETIRE_SECONDS = 60.0
_LAST = "SELECT generation FROM search_generations ORDER BY generation DESC LIMIT 1"


def latest(conn: Any) -> int | None:
    """The current generation at ``conn``, None when nothing was loaded there."""
    try:
        found = conn.execute(_LAST).fetchone()
    except Exception as exc:  # noqa: BLE001 (psycopg's UndefinedTable: no tables yet)
        if type(exc).__name__ != "UndefinedTable":
            raise
        conn.rollback()
        return None
    return None if found is None else int(found[0])


class PgIndex:
    """One generation of the search tables, answering like reader.SearchIndex."""

    def __init__(self, url: str, generation: int | None = None) -> None:
        self.url = url
        self.folder = safe_url(url)
        self._pool: queue.LifoQueue = queue.LifoQueue()
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._records: OrderedDict[int, SearchDoc] = OrderedDict()
        with self._conn() as conn:
            generation = latest(conn) if generation is None else generation
            row = None if generation is None else conn.execute(
                "SELECT tables, order_ids, meta FROM search_generations WHERE generation = %s",
                (generation,),
            ).fetchone()  # fmt: skip
            if row is None or generation is None:
                raise IndexMissing(self.folder)
            self.generation: int = generation
            tables, order, meta = row
            self.meta = meta if isinstance(meta, dict) else json.loads(meta)
            self._docs, self._codes = f"search_docs_{tables}", f"search_codes_{tables}"
            self._terms, self._hot = f"search_terms_{tables}", f"search_hot_{tables}"
            self._storage_of = np.frombuffer(bytes(order), dtype="<i4").astype(np.int64)
            top = int(self._storage_of.max()) + 1 if len(self._storage_of) else 0
            self._rank_of = np.full(top, -1, dtype=np.int64)
            self._rank_of[self._storage_of] = np.arange(len(self._storage_of))
            self.size = len(self._storage_of)
            self.all = (1 << self.size) - 1
            self._visible = f"born <= {int(generation)} AND died > {int(generation)}"
            self.facets = {f: self._grouped(conn, f"f_{f}") for f in FACETS}
        self.facets = {
            f: {v: b for v, b in values.items() if v} for f, values in self.facets.items()
        }
        hidden = {name: self._grouped_now(f"f_{name}") for name in (BAND, SIGNAL)}
        #: Rank groups of units (name length, signals) in rank order, each a bitset.
        self.bands = [b for v, b in sorted(hidden[BAND].items()) if v]
        #: Units by their signals alone, best first.
        self.signals = [b for v, b in sorted(hidden[SIGNAL].items()) if v]

    @contextmanager
    def _conn(self) -> Iterator[Any]:
        try:
            conn = self._pool.get_nowait()
        except queue.Empty:
            try:
                conn = connect(self.url, autocommit=True)
            except Exception as exc:  # psycopg's OperationalError: the server is unreachable
                raise IndexMissing(f"{self.folder}: {type(exc).__name__}") from exc
        try:
            yield conn
        except Exception:
            conn.close()
            raise
        if self._pool.qsize() < POOL and not conn.closed:
            self._pool.put(conn)
        else:
            conn.close()

    def is_latest(self) -> bool:
        """True while no load has committed a newer generation (one query)."""
        with self._conn() as conn:
            return latest(conn) == self.generation

    def _bits(self, ids: Sequence[int] | None) -> int:
        """Bitset (bit n = rank n) of row ids."""
        if not ids:
            return 0
        found = np.asarray(ids, dtype=np.int64)
        # Rows of later generations (ready ids of frequent terms) are in no order of this one.
        ranks = self._rank_of[found[found < len(self._rank_of)]]
        ranks = ranks[ranks >= 0]
        flags = np.zeros(self.size + 7 & ~7, dtype=bool)
        flags[ranks] = True
        return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")

    def _grouped(self, conn: Any, column: str) -> dict[str, int]:
        rows = conn.execute(
            f"SELECT {column}, array_agg(id) FROM {self._docs} WHERE {self._visible} "
            f"GROUP BY {column}"
        ).fetchall()
        return {value: self._bits(ids) for value, ids in rows}

    def _grouped_now(self, column: str) -> dict[str, int]:
        with self._conn() as conn:
            return self._grouped(conn, column)

    def _ids(self, sql: str, params: tuple) -> list[int]:
        with self._conn() as conn:
            found = conn.execute(sql, params).fetchone()
        return (found[0] if found else None) or []

    def _remembered(self, key: tuple, compute: Any) -> Any:
        with self._lock:
            value = self._cache.get(key)
            if value is not None:
                self._cache.move_to_end(key)
                return value
        value, _ = compute()
        with self._lock:
            self._cache[key] = value
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return value

    def term(self, name: str, term: str) -> int:
        """Documents whose field ``name`` holds ``term``, as a bitset."""

        def compute() -> tuple[int, int]:
            with self._conn() as conn:
                hot = conn.execute(
                    f"SELECT ids FROM {self._hot} WHERE field = %s AND term = %s", (name, term)
                ).fetchone()
            if hot is not None:  # a frequent term: its ids ready (visibility by the order)
                return self._bits(hot[0]), len(hot[0])
            ids = self._ids(
                f"SELECT array_agg(id) FROM {self._docs} "
                f"WHERE t_{name} @> ARRAY[%s]::text[] AND {self._visible}",
                (term,),
            )
            return self._bits(ids), len(ids)

        return self._remembered(("term", name, term), compute)

    def prefix(self, name: str, prefix: str, limit: int = 1000) -> tuple[int, bool]:
        """Documents with a term in ``name`` starting with ``prefix``; True if cut at ``limit``."""

        def compute() -> tuple[tuple[int, bool], int]:
            with self._conn() as conn:
                terms = [
                    t
                    for (t,) in conn.execute(
                        f"SELECT term FROM {self._terms} WHERE field = %s AND term >= %s "
                        "AND term < %s ORDER BY term LIMIT %s",
                        (name, prefix, prefix + "\U0010ffff", limit + 1),
                    )
                ]
            cut = len(terms) > limit
            ids = self._ids(
                f"SELECT array_agg(id) FROM {self._docs} "
                f"WHERE t_{name} && %s::text[] AND {self._visible}",
                (terms[:limit],),
            )
            return (self._bits(ids), cut), len(ids)

        return self._remembered(("prefix", name, prefix, limit), compute)

    def code(self, key: str) -> int:
        """Documents whose code (fixed-source, permit or outlet) is exactly ``key``."""

        def compute() -> tuple[int, int]:
            ids = self._ids(
                f"SELECT array_agg(id) FROM {self._codes} WHERE code = %s AND {self._visible}",
                (key,),
            )
            return self._bits(ids), len(ids)

        return self._remembered(("exact code", key), compute)

    def code_prefix(self, prefix: str, limit: int = 20000) -> tuple[int, bool]:
        """Documents with a code starting with ``prefix``; True if cut at ``limit`` codes."""

        def compute() -> tuple[tuple[int, bool], int]:
            like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            with self._conn() as conn:
                ids = [
                    i
                    for (i,) in conn.execute(
                        f"SELECT id FROM {self._codes} WHERE code LIKE %s AND {self._visible} "
                        "ORDER BY code, id LIMIT %s",
                        (like, limit + 1),
                    )
                ]
            return (self._bits(ids[:limit]), len(ids) > limit), len(ids)

        return self._remembered(("code", prefix, limit), compute)

    def docs(self, docnums: list[int]) -> list[SearchDoc]:
        """The display records of documents ``docnums``, in that order (one query)."""
        ids = [int(self._storage_of[n]) for n in docnums]
        with self._lock:
            found = {i: self._records[i] for i in ids if i in self._records}
        missing = [i for i in ids if i not in found]
        if missing:
            with self._conn() as conn:
                rows = conn.execute(
                    f"SELECT id, doc FROM {self._docs} WHERE id = ANY(%s)", (missing,)
                ).fetchall()
            with self._lock:
                for docid, record in rows:
                    found[docid] = self._records[docid] = SearchDoc(*record)
                while len(self._records) > RECORDS:
                    self._records.popitem(last=False)
        return [found[i] for i in ids]

    def doc(self, docnum: int) -> SearchDoc:
        """The display record of document ``docnum``."""
        return self.docs([docnum])[0]

    def label(self, facet: str, value: str) -> str:
        """Chinese label of a facet value."""
        return self.meta["labels"].get(facet, {}).get(value, value)

    def close(self) -> None:
        """Close the connections this generation keeps."""
        while True:
            try:
                self._pool.get_nowait().close()
            except queue.Empty:
                return


class OpenPostgres:
    """The open generation per database URL, replaced when a load commits a newer one."""

    def __init__(self, retire_seconds: float = RETIRE_SECONDS) -> None:
        self.retire_seconds = retire_seconds
        self.current: dict[str, PgIndex] = {}
        self.retired: list[tuple[float, PgIndex]] = []
        self._lock = threading.Lock()

    def open(self, url: str) -> PgIndex:
        """The newest generation at ``url`` (IndexMissing if nothing was loaded there)."""
        index = self.current.get(url)
        if index is not None and index.is_latest():
            return index
        with self._lock:
            index = self.current.get(url)
            now = time.monotonic()
            while self.retired and self.retired[0][0] < now - self.retire_seconds:
                self.retired.pop(0)[1].close()
            fresh = PgIndex(url)
            if index is not None and index.generation == fresh.generation:
                fresh.close()
                return index
            if index is not None:
                self.retired.append((now, index))
            self.current[url] = fresh
            return fresh

    def close_all(self) -> None:
        """Close every open generation (tests, shutdown)."""
        with self._lock:
            for index in self.current.values():
                index.close()
            for _, index in self.retired:
                index.close()
            self.current.clear()
            self.retired.clear()


#: The process's open PostgreSQL indexes (the service's; a build never opens one).
OPEN_POSTGRES = OpenPostgres()


def open_postgres(url: str) -> PgIndex:
    """The process's open PostgreSQL index at ``url`` (see OpenPostgres.open)."""
    return OPEN_POSTGRES.open(url)
