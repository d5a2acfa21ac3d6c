"""The states of a warning in the service and the actions between them, as one table."""

from __future__ import annotations

from dataclasses import dataclass

#: State -> label.
STATES: dict[str, str] = {
    "open": "待核查",
    "explained": "企业已说明",
    "confirmed": "已确认（转入问题台账）",
    "dismissed": "已排除",
    "accepted": "说明已采纳",
}


@dataclass(frozen=True, slots=True)
class Action:
    """An action: from which states, to which, by whom, what a refusal says."""

    sources: tuple[str, ...]
    target: str
    who: str
    label: str


ACTIONS: dict[str, Action] = {
    "confirm": Action(("open", "explained"), "confirmed", "officer", "确认并转入问题台账"),
    "dismiss": Action(("open", "explained"), "dismissed", "officer", "排除（须说明理由）"),
    "explain": Action(("open",), "explained", "enterprise", "企业说明"),
    "accept": Action(("explained",), "accepted", "officer", "采纳企业说明"),
    "reject": Action(("explained",), "open", "officer", "不采纳企业说明（须说明理由）"),
}

#: What an enterprise may say a warning's hours were (with dates and evidence).
EXPLANATIONS: dict[str, str] = {
    "stopped": "停产",
    "overhaul": "检修",
    "analyser": "仪器故障（已报告）",
    "other": "其他",
}


def can(action: str, state: str) -> bool:
    """True if ``action`` may start from ``state``."""
    return state in ACTIONS[action].sources
