"""The officer queue: scoped listing, filters, counts, deadline marks and CSV export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Select, func, select

from feedback.cases import china_today
from feedback.csvsafe import spreadsheet_csv
from feedback.directory import Directory
from feedback.extensions import db
from feedback.models import Account, Report
from feedback.pii import mask
from feedback.states import FINDINGS, State


@dataclass(frozen=True, slots=True)
class Filters:
    """Queue filters from the query string."""

    state: str = ""
    category: str = ""
    unit: str = ""
    overdue: bool = False
    mine: bool = False
    #: Column to sort by (SORTS), "-" first for descending; default: the running deadline.
    sort: str = "due"


#: The queue's sortable columns: key of a report (None last whichever the direction).
SORTS = {
    "due": lambda r: due_date(r),
    "received": lambda r: r.received_at,
    "accept_due": lambda r: r.accept_due,
    "conclude_due": lambda r: r.conclude_due,
}


def sort_reports(reports: list[Report], sort: str) -> list[Report]:
    """Reports sorted by one column (``-`` for descending), missing values last, then by id."""
    name = sort.removeprefix("-")
    key = SORTS.get(name, SORTS["due"])
    present = [r for r in reports if key(r) is not None]
    missing = [r for r in reports if key(r) is None]
    present.sort(key=lambda r: (key(r), r.id), reverse=sort.startswith("-") and name in SORTS)
    return present + sorted(missing, key=lambda r: r.id)


def due_date(report: Report) -> dt.date | None:
    """The deadline running now, as the state table says (none while suspended or closed)."""
    field = State(report.state).rule.deadline
    return getattr(report, field) if field else None


def deadline_mark(report: Report, today: dt.date | None = None) -> str:
    """'overdue', 'due_soon' or '' for a report."""
    due = due_date(report)
    if due is None:
        return ""
    today = today or china_today()
    if today > due:
        return "overdue"
    if (due - today).days <= current_app.config["DUE_SOON_DAYS"]:
        return "due_soon"
    return ""


def scoped(account: Account, directory: Directory) -> Select:
    """Reports of the account's body and every body under it."""
    bodies = directory.descendants(account.body_id or "")
    return select(Report).where(Report.body_id.in_(bodies))


def queue(account: Account, directory: Directory, filters: Filters) -> list[Report]:
    """The filtered queue, oldest deadline first."""
    query = scoped(account, directory)
    if filters.state:
        query = query.where(Report.state == filters.state)
    if filters.category:
        query = query.where(Report.category == filters.category)
    if filters.unit:
        query = query.where(Report.unit_code == filters.unit)
    if filters.mine:
        query = query.where(Report.assigned_to_id == account.id)
    reports = list(db.session.scalars(query.order_by(Report.received_at)))
    if filters.overdue:
        reports = [r for r in reports if deadline_mark(r) == "overdue"]
    return sort_reports(reports, filters.sort)


def counts(account: Account, directory: Directory) -> dict[str, int]:
    """Number of cases in each state within the account's scope."""
    query = scoped(account, directory).with_only_columns(Report.state, func.count(Report.id))
    return {state: n for state, n in db.session.execute(query.group_by(Report.state))}


CSV_COLUMNS = (
    "受理编号",
    "收到日期",
    "状态",
    "类别",
    "单位代码",
    "单位名称",
    "地点",
    "承办机构",
    "受理期限",
    "办结期限",
    "延期天数",
    "结论",
    "处罚决定书文号",
)


def _row(r: Report, directory: Directory) -> list[object]:
    place = directory.place_name(r.county_code) + mask(r.public_place, r.identity)
    return [
        r.tracking_number,
        china_today(r.received_at).isoformat(),
        State(r.state).label,
        r.category,
        r.unit_code or "",
        r.unit_name,
        place,
        directory.body_name(r.body_id),
        r.accept_due.isoformat(),
        r.conclude_due.isoformat() if r.conclude_due else "",
        r.extension_days,
        FINDINGS.get(r.finding, ""),
        r.penalty_number,
    ]


def export_csv(reports: list[Report], directory: Directory) -> str:
    """The cases as CSV for spreadsheets: no reporter data, only approved place text, no formulas."""
    return spreadsheet_csv(CSV_COLUMNS, (_row(r, directory) for r in reports))
