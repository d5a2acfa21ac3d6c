"""Report reads for the officer and enterprise pages: lists, related cases, answers, audit."""

from __future__ import annotations

from sqlalchemy import func, select

from feedback.extensions import db
from feedback.models import AuditEntry, EnterpriseResponse, Report
from feedback.states import OPEN


def about_unit(unit_code: str | None) -> list[Report]:
    """Every report about one unit, newest first (the enterprise's list)."""
    query = select(Report).where(Report.unit_code == unit_code)
    return list(db.session.scalars(query.order_by(Report.id.desc())))


def open_about_unit(unit_code: str, limit: int = 5) -> tuple[list[Report], int]:
    """The newest open cases about a unit (at most ``limit``) and how many are open in all."""
    where = (Report.unit_code == unit_code, Report.state.in_([s.value for s in OPEN]))
    newest = select(Report).where(*where).order_by(Report.received_at.desc(), Report.id.desc())
    found = list(db.session.scalars(newest.limit(limit)))
    if len(found) < limit:  # all of them: no count to make (the form's usual case)
        return found, len(found)
    total = db.session.scalar(select(func.count()).select_from(Report).where(*where)) or 0
    return found, total


def open_about_same_unit(report: Report) -> list[Report]:
    """Other open cases about the report's unit (none for a free place)."""
    if not report.unit_code:
        return []
    query = select(Report).where(
        Report.unit_code == report.unit_code,
        Report.id != report.id,
        Report.state.in_([s.value for s in OPEN]),
    )
    return list(db.session.scalars(query))


def responses(report: Report) -> list[EnterpriseResponse]:
    """The enterprise's answers to the report's rectification orders, oldest first."""
    query = select(EnterpriseResponse).where(EnterpriseResponse.report_id == report.id)
    return list(db.session.scalars(query.order_by(EnterpriseResponse.id)))


def audit_entries(bodies: set[str], limit: int = 500) -> list[AuditEntry]:
    """The newest audit lines about cases of these bodies."""
    ids = select(Report.id).where(Report.body_id.in_(bodies))
    query = select(AuditEntry).where(AuditEntry.report_id.in_(ids)).order_by(AuditEntry.id.desc())
    return list(db.session.scalars(query.limit(limit)))
