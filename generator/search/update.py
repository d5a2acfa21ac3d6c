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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from generator.content.model import Site, Unit
from generator.progress import counted
from generator.search.index import (
    CODES_FILE,
    HOT_FILE,
    ORDER_FILE,
    publish,
    segment_files,
    write_full,
    write_hot,
    write_meta,
    write_segment,
    write_toc,
)
from generator.search.order import Tagged, codes_json, rank_order, renumber_hot
from generator.search.text import page_entries, unit_entries

#: Version of the cached state; a different one means a full build.
FORMAT = 2
STATE_FILE = "state.pickle"
MATRIX_FILE = "hot.npy"
#: An update whose changed units exceed this share of all units (and MERGE_MIN_UNITS) is
#: a full build instead: the delta stays small, and so does every update's work.
MERGE_SHARE = 0.02
MERGE_MIN_UNITS = 50


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
    code_keys: list[str]  # the code table, sorted: keys ...
    code_docs: np.ndarray  # ... and their documents
    rows: list[tuple[str, str]]  # hot rows, sorted; their bitsets are in MATRIX_FILE
    segment: Any
    files: dict[str, int]  # segment file name -> size


@dataclass
class Changes:
    """Units to analyse again and owners whose main documents are hidden."""

    units: list[Unit]
    hidden: set[str]
    pages: bool
    #: The main's units still in the site keep their order (so ties in rank keep theirs).
    order_kept: bool


def cache_key(site: Site) -> str:
    """Key of what every document depends on besides its unit: the code and the divisions.

    Not the as-of date: a document shows it only as its unit's permit state, which the unit
    keys carry (``views.unit.as_of_marks``).
    """
    sha = hashlib.sha1(f"{FORMAT}\n{sorted(site.divisions.items())}".encode())
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        sha.update(path.read_bytes())
    return sha.hexdigest()


def _pages_key(site: Site) -> str:
    return hashlib.sha1(repr(site.pages).encode()).hexdigest()


def _documents(site: Site, units: list[Unit], pages: bool, bar: Any = None) -> list[Tagged]:
    out: list[Tagged] = []
    for unit in counted(units, bar):
        out.extend((e, i) for i, e in enumerate(unit_entries(unit, site)))
    if pages:
        out.extend((e, i) for i, e in enumerate(page_entries(site)))
    return out


def update_index(
    site: Site,
    target: Path,
    cache_dir: Path,
    unit_keys: dict[str, str],
    bar: Any = None,
    build: str = "",
) -> Path:
    """Bring the index at ``target`` up to date: an update if the cache allows, else a full
    build that also refreshes the cache. ``bar`` (a progress bar whose total is the number of
    units) counts units analysed, then documents stored and terms written."""
    folder = Path(cache_dir) / "search"
    key = cache_key(site)
    loaded = _load(folder, key)
    if loaded is not None:
        state, matrix = loaded
        changes = _changes(site, unit_keys, state)
        if changes is not None:
            done = publish(
                target,
                lambda temp: _write_update(site, temp, folder, state, matrix, changes, build),
            )
            if bar is not None:
                bar.update(bar.total - bar.n)
            return done
    return full_build(site, target, folder, unit_keys, key, bar, build)


def full_build(
    site: Site,
    target: Path,
    folder: Path,
    unit_keys: dict[str, str],
    key: str,
    bar: Any = None,
    build: str = "",
) -> Path:
    """Build the whole index and keep its main segment and state in ``folder``."""
    tagged = _documents(site, list(site.units), True, bar)
    tagged.sort(key=lambda t: t[0].rank)  # stable, so the same order as entries(site)
    if bar is not None:
        bar.total += len(tagged)
        bar.refresh()

    def fill(temp: Path) -> None:
        written, rows, matrix = write_full(site, [e for e, _ in tagged], temp, bar, build)
        codes = sorted(written.codes)
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
            [code for code, _ in codes],
            np.asarray([docnum for _, docnum in codes], dtype=np.int32),
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
    redo = {code for code, key in unit_keys.items() if not key or old.get(code) != key}
    codes = [u.fixed_source_code for u in site.units]
    present = set(codes)
    redo |= present - unit_keys.keys()
    if len(redo) > max(MERGE_MIN_UNITS, MERGE_SHARE * len(codes)):
        return None
    units = [u for u in site.units if u.fixed_source_code in redo] if redo else []
    hidden = {u.fixed_source_code for u in units}
    hidden.update(code for code in (*old, *state.unkeyed) if code not in present)
    pages = _pages_key(site) != state.pages_key
    if pages:
        hidden.add("")
    if len(codes) == len(old) and not hidden - present:
        kept = codes == list(old)
    else:
        kept = [c for c in codes if c in old] == [c for c in old if c in present]
    return Changes(units, hidden, pages, kept)


def _write_update(
    site: Site,
    temp: Path,
    folder: Path,
    state: MainState,
    matrix: np.ndarray,
    changes: Changes,
    build: str = "",
) -> None:
    """The main's files (linked), a delta segment, and everything numbered in rank order."""
    for name in state.files:
        _link(folder / name, temp / name)
    tagged = _documents(site, changes.units, changes.pages)
    delta = write_segment(temp, [e for e, _ in tagged]) if tagged else None
    write_toc(temp, [state.segment] + ([delta.segment] if delta else []))
    storage_of = rank_order(site, state, changes, tagged)
    storage_of.astype("<i4").tofile(temp / ORDER_FILE)
    rank_of = np.full(state.count + len(tagged), -1, dtype=np.int64)
    rank_of[storage_of] = np.arange(len(storage_of))
    rows, hot = renumber_hot(state, matrix, delta, storage_of, rank_of)
    (temp / CODES_FILE).write_text(codes_json(state, delta, rank_of), encoding="utf-8")
    write_meta(site, len(storage_of), write_hot(rows, hot, temp / HOT_FILE), temp, build)
