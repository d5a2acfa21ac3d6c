"""The unit page's automatic monitoring (自动监控): daily values against the limit, valid-hour
shares, exceedance days, the 环保脸谱 rating with its reasons, and the 12-quarter compliance
history. Plain data from the catalog (generator/pages/automatic.py); template
_monitoring.html."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from generator.content.ledger import LedgerItem
from generator.content.model import Unit
from generator.pages.automatic import AutoSeries, UnitMonitoring
from generator.pages.charts import line_chart
from generator.pages.views.common import Catalog

#: The words of the averaging periods, for the chart's title and the table.
PERIOD_WORDS = {"hour": "小时均值", "day": "日均值"}
QUARTERS = 12
#: The page of the 环保脸谱 method and the ratings.
RATING_PATH = "/monitoring/rating/"
#: The ledger source of a monitoring warning an officer confirmed (feedback/warnings/service.py).
CONFIRMED_SOURCE = "monitoring"


@dataclass(frozen=True, slots=True)
class AutoBlock:
    """One series as the page shows it: the record, its chart and its table rows."""

    series: AutoSeries
    chart: Markup
    #: (day, daily mean or None, valid hours, exceedance day), newest first.
    rows: tuple[tuple[dt.date, float | None, int, bool], ...]

    @property
    def period_words(self) -> str:
        """What the limit is compared with: 小时均值 or 日均值."""
        return PERIOD_WORDS[self.series.period]


@dataclass(frozen=True, slots=True)
class QuarterCell:
    """One quarter of the compliance history."""

    label: str
    #: Exceedance days of automatic monitoring; None when there is no data that quarter.
    exceed_days: int | None
    penalties: int
    fines: float
    #: Monitoring warnings an officer confirmed that quarter (ledger items opened from them).
    confirmed: int = 0


def auto_blocks(shown: UnitMonitoring | None, outlet: str | None = None) -> list[AutoBlock]:
    """The charts and tables of the unit's series (of one outlet when ``outlet`` is given)."""
    if shown is None:
        return []
    blocks = []
    for number, s in enumerate(shown.series):
        if outlet is not None and s.outlet != outlet:
            continue
        points = [(d, m) for d, m in zip(s.days, s.means, strict=True) if m is not None]
        marks = [e for e, m in zip(s.exceeded, s.means, strict=True) if m is not None]
        limits = [v for v in (s.limit_min, s.limit_max) if v is not None]
        label = (
            f"{s.outlet} {s.pollutant} 近90日日均值（{s.unit}），限值 {s.limit_text}"
            f"（{PERIOD_WORDS[s.period]}），超标 {s.window_exceed_days} 天"
        )
        chart = line_chart(points, limits, label, f"a-{s.outlet}-{number}", marks)
        rows = tuple(zip(s.days, s.means, s.valid_hours, s.exceeded, strict=True))[::-1]
        blocks.append(AutoBlock(s, chart, rows))
    return blocks


def quarter_label(year: int, quarter: int) -> str:
    """A quarter as a reader sees it in a narrow cell: 2026 Q2."""
    return f"{year} Q{quarter}"


def confirmed_findings(items: Sequence[LedgerItem]) -> list[LedgerItem]:
    """The ledger items opened from confirmed monitoring warnings, newest first: what the
    public sees of warnings (an officer's finding in the officer's words, never a suspicion
    nobody confirmed)."""
    found = [i for i in items if i.source == CONFIRMED_SOURCE]
    return sorted(found, key=lambda i: (i.found_on, i.id), reverse=True)


def _quarter(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month + 2) // 3


def compliance_strip(unit: Unit, cat: Catalog) -> list[QuarterCell]:
    """The 12 quarters to the one of the judging day: exceedance days, monitoring warnings
    confirmed (by the day the officer confirmed them) and penalties (by decision day)."""
    day = cat.judged_on
    last = day.year * 4 + (day.month - 1) // 3
    shown = cat.monitoring.units.get(unit.code)
    confirmed = confirmed_findings(cat.site.ledger_of(unit.code))
    cells = []
    for index in range(last - QUARTERS + 1, last + 1):
        year, quarter = index // 4, index % 4 + 1
        fined = [p for p in unit.penalties if _quarter(p.date) == (year, quarter)]
        warned = sum(1 for i in confirmed if _quarter(i.found_on) == (year, quarter))
        days = None if shown is None else shown.quarter_days.get(f"{year}Q{quarter}")
        label = quarter_label(year, quarter)
        cells.append(QuarterCell(label, days, len(fined), sum(p.amount for p in fined), warned))
    return cells
