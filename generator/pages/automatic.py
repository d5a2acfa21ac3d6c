"""What the pages show of automatic monitoring (自动监控): plain records the build computes in
generator/monitoring from the monitoring store and hands to the site app. Pages never open
the store; these records are all they know of it (docs/monitoring.md, "Public")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class AutoSeries:
    """One pollutant at one outlet: its daily values of the last 90 days and its shares."""

    outlet: str
    code: str
    pollutant: str
    unit: str
    limit_min: float | None
    limit_max: float | None
    #: The averaging period the limit applies to: "hour" (any valid hour over) or "day".
    period: str
    #: The newest hour of data of this series (China time, the start of the hour).
    latest: dt.datetime
    #: The days of the window, each with its mean of valid hours (None: too few valid
    #: hours for a daily value), its valid hours and whether it was an exceedance day.
    days: tuple[dt.date, ...]
    means: tuple[float | None, ...]
    valid_hours: tuple[int, ...]
    exceeded: tuple[bool, ...]
    #: Valid hours (flag N) over the hours of the month / year to the unit's data-as-of.
    month_valid: float
    year_valid: float
    month_exceed_days: int
    year_exceed_days: int

    @property
    def window_exceed_days(self) -> int:
        """Exceedance days in the 90-day window."""
        return sum(self.exceeded)

    @property
    def limit_text(self) -> str:
        """The limit as a reader sees it (≤100, 6–9, ≥5 or —)."""
        low, high = self.limit_min, self.limit_max
        if low is not None and high is not None:
            return f"{low:g}–{high:g}"
        if high is not None:
            return f"≤{high:g}"
        return f"≥{low:g}" if low is not None else "—"


@dataclass(frozen=True, slots=True)
class CriterionScore:
    """One criterion of a unit's 环保脸谱 rating: the measured share, points, the reason."""

    key: str
    name: str
    value: float
    points: float
    weight: float
    reason: str


@dataclass(frozen=True, slots=True)
class Rating:
    """A unit's 环保脸谱 rating: total score, grade and the reason of every criterion."""

    score: float
    grade: str
    grade_name: str
    criteria: tuple[CriterionScore, ...]


@dataclass(frozen=True, slots=True)
class MethodRow:
    """One row of the published rating method: a criterion or a grade."""

    kind: str
    key: str
    name: str
    weight: float | None
    full: float | None
    zero: float | None
    text: str


@dataclass(frozen=True, slots=True)
class UnitMonitoring:
    """Everything a unit's pages show of its automatic monitoring."""

    #: The newest hour of the unit's data (its data-as-of, from the data); None: no data.
    as_of: dt.datetime | None
    series: tuple[AutoSeries, ...]
    rating: Rating | None
    #: Exceedance days by quarter ("2026Q2" -> days), for the compliance history.
    quarter_days: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PublicMonitoring:
    """The automatic monitoring the site shows: per unit, and the rating method."""

    units: Mapping[str, UnitMonitoring]
    method: tuple[MethodRow, ...]
    #: The newest hour in the store (None when the store has no hourly data).
    as_of: dt.datetime | None = None


#: What the site shows without a monitoring store: no unit data, the method alone.
EMPTY = PublicMonitoring({}, ())
