"""The directory file's records and its on-disk format (JSON Lines, version 1), both ways.

A header line, then one line per division, enforcement body and unit, in the site's order::

    {"format": "yimatong-directory", "version": 1, "site": ..., "build": ..., "province": ...,
     "title": ..., "issuer": ..., "divisions": N, "bodies": N, "units": N}
    {"kind": "division", "code": ..., "name": ..., "parent": ...}
    {"kind": "body", "id": ..., "name": ..., "level": ..., "areas": [...], "email": ..., ...}
    {"kind": "unit", "code": ..., "name": ..., "county": ..., "city": ..., "outlets": [...],
     "industry": ..., "industry_name": ..., "valid_until": "2027-03-31", ...}

Optional fields are left out when empty. Keys are sorted and nothing varies between runs, so
the same site always gives the same bytes. This module imports nothing of the content model:
the feedback service reads the file through it. See docs/build.md ("The directory file").
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.directory.fields import FieldProblems

FORMAT = "yimatong-directory"
VERSION = 1
#: The file's name is the search index folder's name with this suffix, beside the folder.
SUFFIX = ".directory.jsonl"


class DirectoryFileError(ValueError):
    """The directory file cannot be read; the message names the file, lines and fields."""


@dataclass(frozen=True, slots=True)
class Division:
    """An administrative division (GB/T 2260)."""

    code: str
    name: str
    parent: str | None = None

    @property
    def level(self) -> str:
        """'province', 'city' or 'county'."""
        if self.code.endswith("0000"):
            return "province"
        return "city" if self.code.endswith("00") else "county"


@dataclass(frozen=True, slots=True)
class Body:
    """An enforcement body, the divisions it covers and where its notices go."""

    id: str
    name: str
    level: str
    areas: tuple[str, ...]
    email: str = ""
    phone: str = ""
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class OpenRectification:
    """A rectification order published in content/ that is still open."""

    ref: str
    issued: dt.date
    authority: str
    requirement: str
    due: dt.date


@dataclass(frozen=True, slots=True)
class UnitEntry:
    """What the service needs to know about a unit."""

    code: str
    name: str
    county_code: str
    city_code: str
    outlets: tuple[str, ...]
    address: str = ""
    #: Open rectification orders published in content/ (from inspections, not reports).
    open_rectifications: tuple[OpenRectification, ...] = ()
    #: WGS-84 (lat, lon), when content gives them (Open311 places points by them).
    coordinates: tuple[float, float] | None = None
    #: GB/T 4754 industry code and name (the officer ledger filters by them).
    industry: str = ""
    industry_name: str = ""
    #: Last day of the permit in force (None: registration only, or revoked/cancelled).
    valid_until: dt.date | None = None


@dataclass(frozen=True)
class DirectoryData:
    """Everything in one directory file."""

    #: ``generator.search.identity.site_identity`` of the site, as the search index has it.
    site: str
    #: The key of the build step's inputs that wrote the file ("" when written otherwise).
    build: str
    province: str
    divisions: tuple[Division, ...] = ()
    bodies: tuple[Body, ...] = ()
    units: tuple[UnitEntry, ...] = ()
    #: The site's name and issuing authority (site.yaml ``title``, ``issuer``): the service's
    #: header and footer show them, so both carry the same name and lines.
    title: str = ""
    issuer: str = ""
    #: The site's explanation pages (site.yaml's pages, in menu order) as (title, path), for
    #: the footer both show.
    pages: tuple[tuple[str, str], ...] = ()


def path_beside(search_index_dir: str | Path) -> Path:
    """Where the directory file of the search index at ``search_index_dir`` lives."""
    folder = Path(search_index_dir)
    return folder.with_name(folder.name + SUFFIX)


def _drop_empty(record: dict) -> dict:
    return {k: v for k, v in record.items() if v not in ("", None, [], ())}


def _unit_record(unit: UnitEntry) -> dict:
    rectifications = [
        {
            "ref": r.ref,
            "issued": r.issued.isoformat(),
            "authority": r.authority,
            "requirement": r.requirement,
            "due": r.due.isoformat(),
        }
        for r in unit.open_rectifications
    ]
    record = {
        "kind": "unit",
        "code": unit.code,
        "name": unit.name,
        "county": unit.county_code,
        "city": unit.city_code,
        "outlets": list(unit.outlets),
        "address": unit.address,
        "coordinates": list(unit.coordinates) if unit.coordinates else None,
        "rectifications": rectifications,
        "industry": unit.industry,
        "industry_name": unit.industry_name,
        "valid_until": unit.valid_until.isoformat() if unit.valid_until else "",
    }
    return _drop_empty(record)


def _line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def unit_line(unit: UnitEntry) -> str:
    """The line of one unit in the file (without its line break)."""
    return _line(_unit_record(unit))


def _header(data: DirectoryData, units: int) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "site": data.site,
        "build": data.build,
        "province": data.province,
        **({"title": data.title} if data.title else {}),
        **({"issuer": data.issuer} if data.issuer else {}),
        **({"pages": [list(p) for p in data.pages]} if data.pages else {}),
        "divisions": len(data.divisions),
        "bodies": len(data.bodies),
        "units": units,
    }


def dumps(data: DirectoryData, unit_lines: Sequence[str] | None = None) -> bytes:
    """The file's bytes: the same data always gives the same bytes. ``unit_lines`` are the
    units' lines (``unit_line``) when the caller has them; ``data.units`` is then unused."""
    units = unit_lines if unit_lines is not None else [unit_line(u) for u in data.units]
    records = [_header(data, len(units))]
    records += [
        _drop_empty({"kind": "division", "code": d.code, "name": d.name, "parent": d.parent})
        for d in data.divisions
    ]
    records += [
        _drop_empty(
            {
                "kind": "body",
                "id": b.id,
                "name": b.name,
                "level": b.level,
                "areas": list(b.areas),
                "email": b.email,
                "phone": b.phone,
                "parent": b.parent,
            }
        )
        for b in data.bodies
    ]
    lines = [*(_line(r) for r in records), *units]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write(path: str | Path, data: DirectoryData, unit_lines: Sequence[str] | None = None) -> bool:
    """Write the file atomically (a temporary file beside it, then a rename), unless it
    already holds these bytes; whether it was written. ``unit_lines``: as for ``dumps``."""
    path, raw = Path(path), dumps(data, unit_lines)
    try:
        if path.read_bytes() == raw:
            return False
    except OSError:
        pass
    write_atomically(path, raw)
    return True


