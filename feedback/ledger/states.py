"""Ledger states and actions, declared once as tables (as feedback.states and workflow do).

open → answered → verified → closed; answered → sent_back → answered …; an item fixed on the
spot is created closed. Overdue is never stored: it follows from the due day and the state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class LedgerState(StrEnum):
    """Where a ledger item stands."""

    OPEN = "open"
    ANSWERED = "answered"
    SENT_BACK = "sent_back"
    VERIFIED = "verified"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """Chinese name shown to everyone."""
        return STATE_LABELS[self]


STATE_LABELS: dict[LedgerState, str] = {
    LedgerState.OPEN: "待整改",
    LedgerState.ANSWERED: "企业已反馈",
    LedgerState.SENT_BACK: "已退回重改",
    LedgerState.VERIFIED: "整改已核实",
    LedgerState.CLOSED: "已销号",
}

#: Where a problem came from, with its Chinese name.
SOURCES: dict[str, str] = {
    "inspection": "现场检查",
    "report": "群众举报",
    "monitoring": "自动监控预警",
    "permit": "排污许可",
    "officer": "执法人员录入",
}


@dataclass(frozen=True, slots=True)
class LedgerAction:
    """One ledger action: where it may start, where it leads, who takes it."""

    label: str
    sources: frozenset[LedgerState]
    target: LedgerState
    who: str  # officer | enterprise | system
    #: Said when the item is in a state the action may not start from.
    refused: str


def _states(*states: LedgerState) -> frozenset[LedgerState]:
    return frozenset(states)


S = LedgerState
LEDGER_ACTIONS: dict[str, LedgerAction] = {
    "answer": LedgerAction(
        "整改反馈",
        _states(S.OPEN, S.SENT_BACK),
        S.ANSWERED,
        "enterprise",
        "该问题已反馈或已销号，现在不能再提交整改反馈。",
    ),
    "verify": LedgerAction(
        "核实整改",
        _states(S.ANSWERED),
        S.VERIFIED,
        "officer",
        "只能核实企业已提交、尚未核实的整改反馈。",
    ),
    "send_back": LedgerAction(
        "退回重改",
        _states(S.ANSWERED),
        S.SENT_BACK,
        "officer",
        "只能退回企业已提交、尚未核实的整改反馈。",
    ),
    "close": LedgerAction(
        "销号",
        _states(S.VERIFIED),
        S.CLOSED,
        "officer",
        "未经核实整改不能销号：请先核实企业的整改反馈。",
    ),
}

#: Event kinds of the audit trail that are not transitions of the table above.
EVENT_LABELS: dict[str, str] = {
    "open": "立项挂单",
    "fix_on_spot": "立整立改（当场整改并销号）",
    "renewed": "许可证已延续（系统自动销号）",
    **{name: action.label for name, action in LEDGER_ACTIONS.items()},
}

NOT_CLOSED = frozenset(s for s in LedgerState if s is not LedgerState.CLOSED)


def can(action: str, state: LedgerState | str) -> bool:
    """Whether ``action`` may be taken from ``state`` (roles aside)."""
    return LedgerState(state) in LEDGER_ACTIONS[action].sources


def is_overdue(state: LedgerState | str, due_on: dt.date | None, today: dt.date) -> bool:
    """Derived, never stored: not closed and the due day has passed."""
    return LedgerState(state) is not LedgerState.CLOSED and due_on is not None and due_on < today


def markdown() -> str:
    """docs/ledger.md's state and action tables, as the tables above declare them."""
    lines = ["| state | label |", "| --- | --- |"]
    lines += [f"| {s.value} | {s.label} |" for s in LedgerState]
    lines += ["", "| action | label | from | to | who |", "| --- | --- | --- | --- | --- |"]
    for name, rule in LEDGER_ACTIONS.items():
        start = " / ".join(s.value for s in LedgerState if s in rule.sources)
        lines.append(f"| {name} | {rule.label} | {start} | {rule.target.value} | {rule.who} |")
    return "\n".join(lines) + "\n"
