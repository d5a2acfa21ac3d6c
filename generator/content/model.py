"""The published model: frozen dataclasses that readers build and writers only read.

The enumerations and their Chinese labels are in enums.py (one table per label) and are
importable from here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from generator import clock
from generator.content.codes import OUTLET_ELEMENT_LABELS, outlet_kind
from generator.content.draws import PublicDraw
from generator.content.enums import (
    EXPIRING_DAYS,
    OUTLET_TYPE_LABELS,
    Category,
    Execution,
    Method,
    PermitState,
    PermitStatus,
    RectificationStatus,
)
from generator.content.ledger import BodyMonth, LedgerItem


@dataclass(frozen=True, slots=True)
class Coordinates:
    """WGS-84 latitude and longitude in degrees."""

    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Industry:
    """Industry by GB/T 4754 code and name."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class PermittedAmount:
    """Annual permitted amount of one pollutant (许可排放量)."""

    pollutant: str
    amount: float
    unit: str = "t/a"


@dataclass(frozen=True, slots=True)
class Permit:
    """A discharge permit (排污许可证)."""

    number: str
    authority: str
    valid_from: dt.date
    valid_to: dt.date
    status: PermitStatus = PermitStatus.VALID
    status_date: dt.date | None = None
    permitted: tuple[PermittedAmount, ...] = ()

    def state(self, today: dt.date) -> PermitState:
        """The state a reader sees on ``today``."""
        if self.status is PermitStatus.REVOKED:
            return PermitState.REVOKED
        if self.status is PermitStatus.CANCELLED:
            return PermitState.CANCELLED
        if self.valid_to < today:
            return PermitState.EXPIRED
        if (self.valid_to - today).days <= EXPIRING_DAYS:
            return PermitState.EXPIRING
        return PermitState.VALID


@dataclass(frozen=True, slots=True)
class OutletPollutant:
    """A pollutant an outlet may discharge, with its limit and how it is monitored."""

    name: str
    unit: str
    limit_max: float | None = None
    limit_min: float | None = None
    standard: str = ""
    method: Method = Method.MANUAL
    networked: bool = False
    frequency: str = ""

    def exceeds(self, value: float) -> bool:
        """True if ``value`` is outside the limit."""
        if self.limit_max is not None and value > self.limit_max:
            return True
        return self.limit_min is not None and value < self.limit_min

    @property
    def limit_text(self) -> str:
        """The limit as a reader sees it, e.g. ``≤100`` or ``6–9``."""
        if self.limit_min is not None and self.limit_max is not None:
            return f"{_num(self.limit_min)}–{_num(self.limit_max)}"
        if self.limit_max is not None:
            return f"≤{_num(self.limit_max)}"
        if self.limit_min is not None:
            return f"≥{_num(self.limit_min)}"
        return "—"


@dataclass(frozen=True, slots=True)
class Outlet:
    """A discharge outlet (排放口) such as DA001 or DW001."""

    code: str
    name: str
    type: str = "general"  # main 主要排放口 | general 一般排放口
    location: str = ""
    coordinates: Coordinates | None = None
    stack_height_m: float | None = None
    diameter_m: float | None = None
    receiving_water: str = ""
    pollutants: tuple[OutletPollutant, ...] = ()
    #: The MN of the outlet's automatic-monitoring data logger (HJ 212), "" if none.
    mn: str = ""

    @property
    def kind(self) -> str:
        """'gas' or 'water', from the outlet code."""
        return outlet_kind(self.code)

    @property
    def kind_label(self) -> str:
        """废气 or 废水."""
        return OUTLET_ELEMENT_LABELS[self.kind]

    @property
    def type_label(self) -> str:
        """主要排放口 or 一般排放口."""
        return OUTLET_TYPE_LABELS["main" if self.type == "main" else "general"]

    def pollutant(self, name: str) -> OutletPollutant | None:
        """The pollutant entry called ``name``, if the outlet has one."""
        return next((p for p in self.pollutants if p.name == name), None)


