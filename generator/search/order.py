"""Numbering an updated search index in rank order again (see generator/search/update.py).

After an update the documents live in two segments (main, then delta) under their
storage numbers; the index answers in rank order. Here: the rank order of the visible
documents, and the hot bitsets and code table renumbered to it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable

import numpy as np

from generator.content.model import Site
from generator.search.cache import Changes, MainState
from generator.search.segment import Segment
from generator.search.text import FACETS, HIDDEN, Entry

#: A document with its index among its unit's documents (ties in rank keep that order).
Tagged = tuple[Entry, int]
#: Hot bitsets renumbered per pass (memory: rows × documents bytes).
HOT_CHUNK = 128


def rank_order(site: Site, state: MainState, changes: Changes, tagged: list[Tagged]) -> np.ndarray:
    """Storage numbers (main, then delta) of the visible documents in rank order, ties in
    the order of ``site.units`` as in ``entries(site)``.

    The main's documents are in rank order already: only the delta's are placed (bisect),
    unless units whose documents tie in rank have changed places in ``site.units``.
    """
    owners, ranks = state.owners, state.ranks
    alive = np.fromiter((o not in changes.hidden for o in owners), dtype=bool, count=state.count)
    spans = [(bisect_left(ranks, e.rank), bisect_right(ranks, e.rank)) for e, _ in tagged]
    ties = [] if changes.order_kept else state.ties
    needed = {e.doc.unit_code for e, _ in tagged}
    for lo, hi in [*ties, *spans]:
        needed.update(owners[s] for s in range(lo, hi))
    tie_key = _tie_key(site, state, needed)
    for lo, hi in ties:
        keys = [tie_key(s) for s in range(lo, hi) if alive[s]]
        if keys != sorted(keys):
            return _sorted_order(site, state, changes.hidden, tagged)
    delta = sorted(
        (e.rank, tie_key(e.doc.unit_code, local), state.count + j, spans[j])
        for j, (e, local) in enumerate(tagged)
    )
    points = []
    for _, key, _, (lo, hi) in delta:
        after = (s for s in range(lo, hi) if alive[s] and tie_key(s) > key)
        points.append(next(after, hi))
    visible = np.flatnonzero(alive)
    where = np.searchsorted(visible, np.asarray(points, dtype=np.int64))
    return np.insert(visible, where, [d[2] for d in delta])


def _tie_key(site: Site, state: MainState, needed: set[str]) -> Callable:
    """Key that orders documents of equal rank: their unit's place in the site, then theirs."""
    position = {
        u.fixed_source_code: i for i, u in enumerate(site.units) if u.fixed_source_code in needed
    }
    position[""] = len(site.units)

    def key(stored: int | str, local: int = 0) -> tuple[int, int]:
        if isinstance(stored, str):
            return position[stored], local
        return position[state.owners[stored]], state.locals[stored]

    return key


def _sorted_order(
    site: Site, state: MainState, hidden: set[str], tagged: list[Tagged]
) -> np.ndarray:
    """As rank_order, by sorting every visible document."""
    position = {u.fixed_source_code: i for i, u in enumerate(site.units)}
    position[""] = len(site.units)
    docs = zip(state.owners, state.ranks, state.locals, strict=True)
    keys = [
        (rank, position[owner], local, stored)
        for stored, (owner, rank, local) in enumerate(docs)
        if owner not in hidden
    ]
    keys += [
        (e.rank, position[e.doc.unit_code], local, state.count + j)
        for j, (e, local) in enumerate(tagged)
    ]
    keys.sort()
    return np.asarray([k[3] for k in keys], dtype=np.int64)


def renumber_hot(
    state: MainState,
    matrix: np.ndarray,
    delta: Segment | None,
    storage_of: np.ndarray,
    rank_of: np.ndarray,
) -> tuple[list[tuple[str, str]], np.ndarray]:
    """The main's hot bitsets in rank order, with the delta's documents, new facet values
    added and emptied rows dropped (a full build has no row for a value nobody has).

    Bits before the first renumbered document are copied as they are.
    """
    rows = list(state.rows)
    if delta:
        rows += sorted(
            {(f, v) for f in (*FACETS, *HIDDEN) for v in delta.postings.get(f, {})}
            - set(state.rows)
        )
    index = {row: i for i, row in enumerate(rows)}
    start = _first_change(storage_of, state.count) // 8
    extra = np.zeros((len(rows) - len(state.rows), matrix.shape[1]), dtype=np.uint8)
    # One more byte of zeros: the delta's documents are taken from there, then set.
    source = np.pad(np.concatenate([matrix, extra])[:, start:], ((0, 0), (0, 1)))
    gather = storage_of[start * 8 :] - start * 8
    gather[storage_of[start * 8 :] >= state.count] = (source.shape[1] - 1) * 8
    added = _delta_bits(delta, index, state.count, rank_of, start * 8)
    out = np.zeros((len(rows), (len(storage_of) + 7) // 8), dtype=np.uint8)
    out[: len(state.rows), :start] = matrix[:, :start]
    for top in range(0, len(rows), HOT_CHUNK):
        bits = np.unpackbits(source[top : top + HOT_CHUNK], axis=1, bitorder="little")
        bits = np.take(bits, gather, axis=1)
        for row in range(top, min(top + HOT_CHUNK, len(rows))):
            if row in added:
                bits[row - top, added[row]] = 1
        out[top : top + HOT_CHUNK, start:] = np.packbits(bits, axis=1, bitorder="little")
    keep = sorted(row for i, row in enumerate(rows) if out[i].any())
    return keep, out[[index[row] for row in keep]]


def _first_change(storage_of: np.ndarray, count: int) -> int:
    """First rank whose document is not the main's document of that number."""
    size = min(len(storage_of), count)
    moved = np.flatnonzero(storage_of[:size] != np.arange(size))
    return int(moved[0]) if len(moved) else size


def _delta_bits(
    delta: Segment | None, rows: dict, base: int, rank_of: np.ndarray, offset: int
) -> dict[int, np.ndarray]:
    """Ranks (less ``offset``) of the delta's documents, per hot row."""
    bits: dict[int, np.ndarray] = {}
    for name, by_term in (delta.postings if delta else {}).items():
        for term, docs in by_term.items():
            row = rows.get((name, term))
            if row is not None:
                bits[row] = rank_of[np.asarray(docs, dtype=np.int64) + base] - offset
    return bits


def code_pairs(
    state: MainState, delta: Segment | None, rank_of: np.ndarray
) -> list[tuple[str, int]]:
    """The code table in rank numbering: sorted (code, document) pairs."""
    ranks = rank_of[state.code_docs]
    keep = np.flatnonzero(ranks >= 0)
    keys = state.code_keys
    pairs = list(zip([keys[i] for i in keep.tolist()], ranks[keep].tolist(), strict=True))
    if delta:
        pairs += [(code, int(rank_of[state.count + d])) for code, d in delta.codes]
    pairs.sort()
    return pairs
