"""Service layer for reports: filing, lookup, history records and notices. No request needed.

Every channel (web form, Open311 API) files through :func:`create_report`, so reports are
routed, numbered and recorded the same way. See docs/feedback.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field

from flask import current_app, g, has_request_context
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from feedback.directory import Directory
from feedback.extensions import db
from feedback.mail import queue_mail
from feedback.models import Account, Attachment, AuditEntry, Report, Update, utcnow
from feedback.photos import CheckedFile
from feedback.pii import mask
from feedback.place import Pin
from feedback.services.attachments import put_copies
from feedback.states import State
from generator import clock

CHINA = clock.CHINA


def china_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in China (UTC+8) for a naive-UTC ``now``."""
    return clock.china_today(now)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: an account, the reporter, or the system."""

    kind: str  # officer | enterprise | reporter | system
    account: Account | None = None

    @property
    def label(self) -> str:
        """Name written to the audit log."""
        if self.account is not None:
            return f"{self.account.login}（{self.account.role}）"
        return {"reporter": "举报人", "system": "系统"}.get(self.kind, self.kind)


REPORTER = Actor("reporter")
SYSTEM = Actor("system")


@dataclass
class NewReport:
    """What a channel collected from the citizen."""

    category: str
    description: str
    seen_on: dt.date
    submission_key: str
    unit_code: str | None = None
    county_code: str = ""
    place: str = ""
    seen_time: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    email_link: bool = False
    photos: list[CheckedFile] = field(default_factory=list)
    draft_token: str | None = None
    #: The point the reporter pinned (never published), if any.
    pin: Pin | None = None


@dataclass(frozen=True, slots=True)
class Filed:
    """The result of filing: the report, its private token, and whether it is new."""

    report: Report
    token: str
    created: bool


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def token_for(submission_key: str) -> str:
    """The private token of a submission: an HMAC, so a resend shows the same link."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, submission_key.encode(), hashlib.sha256).hexdigest()[:40]


def find_by_token(token: str) -> Report | None:
    """The report whose private token this is (only its hash is stored)."""
    if not token:
        return None
    return db.session.scalar(select(Report).where(Report.token_hash == _hash(token)))


def find_by_tracking(number: str) -> Report | None:
    """The report with this tracking number."""
    return db.session.scalar(select(Report).where(Report.tracking_number == number.strip().upper()))


def _next_tracking_number(today: dt.date) -> str:
    if db.session.get_bind().dialect.name == "postgresql":
        # Number one report at a time, as SQLite's write lock does: parallel filings never
        # read the same last number (the lock ends with the filing's transaction).
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext('report-numbering'))"))
    stem = f"{current_app.config['CASE_PREFIX']}{today:%Y%m%d}"
    last = db.session.scalar(
        select(func.max(Report.tracking_number)).where(Report.tracking_number.like(stem + "%"))
    )
    seq = int(last[len(stem) :]) + 1 if last else 1
    return f"{stem}{seq:05d}"


def record(
    report: Report,
    actor: Actor,
    action: str,
    *,
    before: str = "",
    after: str = "",
    text: str = "",
    public: bool = False,
    reason: str = "",
    body_from: str = "",
    body_to: str = "",
) -> Update:
    """Write one history entry and its audit line; notify the reporter of public ones."""
    update = Update(
        report=report,
        action=action,
        actor_kind=actor.kind,
        actor_id=actor.account.id if actor.account else None,
        state_before=before,
        state_after=after,
        public=public,
        text=text,
        body_from=body_from,
        body_to=body_to,
    )
    db.session.add(update)
    db.session.add(
        AuditEntry(
            actor=actor.label,
            action=action,
            report_id=report.id,
            state_before=before,
            state_after=after,
            reason=reason or text,
        )
    )
    if public and actor.kind != "reporter":
        notify_reporter(report, update)
    return update


def audit(actor: Actor, action: str, reason: str = "") -> None:
    """An audit line for an action not tied to one case (export, account creation)."""
    db.session.add(AuditEntry(actor=actor.label, action=action, reason=reason))


def mark_mail_queued() -> None:
    """Tell the request hook that the outbox has new mail."""
    if has_request_context():
        g.mail_queued = True


def notify_reporter(report: Report, update: Update) -> None:
    """Queue an e-mail to the reporter about a public change, if they left an address."""
    if not report.reporter_email:
        return
    base = current_app.config["FEEDBACK_URL"].rstrip("/")
    state = State(report.state).label
    body = (
        f"您的举报 {report.tracking_number} 有新进展。\n当前状态：{state}\n"
        f"{mask(update.text, report.identity)}\n\n查看：{base}/case/{report.tracking_number}\n"
    )
    queue_mail(report.reporter_email, f"举报 {report.tracking_number} 进展：{state}", body)
    mark_mail_queued()


