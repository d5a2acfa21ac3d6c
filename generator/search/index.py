"""The search index: documents of the published Site, stored with whoosh. See docs/search.md.

This is the only module that imports whoosh. Documents and their 2-grams come from
generator/search/text.py; whoosh stores the postings and each document's display record;
beside them we keep ready bitsets of facet values and frequent terms and a sorted code table.
The index answers with bitsets (Python ints, bit n = document n) and our own dataclasses.
Documents are numbered in rank order, so a lower number ranks higher within a tier.
Replacing whoosh means reimplementing ``_write`` and the whoosh calls of ``SearchIndex``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
import warnings
import zlib
from array import array
from bisect import bisect_left
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from generator import settings as settings_mod
from generator.content.model import Site
from generator.progress import counted
from generator.search.identity import site_identity
from generator.search.text import FACETS, Entry, SearchDoc, entries, exact_key, facet_labels, grams

if TYPE_CHECKING:
    from generator.context import BuildContext

with warnings.catch_warnings():
    warnings.simplefilter("ignore", SyntaxWarning)  # whoosh-reloaded has an invalid escape
    from whoosh import fields as wf
    from whoosh import index as wi
    from whoosh.codec.whoosh3 import W3Codec
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC
    from whoosh.reading import TermNotFound

TERM_FIELDS = ("text", "names", "codes", "exact")
META_FILE = "yimatong-search.json"
HOT_FILE = "yimatong-hot.bin"
CODES_FILE = "yimatong-codes.json"
#: Storage number of each document in rank order; only after an update (searchcache.py).
ORDER_FILE = "yimatong-order.bin"
#: Terms in at least this many documents are stored as ready bitsets too.
HOT_MIN_DOCS = 256
INDEX_NAME = "MAIN"
#: Terms in at least this many documents keep their bitset in the cache.
CACHE_MIN_DOCS = 64
CACHE_SIZE = 1024
#: zlib level of posting blocks (0 = none; faster builds, larger index).
COMPRESSION = 1
#: Postings per block: larger blocks, fewer block headers to write and read.
BLOCK_LIMIT = 512


class _Codec(W3Codec):
    """Whoosh's codec without per-document length statistics: we never score, only match."""

    length_stats = False


def _schema() -> wf.Schema:
    # Postings are written directly (see _write), so every indexed field is a plain ID.
    return wf.Schema(doc=wf.STORED, **{name: wf.ID for name in (*TERM_FIELDS, *FACETS)})


def _terms(entry: Entry) -> dict[str, set[str]]:
    """Index terms of one document, by field."""
    doc = entry.doc
    terms = {
        "text": grams(entry.text),
        "names": grams(entry.names),
        "codes": {entry.outlet_code} if entry.outlet_code else set(),
        "exact": {e for e in entry.exact if e},
    }
    terms.update({f: {getattr(doc, f)} for f in FACETS if getattr(doc, f)})
    return terms


@dataclass
class Segment:
    """One whoosh segment we wrote: its postings (document numbers from 0) and code keys."""

    segment: Any
    postings: dict[str, dict[str, list[int]]]
    codes: list[tuple[str, int]]
    count: int


def _postings(docs: list[Entry], perdoc: Any, bar: Any = None) -> Segment:
    """Store each document's display record; collect its postings and its code-table keys."""
    postings: dict[str, dict[str, list[int]]] = {}
    codes: list[tuple[str, int]] = []
    stored = _schema()["doc"]
    names = [f.name for f in fields(SearchDoc)]
    for docnum, entry in enumerate(counted(docs, bar)):
        perdoc.start_doc(docnum)
        # A tuple in field order: the field names would be stored again with every document.
        perdoc.add_field("doc", stored, tuple(getattr(entry.doc, n) for n in names), 0)
        perdoc.finish_doc()
        codes.extend((exact_key(code).upper(), docnum) for code in entry.codes if code)
        for name, terms in _terms(entry).items():
            by_term = postings.setdefault(name, defaultdict(list))
            for term in terms:
                by_term[term].append(docnum)
    return Segment(None, postings, codes, len(docs))