@dataclass(frozen=True, slots=True)
class Measurement:
    """One monitoring result on an outlet.

    A result below the detection limit (未检出: ``ND``, ``<0.5``, ``0.5L``) has no ``value``
    and its ``detection_limit``; see generator/content/results.py for how it is judged.
    """

    outlet: str
    pollutant: str
    date: dt.date
    value: float | None
    unit: str
    method: Method = Method.MANUAL
    detection_limit: float | None = None

    @property
    def detected(self) -> bool:
        """False for a result below the detection limit."""
        return self.value is not None

    @property
    def text(self) -> str:
        """The result as a reader sees it: ``48.3`` or ``未检出 (检出限 0.5)``."""
        if self.value is not None:
            return _num(self.value)
        return f"未检出 (检出限 {_num(self.detection_limit or 0)})"


@dataclass(frozen=True, slots=True)
class Inspection:
    """An on-site inspection (执法检查)."""

    date: dt.date
    authority: str
    kind: str = ""
    findings: str = ""
    problems_found: bool = False


@dataclass(frozen=True, slots=True)
class Penalty:
    """An administrative penalty decision (行政处罚决定)."""

    decision_number: str
    date: dt.date
    authority: str
    violation: str
    legal_basis: str
    amount: float
    execution: Execution = Execution.PENDING
    document_url: str = ""


@dataclass(frozen=True, slots=True)
class Rectification:
    """A rectification order (整改要求) and whether it was closed out."""

    ref: str
    issued: dt.date
    authority: str
    requirement: str
    due: dt.date
    status: RectificationStatus = RectificationStatus.OPEN
    closed: dt.date | None = None

    def overdue(self, today: dt.date) -> bool:
        """True if still open after its due date."""
        return self.status is RectificationStatus.OPEN and self.due < today


@dataclass(frozen=True, slots=True)
class DataAsOf:
    """The date each source's data was taken (数据截至)."""

    permit: dt.date
    monitoring: dt.date | None = None
    enforcement: dt.date | None = None

    @property
    def latest(self) -> dt.date:
        """The newest of the three dates."""
        newest, monitoring, enforcement = self.permit, self.monitoring, self.enforcement
        if monitoring is not None and monitoring > newest:
            newest = monitoring
        if enforcement is not None and enforcement > newest:
            newest = enforcement
        return newest


@dataclass(frozen=True, slots=True)
class Unit:
    """A pollutant-discharging unit (排污单位), keyed by its fixed-source code."""

    fixed_source_code: str
    name: str
    uscc: str
    category: Category
    industry: Industry
    county_code: str
    address: str
    legal_representative: str
    data_as_of: DataAsOf
    coordinates: Coordinates | None = None
    short_names: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()
    permit: Permit | None = None
    outlets: tuple[Outlet, ...] = ()
    #: A tuple; the load cache gives a lazily unpickled sequence (readers/pickled.py).
    measurements: Sequence[Measurement] = ()
    inspections: tuple[Inspection, ...] = ()
    penalties: tuple[Penalty, ...] = ()
    rectifications: tuple[Rectification, ...] = ()
    source: str = ""

    @property
    def code(self) -> str:
        """Short alias of ``fixed_source_code``."""
        return self.fixed_source_code

    @property
    def city_code(self) -> str:
        """GB/T 2260 code of the unit's city (prefecture)."""
        return self.county_code[:4] + "00"

    def permit_state(self, today: dt.date) -> PermitState:
        """The permit badge state on ``today``."""
        if self.permit is None:
            return PermitState.REGISTERED
        return self.permit.state(today)

    def outlet(self, code: str) -> Outlet | None:
        """The outlet with ``code``, if any."""
        return next((o for o in self.outlets if o.code == code), None)

    def series(self, outlet: str, pollutant: str) -> tuple[Measurement, ...]:
        """Measurements of one pollutant on one outlet, oldest first."""
        found = (m for m in self.measurements if m.outlet == outlet and m.pollutant == pollutant)
        return tuple(sorted(found, key=lambda m: m.date))


