"""What every page type shares: outputs with content keys, the catalog of lookups, paging."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, NamedTuple

from flask import abort, current_app

from generator import urls
from generator.content.model import Category, Penalty, PermitState, Site, Unit
from generator.pages.automatic import EMPTY, PublicMonitoring
from generator.pages.nearby import NearbyGrid, Neighbour

#: At most this many units on one listing page, so listings stay small at province scale.
PER_PAGE = 200


class Output(NamedTuple):
    """One file of the built site: its URL path, the record that makes it, and a content key.

    Two builds that compute the same key for a path write the same bytes there, so an
    incremental build renders only the paths whose key changed.
    """

    path: str
    owner: str
    key: str
    #: page: frozen through the site app | qr: from the QR cache | data: a unit's data file
    #: made without Flask | asset: a static file copied
    kind: str = "page"
    #: qr: the absolute URL the code encodes | data: the unit's code | asset: the file name
    url: str = ""


def digest(*parts: Any) -> str:
    """A short stable hash of the repr of ``parts``."""
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:20]


class UnitRow(NamedTuple):
    """What a listing shows of one unit (a tuple: made for every unit on every build)."""

    code: str
    name: str
    path: str
    city: str
    county: str
    category: str
    industry: str
    state: PermitState
    valid_to: dt.date | None


@dataclass(frozen=True, slots=True)
class PenaltyRow:
    """What the penalties listing shows of one decision."""

    penalty: Penalty
    code: str
    name: str
    path: str


@dataclass
class Catalog:
    """Lookups computed once per process from the site, shared by every view."""

    site: Site
    rows: dict[str, UnitRow]
    by_division: dict[str, list[str]]
    by_industry: dict[str, list[str]]
    industry_names: dict[str, str]
    penalties: list[PenaltyRow]
    page_paths: list[str] = field(default_factory=list)
    #: Page path -> its data-as-of date (ISO), for the sitemap's lastmod.
    lastmods: dict[str, str] = field(default_factory=dict)
    unit_keys: dict[str, str] = field(default_factory=dict)
    #: Figures a page module computes once per process from the site (e.g. the ledger by city).
    memo: dict[str, Any] = field(default_factory=dict)
    #: Unit code -> key of what listings show of it (its content key, without monitoring).
    row_keys: dict[str, str] = field(default_factory=dict)
    #: What the pages show of automatic monitoring (computed by the build from the store).
    monitoring: PublicMonitoring = EMPTY
    #: The ``nearby_radius_m`` and ``nearby_count`` settings (the site app sets them).
    nearby_conf: tuple[int, int] = (5000, 5)
    _nearby: NearbyGrid | None = None

    def nearby(self, unit: Unit) -> tuple[Neighbour, ...] | None:
        """The nearby published units of ``unit`` (None: it has no coordinates); the grid is
        made on the first call."""
        if self._nearby is None:
            self._nearby = NearbyGrid(self.site.units, *self.nearby_conf)
        return self._nearby.near(unit)

    def use_nearby(self, grid: NearbyGrid) -> None:
        """Take the nearby lists from ``grid`` (the build's, of this site) when it has the
        radius and count of this catalog, rather than making a grid again."""
        if (grid.radius_m, grid.count) == self.nearby_conf:
            self._nearby = grid

    @property
    def as_of(self) -> dt.date:
        """The site's reference date (cached by the Site)."""
        return self.site.as_of

    @property
    def judged_on(self) -> dt.date:
        """The day permit states and overdue flags are judged on (see ``Site.judged_on``)."""
        return self.site.judged_on

    def unit_or_404(self, shard: str, code: str) -> Unit:
        """The unit at ``/e/<shard>/<code>/`` or a 404."""
        unit = self.site.unit(code)
        if unit is None or urls.shard(code) != shard:
            abort(404)
        return unit

    def units_in_state(self, *states: PermitState) -> list[UnitRow]:
        """Rows of units whose permit badge is one of ``states``, by permit end date then code."""
        found = [r for r in self.rows.values() if r.state in states]
        return sorted(found, key=lambda r: (r.valid_to or dt.date.min, r.code))


def build_catalog(site: Site) -> Catalog:
    """The catalog of ``site``: one pass over the units (the site app makes it once)."""
    as_of = site.judged_on
    rows: dict[str, UnitRow] = {}
    by_division: dict[str, list[str]] = defaultdict(list)
    by_industry: dict[str, list[str]] = defaultdict(list)
    industry_names: dict[str, str] = {}
    penalties: list[PenaltyRow] = []
    names: dict[str, str] = {}
    labels = {category: category.label for category in Category}
    for unit in sorted(site.units, key=attrgetter("fixed_source_code")):
        code, county, city = unit.fixed_source_code, unit.county_code, unit.city_code
        if county not in names:
            names[county] = site.division_name(county)
            names[city] = site.division_name(city)
        path = urls.unit_path(code)
        permit = unit.permit
        rows[code] = UnitRow(
            code,
            unit.name,
            path,
            names[city],
            names[county],
            labels[unit.category],
            unit.industry.name,
            permit.state(as_of) if permit is not None else PermitState.REGISTERED,
            permit.valid_to if permit is not None else None,
        )
        by_division[city].append(code)
        by_division[county].append(code)
        by_industry[unit.industry.code].append(code)
        industry_names.setdefault(unit.industry.code, unit.industry.name)
        if unit.penalties:
            penalties.extend(PenaltyRow(p, code, unit.name, path) for p in unit.penalties)
    penalties.sort(key=lambda p: (p.penalty.date, p.penalty.decision_number), reverse=True)
    return Catalog(site, rows, dict(by_division), dict(by_industry), industry_names, penalties)


def catalog() -> Catalog:
    """The catalog of the running site app."""
    return current_app.extensions["yimatong.catalog"]


def settings() -> dict[str, Any]:
    """The settings of the running site app."""
    return current_app.extensions["yimatong.settings"]


@dataclass(frozen=True, slots=True)
class Pager:
    """One page of a paginated listing."""

    items: list
    number: int
    count: int
    base: str

    def href(self, number: int) -> str:
        """Address of page ``number`` of this listing."""
        return self.base if number == 1 else f"{self.base}{number}/"

    @property
    def previous(self) -> str | None:
        """Address of the previous page, if any."""
        return self.href(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        """Address of the next page, if any."""
        return self.href(self.number + 1) if self.number < self.count else None


def page_count(total: int, per_page: int = PER_PAGE) -> int:
    """How many pages a listing of ``total`` items takes (at least one)."""
    return max(1, -(-total // per_page))


def paginate(items: list, number: int, base: str, per_page: int = PER_PAGE) -> Pager:
    """Page ``number`` of ``items`` (404 if out of range)."""
    count = page_count(len(items), per_page)
    if not 1 <= number <= count:
        abort(404)
    start = (number - 1) * per_page
    return Pager(items[start : start + per_page], number, count, base)


def paged_outputs(base: str, owner: str, items: list, *extra: Any) -> list[Output]:
    """Outputs of every page of a paginated listing, each keyed by what it shows."""
    count = page_count(len(items))
    outputs = []
    for number in range(1, count + 1):
        part = items[(number - 1) * PER_PAGE : number * PER_PAGE]
        path = base if number == 1 else f"{base}{number}/"
        outputs.append(Output(path, owner, digest(part, number, count, *extra)))
    return outputs