def notify_enterprise(report: Report, subject: str, text: str) -> None:
    """Queue an e-mail to the unit's enterprise account, if it has an address (never the reporter)."""
    if not report.unit_code:
        return
    account = db.session.scalar(select(Account).where(Account.unit_code == report.unit_code))
    if account is None or not account.active or not account.email:
        return
    base = current_app.config["FEEDBACK_URL"].rstrip("/")
    body = f"{mask(text, report.identity)}\n\n请登录查看并反馈：{base}/enterprise/case/{report.tracking_number}\n"
    queue_mail(account.email, subject, body)
    mark_mail_queued()


def _store_photos(report: Report, photos: list[CheckedFile]) -> None:
    for photo in photos:
        db.session.add(Attachment(report=report, **put_copies(photo)))


def _adopt_drafts(report: Report, draft_token: str | None) -> None:
    if not draft_token:
        return
    drafts = db.session.scalars(
        select(Attachment).where(
            Attachment.draft_token == draft_token, Attachment.report_id.is_(None)
        )
    )
    for attachment in drafts:
        attachment.report = report
        attachment.draft_token = None


def _build(new: NewReport, directory: Directory, now: dt.datetime) -> Report:
    unit = directory.unit(new.unit_code)
    county = unit.county_code if unit else new.county_code
    body = directory.route(county)
    received = china_today(now)
    return Report(
        tracking_number=_next_tracking_number(received),
        token_hash=_hash(token_for(new.submission_key)),
        submission_hash=_hash(new.submission_key),
        unit_code=unit.code if unit else None,
        unit_name=unit.name if unit else "",
        county_code=county,
        place=new.place.strip(),
        category=new.category,
        description=new.description.strip(),
        seen_on=new.seen_on,
        seen_time=new.seen_time.strip(),
        reporter_name=new.reporter_name.strip(),
        reporter_phone=new.reporter_phone.strip(),
        reporter_email=new.reporter_email.strip(),
        state=State.RECEIVED.value,
        body_id=body.id,
        received_at=now,
        accept_due=received + dt.timedelta(days=current_app.config["ACCEPT_DAYS"]),
        place_lat=new.pin.lat if new.pin else None,
        place_lon=new.pin.lon if new.pin else None,
        place_crs=new.pin.crs if new.pin else "",
        place_source=new.pin.source if new.pin else "",
    )


def existing_submission(submission_key: str) -> Report | None:
    """The report already filed with this submission key (double click, resend)."""
    return db.session.scalar(select(Report).where(Report.submission_hash == _hash(submission_key)))


def create_report(
    new: NewReport, directory: Directory, now: dt.datetime | None = None, *, looked_up: bool = False
) -> Filed:
    """File a report: route it, number it, store photos, record it, queue notices; commit.

    ``looked_up``: the caller has just looked for the submission key (the web form does, before
    the rate limit), so it is not looked for again; a parallel twice-sent form is still caught
    by the unique submission hash below.
    """
    token = token_for(new.submission_key)
    found = None if looked_up else existing_submission(new.submission_key)
    if found is not None:
        return Filed(found, token, False)
    for _ in range(20):
        report = _build(new, directory, now or utcnow())
        db.session.add(report)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            found = existing_submission(new.submission_key)
            if found is not None:
                return Filed(found, token, False)
            continue
        break
    else:
        raise RuntimeError("无法生成受理编号")
    _store_photos(report, new.photos)
    _adopt_drafts(report, new.draft_token)
    record(report, REPORTER, "create", after=report.state, public=True, text="举报已收到。")
    _notify_new(report, directory, token if new.email_link else None)
    db.session.commit()
    return Filed(report, token, True)


def _notify_new(report: Report, directory: Directory, token: str | None) -> None:
    base = current_app.config["FEEDBACK_URL"].rstrip("/")
    body = directory.bodies.get(report.body_id)
    if body is not None and body.email:
        queue_mail(
            body.email,
            f"新举报 {report.tracking_number}（{report.category}）",
            f"{report.unit_name or report.place}\n办理：{base}/officer/case/{report.tracking_number}\n",
        )
    if report.reporter_email:
        text = f"您的举报已收到，受理编号 {report.tracking_number}。\n公开进展：{base}/case/{report.tracking_number}\n"
        if token:
            text += f"您的专属链接（请勿转发）：{base}/r/{token}\n"
        queue_mail(report.reporter_email, f"举报已收到：{report.tracking_number}", text)
    mark_mail_queued()
