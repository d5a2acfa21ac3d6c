"""An open search index: term and facet bitsets, code look-ups, display records.

The index answers with bitsets (Python ints, bit n = document n) and our own dataclasses.
Documents are numbered in rank order, so a lower number ranks higher within a tier.
Postings come from our files (postings.py), records through whoosh's public reader API.
See docs/search.md.
"""

from __future__ import annotations

import heapq
import json
import threading
import warnings
import zlib
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from generator.search.files import HOT_FILE, ORDER_FILE, read_codes
from generator.search.identity import META_FILE
from generator.search.postings import Postings
from generator.search.segment import INDEX_NAME
from generator.search.text import BAND, FACETS, SIGNAL, SearchDoc

with warnings.catch_warnings():
    warnings.simplefilter("ignore", SyntaxWarning)  # whoosh-reloaded has an invalid escape
    from whoosh import index as wi

#: Terms in at least this many documents keep their bitset in the cache.
CACHE_MIN_DOCS = 64
CACHE_SIZE = 1024


class IndexMissing(Exception):
    """No search index has been built at the configured folder."""


#: More document numbers than this are set as a bitset by numpy, fewer one by one.
VECTOR_IDS = 256


def _bits_of(ids: Any, size: int) -> int:
    """The bitset of document numbers ``ids`` (each below ``size``): its bytes reach only as
    far as the highest number, and a long list (a prefix's union) is set by numpy."""
    if len(ids) == 0:
        return 0
    if len(ids) > VECTOR_IDS:
        numbers = np.asarray(ids, dtype=np.int64)
        flags = np.zeros(int(numbers.max()) + 1, dtype=np.uint8)
        flags[numbers] = 1
        return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")
    if isinstance(ids, np.ndarray):
        ids = ids.tolist()
    buffer = bytearray((max(ids) >> 3) + 1)
    for docnum in ids:
        buffer[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(buffer, "little")


def _order(folder: Path, stored: int) -> tuple[list[int] | None, np.ndarray | None]:
    """Storage number of each rank and rank of each storage number (-1: replaced), when an
    update left documents out of rank order in storage (see generator/search/update.py)."""
    path = folder / ORDER_FILE
    if not path.exists():
        return None, None
    storage_of = np.fromfile(path, dtype="<i4").astype(np.int64)
    rank_of = np.full(stored, -1, dtype=np.int64)
    rank_of[storage_of] = np.arange(len(storage_of))
    return storage_of.tolist(), rank_of


def _leaves(folder: Path, reader: Any) -> list[tuple[Postings, int]]:
    """Postings of each segment whoosh's ``reader`` opened, with its first storage number."""
    return [
        (Postings(folder / leaf.segment().make_filename("")), offset)
        for leaf, offset in reader.leaf_readers()
    ]


class Index(Protocol):
    """What the query side (rank.py, near.py, engine.py) asks of an index: the embedded one
    (``SearchIndex``) or PostgreSQL's (pgindex.PgIndex). Document numbers are ranks."""

    size: int
    all: int
    meta: dict[str, Any]
    facets: dict[str, dict[str, int]]
    bands: list[int]
    signals: list[int]

    def term(self, name: str, term: str) -> int: ...
    def prefix(self, name: str, prefix: str, limit: int = 1000) -> tuple[int, bool]: ...
    def code(self, key: str) -> int: ...
    def code_prefix(self, prefix: str, limit: int = 20000) -> tuple[int, bool]: ...
    def doc(self, docnum: int) -> SearchDoc: ...
    def docs(self, docnums: list[int]) -> list[SearchDoc]: ...
    def label(self, facet: str, value: str) -> str: ...
    def close(self) -> None: ...


class SearchIndex:
    """An open index: term and facet bitsets, exact keys, display records. Thread-safe reads."""

    def __init__(self, folder: Path) -> None:
        folder = Path(folder)
        if not (folder / META_FILE).exists():
            raise IndexMissing(str(folder))
        self.folder = folder
        self.meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        self._index = wi.open_dir(str(folder), indexname=INDEX_NAME)
        self._reader = self._index.reader()
        if self._reader.doc_count_all():
            # whoosh opens the records' file on first use: open it now, so the index still
            # answers after a newer build has replaced (and removed) its folder.
            self._reader.stored_fields(0)
        self._leaves = _leaves(folder, self._reader)
        self._storage_of, self._rank_of = _order(folder, self._reader.doc_count_all())
        self.size = self.meta["documents"]
        self.all = (1 << self.size) - 1
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._hot_table: dict[str, dict[str, list[int]]] = self.meta.get("hot", {})
        self._hot = (folder / HOT_FILE).read_bytes()
        self.facets = {
            f: {v: self._hot_bits(f, v) for v in self._hot_table.get(f, {})} for f in FACETS
        }
        #: Rank groups of units (name length, signals) in rank order, each a bitset.
        self.bands = self._groups(BAND)
        #: Units by their signals alone (key management, recent enforcement), best first.
        self.signals = self._groups(SIGNAL)
        self._code_keys, self._code_docs = read_codes(folder)

    def _hot_bits(self, name: str, term: str) -> int:
        offset, length = self._hot_table[name][term]
        return int.from_bytes(zlib.decompress(self._hot[offset : offset + length]), "little")

    def _groups(self, name: str) -> list[int]:
        """Bitsets of a hidden field's values, in the order of the values."""
        return [self._hot_bits(name, v) for v in sorted(self._hot_table.get(name, {}))]

    def _ids(self, name: str, term: str) -> np.ndarray:
        """Document numbers (rank order, ascending) of a term, from every segment's postings."""
        parts = [postings.ids(name, term) + offset for postings, offset in self._leaves]
        ids = parts[0] if len(parts) == 1 else np.concatenate(parts)
        if self._rank_of is None:
            return ids
        ranks = self._rank_of[ids]
        return np.sort(ranks[ranks >= 0])

    def _expand(self, name: str, prefix: str) -> Iterator[str]:
        """Terms of ``name`` starting with ``prefix`` in any segment, in order, once each."""
        merged = heapq.merge(*(p.expand_prefix(name, prefix) for p, _ in self._leaves))
        return (term for term, _ in groupby(merged))

    def _remember(self, key: tuple, value: Any, docs: int) -> None:
        """Keep ``value`` if it covers enough documents to be worth the memory."""
        if docs >= CACHE_MIN_DOCS:
            self._cache[key] = value
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)

    def _cached(self, key: tuple) -> Any:
        value = self._cache.get(key)
        if value is not None:
            self._cache.move_to_end(key)
        return value

    def term(self, name: str, term: str) -> int:
        """Documents whose field ``name`` holds ``term``, as a bitset."""
        key = ("term", name, term)
        with self._lock:
            bits = self._cached(key)
            if bits is None and term in self._hot_table.get(name, {}):
                bits = self._hot_bits(name, term)
                self._remember(key, bits, CACHE_MIN_DOCS)
            elif bits is None:
                ids = self._ids(name, term)
                bits = _bits_of(ids, self.size)
                self._remember(key, bits, len(ids))
            return bits

    def code(self, key: str) -> int:
        """Documents whose code (fixed-source, permit or outlet) is exactly ``key``."""
        start = bisect_left(self._code_keys, key)
        end = start
        while end < len(self._code_keys) and self._code_keys[end] == key:
            end += 1
        return _bits_of(self._code_docs[start:end], self.size)

    def code_prefix(self, prefix: str, limit: int = 20000) -> tuple[int, bool]:
        """Documents with a code starting with ``prefix``; True if cut at ``limit`` codes."""
        key = ("code", prefix, limit)
        with self._lock:
            found = self._cached(key)
            if found is None:
                start = bisect_left(self._code_keys, prefix)
                end = bisect_left(self._code_keys, prefix + "\x7f", lo=start)  # codes are ASCII
                cut = end - start > limit
                docs = self._code_docs[start : min(end, start + limit)]
                found = (_bits_of(docs, self.size), cut)
                self._remember(key, found, len(docs))
            return found

    def prefix(self, name: str, prefix: str, limit: int = 1000) -> tuple[int, bool]:
        """Documents with a term in ``name`` starting with ``prefix``; True if cut at ``limit``."""
        key = ("prefix", name, prefix, limit)
        with self._lock:
            found = self._cached(key)
            if found is not None:
                return found
            parts: list[np.ndarray] = []
            cut = False
            for term in self._expand(name, prefix):
                found = self._ids(name, term)
                if not len(found):  # only in documents an update replaced
                    continue
                if len(parts) >= limit:
                    cut = True
                    break
                parts.append(found)
            ids = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            found = (_bits_of(ids, self.size), cut)
            self._remember(key, found, len(ids))
            return found

    def doc(self, docnum: int) -> SearchDoc:
        """The display record of document ``docnum``."""
        with self._lock:
            if self._storage_of is not None:
                docnum = self._storage_of[docnum]
            stored = self._reader.stored_fields(docnum)["doc"]
        return SearchDoc(*stored)

    def docs(self, docnums: list[int]) -> list[SearchDoc]:
        """The display records of documents ``docnums``, in that order."""
        return [self.doc(n) for n in docnums]

    def label(self, facet: str, value: str) -> str:
        """Chinese label of a facet value."""
        return self.meta["labels"].get(facet, {}).get(value, value)

    def close(self) -> None:
        """Release the index files."""
        with self._lock:
            self._reader.close()
            self._index.close()
