"""Report states, their kind (open, closed, fixed) and the transitions officers may make."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    """Where a report stands; the kind and visibility derive from it."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    ASSIGNED = "assigned"
    INVESTIGATING = "investigating"
    CONCLUDED = "concluded"
    RECTIFICATION_ORDERED = "rectification_ordered"
    RECTIFICATION_VERIFIED = "rectification_verified"
    CLOSED = "closed"
    REOPENED = "reopened"

    @property
    def label(self) -> str:
        """Chinese name shown to everyone."""
        return LABELS[self]

    @property
    def kind(self) -> str:
        """open, closed or fixed."""
        if self in OPEN:
            return "open"
        return "fixed" if self is State.RECTIFICATION_VERIFIED else "closed"


LABELS = {
    State.RECEIVED: "已收到",
    State.ACCEPTED: "已受理",
    State.NOT_ACCEPTED: "不予受理",
    State.ASSIGNED: "已分派",
    State.INVESTIGATING: "调查中",
    State.CONCLUDED: "已办结",
    State.RECTIFICATION_ORDERED: "责令整改中",
    State.RECTIFICATION_VERIFIED: "整改已核实",
    State.CLOSED: "已销号",
    State.REOPENED: "重新办理",
}

OPEN = frozenset(
    {
        State.RECEIVED,
        State.ACCEPTED,
        State.ASSIGNED,
        State.INVESTIGATING,
        State.REOPENED,
        State.RECTIFICATION_ORDERED,
    }
)
#: States in which the conclusion deadline runs.
CONCLUSION_CLOCK = frozenset({State.ACCEPTED, State.ASSIGNED, State.INVESTIGATING, State.REOPENED})
#: States after which the reporter may rate the handling.
RATEABLE = frozenset(
    {State.CONCLUDED, State.RECTIFICATION_ORDERED, State.RECTIFICATION_VERIFIED, State.CLOSED}
)

#: action -> (states it may start from, state it leads to or None to stay).
TRANSITIONS: dict[str, tuple[frozenset[State], State | None]] = {
    "accept": (frozenset({State.RECEIVED}), State.ACCEPTED),
    "not_accept": (frozenset({State.RECEIVED}), State.NOT_ACCEPTED),
    "assign": (frozenset({State.ACCEPTED, State.ASSIGNED, State.REOPENED}), State.ASSIGNED),
    "investigate": (frozenset({State.ASSIGNED, State.REOPENED}), State.INVESTIGATING),
    "conclude": (frozenset({State.INVESTIGATING, State.REOPENED}), State.CONCLUDED),
    "order_rectification": (frozenset({State.CONCLUDED}), State.RECTIFICATION_ORDERED),
    "verify": (frozenset({State.RECTIFICATION_ORDERED}), State.RECTIFICATION_VERIFIED),
    "send_back": (frozenset({State.RECTIFICATION_ORDERED}), None),
    "close": (frozenset({State.CONCLUDED, State.RECTIFICATION_VERIFIED}), State.CLOSED),
    "extend": (CONCLUSION_CLOCK, None),
    "transfer": (
        frozenset({State.RECEIVED, State.ACCEPTED, State.ASSIGNED, State.INVESTIGATING}),
        None,
    ),
    "reopen": (RATEABLE, State.REOPENED),
}

ACTION_LABELS = {
    "accept": "受理",
    "not_accept": "不予受理",
    "assign": "分派",
    "investigate": "开始调查",
    "conclude": "办结",
    "order_rectification": "责令整改",
    "verify": "核实整改",
    "send_back": "退回整改材料",
    "close": "销号",
    "extend": "延期",
    "transfer": "转办",
    "reopen": "重新办理",
    "reply": "公开答复",
    "note": "内部备注",
    "moderate": "修改公开文字",
    "reward": "记录奖励",
    "rate": "评价",
    "respond": "企业整改反馈",
    "create": "提交举报",
    "export": "导出",
}

CATEGORIES = ("废水", "废气", "噪声", "固体废物", "异味", "无证排污", "其他")

FINDINGS = {
    "substantiated": "属实",
    "partly": "部分属实",
    "not_substantiated": "不属实",
}

RATINGS = {"satisfied": "满意", "partly": "基本满意", "not_satisfied": "不满意"}


def can(action: str, state: State | str) -> bool:
    """Whether ``action`` may be taken from ``state``."""
    allowed, _ = TRANSITIONS[action]
    return State(state) in allowed


def actions_from(state: State | str) -> list[str]:
    """Actions the state machine allows from ``state`` (role checks come later)."""
    return [
        a for a, (allowed, _) in TRANSITIONS.items() if State(state) in allowed and a != "reopen"
    ]
