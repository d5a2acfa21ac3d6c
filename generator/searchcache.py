"""Keeps the search index up to date between builds: a main segment and a delta. See docs/search.md.

A full build writes every document into one whoosh segment (the *main*) and keeps in
``cache_dir/search`` what an update needs: the unit keys it was built from, each document's
owner, rank and codes, the bitsets of its hot rows, and the segment's files (hard links).
An update analyses only the units whose key differs from the main's (changed or added),
writes their documents into a second, small segment (the *delta*), hides the main's documents
of changed and removed units, and numbers every document in rank order again: the order file
maps rank to storage number, and the hot bitsets and the code table are rewritten in rank
order. So the index answers exactly as a full build would. When more than MERGE_SHARE of the
units differ from the main, the update is a full build (the merge).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .model import Site, Unit
from .searchindex import (
    HOT_FILE,
    ORDER_FILE,
    Segment,
    publish,
    segment_files,
    write_codes,
    write_full,
    write_hot,
    write_meta,
    write_segment,
    write_toc,
)
from .searchtext import FACETS, Entry, page_entries, unit_entries

#: Version of the cached state; a different one means a full build.
FORMAT = 2
STATE_FILE = "state.pickle"
MATRIX_FILE = "hot.npy"
#: An update whose changed units exceed this share of all units (and MERGE_MIN_UNITS) is
#: a full build instead: the delta stays small, and so does every update's work.
MERGE_SHARE = 0.02
MERGE_MIN_UNITS = 50
#: Hot bitsets renumbered per pass (memory: rows × documents bytes).
HOT_CHUNK = 128

#: A document with its index among its unit's documents (ties in rank keep that order).
Tagged = tuple[Entry, int]


@dataclass
class MainState:
    """What an update needs to know of the main segment (kept in cache_dir/search)."""

    format: int
    key: str
    unit_keys: dict[str, str]
    pages_key: str
    count: int
    unkeyed: list[str]  # main units built without a key (analysed again every time)
    owners: list[str]  # per main document: its unit's code, "" for pages
    ranks: list[tuple]  # per main document: its rank key (Entry.rank), ascending
    locals: list[int]  # per main document: its index among its unit's documents
    ties: list[tuple[int, int]]  # ranges of main documents with equal rank keys
    codes: list[tuple[str, int]]
    rows: list[tuple[str, str]]  # hot rows, sorted; their bitsets are in MATRIX_FILE
    segment: Any
    files: dict[str, int]  # segment file name -> size


@dataclass
class Changes:
    """Units to analyse again and owners whose main documents are hidden."""

    units: list[Unit]
    hidden: set[str]
    pages: bool


def cache_key(site: Site) -> str:
    """Key of what every document depends on besides its unit: the code, divisions, as-of."""
    sha = hashlib.sha1(f"{FORMAT}\n{site.as_of}\n{sorted(site.divisions.items())}".encode())
    here = Path(__file__).resolve().parent
    for name in ("searchtext.py", "searchindex.py", "searchcache.py"):
        sha.update((here / name).read_bytes())
    return sha.hexdigest()


def _pages_key(site: Site) -> str:
    return hashlib.sha1(repr(site.pages).encode()).hexdigest()


def _documents(site: Site, units: list[Unit], pages: bool) -> list[Tagged]:
    out: list[Tagged] = []
    for unit in units:
        out.extend((e, i) for i, e in enumerate(unit_entries(unit, site)))
    if pages:
        out.extend((e, i) for i, e in enumerate(page_entries(site)))
    return out


def update_index(site: Site, target: Path, cache_dir: Path, unit_keys: dict[str, str]) -> Path:
    """Bring the index at ``target`` up to date: an update if the cache allows, else a full
    build that also refreshes the cache."""
    folder = Path(cache_dir) / "search"
    key = cache_key(site)
    loaded = _load(folder, key)
    if loaded is not None:
        state, matrix = loaded
        changes = _changes(site, unit_keys, state)
        if changes is not None:
            return publish(
                target, lambda temp: _write_update(site, temp, folder, state, matrix, changes)
            )
    return full_build(site, target, folder, unit_keys, key)


def full_build(site: Site, target: Path, folder: Path, unit_keys: dict[str, str], key: str) -> Path:
    """Build the whole index and keep its main segment and state in ``folder``."""
    tagged = _documents(site, list(site.units), True)
    tagged.sort(key=lambda t: t[0].rank)  # stable, so the same order as entries(site)

    def fill(temp: Path) -> None:
        written, rows, matrix = write_full(site, [e for e, _ in tagged], temp)
        state = MainState(
            FORMAT,
            key,
            {u.code: unit_keys[u.code] for u in site.units if unit_keys.get(u.code)},
            _pages_key(site),
            written.count,
            [u.code for u in site.units if not unit_keys.get(u.code)],
            [e.doc.unit_code for e, _ in tagged],
            [e.rank for e, _ in tagged],
            [i for _, i in tagged],
            _ties([e.rank for e, _ in tagged]),
            sorted(written.codes),
            rows,
            written.segment,
            {},
        )
        _save(folder, temp, state, matrix)

    return publish(target, fill)


def _ties(ranks: list[tuple]) -> list[tuple[int, int]]:
    """Ranges of equal neighbours in ``ranks`` (sorted)."""
    out: list[tuple[int, int]] = []
    start = 0
    for n in range(1, len(ranks) + 1):
        if n == len(ranks) or ranks[n] != ranks[start]:
            if n - start > 1:
                out.append((start, n))
            start = n
    return out


def _save(folder: Path, temp: Path, state: MainState, matrix: np.ndarray) -> None:
    """Replace the cached main: segment files (linked), hot bitsets, then the state last."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in segment_files(temp, state.segment):
        _link(temp / name, folder / name)
        state.files[name] = (folder / name).stat().st_size
    np.save(folder / MATRIX_FILE, matrix)
    part = folder / (STATE_FILE + ".part")
    part.write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(part, folder / STATE_FILE)


