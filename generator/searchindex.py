"""The search index: documents from the published Site, stored with whoosh. See docs/search.md.

This is the only module that imports whoosh. Text is analysed here (Chinese 2-grams), whoosh
only stores postings and the display record of each document, and the index answers with
bitsets (Python ints, bit n = document n) and our own dataclasses. Documents are added in rank
order (units by name length, then outlets, penalties, pages), so a lower document number
ranks higher within a tier. Replacing whoosh means reimplementing ``_write`` and ``SearchIndex``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import settings as settings_mod
from . import urls
from .model import PermitState, Site, Unit

with warnings.catch_warnings():
    warnings.simplefilter("ignore", SyntaxWarning)  # whoosh-reloaded has an invalid escape
    from whoosh import fields as wf
    from whoosh import index as wi
    from whoosh.codec.whoosh3 import W3Codec
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

#: Record types (the "type" facet) with their Chinese labels, in rank order.
KINDS = {"unit": "排污单位", "outlet": "排放口", "penalty": "行政处罚", "page": "栏目页面"}
#: Facet fields every document may carry.
FACETS = ("kind", "city", "industry", "category", "state")
TERM_FIELDS = ("text", "names", "codes", "exact")
META_FILE = "yimatong-search.json"
INDEX_NAME = "MAIN"
#: Terms in at least this many documents keep their bitset in the cache.
CACHE_MIN_DOCS = 64
CACHE_SIZE = 1024
#: zlib level of posting blocks (0 = none; faster builds, larger index).
COMPRESSION = 1


#: Full-width ASCII and the ideographic space folded to their half-width forms.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_RUN = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """``text`` folded for matching (half-width, lower case), keeping its length."""
    folded = text.translate(_HALF_WIDTH).lower()
    if len(folded) == len(text):
        return folded
    return "".join(char.translate(_HALF_WIDTH).lower()[:1] for char in text)


def runs(text: str) -> list[str]:
    """Runs of letters, digits and Chinese characters, folded; punctuation and spaces split."""
    return _RUN.findall(fold(text))


def grams(text: str) -> set[str]:
    """Index terms of ``text``: every 2-gram of each run; a run of one character as itself."""
    terms: set[str] = set()
    for run in runs(text):
        if len(run) == 1:
            terms.add(run)
        terms.update(run[i : i + 2] for i in range(len(run) - 1))
    return terms


def exact_key(text: str) -> str:
    """A name or code as one comparable key: folded, without spaces or punctuation."""
    return "".join(runs(text))


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """What a result shows: one unit, outlet, penalty or page, with its facet values."""

    kind: str
    path: str
    title: str
    subtitle: str = ""
    snippet: str = ""
    unit_code: str = ""
    city: str = ""
    industry: str = ""
    category: str = ""
    state: str = ""
    date: str = ""
    amount: float | None = None


@dataclass(frozen=True, slots=True)
class _Entry:
    """A document to index: display record plus the text and keys it is found by."""

    doc: SearchDoc
    names: str
    text: str
    codes: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    rank: tuple = field(default=())


def _unit_facets(unit: Unit, state: PermitState) -> dict[str, str]:
    return {
        "unit_code": unit.code,
        "city": unit.city_code,
        "industry": unit.industry.code,
        "category": unit.category.value,
        "state": state.value,
    }


def _unit_entries(unit: Unit, site: Site, today: dt.date) -> list[_Entry]:
    state = unit.permit_state(today)
    facets = _unit_facets(unit, state)
    county, city = site.division_name(unit.county_code), site.division_name(unit.city_code)
    names = " ".join((unit.name, *unit.short_names, *unit.former_names))
    place = f"{city} {county} {unit.address}"
    codes = [unit.code, unit.uscc, unit.code[8:]]
    if unit.permit:
        codes.append(unit.permit.number)
    doc = SearchDoc("unit", urls.unit_path(unit.code), unit.name, unit.address,
                    f"{unit.industry.name} · {unit.category.label} · {state.label}", **facets)
    text = f"{names} {place} {unit.industry.name} {unit.category.label} {state.label}"
    entries = [_Entry(doc, names, text, tuple(codes),
                      tuple(exact_key(n) for n in (unit.name, *unit.short_names, *unit.former_names)),
                      (0, len(unit.name), unit.name))]
    for outlet in unit.outlets:
        pollutants = "、".join(p.name for p in outlet.pollutants)
        odoc = SearchDoc("outlet", urls.outlet_path(unit.code, outlet.code),
                         f"{outlet.code} {outlet.name}", unit.name, pollutants, **facets)
        entries.append(_Entry(odoc, f"{outlet.code} {outlet.name}",
                              f"{outlet.name} {outlet.kind_label} {pollutants} {unit.name}",
                              (outlet.code, unit.code + outlet.code), (),
                              (1, len(unit.name), unit.code, outlet.code)))
    for penalty in unit.penalties:
        pdoc = SearchDoc("penalty", urls.unit_path(unit.code) + "#penalties",
                         penalty.decision_number, unit.name, penalty.violation,
                         date=penalty.date.isoformat(), amount=penalty.amount, **facets)
        entries.append(_Entry(pdoc, penalty.decision_number,
                              f"{penalty.decision_number} {penalty.violation} "
                              f"{penalty.legal_basis} {penalty.authority} {unit.name}",
                              (), (exact_key(penalty.decision_number),),
                              (2, penalty.date.toordinal() * -1, penalty.decision_number)))
    return entries


def page_path(slug: str) -> str:
    """Site-relative path of a content page (urls.py has none yet)."""
    return getattr(urls, "page_path", lambda s: f"/{s}/")(slug)


def entries(site: Site) -> list[_Entry]:
    """Every document of the published model, in rank order."""
    out: list[_Entry] = []
    today = site.as_of
    for unit in site.units:
        out.extend(_unit_entries(unit, site, today))
    for page in site.pages:
        doc = SearchDoc("page", page_path(page.slug), page.title, "", page.summary)
        body = _strip_tags(page.body_html)
        out.append(_Entry(doc, page.title, f"{page.title} {page.summary} {body}",
                          (), (exact_key(page.title),), (3, page.order, page.slug)))
    out.sort(key=lambda e: e.rank)
    return out


def _strip_tags(html: str) -> str:
    out, inside = [], False
    for char in html:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
            out.append(" ")
        elif not inside:
            out.append(char)
    return "".join(out)


class _Codec(W3Codec):
    """Whoosh's codec without per-document length statistics: we never score, only match."""

    length_stats = False


