"""The directory of units, bodies and divisions the service routes by, and its routing.

It comes only from the directory file a build publishes beside the search index
(generator/directory/records.py); ``feedback.directory_file`` reads it again when a newer
build replaced it, without a restart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

from generator.directory.records import Body, DirectoryData, Division, UnitEntry

__all__ = ["Body", "Directory", "Division", "UnitEntry"]


@dataclass
class Directory:
    """Units, bodies and divisions by code, and the body tree."""

    units: dict[str, UnitEntry] = field(default_factory=dict)
    bodies: dict[str, Body] = field(default_factory=dict)
    divisions: dict[str, Division] = field(default_factory=dict)
    #: The province's GB/T 2260 code, from the directory file (site.yaml ``province``).
    province: str = ""
    #: Identity of the site the directory file was made from (generator.search.identity).
    site_id: str = ""
    #: The site's name and issuing authority as the build published them (site.yaml).
    title: str = ""
    issuer: str = ""
    #: The site's explanation pages as (title, path on the site), for the footer.
    pages: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_data(cls, data: DirectoryData) -> Directory:
        """The directory of one directory file's records."""
        return cls(
            {u.code: u for u in data.units},
            {b.id: b for b in data.bodies},
            {d.code: d for d in data.divisions},
            data.province,
            data.site,
            data.title,
            data.issuer,
            data.pages,
        )

    @cached_property
    def coordinates(self) -> dict[str, tuple[float, float]]:
        """Coordinates of each unit that has them, by fixed-source code."""
        return {c: u.coordinates for c, u in self.units.items() if u.coordinates is not None}

    @cached_property
    def coordinate_cells(self) -> dict[tuple[int, int], list[str]]:
        """Units with coordinates by 0.1-degree cell (feedback.place finds nearby units in the
        cells around a point instead of measuring the whole province's)."""
        cells: dict[tuple[int, int], list[str]] = {}
        for code, (lat, lon) in self.coordinates.items():
            cells.setdefault((math.floor(lat * 10), math.floor(lon * 10)), []).append(code)
        return cells

    def unit(self, code: str | None) -> UnitEntry | None:
        """The unit with this fixed-source code, if known."""
        return self.units.get(code or "")

    def division_name(self, code: str) -> str:
        """Name of a division, or the code itself."""
        d = self.divisions.get(code)
        return d.name if d else code

    def place_name(self, county_code: str) -> str:
        """City and county names, e.g. 南宁市宾阳县."""
        if not county_code:
            return ""
        known = self.divisions.get(county_code)
        city = known.parent if known and known.parent else county_code[:4] + "00"
        if city == self.province:  # a municipality's district, a county under the province
            return self.division_name(county_code)
        if city == county_code:
            return self.division_name(city)
        return self.division_name(city) + self.division_name(county_code)

    def cities(self) -> list[Division]:
        """Cities of the province, by code."""
        return sorted(
            (d for d in self.divisions.values() if d.level == "city"), key=lambda d: d.code
        )

    def counties(self) -> list[Division]:
        """Counties and districts, by code."""
        return sorted(
            (d for d in self.divisions.values() if d.level == "county"), key=lambda d: d.code
        )

    def body_for_area(self, code: str) -> Body | None:
        """The body whose areas include exactly this division code."""
        return next((b for b in self.bodies.values() if code in b.areas), None)

    def route(self, county_code: str) -> Body:
        """Body responsible for a county: the county body, else the city body, else the province."""
        for code in (county_code, county_code[:4] + "00", self.province):
            body = self.body_for_area(code) if code else None
            if body is not None:
                return body
        top = [b for b in self.bodies.values() if b.parent is None]
        if not top:
            raise LookupError("目录文件中没有执法机构（请先运行 yimatong build，见 bodies.yaml）")
        return top[0]

    def descendants(self, body_id: str) -> set[str]:
        """A body and every body under it."""
        found = {body_id}
        changed = True
        while changed:
            more = {b.id for b in self.bodies.values() if b.parent in found} - found
            found |= more
            changed = bool(more)
        return found

    def body_name(self, body_id: str) -> str:
        """Name of a body, or its id."""
        b = self.bodies.get(body_id)
        return b.name if b else body_id
