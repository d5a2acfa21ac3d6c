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

from pathlib import Path
from typing import Any

import numpy as np

from generator.content.model import Site, Unit
from generator.progress import counted
from generator.search.cache import (
    FORMAT,
    Changes,
    MainState,
    cache_key,
    changes,
    link,
    load_main,
    pages_key,
    save_main,
)
from generator.search.files import (
    HOT_FILE,
    ORDER_FILE,
    publish,
    write_codes,
    write_full,
    write_hot,
    write_meta,
)
from generator.search.order import Tagged, code_pairs, rank_order, renumber_hot
from generator.search.segment import write_segment, write_toc
from generator.search.text import page_entries, unit_entries


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
    loaded = load_main(folder, key)
    if loaded is not None:
        state, matrix = loaded
        found = changes(site, unit_keys, state)
        if found is not None:
            done = publish(
                target,
                lambda temp: _write_update(site, temp, folder, state, matrix, found, build),
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
            pages_key(site),
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
        save_main(folder, temp, state, matrix)

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
        link(folder / name, temp / name)
    tagged = _documents(site, changes.units, changes.pages)
    delta = write_segment(temp, [e for e, _ in tagged]) if tagged else None
    write_toc(temp, [state.segment] + ([delta.segment] if delta else []))
    storage_of = rank_order(site, state, changes, tagged)
    storage_of.astype("<i4").tofile(temp / ORDER_FILE)
    rank_of = np.full(state.count + len(tagged), -1, dtype=np.int64)
    rank_of[storage_of] = np.arange(len(storage_of))
    rows, hot = renumber_hot(state, matrix, delta, storage_of, rank_of)
    write_codes(code_pairs(state, delta, rank_of), temp)
    write_meta(site, len(storage_of), write_hot(rows, hot, temp / HOT_FILE), temp, build)
