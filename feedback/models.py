"""Database tables: reports, their history, accounts, files, mail outbox, rate-limit hits."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.extensions import Model
from feedback.states import State
from generator import clock


def utcnow() -> dt.datetime:
    """Current time in UTC without tzinfo (stored as naive UTC), from generator.clock."""
    return clock.utcnow()


class Account(UserMixin, Model):
    """A login: officer, supervisor, admin (scoped to a body) or enterprise (one unit)."""

    __tablename__ = "account"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))  # officer | supervisor | admin | enterprise
    body_id: Mapped[str | None] = mapped_column(String(40), index=True)
    unit_code: Mapped[str | None] = mapped_column(String(22), unique=True)
    #: Where notices go (enterprise accounts: rectification orders and send-backs).
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Bumped at logout and password change: session cookies carry it and older ones are refused.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    def get_id(self) -> str:  # flask-login: what the session and remember cookies hold
        return f"{self.id}:{self.session_version}"

    @property
    def is_officer(self) -> bool:
        """Any enforcement role."""
        return self.role in ("officer", "supervisor", "admin")

    @property
    def is_supervisor(self) -> bool:
        """Supervisor or admin."""
        return self.role in ("supervisor", "admin")

    @property
    def is_active(self) -> bool:  # flask-login
        return self.active


class Report(Model):
    """One citizen report (举报) and where its handling stands."""

    __tablename__ = "report"
    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(20), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    submission_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unit_code: Mapped[str | None] = mapped_column(String(22), index=True)
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    county_code: Mapped[str] = mapped_column(String(6), default="")
    place: Mapped[str] = mapped_column(Text, default="")
    #: The place as an officer approved it for the enterprise and exports (None: not yet).
    public_place: Mapped[str | None] = mapped_column(Text)
    #: The point the reporter pinned (feedback/place.py), never published: it can identify
    #: them. Latitude and longitude in ``place_crs`` (always "WGS-84": the browser's
    #: Geolocation API and the directory's unit coordinates both give it).
    place_lat: Mapped[float | None] = mapped_column(Float)
    place_lon: Mapped[float | None] = mapped_column(Float)
    place_crs: Mapped[str] = mapped_column(String(16), default="", server_default="")
    #: Where the point came from: "device" (the phone's location), "typed", or "unit:<code>"
    #: (picked from the units near the reported one).
    place_source: Mapped[str] = mapped_column(String(40), default="", server_default="")
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    public_description: Mapped[str | None] = mapped_column(Text)
    seen_on: Mapped[dt.date]
    seen_time: Mapped[str] = mapped_column(String(40), default="")
    reporter_name: Mapped[str] = mapped_column(String(80), default="")
    reporter_phone: Mapped[str] = mapped_column(String(40), default="")
    reporter_email: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(30), default=State.RECEIVED.value, index=True)
    body_id: Mapped[str] = mapped_column(String(40), index=True)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[dt.datetime | None]
    concluded_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    accept_due: Mapped[dt.date]
    conclude_due: Mapped[dt.date | None]
    extension_days: Mapped[int] = mapped_column(default=0)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    not_accepted_reason: Mapped[str] = mapped_column(Text, default="")
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"))
    finding: Mapped[str] = mapped_column(String(30), default="")
    action_taken: Mapped[str] = mapped_column(Text, default="")
    penalty_number: Mapped[str] = mapped_column(String(80), default="")
    rectification_requirement: Mapped[str] = mapped_column(Text, default="")
    rectification_due: Mapped[dt.date | None]
    reopened_count: Mapped[int] = mapped_column(default=0)
    concluded_on_time: Mapped[bool | None]

    assigned_to: Mapped[Account | None] = relationship()
    duplicate_of: Mapped[Report | None] = relationship(remote_side=[id])
    updates: Mapped[list[Update]] = relationship(
        back_populates="report", order_by="Update.id", cascade="save-update"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="report", order_by="Attachment.id"
    )

    @property
    def state_enum(self) -> State:
        """The state as an enum."""
        return State(self.state)

    @property
    def shown_description(self) -> str:
        """The text officers start moderating from: the moderated text if any, else the original."""
        return self.public_description if self.public_description is not None else self.description

    @property
    def identity(self) -> tuple[str, str, str]:
        """What the reporter gave about themselves: masked wherever the case's texts go out."""
        return (self.reporter_name, self.reporter_phone, self.reporter_email)

    @property
    def real_name(self) -> bool:
        """Whether the reporter gave a name and a way to reach them (reward eligibility)."""
        return bool(self.reporter_name and (self.reporter_phone or self.reporter_email))


class Update(Model):
    """One entry of a case's history: a state change, reply, note, transfer hop or rating."""

    __tablename__ = "report_update"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(30))
    actor_kind: Mapped[str] = mapped_column(String(20))  # reporter | officer | enterprise | system
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    state_before: Mapped[str] = mapped_column(String(30), default="")
    state_after: Mapped[str] = mapped_column(String(30), default="")
    public: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    body_from: Mapped[str] = mapped_column(String(40), default="")
    body_to: Mapped[str] = mapped_column(String(40), default="")

    report: Mapped[Report] = relationship(back_populates="updates")
    actor: Mapped[Account | None] = relationship()


class AuditEntry(Model):
    """Who did what, when, to which case, with the state before and after and the reason."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(30))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"), index=True)
    state_before: Mapped[str] = mapped_column(String(30), default="")
    state_after: Mapped[str] = mapped_column(String(30), default="")
    reason: Mapped[str] = mapped_column(Text, default="")


class Attachment(Model):
    """A stored file: a report photo (original + stripped copy) or enterprise evidence."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"), index=True)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise_response.id"))
    draft_token: Mapped[str | None] = mapped_column(String(64), index=True)
    #: Hash of the client that kept a draft (per-client cap on draft bytes); None otherwise.
    client_key: Mapped[str | None] = mapped_column(String(64), index=True)
    original_key: Mapped[str] = mapped_column(String(200), unique=True, index=True)
    public_key: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]
    filename: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    report: Mapped[Report | None] = relationship(back_populates="attachments")


class EnterpriseResponse(Model):
    """An enterprise's answer to a rectification order, verified or sent back by an officer."""

    __tablename__ = "enterprise_response"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="submitted")  # verified | sent_back
    officer_comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reviewed_at: Mapped[dt.datetime | None]

    files: Mapped[list[Attachment]] = relationship(order_by="Attachment.id")


class Rating(Model):
    """The reporter's rating of the handling."""

    __tablename__ = "rating"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    value: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    #: The reason as an officer approved it for publication (None: never shown outside).
    public_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Reward(Model):
    """A reward decision (举报奖励) for a substantiated real-name report."""

    __tablename__ = "reward"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    amount: Mapped[str] = mapped_column(String(20))
    decided_on: Mapped[dt.date]
    status: Mapped[str] = mapped_column(String(20))  # decided | paid | declined
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ResponseTemplate(Model):
    """A reply text a body's officers reuse."""

    __tablename__ = "response_template"
    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)


class OutboxMail(Model):
    """An e-mail waiting to be sent; kept after sending."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    #: Extra headers as JSON (e.g. List-Unsubscribe on a follower's notice), "" for none.
    headers: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_try_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    #: Which sender holds the message (host:pid:…) and since when; a stale claim is taken over.
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_at: Mapped[dt.datetime | None]


class RateHit(Model):
    """One counted event for the rate limiter (key is a hash of the client and the action)."""

    __tablename__ = "rate_hit"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
