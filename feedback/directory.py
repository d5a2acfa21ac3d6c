"""In-memory directory of units, bodies and divisions, loaded once from content/, and routing."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.content.model import (
    Division,
    EnforcementBody,
    Rectification,
    RectificationStatus,
    Site,
)


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
    open_rectifications: tuple[Rectification, ...] = ()


@dataclass
class Directory:
    """Units, bodies and divisions by code, and the body tree."""

    units: dict[str, UnitEntry] = field(default_factory=dict)
    bodies: dict[str, EnforcementBody] = field(default_factory=dict)
    divisions: dict[str, Division] = field(default_factory=dict)
    province: str = "450000"

    @classmethod
    def from_site(cls, site: Site) -> Directory:
        """Build the directory from a loaded Site."""
        units = {
            u.fixed_source_code: UnitEntry(
                u.fixed_source_code,
                u.name,
                u.county_code,
                u.city_code,
                tuple(o.code for o in u.outlets),
                u.address,
                tuple(r for r in u.rectifications if r.status is RectificationStatus.OPEN),
            )
            for u in site.units
        }
        bodies = {b.id: b for b in site.bodies}
        return cls(units, bodies, dict(site.divisions), site.province)

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
        city = county_code[:4] + "00"
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

    def body_for_area(self, code: str) -> EnforcementBody | None:
        """The body whose areas include exactly this division code."""
        return next((b for b in self.bodies.values() if code in b.areas), None)

    def route(self, county_code: str) -> EnforcementBody:
        """Body responsible for a county: the county body, else the city body, else the province."""
        for code in (county_code, county_code[:4] + "00", self.province):
            body = self.body_for_area(code) if code else None
            if body is not None:
                return body
        top = [b for b in self.bodies.values() if b.parent is None]
        if not top:
            raise LookupError("内容中没有执法机构（bodies.yaml）")
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
