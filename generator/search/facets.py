"""Facet counts of a match, for both engines. See docs/search.md ("Speed").

An index keeps each facet value as a bitset of documents. Counting a value is an AND and a
population count over the whole index (a million units: 1.8 million bits, about 0.2 ms a
value), and the six facets have some 250 values, so counting value by value costs tens of
milliseconds a query at that size. Instead, the first count on an open index makes a
``FacetTable``: the distinct combinations of facet values documents have, and each
document's combination. A query's counts are then one pass over the documents that match
(or over those that do not, when most do: the counts of all documents less theirs), so the
work follows the smaller side and not the number of values.

A facet whose values overlap (a document in two values) has no place in a combination, nor
one that would make the combinations' numbering pass 2**62: it is counted value by value.
"""

from __future__ import annotations

import math
import threading
import weakref
from typing import Any

import numpy as np

_tables: weakref.WeakKeyDictionary[Any, FacetTable] = weakref.WeakKeyDictionary()
_lock = threading.Lock()
#: A set is unpacked whole when more than one 64-bit word in this many holds a document.
DENSE_WORDS = 4


def doc_ids(bits: int, size: int) -> np.ndarray:
    """The document numbers set in ``bits`` (below ``size``), ascending. Where few 64-bit
    words hold one, only those words are unpacked; where many do, all of them at once
    (at a million documents: 0.7 ms for a sparse set, about 20 ms for half of them)."""
    if size <= 0 or not bits:
        return np.zeros(0, dtype=np.int64)
    words = np.frombuffer(bits.to_bytes(-(-size // 64) * 8, "little"), dtype="<u8")
    held = np.flatnonzero(words)
    if len(held) * DENSE_WORDS > len(words):
        return np.flatnonzero(np.unpackbits(words.view(np.uint8), bitorder="little"))
    flat = np.flatnonzero(np.unpackbits(words[held].view(np.uint8), bitorder="little"))
    return held[flat >> 6] * 64 + (flat & 63)


class FacetTable:
    """The facet values of every document of an open index (immutable, as the index is)."""

    def __init__(self, index: Any) -> None:
        self.size: int = index.size
        self.all: int = index.all
        #: Per facet: its values, in the index's order.
        self.values: dict[str, list[str]] = {}
        #: Facets whose values overlap, with their bitsets: counted one by one.
        self.bitsets: dict[str, dict[str, int]] = {}
        key = np.zeros(self.size, dtype=np.int64)
        radix: list[tuple[str, int]] = []
        for name, table in index.facets.items():
            values = list(table)
            self.values[name] = values
            codes = np.full(self.size, len(values), dtype=np.int64)
            expected = 0
            for position, value in enumerate(values):
                ids = doc_ids(table[value], self.size)
                codes[ids] = position
                expected += len(ids)
            span = math.prod(b for _, b in radix) * (len(values) + 1)
            if int(np.count_nonzero(codes < len(values))) != expected or span >= 2**62:
                self.bitsets[name] = table
                continue
            key = key * (len(values) + 1) + codes
            radix.append((name, len(values) + 1))
        keys, combination = np.unique(key, return_inverse=True)
        #: Each document's combination, and per facet each combination's value (its
        #: position in ``values``; len(values) for none).
        self.combination = combination.astype(np.int32).reshape(-1)
        self.combinations = len(keys)
        self.codes: dict[str, np.ndarray] = {}
        for name, base in reversed(radix):
            keys, self.codes[name] = np.divmod(keys, base)
        self._totals = self._sum(np.bincount(self.combination, minlength=self.combinations))

    def _sum(self, per_combination: np.ndarray) -> dict[str, np.ndarray]:
        """Counts per facet value from counts per combination."""
        return {
            name: np.bincount(
                codes, weights=per_combination, minlength=len(self.values[name]) + 1
            ).astype(np.int64)
            for name, codes in self.codes.items()
        }

    def counts(self, base: int) -> dict[str, list[tuple[str, int]]]:
        """Per facet, (value, documents of ``base`` with it) for every value."""
        if base.bit_count() * 2 > self.size:
            found, rest = doc_ids(self.all & ~base, self.size), True
        else:
            found, rest = doc_ids(base, self.size), False
        held = self.combination[found]
        if len(held) < self.combinations:
            counted = {
                name: np.bincount(codes[held], minlength=len(self.values[name]) + 1)
                for name, codes in self.codes.items()
            }
        else:
            counted = self._sum(np.bincount(held, minlength=self.combinations))
        out = {}
        for name, values in self.values.items():
            if name in self.bitsets:
                out[name] = [(v, (base & b).bit_count()) for v, b in self.bitsets[name].items()]
                continue
            figures = self._totals[name] - counted[name] if rest else counted[name]
            out[name] = list(zip(values, figures[: len(values)].tolist(), strict=True))
        return out


def facet_table(index: Any) -> FacetTable:
    """The facet table of an open ``index``, made on first use and kept while it is open."""
    with _lock:
        table = _tables.get(index)
        if table is None:
            table = _tables[index] = FacetTable(index)
        return table