def _link(source: Path, dest: Path) -> None:
    """Hard link (whoosh never rewrites a segment file), or copy across file systems."""
    try:
        os.link(source, dest)
    except OSError:
        shutil.copyfile(source, dest)


def _load(folder: Path, key: str) -> tuple[MainState, np.ndarray] | None:
    """The cached main, or None if missing, damaged or built from other code or divisions."""
    try:
        state = pickle.loads((folder / STATE_FILE).read_bytes())
        if not isinstance(state, MainState) or (state.format, state.key) != (FORMAT, key):
            return None
        for name, size in state.files.items():
            if (folder / name).stat().st_size != size:
                return None
        matrix = np.load(folder / MATRIX_FILE)
        if matrix.shape != (len(state.rows), (state.count + 7) // 8):
            return None
        return state, matrix
    except Exception:  # any damage (truncated, unreadable, old classes): build in full
        return None


def _changes(site: Site, unit_keys: dict[str, str], state: MainState) -> Changes | None:
    """What differs from the main; None when so much does that a full build is due."""
    old = state.unit_keys
    units = [
        u
        for u in site.units
        if not unit_keys.get(u.fixed_source_code)
        or old.get(u.fixed_source_code) != unit_keys[u.fixed_source_code]
    ]
    if len(units) > max(MERGE_MIN_UNITS, MERGE_SHARE * len(site.units)):
        return None
    present = {u.fixed_source_code for u in site.units}
    hidden = {u.fixed_source_code for u in units}
    hidden.update(code for code in (*old, *state.unkeyed) if code not in present)
    pages = _pages_key(site) != state.pages_key
    if pages:
        hidden.add("")
    return Changes(units, hidden, pages)


def _write_update(
    site: Site, temp: Path, folder: Path, state: MainState, matrix: np.ndarray, changes: Changes
) -> None:
    """The main's files (linked), a delta segment, and everything numbered in rank order."""
    for name in state.files:
        _link(folder / name, temp / name)
    tagged = _documents(site, changes.units, changes.pages)
    delta = write_segment(temp, [e for e, _ in tagged]) if tagged else None
    write_toc(temp, [state.segment] + ([delta.segment] if delta else []))
    storage_of = _rank_order(site, state, changes.hidden, tagged)
    np.asarray(storage_of, dtype="<i4").tofile(temp / ORDER_FILE)
    rank_of = [-1] * (state.count + len(tagged))
    for rank, stored in enumerate(storage_of):
        rank_of[stored] = rank
    rows, hot = _renumber_hot(state, matrix, delta, storage_of, rank_of)
    codes = [(code, rank_of[s]) for code, s in state.codes if rank_of[s] >= 0]
    if delta:
        codes += [(code, rank_of[state.count + d]) for code, d in delta.codes]
    write_codes(sorted(codes), temp)
    write_meta(site, len(storage_of), write_hot(rows, hot, temp / HOT_FILE), temp)


def _rank_order(site: Site, state: MainState, hidden: set[str], tagged: list[Tagged]) -> list[int]:
    """Storage numbers (main, then delta) of the visible documents in rank order, ties in
    the order of ``site.units`` as in ``entries(site)``.

    The main's documents are in rank order already: only the delta's are placed (bisect),
    unless units whose documents tie in rank have changed places in ``site.units``.
    """
    owners, ranks, local_of = state.owners, state.ranks, state.locals
    alive = np.fromiter((o not in hidden for o in owners), dtype=bool, count=state.count)
    spans = [(bisect_left(ranks, e.rank), bisect_right(ranks, e.rank)) for e, _ in tagged]
    needed = {e.doc.unit_code for e, _ in tagged}
    for lo, hi in [*state.ties, *spans]:
        needed.update(owners[s] for s in range(lo, hi))
    position = {
        u.fixed_source_code: i for i, u in enumerate(site.units) if u.fixed_source_code in needed
    }
    position[""] = len(site.units)

    def tie_key(stored: int) -> tuple[int, int]:
        return position[owners[stored]], local_of[stored]

    for lo, hi in state.ties:
        keys = [tie_key(s) for s in range(lo, hi) if alive[s]]
        if keys != sorted(keys):
            return _sorted_order(site, state, hidden, tagged)
    delta = sorted(
        (e.rank, position[e.doc.unit_code], local, state.count + j, spans[j])
        for j, (e, local) in enumerate(tagged)
    )
    points = []
    for _, pos, local, _, (lo, hi) in delta:
        ties = (s for s in range(lo, hi) if alive[s] and tie_key(s) > (pos, local))
        points.append(next(ties, hi))
    visible = np.flatnonzero(alive)
    where = np.searchsorted(visible, np.asarray(points, dtype=np.int64))
    return np.insert(visible, where, [d[3] for d in delta]).tolist()


def _sorted_order(
    site: Site, state: MainState, hidden: set[str], tagged: list[Tagged]
) -> list[int]:
    """As _rank_order, by sorting every visible document."""
    position = {u.fixed_source_code: i for i, u in enumerate(site.units)}
    position[""] = len(site.units)
    keys = [
        (rank, position[owner], local, stored)
        for stored, (owner, rank, local) in enumerate(
            zip(state.owners, state.ranks, state.locals, strict=True)
        )
        if owner not in hidden
    ]
    keys += [
        (e.rank, position[e.doc.unit_code], local, state.count + j)
        for j, (e, local) in enumerate(tagged)
    ]
    keys.sort()
    return [k[3] for k in keys]


def _delta_bits(
    delta: Segment | None, rows: dict[tuple[str, str], int], base: int, rank_of: list[int]
) -> dict[int, list[int]]:
    """Ranks of the delta's documents per hot row."""
    bits: dict[int, list[int]] = {}
    for name, by_term in (delta.postings if delta else {}).items():
        for term, docs in by_term.items():
            row = rows.get((name, term))
            if row is not None:
                bits[row] = [rank_of[base + d] for d in docs]
    return bits


def _renumber_hot(
    state: MainState,
    matrix: np.ndarray,
    delta: Segment | None,
    storage_of: list[int],
    rank_of: list[int],
) -> tuple[list[tuple[str, str]], np.ndarray]:
    """The main's hot bitsets in rank order, with the delta's documents, new facet values
    added and emptied rows dropped (a full build has no row for a value nobody has)."""
    rows = list(state.rows)
    if delta:
        rows += sorted(
            {(f, v) for f in FACETS for v in delta.postings.get(f, {})} - set(state.rows)
        )
    index = {row: i for i, row in enumerate(rows)}
    extra = np.zeros((len(rows) - len(state.rows), matrix.shape[1]), dtype=np.uint8)
    # One more byte of zeros: the delta's documents are taken from there, then set.
    source = np.pad(np.concatenate([matrix, extra]), ((0, 0), (0, 1)))
    zero = matrix.shape[1] * 8
    gather = np.asarray(storage_of, dtype=np.int64)
    gather[gather >= state.count] = zero
    added = _delta_bits(delta, index, state.count, rank_of)
    out = np.empty((len(rows), (len(storage_of) + 7) // 8), dtype=np.uint8)
    for start in range(0, len(rows), HOT_CHUNK):
        bits = np.unpackbits(source[start : start + HOT_CHUNK], axis=1, bitorder="little")
        bits = np.take(bits, gather, axis=1)
        for row in range(start, min(start + HOT_CHUNK, len(rows))):
            if row in added:
                bits[row - start, added[row]] = 1
        out[start : start + HOT_CHUNK] = np.packbits(bits, axis=1, bitorder="little")
    keep = sorted((row for i, row in enumerate(rows) if out[i].any()))
    return keep, out[[index[row] for row in keep]]