@dataclass(frozen=True, slots=True)
class Division:
    """An administrative division (GB/T 2260)."""

    code: str
    name: str
    parent: str | None

    @property
    def level(self) -> str:
        """'province', 'city' or 'county'."""
        if self.code.endswith("0000"):
            return "province"
        if self.code.endswith("00"):
            return "city"
        return "county"


@dataclass(frozen=True, slots=True)
class EnforcementBody:
    """An enforcement body (生态环境执法机构) with the divisions it covers."""

    id: str
    name: str
    level: str  # province | city | county
    areas: tuple[str, ...]
    email: str = ""
    phone: str = ""
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """A Markdown content page."""

    slug: str
    title: str
    body_html: str
    summary: str = ""
    order: int = 100
    source: str = ""


@dataclass(frozen=True)
class Site:
    """Everything loaded from ``content/``: the only input of every writer."""

    units: tuple[Unit, ...]
    pages: tuple[Page, ...] = ()
    bodies: tuple[EnforcementBody, ...] = ()
    divisions: dict[str, Division] = field(default_factory=dict)
    title: str = "生态环境一码通"
    province: str = "450000"
    issuer: str = ""
    #: Public report statistics from the feedback service (see docs/statistics.md), or {}.
    report_stats: dict = field(default_factory=dict)
    #: The public problem ledger from the feedback service (``ledger_file``), or ().
    ledger: tuple[LedgerItem, ...] = ()
    #: The day the ledger file was written, None without one.
    ledger_as_of: dt.date | None = None
    #: The bodies' public monthly figures from the ledger file (its ``monthly``), or ().
    ledger_monthly: tuple[BodyMonth, ...] = ()
    #: The public list of random draws (``draws_file``), or (); the day it was written.
    draws: tuple[PublicDraw, ...] = ()
    draws_as_of: dt.date | None = None
    #: What the load noticed without stopping the build (ledger items of unknown units).
    notices: tuple[str, ...] = ()

    @cached_property
    def as_of(self) -> dt.date:
        """Reference date of the whole site: the newest data-as-of date in the content."""
        return max((u.data_as_of.latest for u in self.units), default=dt.date(2000, 1, 1))

    @cached_property
    def judged_on(self) -> dt.date:
        """The day permit states and overdue rectifications are judged on: the build's day
        (China date, ``generator.clock``), never before the content's as-of date. A permit
        whose end date has passed is expired whether or not newer data has come in."""
        return max(self.as_of, clock.china_today())

    def unit(self, code: str) -> Unit | None:
        """The unit with fixed-source ``code``, if any."""
        return self._by_code.get(code)

    @cached_property
    def _by_code(self) -> dict[str, Unit]:
        return {u.fixed_source_code: u for u in self.units}

    def ledger_of(self, code: str) -> tuple[LedgerItem, ...]:
        """The ledger items of the unit with fixed-source ``code``, in the file's order."""
        return self._ledger_by_unit.get(code, ())

    @cached_property
    def _ledger_by_unit(self) -> dict[str, tuple[LedgerItem, ...]]:
        found: dict[str, list[LedgerItem]] = {}
        for item in self.ledger:
            found.setdefault(item.unit_code, []).append(item)
        return {code: tuple(items) for code, items in found.items()}

    def draws_of(self, code: str) -> tuple[PublicDraw, ...]:
        """The draws that drew the unit with fixed-source ``code``, oldest first."""
        return tuple(
            sorted((d for d in self.draws if code in d.units), key=lambda d: (d.drawn_on, d.id))
        )

    def division_name(self, code: str) -> str:
        """Name of a division code, or the code itself if unknown."""
        division = self.divisions.get(code)
        return division.name if division else code


def _num(value: float) -> str:
    """Format a number without a trailing .0."""
    return f"{value:g}"