def _schema() -> wf.Schema:
    # Postings are written directly (see _write), so every indexed field is a plain ID.
    return wf.Schema(doc=wf.STORED, **{name: wf.ID for name in (*TERM_FIELDS, *FACETS)})


def _terms(entry: _Entry) -> dict[str, set[str]]:
    """Index terms of one document, by field."""
    doc = entry.doc
    terms = {
        "text": grams(entry.text),
        "names": grams(entry.names),
        "codes": {exact_key(c).upper() for c in entry.codes if c},
        "exact": {e for e in entry.exact if e},
    }
    terms.update({f: {getattr(doc, f)} for f in FACETS if getattr(doc, f)})
    return terms


def facet_labels(site: Site) -> dict[str, dict[str, str]]:
    """Chinese label of every facet value present in the site."""
    from .model import Category, PermitState

    labels: dict[str, dict[str, str]] = {"kind": dict(KINDS), "city": {}, "industry": {},
                                          "category": {c.value: c.label for c in Category},
                                          "state": {s.value: s.label for s in PermitState}}
    for unit in site.units:
        labels["city"][unit.city_code] = site.division_name(unit.city_code)
        labels["industry"][unit.industry.code] = unit.industry.name
    return labels


def _postings(site: Site, perdoc: Any) -> tuple[dict[str, dict[str, list[int]]], int]:
    """Store each document's display record and collect its postings, by field and term."""
    postings: dict[str, dict[str, list[int]]] = {}
    stored = _schema()["doc"]
    docnum = -1
    for docnum, entry in enumerate(entries(site)):
        perdoc.start_doc(docnum)
        perdoc.add_field("doc", stored, asdict(entry.doc), 0)
        perdoc.finish_doc()
        for name, terms in _terms(entry).items():
            by_term = postings.setdefault(name, {})
            for term in terms:
                by_term.setdefault(term, []).append(docnum)
    return postings, docnum + 1


