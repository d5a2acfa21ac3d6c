"""Loading the PostgreSQL engine's tables from the published Site: a full load, or an update.

A **full load** writes every document into a new set of tables (pgstore.py), streaming one
unit at a time (only each document's rank key stays in memory), builds the indexes, and in
the same transaction makes the set current: a reader sees the old index or the new, never
half of one. An **update** (the build's unit keys say which units differ from the rows')
hides the rows of changed and removed units from the next generation, adds their new rows and
commits the new rank order, in one transaction: seconds, not a rebuild. More changes than the
embedded index's merge share (cache.MERGE_SHARE) mean a full load, as in update.py.
See docs/search.md ("Two engines").
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass
from typing import Any

import numpy as np

from generator.content.model import Site, Unit
from generator.progress import counted
from generator.search.cache import MERGE_MIN_UNITS, MERGE_SHARE, cache_key, pages_key
from generator.search.identity import site_identity
from generator.search.names import signal
from generator.search.pgstore import (
    ALIVE,
    CATALOGUE,
    columns,
    drop_set,
    hot_append_sql,
    hot_sql,
    indexes_sql,
    tables_sql,
    transaction,
)
from generator.search.segment import TERM_FIELDS, document_terms
from generator.search.text import FACETS, Entry, exact_key, facet_labels, page_entries, unit_entries

#: Fields whose terms are listed for prefix look-ups (a one-character query, outlet codes).
PREFIX_FIELDS = ("text", "names", "codes")
#: Rows sent per COPY chunk while streaming.
CHUNK = 2000
#: Where the term arrays start in a documents row (see pgstore.columns).
_TERMS_AT = 7 + len(FACETS) + 2


@dataclass(frozen=True, slots=True)
class Loaded:
    """What a load did: ``full`` or ``update``, the generation it made current, counts."""

    kind: str
    generation: int
    documents: int
    units_changed: int
    seconds: float


def unit_digests(site: Site) -> dict[str, str]:
    """A key per unit of what its documents depend on (for loads without the build's keys)."""
    today = site.judged_on
    return {
        u.code: hashlib.sha1(
            f"{u!r}\n{u.permit_state(today)}\n{signal(u, today)}".encode()
        ).hexdigest()
        for u in site.units
    }


def load_postgres(
    site: Site,
    url: str,
    unit_keys: dict[str, str] | None = None,
    full: bool = False,
    bar: Any = None,
) -> Loaded:
    """Bring the search tables at ``url`` up to date with ``site``: an update when the rows
    were made by the same search code and few units differ, else a full load."""
    started = time.monotonic()
    keys = dict(unit_keys) if unit_keys else unit_digests(site)
    with transaction(url) as conn:
        conn.execute(CATALOGUE)
        conn.execute("LOCK TABLE search_state IN EXCLUSIVE MODE")  # one loader at a time
        state = conn.execute(
            "SELECT tables, generation, cache_key, pages_key, next_id FROM search_state"
        ).fetchone()
        done = None
        if state is not None and not full and state[2] == cache_key(site):
            done = _update(conn, site, keys, state, bar)
        if done is None:
            done = _full(conn, site, keys, state, bar)
    kind, generation, documents, changed = done
    return Loaded(kind, generation, documents, changed, time.monotonic() - started)


def _tagged(site: Site, units: Iterable[Unit], pages: bool) -> Iterator[tuple[Entry, int]]:
    for unit in units:
        yield from ((e, i) for i, e in enumerate(unit_entries(unit, site)))
    if pages:
        yield from ((e, i) for i, e in enumerate(page_entries(site)))


def _row(docid: int, born: int, entry: Entry, local: int) -> list[Any]:
    doc = entry.doc
    terms = document_terms(entry)
    return [
        docid, born, ALIVE, doc.unit_code, local,
        json.dumps(list(entry.rank), ensure_ascii=False),
        json.dumps(list(astuple(doc)), ensure_ascii=False),
        *(getattr(doc, f) or "" for f in FACETS), entry.band, entry.signal,
        *(sorted(terms.get(f, ())) for f in TERM_FIELDS),
    ]  # fmt: skip


def _write(conn: Any, n: int, born: int, first_id: int, tagged: Iterable, ranks: list) -> int:
    """COPY the documents of ``tagged`` with ids from ``first_id``; their codes; new terms.
    Appends (rank, unit, local, id) to ``ranks``; returns the next free id."""
    docid = first_id
    terms: dict[str, set[str]] = {f: set() for f in PREFIX_FIELDS}
    rows: list[list[Any]] = []
    codes: list[tuple] = []
    for entry, local in tagged:
        row = _row(docid, born, entry, local)
        rows.append(row)
        codes.extend((exact_key(c).upper(), docid, born, ALIVE) for c in entry.codes if c)
        for f in PREFIX_FIELDS:
            terms[f].update(row[_TERMS_AT + TERM_FIELDS.index(f)])
        ranks.append((entry.rank, entry.doc.unit_code, local, docid))
        docid += 1
        if len(rows) >= CHUNK:
            _copy(conn, n, rows, codes)
    _copy(conn, n, rows, codes)
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS new_terms (field text, term text)")
    conn.execute("TRUNCATE new_terms")
    with conn.cursor().copy("COPY new_terms (field, term) FROM STDIN") as copy:
        for f, found in terms.items():
            for term in found:
                copy.write_row((f, term))
    conn.execute(f"INSERT INTO search_terms_{n} SELECT DISTINCT field, term FROM new_terms "
                 "ON CONFLICT DO NOTHING")  # fmt: skip
    return docid


def _copy(conn: Any, n: int, rows: list[list[Any]], codes: list[tuple]) -> None:
    """Send a chunk of documents and their codes (one COPY at a time per connection)."""
    with conn.cursor().copy(f"COPY search_docs_{n} ({', '.join(columns())}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    with conn.cursor().copy(f"COPY search_codes_{n} (code, id, born, died) FROM STDIN") as copy:
        for code in codes:
            copy.write_row(code)
    rows.clear()
    codes.clear()


def _order(site: Site, ranks: list[tuple]) -> bytes:
    """Row ids in rank order; equal ranks keep the order of ``site.units``, as entries()."""
    position = {u.code: i for i, u in enumerate(site.units)}
    position[""] = len(site.units)
    ranks.sort(key=lambda r: (tuple(r[0]), position[r[1]], r[2]))
    return np.asarray([r[3] for r in ranks], dtype="<i4").tobytes()


def _meta(site: Site, documents: int) -> str:
    meta = {
        "site": site_identity(site),
        "documents": documents,
        "units": len(site.units),
        "as_of": site.as_of.isoformat(),
        "labels": facet_labels(site),
    }
    return json.dumps(meta, ensure_ascii=False)


def _publish(conn: Any, site: Site, n: int, generation: int, order: bytes, next_id: int) -> None:
    """Make ``generation`` current (the last statement of the load's transaction)."""
    documents = len(order) // 4
    conn.execute(
        "INSERT INTO search_generations (generation, tables, documents, order_ids, meta) "
        "VALUES (%s, %s, %s, %s, %s)",
        (generation, n, documents, order, _meta(site, documents)),
    )
    conn.execute(
        "INSERT INTO search_state VALUES (1, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE "
        "SET tables = EXCLUDED.tables, generation = EXCLUDED.generation, "
        "cache_key = EXCLUDED.cache_key, pages_key = EXCLUDED.pages_key, "
        "next_id = EXCLUDED.next_id",
        (n, generation, cache_key(site), pages_key(site), next_id),
    )
    # Readers of the generation before keep answering; older ones were retired.
    conn.execute("DELETE FROM search_generations WHERE generation < %s", (generation - 1,))


def _full(
    conn: Any, site: Site, keys: dict[str, str], state: Any, bar: Any
) -> tuple[str, int, int, int]:
    n = (state[0] if state else 0) + 1
    generation = (state[1] if state else 0) + 1
    drop_set(conn, n)
    conn.execute(tables_sql(n))
    ranks: list[tuple] = []
    next_id = _write(conn, n, generation, 0, _tagged(site, counted(site.units, bar), True), ranks)
    with conn.cursor().copy(f"COPY search_units_{n} (unit_code, key) FROM STDIN") as copy:
        for code, key in keys.items():
            copy.write_row((code, key))
    conn.execute(indexes_sql(n))
    for field in TERM_FIELDS:
        conn.execute(hot_sql(n, field))
    order = _order(site, ranks)
    _publish(conn, site, n, generation, order, next_id)
    for old in range(max(1, n - 3), n - 1):
        drop_set(conn, old)
    return "full", generation, len(order) // 4, len(site.units)


def _update(
    conn: Any, site: Site, keys: dict[str, str], state: Any, bar: Any
) -> tuple[str, int, int, int] | None:
    n, generation, _, stored_pages, next_id = state
    stored = dict(conn.execute(f"SELECT unit_code, key FROM search_units_{n}").fetchall())
    changed = [u for u in site.units if not keys.get(u.code) or stored.get(u.code) != keys[u.code]]
    removed = sorted(set(stored) - {u.code for u in site.units})
    pages = stored_pages != pages_key(site)
    if len(changed) + len(removed) > max(MERGE_MIN_UNITS, MERGE_SHARE * len(site.units)):
        return None
    new = generation + 1
    hidden = [u.code for u in changed] + removed + ([""] if pages else [])
    conn.execute(
        f"UPDATE search_docs_{n} SET died = %s WHERE unit_code = ANY(%s) AND died = %s",
        (new, hidden, ALIVE),
    )
    conn.execute(
        f"UPDATE search_codes_{n} c SET died = %s FROM search_docs_{n} d "
        "WHERE d.id = c.id AND d.died = %s AND c.died = %s",
        (new, new, ALIVE),
    )
    ranks: list[tuple] = []
    next_id = _write(conn, n, new, next_id, _tagged(site, counted(changed, bar), pages), ranks)
    for field in TERM_FIELDS:  # ids of hidden rows stay: no generation's order holds them
        conn.execute(hot_append_sql(n, field), (new,))
    conn.execute(f"DELETE FROM search_units_{n} WHERE unit_code = ANY(%s)", (removed,))
    for unit in changed:
        conn.execute(
            f"INSERT INTO search_units_{n} VALUES (%s, %s) "
            "ON CONFLICT (unit_code) DO UPDATE SET key = EXCLUDED.key",
            (unit.code, keys.get(unit.code, "")),
        )
    ranks = [
        (tuple(rank), unit, local, docid)
        for docid, unit, local, rank in conn.execute(
            f"SELECT id, unit_code, local, rank FROM search_docs_{n} "
            "WHERE born <= %s AND died > %s",
            (new, new),
        )
    ]
    order = _order(site, ranks)
    _publish(conn, site, n, new, order, next_id)
    # Rows no reader can see any more: hidden before the generation just replaced.
    conn.execute(f"DELETE FROM search_docs_{n} WHERE died <= %s", (generation,))
    conn.execute(f"DELETE FROM search_codes_{n} WHERE died <= %s", (generation,))
    return "update", new, len(order) // 4, len(changed) + len(removed)
