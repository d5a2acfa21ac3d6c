"""The monthly enforcement report of a body (月报, due by the 3rd of the next month).

Counted over the body and the bodies under it, by China dates: inspections submitted for the
month (by the day they started), problems found per checklist item and how they are rectified,
ledger items of every source found, closed (销号) and overdue at the month's end, reports
received, concluded, concluded within the deadline, and penalty decisions among them. Only
counts and public checklist titles: no name, no text a citizen typed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, or_, select

from feedback.csvsafe import spreadsheet_csv
from feedback.extensions import db
from feedback.inspections.models import DEADLINE, ON_THE_SPOT, PROBLEM, SUBMITTED, Inspection
from feedback.ledger.models import LedgerItem
from feedback.models import Report
from generator import clock

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
DUE_DAY = 3


class MonthError(ValueError):
    """The month asked for cannot be reported; the message says why."""


def parse_month(value: str, today: dt.date) -> dt.date:
    """The first day of a ``YYYY-MM`` month that has begun; MonthError otherwise."""
    found = MONTH.match(value)
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
        raise MonthError(f"月份“{value}”无效，格式如 2026-06。")
    first = dt.date(int(found.group(1)), int(found.group(2)), 1)
    if first > today:
        raise MonthError(f"{first:%Y 年 %m 月}还没有开始，没有月报。")
    return first


def next_month(first: dt.date) -> dt.date:
    """The first day of the following month."""
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def utc(day: dt.date) -> dt.datetime:
    """Midnight of a China date as naive UTC (how times are stored)."""
    moment = dt.datetime.combine(day, dt.time(0), tzinfo=clock.CHINA)
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


@dataclass
class ItemRow:
    """Problems found under one checklist item."""

    title: str
    found: int = 0
    on_the_spot: int = 0
    deadline: int = 0


@dataclass
class MonthlyReport:
    """The counts of one body's month."""

    body_name: str
    month: dt.date
    as_of: dt.date
    inspections: int = 0
    units: int = 0
    items: list[ItemRow] = field(default_factory=list)
    ledger: Counter[str] = field(default_factory=Counter)
    reports: Counter[str] = field(default_factory=Counter)

    @property
    def due(self) -> dt.date:
        """The day the report is due: the 3rd of the next month."""
        return next_month(self.month).replace(day=DUE_DAY)

    @property
    def complete(self) -> bool:
        """Whether the month has ended (else the counts run to ``as_of``)."""
        return self.as_of >= next_month(self.month)

    @property
    def problems(self) -> int:
        """Problems found by inspections in the month."""
        return sum(r.found for r in self.items)


def _inspections(report: MonthlyReport, bodies: set[str], start: dt.date, end: dt.date) -> None:
    query = select(Inspection).where(
        Inspection.state == SUBMITTED,
        Inspection.body_id.in_(bodies),
        Inspection.started_at >= utc(start),
        Inspection.started_at < utc(end),
    )
    found = list(db.session.scalars(query))
    report.inspections = len(found)
    report.units = len({i.unit_code for i in found})
    rows: dict[str, ItemRow] = {}
    for inspection in found:
        for a in inspection.answers:
            row = rows.setdefault(a.item, ItemRow(a.title))
            if a.answer == PROBLEM:
                row.found += 1
                row.on_the_spot += a.resolution == ON_THE_SPOT
                row.deadline += a.resolution == DEADLINE
    report.items = list(rows.values())


def _count(*where: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(LedgerItem).where(*where)
    return int(db.session.scalar(query) or 0)


def _ledger(report: MonthlyReport, bodies: set[str], start: dt.date, end: dt.date) -> None:
    """Items found in the month, closed in it, and overdue on its last day (or today)."""
    last = min(end - dt.timedelta(days=1), report.as_of)
    mine = LedgerItem.body_id.in_(bodies)
    closed_on = LedgerItem.closed_on
    report.ledger["found"] = _count(mine, LedgerItem.found_on >= start, LedgerItem.found_on < end)
    report.ledger["closed"] = _count(mine, closed_on >= start, closed_on < end)
    report.ledger["overdue"] = _count(
        mine,
        LedgerItem.due_on.is_not(None),
        LedgerItem.due_on < last,
        or_(closed_on.is_(None), closed_on > last),
    )


def _reports(report: MonthlyReport, bodies: set[str], start: dt.date, end: dt.date) -> None:
    mine = Report.body_id.in_(bodies)
    received = (
        select(func.count())
        .select_from(Report)
        .where(mine, Report.received_at >= utc(start), Report.received_at < utc(end))
    )
    report.reports["received"] = int(db.session.scalar(received) or 0)
    concluded = select(Report.concluded_on_time, Report.penalty_number).where(
        mine, Report.concluded_at >= utc(start), Report.concluded_at < utc(end)
    )
    for on_time, penalty in db.session.execute(concluded):
        report.reports["concluded"] += 1
        report.reports["on_time"] += bool(on_time)
        report.reports["penalties"] += bool(penalty)


def build(body_name: str, bodies: set[str], month: dt.date, today: dt.date) -> MonthlyReport:
    """The monthly report of these bodies (a body and those under it)."""
    report = MonthlyReport(body_name, month, today)
    end = next_month(month)
    _inspections(report, bodies, month, end)
    _ledger(report, bodies, month, end)
    _reports(report, bodies, month, end)
    return report


def rows(report: MonthlyReport) -> list[tuple[str, str, int]]:
    """Every figure as (section, what, count), in the order the page and the files show."""
    found = [
        ("现场检查", "检查次数", report.inspections),
        ("现场检查", "检查单位数", report.units),
        ("现场检查", "发现问题", report.problems),
    ]
    for item in report.items:
        found += [
            ("发现问题（按检查项）", f"{item.title}", item.found),
            ("发现问题（按检查项）", f"{item.title}：立整立改", item.on_the_spot),
            ("发现问题（按检查项）", f"{item.title}：限期整改", item.deadline),
        ]
    found += [
        ("问题台账", "本月发现（全部来源）", report.ledger["found"]),
        ("问题台账", "本月销号", report.ledger["closed"]),
        ("问题台账", "月末超期未销号", report.ledger["overdue"]),
        ("群众举报", "收到", report.reports["received"]),
        ("群众举报", "办结", report.reports["concluded"]),
        ("群众举报", "按期办结", report.reports["on_time"]),
        ("群众举报", "作出处罚决定", report.reports["penalties"]),
    ]
    return found


def to_csv(report: MonthlyReport) -> str:
    """The figures as CSV for spreadsheets (UTF-8 with BOM, no cell taken for a formula)."""
    head = [("机构", report.body_name, ""), ("月份", f"{report.month:%Y-%m}", "")]
    head.append(("截至", report.as_of.isoformat(), ""))
    body = [(s, w, str(n)) for s, w, n in rows(report)]
    return spreadsheet_csv(("类别", "项目", "数值"), [*head, *body])