def _write_postings(fieldwriter: Any, schema: wf.Schema, postings: dict, bar: Any = None) -> None:
    """Every posting list, sorted by field and term bytes as whoosh's codec expects."""
    if bar is not None:
        bar.total += sum(len(by_term) for by_term in postings.values())
        bar.refresh()
    for name in sorted(postings):
        fieldwriter.start_field(name, schema[name])
        terms = sorted((t.encode("utf-8"), d) for t, d in postings[name].items())
        for term, docs in counted(terms, bar):
            fieldwriter.start_term(term)
            _fill(fieldwriter._postwriter, docs)
            fieldwriter.finish_term()
        fieldwriter.finish_field()


def _fill(writer: Any, docs: list[int]) -> None:
    """Hand whoosh's posting writer whole blocks: its add_posting() checks and appends one
    posting at a time and took half of the build. finish_term() writes the last block."""
    for start in range(0, len(docs), BLOCK_LIMIT):
        if start:
            writer._write_block()
        chunk = docs[start : start + BLOCK_LIMIT]
        writer._ids = array("I", chunk)
        writer._weights = array("f", [1.0]) * len(chunk)
        writer._maxweight = 1.0


def write_segment(folder: Path, docs: list[Entry], bar: Any = None) -> Segment:
    """Write ``docs`` as one whoosh segment through the codec API (whoosh's writer and its
    per-posting pool cost about four times as much for the same index). ``bar``, a progress
    bar whose total is ``len(docs)``, counts the documents, then the terms written."""
    storage = FileStorage(str(folder))
    codec = _Codec(blocklimit=BLOCK_LIMIT, compression=COMPRESSION)
    segment = codec.new_segment(storage, INDEX_NAME)
    perdoc = codec.per_document_writer(storage, segment)
    written = _postings(docs, perdoc, bar)
    perdoc.close()
    fieldwriter = codec.field_writer(storage, segment)
    _write_postings(fieldwriter, _schema(), written.postings, bar)
    fieldwriter.close()
    segment.set_doc_count(written.count)
    written.segment = segment
    return written


def segment_files(folder: Path, segment: Any) -> list[str]:
    """Names of the files of ``segment`` in ``folder``."""
    return sorted(segment.list_files(FileStorage(str(folder))))


def write_toc(folder: Path, segments: list[Any]) -> None:
    """Make ``segments`` (files already in ``folder``) the index, in this order."""
    TOC(_schema(), segments, 0).write(FileStorage(str(folder)), INDEX_NAME)


def hot_rows(postings: dict[str, dict[str, list[int]]]) -> list[tuple[str, str]]:
    """Facet values and frequent terms, sorted: the ones stored as ready bitsets."""
    return sorted(
        (name, term)
        for name, by_term in postings.items()
        for term, docs in by_term.items()
        if name in FACETS or len(docs) >= HOT_MIN_DOCS
    )


