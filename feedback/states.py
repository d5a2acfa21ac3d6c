"""Report states, declared once: label, kind (open, closed, fixed) and which deadline runs.

The actions that move a report between states are declared once in ``feedback.workflow``.
The form vocabularies (categories, findings, ratings, reward statuses) live here too, so
forms, pages, mails and exports read one label per value.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    """Where a report stands; the kind, label and running deadline derive from it."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    ASSIGNED = "assigned"
    INVESTIGATING = "investigating"
    SUSPENDED = "suspended"
    CONCLUDED = "concluded"
    RECTIFICATION_ORDERED = "rectification_ordered"
    RECTIFICATION_VERIFIED = "rectification_verified"
    CLOSED = "closed"
    REOPENED = "reopened"

    @property
    def rule(self) -> StateRule:
        """This state's entry of :data:`STATES`."""
        return STATES[self]

    @property
    def label(self) -> str:
        """Chinese name shown to everyone."""
        return STATES[self].label

    @property
    def kind(self) -> str:
        """open, closed or fixed."""
        return STATES[self].kind


@dataclass(frozen=True, slots=True)
class StateRule:
    """One state: its label, its kind, and the deadline that runs while a report is in it."""

    label: str
    kind: str  # open | closed | fixed (as FixMyStreet)
    #: The report field holding the deadline that runs in this state ("" for none).
    deadline: str = ""
    #: The reporter may rate the handling in this state.
    rateable: bool = False
    #: Only supervisors may move a report out of this state.
    supervisors_only: bool = False


STATES: dict[State, StateRule] = {
    State.RECEIVED: StateRule("已收到", "open", deadline="accept_due"),
    State.ACCEPTED: StateRule("已受理", "open", deadline="conclude_due"),
    State.NOT_ACCEPTED: StateRule("不予受理", "closed"),
    State.ASSIGNED: StateRule("已分派", "open", deadline="conclude_due"),
    State.INVESTIGATING: StateRule("调查中", "open", deadline="conclude_due"),
    # The legal clock stops: no deadline runs; resuming moves the deadline by the pause.
    State.SUSPENDED: StateRule("中止办理", "open"),
    State.CONCLUDED: StateRule("已办结", "closed", rateable=True),
    State.RECTIFICATION_ORDERED: StateRule("责令整改中", "open", rateable=True),
    State.RECTIFICATION_VERIFIED: StateRule("整改已核实", "fixed", rateable=True),
    State.CLOSED: StateRule("已销号", "closed", rateable=True),
    State.REOPENED: StateRule("重新办理", "open", deadline="conclude_due", supervisors_only=True),
}

OPEN = frozenset(s for s, rule in STATES.items() if rule.kind == "open")
#: States in which the conclusion deadline runs.
CONCLUSION_CLOCK = frozenset(s for s, rule in STATES.items() if rule.deadline == "conclude_due")
#: States in which a deadline runs (acceptance or conclusion).
CLOCK_RUNNING = frozenset(s for s, rule in STATES.items() if rule.deadline)
#: States after which the reporter may rate the handling.
RATEABLE = frozenset(s for s, rule in STATES.items() if rule.rateable)

CATEGORIES = ("废水", "废气", "噪声", "固体废物", "异味", "无证排污", "其他")

FINDINGS = {
    "substantiated": "属实",
    "partly": "部分属实",
    "not_substantiated": "不属实",
}

RATINGS = {"satisfied": "满意", "partly": "基本满意", "not_satisfied": "不满意"}

#: Reward decision statuses (举报奖励): form choices, history text and pages.
REWARD_STATUSES = {"decided": "已决定", "paid": "已发放", "declined": "不予奖励"}
