"""The public monthly figures of every body (月报公开), for the ledger export the build reads.

The same counts as the officer's monthly report (``feedback.inspections.monthly.build``, over a
body and the bodies under it), for every body of the directory and each month of the last
``MONTHS`` that has data (the current one counted to the day exported). Counts and public
checklist titles only: no name, no text anyone typed, no unit (docs/ledger.md, "The public
monthly summary").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from feedback.directory import Body, Directory
from feedback.extensions import db
from feedback.inspections import monthly
from feedback.inspections.models import DEADLINE, ON_THE_SPOT, PROBLEM, SUBMITTED, Inspection
from feedback.ledger.models import LedgerItem
from feedback.models import Report
from generator import clock

#: Months published: the current one and the ones before it.
MONTHS = 12


def body_order(directory: Directory) -> list[Body]:
    """Every body, each followed by the bodies under it (in the directory file's order)."""
    bodies = list(directory.bodies.values())
    children: dict[str | None, list[Body]] = {}
    for body in bodies:
        parent = body.parent if body.parent in directory.bodies else None
        children.setdefault(parent, []).append(body)
    found: list[Body] = []
    seen: set[str] = set()

    def walk(parent: str | None) -> None:
        for body in children.get(parent, []):
            if body.id not in seen:
                seen.add(body.id)
                found.append(body)
                walk(body.id)

    walk(None)
    return found


def _china_day(moment: dt.datetime | None) -> dt.date | None:
    """A stored naive-UTC time as its China date."""
    return None if moment is None else clock.china_today(moment)


def first_day() -> dt.date | None:
    """The first day anything counted happened (an item found, an inspection, a report)."""
    days = [
        db.session.scalar(select(func.min(LedgerItem.found_on))),
        _china_day(
            db.session.scalar(
                select(func.min(Inspection.started_at)).where(Inspection.state == SUBMITTED)
            )
        ),
        _china_day(db.session.scalar(select(func.min(Report.received_at)))),
    ]
    found = [d for d in days if d is not None]
    return min(found) if found else None


def months(today: dt.date, first: dt.date | None) -> list[dt.date]:
    """The first days of the months published, oldest first (none without any data)."""
    if first is None:
        return []
    found: list[dt.date] = []
    month = today.replace(day=1)
    while len(found) < MONTHS and month >= first.replace(day=1):
        found.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return found[::-1]


def record(body: Body, report: monthly.MonthlyReport) -> dict[str, Any]:
    """One body's month as the export holds it."""
    return {
        "month": f"{report.month:%Y-%m}",
        "body": body.id,
        "body_name": body.name,
        "inspections": report.inspections,
        "units": report.units,
        "problems": report.problems,
        "items": [
            {
                "title": row.title,
                "found": row.found,
                "on_the_spot": row.on_the_spot,
                "deadline": row.deadline,
            }
            for row in report.items
        ],
        "ledger_found": report.ledger["found"],
        "ledger_closed": report.ledger["closed"],
        "ledger_overdue": report.ledger["overdue"],
        "reports_received": report.reports["received"],
        "reports_concluded": report.reports["concluded"],
        "reports_on_time": report.reports["on_time"],
        "penalties": report.reports["penalties"],
    }


class _Tally:
    """Every month's reports, keyed by (body, first day of the month): each record counted for
    its own body and every body above it, as the officer report counts a body's subtree."""

    def __init__(self, directory: Directory, bodies: list[Body], firsts: list[dt.date]):
        self.firsts = set(firsts)
        self.above: dict[str, list[str]] = {b.id: [] for b in bodies}
        for body in bodies:
            for below in directory.descendants(body.id):
                self.above.setdefault(below, []).append(body.id)
        self.reports: dict[tuple[str, dt.date], monthly.MonthlyReport] = {}
        self.units: dict[tuple[str, dt.date], set[str]] = {}
        self.rows: dict[tuple[str, dt.date], dict[str, monthly.ItemRow]] = {}

    def at(self, body: str, first: dt.date) -> list[tuple[str, dt.date]]:
        """The keys a record of ``body`` in the month of ``first`` counts under."""
        if first not in self.firsts:
            return []
        return [(b, first) for b in self.above.get(body, ())]


def _inspections(tally: _Tally, start: dt.date, end: dt.date) -> None:
    query = (
        select(Inspection)
        .options(selectinload(Inspection.answers))
        .where(
            Inspection.state == SUBMITTED,
            Inspection.started_at >= monthly.utc(start),
            Inspection.started_at < monthly.utc(end),
        )
        .order_by(Inspection.id)
    )
    for inspection in db.session.scalars(query):
        day = clock.china_today(inspection.started_at)
        for key in tally.at(inspection.body_id, day.replace(day=1)):
            tally.reports[key].inspections += 1
            tally.units[key].add(inspection.unit_code)
            rows = tally.rows[key]
            for a in inspection.answers:
                row = rows.setdefault(a.item, monthly.ItemRow(a.title))
                if a.answer == PROBLEM:
                    row.found += 1
                    row.on_the_spot += a.resolution == ON_THE_SPOT
                    row.deadline += a.resolution == DEADLINE


def _ledger(tally: _Tally, firsts: list[dt.date], as_of: dt.date) -> None:
    """Found and closed in each month; overdue on its last day (or ``as_of``)."""
    lasts = [(f, min(monthly.next_month(f) - dt.timedelta(days=1), as_of)) for f in firsts]
    columns = (LedgerItem.body_id, LedgerItem.found_on, LedgerItem.closed_on, LedgerItem.due_on)
    for body, found, closed, due in db.session.execute(select(*columns)):
        for key in tally.at(body, found.replace(day=1)):
            tally.reports[key].ledger["found"] += 1
        if closed is not None:
            for key in tally.at(body, closed.replace(day=1)):
                tally.reports[key].ledger["closed"] += 1
        if due is None:
            continue
        for first, last in lasts:
            if due < last and (closed is None or closed > last):
                for key in tally.at(body, first):
                    tally.reports[key].ledger["overdue"] += 1


def _reports(tally: _Tally, start: dt.date, end: dt.date) -> None:
    within = (Report.received_at >= monthly.utc(start), Report.received_at < monthly.utc(end))
    for body, moment in db.session.execute(
        select(Report.body_id, Report.received_at).where(*within)
    ):
        for key in tally.at(body or "", clock.china_today(moment).replace(day=1)):
            tally.reports[key].reports["received"] += 1
    done = (Report.concluded_at >= monthly.utc(start), Report.concluded_at < monthly.utc(end))
    columns = (Report.body_id, Report.concluded_at, Report.concluded_on_time, Report.penalty_number)
    for body, concluded, on_time, penalty in db.session.execute(select(*columns).where(*done)):
        for key in tally.at(body or "", clock.china_today(concluded).replace(day=1)):
            counts = tally.reports[key].reports
            counts["concluded"] += 1
            counts["on_time"] += bool(on_time)
            counts["penalties"] += bool(penalty)


def public_months(directory: Directory, today: dt.date) -> list[dict[str, Any]]:
    """Every body's figures for each published month, by month, then bodies in tree order.

    The officer report's counts (``monthly.build``) for every body at once: each table is read
    once and each record counted for its body and the bodies above it (a test holds the two
    equal)."""
    bodies = body_order(directory)
    firsts = months(today, first_day())
    if not firsts:
        return []
    tally = _Tally(directory, bodies, firsts)
    for first in firsts:
        for body in bodies:
            key = (body.id, first)
            tally.reports[key] = monthly.MonthlyReport(body.name, first, today)
            tally.units[key] = set()
            tally.rows[key] = {}
    start, end = firsts[0], monthly.next_month(firsts[-1])
    _inspections(tally, start, end)
    _ledger(tally, firsts, today)
    _reports(tally, start, end)
    found = []
    for first in firsts:
        for body in bodies:
            key = (body.id, first)
            report = tally.reports[key]
            report.units = len(tally.units[key])
            report.items = list(tally.rows[key].values())
            found.append(record(body, report))
    return found