def hot_matrix(postings: dict, rows: list[tuple[str, str]], size: int) -> np.ndarray:
    """Bitsets of ``rows``, one row of bytes each (bit n = document n, little-endian)."""
    matrix = np.zeros((len(rows), (size + 7) // 8), dtype=np.uint8)
    bits = np.zeros(size, dtype=np.uint8)
    for i, (name, term) in enumerate(rows):
        bits[:] = 0
        bits[postings[name][term]] = 1
        matrix[i] = np.packbits(bits, bitorder="little")
    return matrix


def write_hot(rows: list[tuple[str, str]], matrix: np.ndarray, path: Path) -> dict:
    """Bitsets of facet values and frequent terms, ready to load: whoosh would decode
    tens of thousands of postings one by one for 有限, 公司 or 广西."""
    table: dict[str, dict[str, list[int]]] = {}
    offset = 0
    with path.open("wb") as out:
        for (name, term), row in zip(rows, matrix, strict=True):
            data = zlib.compress(row.tobytes(), 1)
            out.write(data)
            table.setdefault(name, {})[term] = [offset, len(data)]
            offset += len(data)
    return table


def write_codes(codes: list[tuple[str, int]], folder: Path) -> None:
    """The code table, sorted (code, document) pairs."""
    (folder / CODES_FILE).write_text(json.dumps(codes), encoding="utf-8")


def write_meta(site: Site, count: int, hot: dict, folder: Path, build: str = "") -> None:
    """Counts, facet labels, the table of ready bitsets and whom the index was made for:
    ``site`` (see searchid.site_identity) and ``build`` (the key of the build step's inputs)."""
    meta = {
        "site": site_identity(site),
        "build": build,
        "documents": count,
        "units": len(site.units),
        "as_of": site.as_of.isoformat(),
        "labels": facet_labels(site),
        "hot": hot,
    }
    (folder / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def write_full(
    site: Site, docs: list[Entry], folder: Path, bar: Any = None, build: str = ""
) -> tuple[Segment, list, np.ndarray]:
    """The whole index of ``docs`` (in rank order) in ``folder``; its hot rows and bitsets."""
    FileStorage(str(folder)).create()
    written = write_segment(folder, docs, bar)
    write_toc(folder, [written.segment])
    write_codes(sorted(written.codes), folder)
    rows = hot_rows(written.postings)
    matrix = hot_matrix(written.postings, rows, written.count)
    write_meta(site, written.count, write_hot(rows, matrix, folder / HOT_FILE), folder, build)
    return written, rows, matrix


def write_index(
    site: Site, out_dir: Path, settings: dict[str, Any], ctx: BuildContext | None = None
) -> Path:
    """Build step: write the index to settings["search_index_dir"] (never into the site).

    With the build's unit keys (``ctx.unit_keys``) it updates the index from its cache
    (generator/search/update.py). The build's ``ctx.step_key`` goes into the index's
    metadata, so the next build sees whether the index is still the one it made
    (``index_matches``).
    """
    from generator.context import step_bar

    target = index_folder(settings)
    build = ctx.step_key if ctx is not None else ""
    keys = ctx.unit_keys if ctx is not None else None
    with step_bar(ctx, len(site.units), "搜索索引", "项") as bar:
        if keys is None or not settings.get("cache_dir"):
            return build_index(site, target, bar, build)
        from generator.search.update import update_index

        cache = Path(settings["cache_dir"])
        return update_index(site, target, cache, dict(keys), bar, build)


def index_folder(settings: dict[str, Any]) -> Path:
    """Where the search index of a build with ``settings`` lives."""
    return Path(settings.get("search_index_dir") or settings_mod.get("search_index_dir"))


def build_index(site: Site, target: Path, bar: Any = None, build: str = "") -> Path:
    """Build the whole index in a temporary folder beside ``target``, then swap it in."""
    docs = entries(site)
    if bar is not None:
        bar.update(bar.total)
        bar.total += len(docs)
    return publish(target, lambda folder: write_full(site, docs, folder, bar, build))


def publish(target: Path, fill: Callable[[Path], Any]) -> Path:
    """Let ``fill`` write an index into a temporary folder beside ``target``, then swap it in
    with two renames, so a reader never sees a half-written index."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=".search-index-", dir=target.parent))
    try:
        fill(temp)
        old = target.with_name(target.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            os.replace(target, old)
        os.replace(temp, target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return target


class IndexMissing(Exception):
    """No search index has been built at the configured folder."""


def _all_ids(matcher: Any) -> Any:
    """Every document of a posting list, a block at a time (whoosh yields them one by one)."""
    if not hasattr(matcher, "_read_ids"):
        return matcher.all_ids()
    ids: list[int] = []
    while matcher.is_active():
        matcher._read_ids()
        ids.extend(matcher._ids)
        matcher._next_block()
    return ids


def _bits_of(ids: Any, size: int) -> int:
    buffer = bytearray((size + 7) // 8)
    for docnum in ids:
        buffer[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(buffer, "little")


def _order(folder: Path, stored: int) -> tuple[list[int] | None, np.ndarray | None]:
    """Storage number of each rank and rank of each storage number (-1: replaced), when an
    update left documents out of rank order in whoosh (see generator/search/update.py)."""
    path = folder / ORDER_FILE
    if not path.exists():
        return None, None
    storage_of = np.fromfile(path, dtype="<i4").astype(np.int64)
    rank_of = np.full(stored, -1, dtype=np.int64)
    rank_of[storage_of] = np.arange(len(storage_of))
    return storage_of.tolist(), rank_of


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
        self._leaves = list(self._reader.leaf_readers())
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
        pairs = json.loads((folder / CODES_FILE).read_text(encoding="utf-8"))
        self._code_keys = [key for key, _ in pairs]
        self._code_docs = [docnum for _, docnum in pairs]

    def _hot_bits(self, name: str, term: str) -> int:
        offset, length = self._hot_table[name][term]
        return int.from_bytes(zlib.decompress(self._hot[offset : offset + length]), "little")

    def _ids(self, name: str, term: str | bytes) -> list[int]:
        """Document numbers (rank order) of a term, from whoosh's postings of every segment."""
        ids: list[int] = []
        for reader, offset in self._leaves:
            try:
                found = _all_ids(reader.postings(name, term))
            except TermNotFound:
                continue
            ids.extend(found if not offset else (docnum + offset for docnum in found))
        if self._rank_of is None:
            return ids
        ranks = self._rank_of[np.asarray(ids, dtype=np.int64)]
        return sorted(ranks[ranks >= 0].tolist())

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
            ids: list[int] = []
            cut = False
            seen = 0
            for term in self._reader.expand_prefix(name, prefix):
                found = self._ids(name, term)
                if not found:  # only in documents an update replaced
                    continue
                if seen >= limit:
                    cut = True
                    break
                seen += 1
                ids.extend(found)
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

    def label(self, facet: str, value: str) -> str:
        """Chinese label of a facet value."""
        return self.meta["labels"].get(facet, {}).get(value, value)

    def close(self) -> None:
        """Release the index files."""
        with self._lock:
            self._reader.close()
            self._index.close()


_OPEN: dict[str, tuple[tuple[int, int], SearchIndex]] = {}
#: Indexes replaced by a newer build, closed a while later (a search may still be reading).
_RETIRED: list[tuple[float, SearchIndex]] = []
RETIRE_SECONDS = 60.0
_OPEN_LOCK = threading.Lock()


def open_index(folder: Path | str) -> SearchIndex:
    """The open index at ``folder``, reopened when a new build has been swapped in."""
    folder = Path(folder)
    try:
        stat = (folder / META_FILE).stat()
    except FileNotFoundError as exc:
        raise IndexMissing(str(folder)) from exc
    stamp = (stat.st_ino, stat.st_mtime_ns)
    key = str(folder.resolve())
    with _OPEN_LOCK:
        cached = _OPEN.get(key)
        if cached and cached[0] == stamp:
            return cached[1]
        now = time.monotonic()
        while _RETIRED and _RETIRED[0][0] < now - RETIRE_SECONDS:
            _RETIRED.pop(0)[1].close()
        if cached:
            _RETIRED.append((now, cached[1]))
        index = SearchIndex(folder)
        _OPEN[key] = (stamp, index)
        return index


def close_all() -> None:
    """Close every open index (tests, shutdown)."""
    with _OPEN_LOCK:
        for _, index in _OPEN.values():
            index.close()
        for _, index in _RETIRED:
            index.close()
        _OPEN.clear()
        _RETIRED.clear()