def write_atomically(path: Path, raw: bytes, durable: bool = True) -> None:
    """Put ``raw`` at ``path`` through a temporary file of this writer's own beside it, then a
    rename (synced to disk first when ``durable``); nothing is left of a failed write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(raw)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def read_header(path: str | Path) -> dict | None:
    """The header of the file at ``path``, or None when there is no readable header."""
    try:
        with open(path, encoding="utf-8") as source:
            header = json.loads(source.readline())
    except (OSError, ValueError):
        return None
    return header if isinstance(header, dict) and header.get("format") == FORMAT else None


def read(path: str | Path) -> DirectoryData:
    """Read and check the whole file; DirectoryFileError names every problem found."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DirectoryFileError(f"目录文件 {path} 无法读取：{error}") from error
    return loads(text, str(path))


def loads(text: str, source: str = "目录文件") -> DirectoryData:
    """Parse the file's text; DirectoryFileError lists every problem (line, record, field)."""
    problems = FieldProblems(source)
    lines = text.splitlines()
    header = problems.header(lines[0] if lines else "", FORMAT, VERSION)
    divisions: list[Division] = []
    bodies: list[Body] = []
    units: list[UnitEntry] = []
    for number, line in enumerate(lines[1:], start=2):
        record = problems.record(number, line)
        if record is None:
            continue
        kind = record.get("kind")
        if kind == "division":
            divisions.append(problems.division(number, record, Division))
        elif kind == "body":
            bodies.append(problems.body(number, record, Body))
        elif kind == "unit":
            units.append(problems.unit(number, record, UnitEntry, OpenRectification))
        else:
            problems.add(number, "", "kind", f"未知的记录类型 {kind!r}")
    if header is not None:
        problems.counts(header, {"divisions": divisions, "bodies": bodies, "units": units})
    pages = problems.pairs(header) if header is not None else ()
    problems.raise_if_any(DirectoryFileError)
    assert header is not None
    return DirectoryData(
        str(header["site"]),
        str(header["build"]),
        str(header["province"]),
        tuple(divisions),
        tuple(bodies),
        tuple(units),
        str(header.get("title") or ""),
        str(header.get("issuer") or ""),
        pages,
    )
