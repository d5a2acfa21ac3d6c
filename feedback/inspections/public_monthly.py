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

from feedback.directory import Body, Directory
from feedback.extensions import db
from feedback.inspections import monthly
from feedback.inspections.models import SUBMITTED, Inspection
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


def public_months(directory: Directory, today: dt.date) -> list[dict[str, Any]]:
    """Every body's figures for each published month, by month, then bodies in tree order."""
    bodies = body_order(directory)
    under = {b.id: directory.descendants(b.id) for b in bodies}
    return [
        record(body, monthly.build(body.name, under[body.id], month, today))
        for month in months(today, first_day())
        for body in bodies
    ]
