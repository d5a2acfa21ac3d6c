"""The Frictionless Data Package descriptor of the downloads: files, schemas, keys, terms.

Everything in it comes from the content and the written files, never from the clock:
``created`` and ``version`` are the site's data-as-of date. See docs/open-data.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator.urls import absolute

if TYPE_CHECKING:
    from generator.content.model import Site
    from generator.opendata.tables import Download, Table

#: Terms of use: public disclosure asks nothing of the reader, so neither do we.
LICENSE = {
    "name": "CC0-1.0",
    "path": "https://creativecommons.org/publicdomain/zero/1.0/",
    "title": "CC0 1.0 通用（公有领域贡献）",
}
#: China Standard Time, the zone of every date in the content.
CHINA = dt.timezone(dt.timedelta(hours=8))
#: The CSV files' dialect; ``bom`` notes the UTF-8 byte order mark that Excel needs.
CSV_DIALECT = {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "header": True}


@dataclass(frozen=True, slots=True)
class Keys:
    """A table's primary key and the tables its rows point at (fields, table, their fields)."""

    primary: tuple[str, ...]
    foreign: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()
    #: Key fields that may be empty (an outlet without pollutants has one row, pollutant empty).
    nullable: tuple[str, ...] = ()


_UNIT = (("fixed_source_code",), "units", ("fixed_source_code",))
#: Keys between the tables: unit ← outlet ← monitoring, unit ← permit, penalty, rectification,
#: ledger item.
KEYS = {
    "units": Keys(("fixed_source_code",)),
    "outlets": Keys(("fixed_source_code", "outlet_code", "pollutant"), (_UNIT,), ("pollutant",)),
    "permits": Keys(("permit_number",), (_UNIT,)),
    "monitoring": Keys(
        ("fixed_source_code", "outlet_code", "pollutant", "date"),
        (
            _UNIT,
            (
                ("fixed_source_code", "outlet_code"),
                "outlets",
                ("fixed_source_code", "outlet_code"),
            ),
        ),
    ),
    "penalties": Keys(("fixed_source_code", "decision_number"), (_UNIT,)),
    "rectifications": Keys(("fixed_source_code", "ref"), (_UNIT,)),
    "ledger": Keys(("id",), (_UNIT,)),
    # Automatic monitoring (generator/opendata/automatic.py).
    "auto_daily": Keys(
        ("fixed_source_code", "outlet_code", "code", "date"),
        (
            _UNIT,
            (
                ("fixed_source_code", "outlet_code"),
                "outlets",
                ("fixed_source_code", "outlet_code"),
            ),
        ),
    ),
    "auto_ratings": Keys(("fixed_source_code",), (_UNIT,)),
}


def attribution(site: Site, base_url: str) -> str:
    """The credit line we suggest (CC0 does not require it)."""
    return (
        f"数据来源：{site.title}公开数据（{absolute(base_url, '/data/')}），数据截至{site.as_of}。"
    )


def created(as_of: dt.date) -> str:
    """``created`` of the package: the start of the data-as-of day in China, RFC 3339."""
    return dt.datetime.combine(as_of, dt.time(0, 0), CHINA).isoformat()


def version(as_of: dt.date) -> str:
    """``version`` of the package: the data-as-of date as a calendar version, e.g. 2026.11.20."""
    return f"{as_of.year}.{as_of.month}.{as_of.day}"


def _schema(table: Table, fmt: str) -> dict[str, Any]:
    keys = KEYS[table.name]
    fields = []
    for c in table.columns:
        field: dict[str, Any] = {
            "name": c.name,
            "title": c.label,
            "type": c.type,
            "description": c.help,
        }
        if c.name in keys.primary and c.name not in keys.nullable:
            field["constraints"] = {"required": True}
        fields.append(field)
    return {
        "fields": fields,
        "primaryKey": list(keys.primary),
        "foreignKeys": [
            {
                "fields": list(own),
                "reference": {"resource": f"{other}-{fmt}", "fields": list(theirs)},
            }
            for own, other, theirs in keys.foreign
        ],
    }


def _resource(table: Table, d: Download) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "name": f"{d.table}-{d.format}",
        "title": table.title,
        "description": table.description,
        "path": d.path.rsplit("/", 1)[1],
        "format": d.format,
        "mediatype": "text/csv" if d.format == "csv" else "application/jsonl",
        "encoding": "utf-8",
        "bytes": d.bytes,
        "hash": f"sha256:{d.sha256}",
        "rows": d.rows,
    }
    if d.format == "csv":
        resource["dialect"] = {**CSV_DIALECT, "bom": True}
    resource["schema"] = _schema(table, d.format)
    return resource


def data_package(
    site: Site, downloads: list[Download], tables: tuple[Table, ...], base_url: str
) -> dict[str, Any]:
    """A Frictionless Data Package descriptor of the downloads, with the data-as-of date."""
    by_name = {t.name: t for t in tables}
    credit = attribution(site, base_url)
    return {
        "profile": "data-package",
        "name": "yimatong",
        "title": f"{site.title}公开数据",
        "description": f"排污许可公开信息的整表下载。{credit}",
        "homepage": absolute(base_url, "/data/"),
        "version": version(site.as_of),
        "created": created(site.as_of),
        "data_as_of": site.as_of.isoformat(),
        "licenses": [LICENSE],
        "sources": [{"title": f"{site.title}", "path": absolute(base_url, "/")}],
        "attribution": credit,
        # An empty JSON Lines file has no first row to read it by (no ledger file: no ledger
        # items); its CSV, which has a header, stands for the table.
        "resources": [
            _resource(by_name[d.table], d) for d in downloads if d.rows or d.format != "jsonl"
        ],
    }
