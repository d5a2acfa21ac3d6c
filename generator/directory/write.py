"""The build step that writes the directory file from the loaded site (docs/build.md)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import settings as settings_mod
from generator.content.model import Page, PermitStatus, RectificationStatus, Site, Unit
from generator.directory import records
from generator.directory.kept import KeptLines
from generator.search.identity import site_identity
from generator.urls import page_path

if TYPE_CHECKING:
    from generator.context import BuildContext


def _unit(unit: Unit) -> records.UnitEntry:
    where = unit.coordinates
    return records.UnitEntry(
        unit.fixed_source_code,
        unit.name,
        unit.county_code,
        unit.city_code,
        tuple(o.code for o in unit.outlets),
        unit.address,
        tuple(
            records.OpenRectification(r.ref, r.issued, r.authority, r.requirement, r.due)
            for r in unit.rectifications
            if r.status is RectificationStatus.OPEN
        ),
        (where.lat, where.lon) if where is not None else None,
        unit.industry.code,
        unit.industry.name,
        _valid_until(unit),
    )


def _valid_until(unit: Unit) -> dt.date | None:
    """The permit's last day while it is in force; None for a registration or a permit that
    was revoked or cancelled (those are not "expiring")."""
    permit = unit.permit
    if permit is None or permit.status is not PermitStatus.VALID:
        return None
    return permit.valid_to


def _menu_order(page: Page) -> tuple[int, str]:
    return page.order, page.slug


def directory_of(site: Site, build: str = "", units: bool = True) -> records.DirectoryData:
    """What the service needs of ``site``, in the site's order (without its units unless
    ``units``: the build step makes their lines apart, ``unit_lines``)."""
    return records.DirectoryData(
        site_identity(site),
        build,
        site.province,
        tuple(records.Division(d.code, d.name, d.parent) for d in site.divisions.values()),
        tuple(
            records.Body(b.id, b.name, b.level, tuple(b.areas), b.email, b.phone, b.parent)
            for b in site.bodies
        ),
        tuple(_unit(u) for u in site.units) if units else (),
        site.title,
        site.issuer,
        tuple((p.title, page_path(p.slug)) for p in sorted(site.pages, key=_menu_order)),
    )


def directory_path(settings: dict[str, Any]) -> Path:
    """Where a build with ``settings`` writes the directory file: beside its search index."""
    folder = settings.get("search_index_dir") or settings_mod.get("search_index_dir")
    return records.path_beside(folder)


def write_directory(
    site: Site, out_dir: Path, settings: dict[str, Any], ctx: BuildContext | None = None
) -> Path:
    """Build step: write the directory file beside the search index (never into the site,
    whose files are all public: bodies' routing addresses are not). In a build, the line of
    a unit whose key is unchanged is the last build's (``unit_lines``)."""
    path = directory_path(settings)
    data = directory_of(site, ctx.step_key if ctx is not None else "", units=ctx is None)
    lines = unit_lines(site, ctx) if ctx is not None else None
    records.write(path, data, lines)
    return path


def _line(unit: Unit) -> str:
    return records.unit_line(_unit(unit))


def unit_lines(site: Site, ctx: BuildContext) -> list[str]:
    """Every unit's line of the directory file: the last build's where the unit's key is
    the same (``kept.KeptLines``), made again for the others; a unit's line is made from its
    record alone, which its key covers."""
    kept = KeptLines(ctx, "directory")
    lines = [kept.text(u.fixed_source_code, partial(_line, u)) for u in site.units]
    kept.save()
    return lines


def directory_matches_build(path: str | Path, build: str) -> bool:
    """Whether the file at ``path`` is the one a build with step key ``build`` wrote."""
    header = records.read_header(path)
    return header is not None and bool(build) and header.get("build") == build


#: The name under which the build runs ``write_directory``.
STEP = "generator.directory.write:write_directory"


def untrusted(steps: dict[str, Any], settings: dict[str, Any]) -> set[str]:
    """The directory step, when the file is no longer the one its last build wrote (another
    build replaced or removed it): it then runs again and repairs the file."""
    record = steps.get(STEP)
    if record is None or directory_matches_build(directory_path(settings), record.key):
        return set()
    return {STEP}
