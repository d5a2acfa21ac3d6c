"""Monthly permit reminders (排污许可证到期提醒): each body's officers get the list of the units
of their area whose permits expire within ``RENEW_DAYS`` days or have expired without renewal,
and each such unit's enterprise account a reminder, all through the mail outbox. A month's
reminder to one body or unit is recorded, so running again in the month sends nothing new."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from feedback.directory import Directory, UnitEntry
from feedback.draws.service import library
from feedback.extensions import Model, db
from feedback.mail import queue_mail
from feedback.models import utcnow
from feedback.services.accounts import enterprise_of, handling_officers

#: 排污许可管理条例 Art. 14: apply for renewal 60 days before the permit ends.
RENEW_DAYS = 60


class PermitReminder(Model):
    """One month's permit reminder to one body's officers or one unit's enterprise account."""

    __tablename__ = "permit_reminder"
    __table_args__ = (UniqueConstraint("month", "kind", "target"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(20))  # body | enterprise
    target: Mapped[str] = mapped_column(String(40))  # body id or unit code
    units: Mapped[int]
    mails: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def due_units(directory: Directory, day: dt.date) -> list[UnitEntry]:
    """Units whose permit ends within RENEW_DAYS days of ``day`` or has ended, by end date."""
    limit = day + dt.timedelta(days=RENEW_DAYS)
    found = [u for u in directory.units.values() if u.valid_until and u.valid_until <= limit]
    return sorted(found, key=lambda u: (u.valid_until or day, u.code))


def renew_by(unit: UnitEntry) -> dt.date:
    """The last day to apply for renewal."""
    assert unit.valid_until is not None
    return unit.valid_until - dt.timedelta(days=RENEW_DAYS)


def _line(unit: UnitEntry, day: dt.date) -> str:
    assert unit.valid_until is not None
    if unit.valid_until < day:
        state = f"已于 {unit.valid_until} 到期，未延续"
    else:
        state = f"{unit.valid_until} 到期，应于 {renew_by(unit)} 前申请延续"
    return f"- {unit.name}（{unit.code}）：{state}"


def body_mail(body_name: str, units: list[UnitEntry], day: dt.date) -> tuple[str, str]:
    """Subject and text of a body's monthly list."""
    subject = f"{day:%Y年%m月}排污许可证到期提醒：{len(units)} 个单位"
    lines = [
        f"{body_name}：",
        "",
        f"截至 {day}，辖区内以下排污单位的许可证将在 {RENEW_DAYS} 日内到期或已过期未延续，"
        "请督促其及时申请延续（排污许可管理条例第十四条：有效期届满 60 日前申请）。",
        "",
        *(_line(u, day) for u in units),
    ]
    return subject, "\n".join(lines) + "\n"


def enterprise_mail(unit: UnitEntry, day: dt.date) -> tuple[str, str]:
    """Subject and text of a unit's reminder."""
    assert unit.valid_until is not None
    if unit.valid_until < day:
        subject = "排污许可证已过期，请尽快办理"
        what = f"贵单位的排污许可证已于 {unit.valid_until} 到期，尚未延续。无证排污属违法行为，请立即办理。"
    else:
        subject = f"排污许可证将于 {unit.valid_until} 到期，请于 {renew_by(unit)} 前申请延续"
        what = (
            f"贵单位的排污许可证将于 {unit.valid_until} 到期。依排污许可管理条例第十四条，"
            f"应在有效期届满 {RENEW_DAYS} 日前（{renew_by(unit)} 前）向审批部门申请延续。"
        )
    return subject, f"{unit.name}（{unit.code}）：\n\n{what}\n"


@dataclass(frozen=True)
class Sent:
    """What one run queued: mails, and how many bodies and units were reminded."""

    mails: int = 0
    bodies: int = 0
    units: int = 0


def _done(month: str, kind: str, target: str) -> bool:
    query = select(PermitReminder.id).where(
        PermitReminder.month == month, PermitReminder.kind == kind, PermitReminder.target == target
    )
    return db.session.scalar(query) is not None


def _remind_bodies(directory: Directory, due: list[UnitEntry], day: dt.date, month: str) -> Sent:
    mails = bodies = 0
    codes = {u.code: u for u in due}
    for body_id in sorted(directory.bodies):
        units = [codes[c] for c in library(directory, body_id) if c in codes]
        if not units or _done(month, "body", body_id):
            continue
        body = directory.bodies[body_id]
        to = sorted({a.email for a in handling_officers(body_id) if a.active and a.email})
        subject, text = body_mail(body.name, units, day)
        queued = sum(
            queue_mail(address, subject, text) is not None for address in to or [body.email]
        )
        db.session.add(
            PermitReminder(month=month, kind="body", target=body_id, units=len(units), mails=queued)
        )
        mails, bodies = mails + queued, bodies + 1
    return Sent(mails, bodies, 0)


def _remind_enterprises(due: list[UnitEntry], day: dt.date, month: str) -> Sent:
    mails = units = 0
    for unit in due:
        account = enterprise_of(unit.code)
        if account is None or not account.active or not account.email:
            continue
        if _done(month, "enterprise", unit.code):
            continue
        subject, text = enterprise_mail(unit, day)
        queue_mail(account.email, subject, text)
        db.session.add(
            PermitReminder(month=month, kind="enterprise", target=unit.code, units=1, mails=1)
        )
        mails, units = mails + 1, units + 1
    return Sent(mails, 0, units)


def remind_permits(directory: Directory, day: dt.date) -> Sent:
    """Queue this month's permit reminders not queued yet (commit with the caller)."""
    month = f"{day:%Y-%m}"
    due = due_units(directory, day)
    bodies = _remind_bodies(directory, due, day, month)
    units = _remind_enterprises(due, day, month)
    return Sent(bodies.mails + units.mails, bodies.bodies, units.units)
