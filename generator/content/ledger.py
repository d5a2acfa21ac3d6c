"""The public problem ledger (问题台账) as the build reads it from the service's export.

One ``LedgerItem`` per problem found, whatever its source; the export holds no personal
data (docs/statistics.md, "The problem ledger"). Overdue is never stored: it is derived
from the deadline and the build's judging day (``Site.judged_on``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: Where a problem came from, code -> label.
LEDGER_SOURCE_LABELS: dict[str, str] = {
    "inspection": "执法检查",
    "report": "群众举报",
    "monitoring": "自动监控预警",
    "permit": "排污许可",
    "officer": "质量核查",
}

#: The stored states of an item, code -> label (overdue is derived, see ``LedgerItem.overdue``).
LEDGER_STATE_LABELS: dict[str, str] = {
    "open": "待整改",
    "answered": "已反馈待核查",
    "sent_back": "退回重新整改",
    "verified": "已核查待销号",
    "closed": "已销号",
}

#: The label of an item that is not closed and past its deadline.
OVERDUE_LABEL = "已逾期"


@dataclass(frozen=True, slots=True)
class LedgerItem:
    """One problem of the public ledger: what was found, its deadline and its state."""

    id: str
    unit_code: str
    outlet: str
    source: str
    found_on: dt.date
    title: str
    action: str
    due_on: dt.date | None
    state: str
    closed_on: dt.date | None
    body: str

    @property
    def source_label(self) -> str:
        """The source in Chinese."""
        return LEDGER_SOURCE_LABELS[self.source]

    @property
    def state_label(self) -> str:
        """The stored state in Chinese."""
        return LEDGER_STATE_LABELS[self.state]

    @property
    def is_open(self) -> bool:
        """Not closed (销号) yet."""
        return self.state != "closed"

    def overdue(self, on: dt.date) -> bool:
        """Not closed and its deadline has passed on day ``on``."""
        return self.is_open and self.due_on is not None and self.due_on < on


@dataclass(frozen=True, slots=True)
class MonthlyItem:
    """Problems found by inspections under one checklist item in a body's month."""

    title: str
    found: int
    on_the_spot: int
    deadline: int


@dataclass(frozen=True, slots=True)
class BodyMonth:
    """A body's public monthly figures (月报公开), counted over it and the bodies under it:
    the same counts as the officer's monthly report for the body and month."""

    month: str  # YYYY-MM
    body: str
    body_name: str
    inspections: int
    units: int
    problems: int
    items: tuple[MonthlyItem, ...]
    ledger_found: int
    ledger_closed: int
    ledger_overdue: int
    reports_received: int
    reports_concluded: int
    reports_on_time: int
    penalties: int

    @property
    def first_day(self) -> dt.date:
        """The month's first day."""
        return dt.date(int(self.month[:4]), int(self.month[5:]), 1)
