"""Our posting lists: which documents hold each term of a field, one pair of files per segment.

whoosh stores the documents' display records; the postings are ours, written and read with
numpy in bulk rather than through whoosh's posting classes one posting (or one private block
buffer) at a time. Per segment, beside whoosh's files and with the same name prefix:

- ``<segment>.ytrm``: JSON, field name → its terms, sorted by code point (so by UTF-8 bytes);
- ``<segment>.ypst``: ``<u8`` count of terms, then ``count + 1`` ``<u8`` offsets (the n-th
  term's list is bytes ``offsets[n]:offsets[n + 1]`` of what follows), then the lists: the
  document numbers in ascending order, each stored as the difference from the previous one
  (the first as it is), in LEB128 (7 bits a byte, the high bit set on all but a number's last).

Terms are numbered across fields in the order of the sorted field names. See docs/search.md.
"""

from __future__ import annotations

import json
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from itertools import chain
from pathlib import Path

import numpy as np

TERMS_SUFFIX = ".ytrm"
LISTS_SUFFIX = ".ypst"
#: Bytes of a LEB128 number below 2**32.
_MAX_BYTES = 5


def _sizes(values: np.ndarray) -> np.ndarray:
    """LEB128 length in bytes of each of ``values``."""
    sizes = np.ones(len(values), dtype=np.int64)
    for k in range(1, _MAX_BYTES):
        sizes += values >= (1 << (7 * k))
    return sizes


