"""Warning tables: one row per warning of the warnings file, its trail and evidence files."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.extensions import Model
from feedback.models import Account, Attachment, utcnow


class MonitoringWarning(Model):
    """One warning (预警) of the rules, as the warnings file gives it, and where it stands."""

    __tablename__ = "monitoring_warning"
    __table_args__ = (Index("ix_monitoring_warning_body_state", "body_id", "state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The warning's id in the file (rule/unit/outlet/code/first hour): never changes.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    rule: Mapped[str] = mapped_column(String(30))
    #: measured | suspicion (a suspicion is for officers and the enterprise only).
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    unit_code: Mapped[str] = mapped_column(String(22), index=True)
    outlet: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(20))
    pollutant: Mapped[str] = mapped_column(String(40))
    #: First and last hour found, China time as sent (YYYY-MM-DDThh:mm).
    first: Mapped[str] = mapped_column(String(16))
    last: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(default=1)
    #: The file's limit and evidence objects, as JSON text.
    limit_json: Mapped[str] = mapped_column(Text, default="{}")
    evidence_json: Mapped[str] = mapped_column(Text, default="{}")
    body_id: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20), default="open")
    #: The ledger item a confirmation opened (its public number).
    ledger_number: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    events: Mapped[list[WarningEvent]] = relationship(
        back_populates="warning", order_by="WarningEvent.id", cascade="save-update"
    )


class WarningEvent(Model):
    """One step of a warning: imported, extended, explained, confirmed, dismissed…"""

    __tablename__ = "monitoring_warning_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("monitoring_warning.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    actor_kind: Mapped[str] = mapped_column(String(20))  # officer | enterprise | system
    kind: Mapped[str] = mapped_column(String(30))
    state_before: Mapped[str] = mapped_column(String(20), default="")
    state_after: Mapped[str] = mapped_column(String(20), default="")
    #: The reason, the explanation or the note of the step.
    text: Mapped[str] = mapped_column(Text, default="")
    #: An explanation's kind (EXPLANATIONS) and the days it covers.
    explanation: Mapped[str] = mapped_column(String(20), default="")
    from_day: Mapped[dt.date | None]
    to_day: Mapped[dt.date | None]

    warning: Mapped[MonitoringWarning] = relationship(back_populates="events")
    actor: Mapped[Account | None] = relationship()
    evidence: Mapped[list[WarningEvidence]] = relationship(
        back_populates="event", order_by="WarningEvidence.id", cascade="save-update"
    )

    @property
    def files(self) -> list[Attachment]:
        """The stored files given with this step."""
        return [e.attachment for e in self.evidence]


class WarningEvidence(Model):
    """A stored file (original + stripped copy) given with a step of a warning."""

    __tablename__ = "monitoring_warning_evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("monitoring_warning_event.id"), index=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id"), unique=True)

    event: Mapped[WarningEvent] = relationship(back_populates="evidence")
    attachment: Mapped[Attachment] = relationship()
