"""The summary at the top of a unit page: what a passer-by wants to know in five seconds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from generator.content.enums import RectificationStatus
from generator.content.ledger import LedgerItem
from generator.content.model import Unit

#: The summary counts penalties of this many days before the site's as-of date.
RECENT_DAYS = 365


class Counted(Protocol):
    """A monitored series as the summary sees it (the unit view's Series)."""

    @property
    def exceedances(self) -> int:
        """How many results exceed the limit."""
        ...


@dataclass(frozen=True, slots=True)
class Summary:
    """The figures of a unit page's summary box."""

    #: Results over their limit in the last 12 months, and in how many series.
    exceedances: int
    exceeding_series: int
    monitored_series: int
    #: Open rectification orders, and how many of them are past their due date.
    open_rectifications: int
    overdue_rectifications: int
    #: Penalty decisions in the last 12 months, their fines, and all decisions published.
    recent_penalties: int
    recent_fines: float
    all_penalties: int
    #: Ledger items not closed yet, and how many of them are past their deadline.
    open_problems: int = 0
    overdue_problems: int = 0


def unit_summary(
    unit: Unit,
    series: Sequence[Counted],
    as_of: dt.date,
    judged_on: dt.date | None = None,
    ledger: Sequence[LedgerItem] = (),
) -> Summary:
    """The summary of ``unit`` from its monitored ``series``: penalties of the 12 months to
    ``as_of``, rectifications and ``ledger`` items overdue on ``judged_on`` (default ``as_of``)."""
    since = as_of - dt.timedelta(days=RECENT_DAYS)
    day = judged_on or as_of
    problems = [i for i in ledger if i.is_open]
    recent = [p for p in unit.penalties if since < p.date <= as_of]
    still_open = [r for r in unit.rectifications if r.status is RectificationStatus.OPEN]
    return Summary(
        exceedances=sum(s.exceedances for s in series),
        exceeding_series=sum(1 for s in series if s.exceedances),
        monitored_series=len(series),
        open_rectifications=len(still_open),
        overdue_rectifications=sum(1 for r in still_open if r.overdue(day)),
        recent_penalties=len(recent),
        recent_fines=sum(p.amount for p in recent),
        all_penalties=len(unit.penalties),
        open_problems=len(problems),
        overdue_problems=sum(1 for i in problems if i.overdue(day)),
    )
