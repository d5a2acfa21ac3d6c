"""Open data: whole-dataset CSV and JSON Lines downloads, a data package and a data dictionary.

Files are written row by row (a province of 55,900 units never sits in memory as a whole
file), in code order, so the same content always gives the same bytes. The tables and their
columns are in tables.py, their rows in rows.py, how a value is written in cells.py, the
files of the last build in chunks.py. See docs/open-data.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.content.model import Site, Unit
from generator.context import BuildContext, step_bar, step_code_key
from generator.opendata.automatic import monitoring_tables
from generator.opendata.cells import CSV_AS_IS, csv_cell, csv_text, encode_row, plain_value
from generator.opendata.chunks import ChunkStore, TablesMemo, runs
from generator.opendata.datapackage import LICENSE, data_package
from generator.opendata.tablefiles import TableFiles
from generator.opendata.tables import TABLES, Download, Table

__all__ = ["DATA_DIR", "TABLES", "write_open_data", "write_table", "unit_chunk"]

#: Folder of the downloads inside the built site.
DATA_DIR = "data"


def _units(site: Site) -> list[Unit]:
    """The units in code order (the order of every file's rows)."""
    return sorted(site.units, key=lambda u: u.fixed_source_code)


def unit_chunk(table: Table, site: Site, unit: Unit, base_url: str) -> tuple[bytes, bytes, int]:
    """One unit's rows of ``table`` as CSV bytes, JSON Lines bytes, and their count."""
    names = table.names
    cells: list[list[Any]] = []
    lines: list[str] = []
    for row in table.rows(site, unit, base_url):
        if len(row) != len(names) or (not lines and tuple(row) != names):
            raise ValueError(f"{table.name} 表的行与列定义不符：{list(row)}")
        cells.append(
            [v if type(v) in CSV_AS_IS else csv_cell(plain_value(v)) for v in row.values()]
        )
        lines.append("".join(encode_row(row, 0)))
    if not lines:
        return b"", b"", 0
    lines.append("")
    return csv_text(cells).encode("utf-8"), "\n".join(lines).encode("utf-8"), len(cells)


#: Changed units whose new rows are compared with the kept ones before writing (so a
#: table none of whose bytes changed is linked, not written); more changes stream.
COMPARE_AT_MOST = 2000


def write_table(
    table: Table,
    units: list[Unit],
    codes: list[str],
    site: Site,
    folder: Path,
    base_url: str,
    keys: list[str | None],
    store: ChunkStore | None = None,
    bar: Any = None,
) -> list[Download]:
    """Write one table as CSV (UTF-8 with BOM) and JSON Lines, unit by unit (code order).

    With the units' content ``keys`` and a ``store``, the rows of units whose key is
    unchanged are copied from the last build's files in runs (see chunks.py). ``bar``
    is moved on by one per unit written or copied.
    """
    header = ("\ufeff" + csv_text([list(table.names)])).encode("utf-8")
    plan = store.match(codes, keys) if store is not None else [-1] * len(units)
    made: dict[int, tuple[bytes, bytes, int]] = {}
    if store is not None and store.valid and plan.count(-1) <= COMPARE_AT_MOST:
        for n in [n for n, old in enumerate(plan) if old < 0]:
            made[n] = chunk = unit_chunk(table, site, units[n], base_url)
            old = store.old_position(n, codes[n])
            if old >= 0 and store.same_bytes(old, chunk):
                plan[n] = old
    files = TableFiles(folder, table.name, header, store)
    try:
        if store is not None and store.valid and codes == store.codes and plan == store.order:
            files.link_kept()
        else:
            for first, stop, old in runs(plan):
                if old >= 0:
                    files.copy_run(old, old + stop - first)
                else:
                    ready = made.pop(first) if first in made else None
                    files.add(ready or unit_chunk(table, site, units[first], base_url))
                if bar is not None:
                    bar.update(stop - first)
    finally:
        files.close()
    if store is not None:
        store.commit(files, codes, keys)
    return [
        Download(table.name, fmt, f"/{DATA_DIR}/{path.name}", files.rows, size, sha)
        for fmt, path, size, sha in files.summary()
    ]


def write_open_data(
    site: Site, out_dir: Path, settings: dict[str, Any], ctx: BuildContext | None = None
) -> None:
    """Build step: write every download, the data package, the downloads and dictionary pages.

    During a build (``ctx.unit_keys``) the rows of unchanged units are copied from the
    files of the last build kept in the cache folder (see generator/opendata/chunks.py).
    """
    folder = Path(out_dir) / DATA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    keys = ctx.unit_keys if ctx is not None else None
    # Not the as-of date: rows show it only as permit states and overdue flags, which the
    # unit keys carry (views.unit.as_of_marks).
    store_key = repr((step_code_key(), settings["base_url"])) if keys else ""
    units = _units(site)
    tables = TABLES + monitoring_tables(_monitoring(site, settings, ctx))
    codes = [u.code for u in units]
    unit_keys: list[str | None] = [keys.get(c) for c in codes] if keys else [None] * len(units)
    downloads = []
    memo = TablesMemo()
    with step_bar(ctx, len(tables) * len(units), "开放数据", "个") as bar:
        for number, table in enumerate(tables, 1):
            store = None
            if keys:
                cache = Path(settings["cache_dir"]) / "opendata"
                store = ChunkStore.open(cache, table.name, store_key, memo)
            try:
                downloads += write_table(
                    table, units, codes, site, folder, settings["base_url"], unit_keys, store, bar
                )
            finally:
                if store is not None:
                    store.close()
            bar.update(len(units) * number - bar.n)  # linked or copied whole
    descriptor = data_package(site, downloads, tables, settings["base_url"])
    package = json.dumps(descriptor, ensure_ascii=False, indent=1)
    (folder / "datapackage.json").write_text(package + "\n", encoding="utf-8")
    context = {
        "as_of": site.as_of,
        "tables": tables,
        "downloads": downloads,
        "feeds": _feeds(site),
        "license": LICENSE,
        "attribution": descriptor["attribution"],
    }
    pages = {
        folder / "index.html": "opendata/downloads.html",
        folder / "dictionary" / "index.html": "opendata/dictionary.html",
    }
    render_pages(site, settings, pages, **context)


def _monitoring(site: Site, settings: dict[str, Any], ctx: BuildContext | None) -> Any:
    """What the build computed of automatic monitoring, or (outside a build) computed now."""
    if ctx is not None and ctx.monitoring is not None:
        return ctx.monitoring
    from generator.monitoring.daily import public_monitoring

    return public_monitoring(site, settings["monitoring_db"])


def _feeds(site: Site) -> list[tuple[str, str]]:
    from generator.opendata.feeds import feed_list

    return feed_list(site)


def render_pages(
    site: Site, settings: dict[str, Any], pages: dict[Path, str], **context: Any
) -> None:
    """Render templates to files in the site's look, through the site app's Jinja environment."""
    import flask

    from generator.pages.app import create_site_app

    app = create_site_app(site, settings)
    for path, template in pages.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with app.test_request_context("/data/"):
            html = flask.render_template(template, site=site, **context)
        path.write_text(html, encoding="utf-8")
