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
