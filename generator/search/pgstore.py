"""The PostgreSQL engine's tables: their schema, and the connection both sides use.

One row per document (``search_docs_<n>``) with the term arrays the embedded index stores
(filled by segment.py's ``document_terms``, so both engines match alike), each array under a
GIN index; the code table in a B-tree (``text_pattern_ops``, for ``LIKE 'x%'``); the terms of
each field (for prefix look-ups); the unit keys the rows were made from. ``<n>`` numbers a
set of tables: a full load writes a new set and a swap makes it current. Inside a set, a row
is visible to generations ``born`` ≤ g < ``died``: an update hides changed units' rows and adds
new ones in one transaction, and a reader keeps the generation it opened. The rank order of a
generation (row ids, best first) is one row of ``search_generations``. See docs/search.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from generator.search.segment import TERM_FIELDS
from generator.search.text import FACETS, HIDDEN

#: ``died`` of a row no generation has hidden.
ALIVE = 2**31 - 1
#: Every table holding rows of a set is named by a base and the set's number.
SETS = ("search_docs", "search_codes", "search_terms", "search_units", "search_hot")
#: Terms held by at least this many documents at a full load keep their row ids ready in
#: ``search_hot_<n>`` (one row read instead of thousands), like the embedded hot bitsets.
HOT_MIN_DOCS = 256

CATALOGUE = """
CREATE TABLE IF NOT EXISTS search_generations (
    generation integer PRIMARY KEY,
    tables integer NOT NULL,
    documents integer NOT NULL,
    order_ids bytea NOT NULL,
    meta jsonb NOT NULL,
    created timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS search_state (
    id integer PRIMARY KEY CHECK (id = 1),
    tables integer NOT NULL,
    generation integer NOT NULL,
    cache_key text NOT NULL,
    pages_key text NOT NULL,
    next_id integer NOT NULL
);
"""


def columns() -> list[str]:
    """Columns of a documents row, in COPY order."""
    return [
        "id", "born", "died", "unit_code", "local", "rank", "doc",
        *(f"f_{f}" for f in (*FACETS, *HIDDEN)),
        *(f"t_{f}" for f in TERM_FIELDS),
    ]  # fmt: skip


def tables_sql(n: int) -> str:
    """The tables of set ``n``, without their indexes (created after the bulk load)."""
    facets = ", ".join(f'f_{f} text COLLATE "C" NOT NULL' for f in (*FACETS, *HIDDEN))
    terms = ", ".join(f't_{f} text[] COLLATE "C" NOT NULL' for f in TERM_FIELDS)
    return f"""
CREATE TABLE search_docs_{n} (
    id integer PRIMARY KEY, born integer NOT NULL, died integer NOT NULL,
    unit_code text COLLATE "C" NOT NULL, local integer NOT NULL, rank jsonb NOT NULL,
    doc jsonb NOT NULL, {facets}, {terms}
);
CREATE TABLE search_codes_{n} (
    code text COLLATE "C" NOT NULL, id integer NOT NULL, born integer NOT NULL,
    died integer NOT NULL
);
CREATE TABLE search_terms_{n} (
    field text COLLATE "C" NOT NULL, term text COLLATE "C" NOT NULL, PRIMARY KEY (field, term)
);
CREATE TABLE search_units_{n} (unit_code text COLLATE "C" PRIMARY KEY, key text NOT NULL);
CREATE TABLE search_hot_{n} (
    field text COLLATE "C" NOT NULL, term text COLLATE "C" NOT NULL, ids integer[] NOT NULL,
    PRIMARY KEY (field, term)
);
"""


def hot_sql(n: int, field: str) -> str:
    """Fill the ready ids of ``field``'s frequent terms (after a full load's COPY)."""
    return (
        f"INSERT INTO search_hot_{n} SELECT '{field}', term, array_agg(id) "
        f"FROM search_docs_{n}, unnest(t_{field}) AS term GROUP BY term "
        f"HAVING count(*) >= {HOT_MIN_DOCS}"
    )


def hot_append_sql(n: int, field: str) -> str:
    """Add the rows born in generation %s to the ready ids of ``field``'s frequent terms."""
    return (
        f"UPDATE search_hot_{n} h SET ids = h.ids || a.ids FROM (SELECT term, array_agg(id) ids "
        f"FROM search_docs_{n}, unnest(t_{field}) AS term WHERE born = %s GROUP BY term) a "
        f"WHERE h.field = '{field}' AND h.term = a.term"
    )


def indexes_sql(n: int) -> str:
    """GIN on every term array, B-trees on codes (prefix), units and facets."""
    out = [f"CREATE INDEX ON search_docs_{n} USING gin (t_{f});" for f in TERM_FIELDS]
    out.append(f"CREATE INDEX ON search_docs_{n} (unit_code);")
    out.append(f"CREATE INDEX ON search_codes_{n} (code text_pattern_ops);")
    out.append(f"CREATE INDEX ON search_codes_{n} (id);")
    out.append(f"ANALYZE search_docs_{n}; ANALYZE search_codes_{n}; ANALYZE search_terms_{n};")
    return "\n".join(out)


def conninfo(url: str) -> str:
    """A libpq address from a SQLAlchemy URL (``postgresql+psycopg://…``) or a libpq one."""
    for prefix in ("postgresql+psycopg://", "postgresql+psycopg2://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return url


def safe_url(url: str) -> str:
    """``url`` without its password, for messages."""
    info = conninfo(url)
    head, sep, tail = info.partition("@")
    if not sep or ":" not in head.split("//", 1)[-1]:
        return info
    user = head.split("//", 1)[-1].split(":", 1)[0]
    return f"postgresql://{user}:***@{tail}"


def connect(url: str, autocommit: bool = False) -> Any:
    """A psycopg connection (the driver of the service's PostgreSQL, imported when used)."""
    import psycopg  # noqa: PLC0415 (only deployments that search on PostgreSQL need it)

    return psycopg.connect(conninfo(url), autocommit=autocommit)


@contextmanager
def transaction(url: str) -> Iterator[Any]:
    """A connection in one transaction: committed if the block ends, else rolled back."""
    conn = connect(url)
    try:
        with conn.transaction():
            yield conn
    finally:
        conn.close()


def drop_set(conn: Any, n: int) -> None:
    """Drop the tables of set ``n`` if they exist."""
    for base in SETS:
        conn.execute(f"DROP TABLE IF EXISTS {base}_{n}")