def _items(postings: dict[str, dict[str, list[int]]]) -> Iterator[tuple]:
    """(field, term bytes, docnum, weight, value) in the order whoosh's codec expects."""
    for name in sorted(postings):
        by_bytes = sorted((term.encode("utf-8"), docs) for term, docs in postings[name].items())
        for term, docs in by_bytes:
            for docnum in docs:
                yield name, term, docnum, 1.0, b""


def _write(site: Site, folder: Path) -> int:
    """Write one whoosh segment through the codec API: whoosh's writer and its per-posting
    pool cost about four times as much for the same index."""
    storage = FileStorage(str(folder)).create()
    schema = _schema()
    codec = _Codec(compression=COMPRESSION)
    segment = codec.new_segment(storage, INDEX_NAME)
    perdoc = codec.per_document_writer(storage, segment)
    postings, count = _postings(site, perdoc)
    perdoc.close()
    fieldwriter = codec.field_writer(storage, segment)
    fieldwriter.add_postings(schema, None, _items(postings))
    fieldwriter.close()
    segment.set_doc_count(count)
    TOC(schema, [segment], 0).write(storage, INDEX_NAME)
    return count


def write_index(site: Site, out_dir: Path, settings: dict[str, Any]) -> Path:
    """Build step: write the index to settings["search_index_dir"] (never into the site)."""
    target = Path(settings.get("search_index_dir") or settings_mod.get("search_index_dir"))
    return build_index(site, target)


def build_index(site: Site, target: Path) -> Path:
    """Build in a temporary folder beside ``target``, then swap it in."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=".search-index-", dir=target.parent))
    try:
        count = _write(site, temp)
        meta = {"documents": count, "units": len(site.units), "as_of": site.as_of.isoformat(),
                "labels": facet_labels(site)}
        (temp / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
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
        self.size = self._reader.doc_count_all()
        self.all = (1 << self.size) - 1
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, str], int] = OrderedDict()
        self.facets = {f: self._facet_bits(f) for f in FACETS}

    def _facet_bits(self, name: str) -> dict[str, int]:
        values = (v.decode() if isinstance(v, bytes) else v for v in self._reader.lexicon(name))
        return {value: self._postings(name, value) for value in values}

    def _postings(self, name: str, term: Any) -> int:
        if (name, term) not in self._reader:
            return 0
        return _bits_of(_all_ids(self._reader.postings(name, term)), self.size)

    def term(self, name: str, term: str) -> int:
        """Documents whose field ``name`` holds ``term``, as a bitset."""
        key = (name, term)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            bits = self._postings(name, term)
            if self._reader.doc_frequency(name, term) >= CACHE_MIN_DOCS:
                self._cache[key] = bits
                if len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
            return bits

    def prefix(self, name: str, prefix: str, limit: int = 1000) -> tuple[int, bool]:
        """Documents with a term in ``name`` starting with ``prefix``; True if cut at ``limit``."""
        ids: list[int] = []
        cut = False
        with self._lock:
            for seen, term in enumerate(self._reader.expand_prefix(name, prefix)):
                if seen >= limit:
                    cut = True
                    break
                ids.extend(_all_ids(self._reader.postings(name, term)))
        return _bits_of(ids, self.size), cut

    def doc(self, docnum: int) -> SearchDoc:
        """The display record of document ``docnum``."""
        with self._lock:
            stored = self._reader.stored_fields(docnum)["doc"]
        return SearchDoc(**stored)

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
