"""Public report statistics for the disclosure pages (docs/statistics.md). No personal data."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

from sqlalchemy import select

from feedback.cases import china_today
from feedback.directory import Directory
from feedback.extensions import db
from feedback.models import Report
from generator import clock


def _days(report: Report) -> int | None:
    if report.concluded_at is None:
        return None
    return (report.concluded_at - report.received_at).days


def unit_stats(reports: list[Report], today: dt.date) -> dict[str, dict]:
    """Per unit: received in the last 12 months, concluded, substantiated, median days."""
    since = today - dt.timedelta(days=365)
    grouped: dict[str, list[Report]] = defaultdict(list)
    for r in reports:
        if r.unit_code:
            grouped[r.unit_code].append(r)
    result = {}
    for code in sorted(grouped):
        items = grouped[code]
        days = [d for d in map(_days, items) if d is not None]
        result[code] = {
            "received_12m": sum(1 for r in items if r.received_at.date() >= since),
            "concluded": sum(1 for r in items if r.concluded_at is not None),
            "substantiated": sum(1 for r in items if r.finding in ("substantiated", "partly")),
            "median_days_to_conclude": statistics.median(days) if days else None,
        }
    return result


def body_stats(reports: list[Report], directory: Directory) -> dict[str, dict]:
    """Per body: received, concluded and the share concluded within the deadline."""
    result = {}
    for body_id in sorted(directory.bodies):
        items = [r for r in reports if r.body_id == body_id]
        judged = [r for r in items if r.concluded_on_time is not None]
        on_time = sum(1 for r in judged if r.concluded_on_time)
        result[body_id] = {
            "name": directory.body_name(body_id),
            "received": len(items),
            "concluded": sum(1 for r in items if r.concluded_at is not None),
            "on_time_rate": round(on_time / len(judged), 3) if judged else None,
        }
    return result


def build_stats(directory: Directory, today: dt.date | None = None) -> dict:
    """The whole statistics document."""
    moment = clock.now()
    today = today or china_today(moment)
    reports = list(db.session.scalars(select(Report)))
    return {
        "as_of": today.isoformat(),
        "computed_at": moment.astimezone(clock.CHINA).isoformat(timespec="minutes"),
        "units": unit_stats(reports, today),
        "bodies": body_stats(reports, directory),
    }