def _leb128(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """``values`` (unsigned, below 2**32; ``sizes`` their lengths) as concatenated LEB128."""
    values = values.astype(np.uint64)
    starts = np.cumsum(sizes) - sizes
    out = np.zeros(int(sizes.sum()), dtype=np.uint8)
    for k in range(_MAX_BYTES):
        here = sizes > k
        byte = (values[here] >> np.uint64(7 * k)) & np.uint64(0x7F)
        more = (sizes[here] > k + 1).astype(np.uint64) << np.uint64(7)
        out[starts[here] + k] = (byte | more).astype(np.uint8)
    return out


def _unleb128(data: bytes | memoryview) -> np.ndarray:
    """The document numbers of one list (LEB128 differences), ascending (int64)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(raw < 0x80)
    starts = np.concatenate(([0], ends[:-1] + 1))
    if not len(ends) or int((ends - starts).max()) == 0:
        return np.cumsum(raw, dtype=np.int64)
    group = np.repeat(np.arange(len(ends)), ends - starts + 1)
    shift = (np.arange(len(raw)) - starts[group]) * 7
    parts = (raw & 0x7F).astype(np.int64) << shift
    return np.cumsum(np.add.reduceat(parts, starts))


def write_postings(prefix: Path, postings: dict[str, dict[str, list[int]]]) -> int:
    """Write the posting lists of every field (field → term → ascending documents) as the
    two files of ``prefix``; the number of terms written."""
    terms = {name: sorted(postings[name]) for name in sorted(postings)}
    lists = [postings[name][term] for name in terms for term in terms[name]]
    lengths = np.fromiter((len(docs) for docs in lists), dtype=np.int64, count=len(lists))
    bounds = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    flat = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=bounds[-1])
    return _write(prefix, terms, flat, bounds)


def write_collected(prefix: Path, postings: Collected) -> int:
    """``write_postings`` for postings collected compactly: the same bytes, no lists."""
    return _write(prefix, postings.terms, postings.docs.astype(np.int64), postings.bounds)


def _write(prefix: Path, terms: dict[str, list[str]], flat: np.ndarray, bounds: np.ndarray) -> int:
    """The two files of ``prefix``: ``flat`` holds every list, the n-th at bounds[n]:bounds[n+1]."""
    lengths = np.diff(bounds)
    deltas = np.diff(flat, prepend=0)
    firsts = bounds[:-1][lengths > 0]
    deltas[firsts] = flat[firsts]
    sizes = _sizes(deltas)
    offsets = np.concatenate(([0], np.cumsum(sizes)))[bounds].astype("<u8")
    header = np.asarray([len(lengths)], dtype="<u8").tobytes() + offsets.tobytes()
    Path(f"{prefix}{LISTS_SUFFIX}").write_bytes(header + _leb128(deltas, sizes).tobytes())
    text = json.dumps(terms, ensure_ascii=False, separators=(",", ":"))
    Path(f"{prefix}{TERMS_SUFFIX}").write_text(text, encoding="utf-8")
    return len(lengths)


class Collected(Mapping[str, Mapping[str, np.ndarray]]):
    """Postings of a segment being written, held compactly: while documents are added, one
    array of (term number << 32 | document) pairs, 8 bytes a posting instead of a Python
    list's int objects; ``finish`` sorts it once into the documents (``uint32``, 4 bytes a
    posting) of every term, terms in the files' order (sorted field names, then terms).

    Read as field → term → ascending documents, like the dict ``write_postings`` takes.
    """

    def __init__(self) -> None:
        self._ids: dict[str, dict[str, int]] = {}
        self._pairs = array("Q")
        self._count = 0
        self.terms: dict[str, list[str]] = {}
        self._number: dict[str, dict[str, int]] = {}
        self.docs = np.zeros(0, dtype=np.uint32)
        self.bounds = np.zeros(1, dtype=np.int64)
        self._counts: list[int] = []

    def add(self, name: str, terms: Iterable[str], doc: int) -> None:
        """Document ``doc`` (added in ascending order) holds ``terms`` (distinct) in ``name``."""
        ids = self._ids.setdefault(name, {})
        pairs = self._pairs
        for term in terms:
            number = ids.get(term)
            if number is None:
                number = ids[term] = self._count
                self._count += 1
            pairs.append(number << 32 | doc)

    def finish(self) -> Collected:
        """Sort the pairs once into each term's documents; no more ``add`` after this."""
        renumber = np.zeros(self._count, dtype=np.uint32)
        number = 0
        for name in sorted(self._ids):
            ids = self._ids[name]
            self.terms[name] = sorted(ids)
            self._number[name] = {}
            for term in self.terms[name]:
                renumber[ids[term]] = number
                self._number[name][term] = number
                number += 1
        self._ids = {}
        pairs = (
            np.frombuffer(self._pairs, dtype=np.uint64) if self._pairs else np.zeros(0, np.uint64)
        )
        pairs = pairs.copy() if not pairs.flags.writeable else pairs
        halves = pairs.view(np.uint32)  # little-endian: document, then term number
        halves[1::2] = renumber[halves[1::2]]
        pairs.sort()
        self.docs = np.ascontiguousarray(halves[0::2])
        counts = np.bincount(halves[1::2], minlength=number).astype(np.int64)
        self.bounds = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self._counts = counts.tolist()
        del pairs, halves
        self._pairs = array("Q")
        return self

    def lengths(self, name: str) -> dict[str, int]:
        """Number of documents of each term of field ``name``."""
        counts = self._counts
        return {term: counts[n] for term, n in self._number.get(name, {}).items()}

    def __getitem__(self, name: str) -> Mapping[str, np.ndarray]:
        if name not in self._number:
            raise KeyError(name)
        return _Field(self, self._number[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)


class _Field(Mapping[str, np.ndarray]):
    """One field of ``Collected``: term → its documents (a view of the shared array)."""

    def __init__(self, owner: Collected, numbers: dict[str, int]) -> None:
        self._owner, self._numbers = owner, numbers

    def __getitem__(self, term: str) -> np.ndarray:
        n = self._numbers[term]
        return self._owner.docs[self._owner.bounds[n] : self._owner.bounds[n + 1]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._numbers)

    def __len__(self) -> int:
        return len(self._numbers)


class Postings:
    """The posting lists of one segment, read from its two files (the lists stay as bytes)."""

    def __init__(self, prefix: Path) -> None:
        text = Path(f"{prefix}{TERMS_SUFFIX}").read_text(encoding="utf-8")
        self.terms: dict[str, list[str]] = json.loads(text)
        self._first: dict[str, int] = {}
        number = 0
        for name in sorted(self.terms):
            self._first[name] = number
            number += len(self.terms[name])
        data = Path(f"{prefix}{LISTS_SUFFIX}").read_bytes()
        count = int(np.frombuffer(data, dtype="<u8", count=1)[0])
        self._offsets = np.frombuffer(data, dtype="<u8", count=count + 1, offset=8).tolist()
        self._lists = memoryview(data)[8 * (count + 2) :]

    def ids(self, name: str, term: str) -> np.ndarray:
        """Documents (numbered from 0 in this segment, ascending, int64) whose field ``name``
        holds ``term``."""
        terms = self.terms.get(name, [])
        at = bisect_left(terms, term)
        if at == len(terms) or terms[at] != term:
            return np.zeros(0, dtype=np.int64)
        number = self._first[name] + at
        start, end = self._offsets[number], self._offsets[number + 1]
        return _unleb128(self._lists[start:end])

    def expand_prefix(self, name: str, prefix: str) -> Iterator[str]:
        """Terms of field ``name`` that start with ``prefix``, in order."""
        terms = self.terms.get(name, [])
        for at in range(bisect_left(terms, prefix), len(terms)):
            if not terms[at].startswith(prefix):
                return
            yield terms[at]
