"""The legal deadlines of a case as the public case page shows them: due, done, met or not.

Two deadlines run on a report (docs/feedback.md "Deadlines"): acceptance (``accept_due``, from
receipt) and conclusion (``conclude_due``, from acceptance, moved by an extension or a
suspension). Each is judged on China days: met when the decision came on or before the due
day, missed when after, and while no decision has come, running or overdue against today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from feedback.cases import china_today
from feedback.models import Report
from feedback.states import State


@dataclass(frozen=True, slots=True)
class Deadline:
    """One legal deadline of a case."""

    label: str
    due: dt.date | None
    #: China day of the decision that ends it (acceptance or refusal; conclusion), if made.
    done_on: dt.date | None
    #: met | missed | running | overdue | paused | waiting
    status: str
    #: Whole days left (running) or past the due day (overdue); 0 otherwise.
    days: int = 0

    @property
    def text(self) -> str:
        """The status in words, e.g. 按期完成 or 已超期 3 天."""
        return {
            "met": "按期完成",
            "missed": "超期完成",
            "running": f"办理中，还剩 {self.days} 天" if self.days else "办理中，今天到期",
            "overdue": f"已超期 {self.days} 天",
            "paused": "中止办理期间暂停计算，恢复办理后顺延",
            "waiting": "受理后开始计算",
        }[self.status]


def _day(moment: dt.datetime | None) -> dt.date | None:
    return china_today(moment) if moment is not None else None


def _judge(label: str, due: dt.date | None, done_on: dt.date | None, report: Report, today):
    if due is None:
        return Deadline(label, None, done_on, "waiting")
    if done_on is not None:
        return Deadline(label, due, done_on, "met" if done_on <= due else "missed")
    if report.state == State.SUSPENDED.value:
        return Deadline(label, due, None, "paused")
    if today > due:
        return Deadline(label, due, None, "overdue", (today - due).days)
    return Deadline(label, due, None, "running", (due - today).days)


def deadlines(report: Report, today: dt.date | None = None) -> list[Deadline]:
    """The acceptance and, unless the report was refused, the conclusion deadline."""
    today = today or china_today()
    refused = report.state == State.NOT_ACCEPTED.value
    decided = _day(report.accepted_at) or (_day(report.closed_at) if refused else None)
    shown = [_judge("受理期限", report.accept_due, decided, report, today)]
    if not refused:
        concluded = _day(report.concluded_at)
        conclusion = _judge("办结期限", report.conclude_due, concluded, report, today)
        if concluded is not None and report.concluded_on_time is not None:
            status = "met" if report.concluded_on_time else "missed"
            conclusion = Deadline(conclusion.label, conclusion.due, concluded, status)
        shown.append(conclusion)
    return shown
