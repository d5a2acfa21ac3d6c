"""Ledger tables: one row per problem (LedgerItem), its audit trail, and its evidence files."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.extensions import Model
from feedback.ledger.states import LedgerState
from feedback.models import Account, Attachment, utcnow


class LedgerItem(Model):
    """One problem (问题) of one unit, from any source, tracked until it is closed (销号)."""

    __tablename__ = "ledger_item"
    __table_args__ = (
        UniqueConstraint("source", "source_ref", name="uq_ledger_item_source_ref"),
        Index("ix_ledger_item_body_state", "body_id", "state"),
        Index("ix_ledger_item_county_state", "county_code", "state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Public number, e.g. L2026-000123 (year found, then the row id).
    number: Mapped[str] = mapped_column(String(40), unique=True)
    unit_code: Mapped[str] = mapped_column(String(22), index=True)
    #: The unit's county when the item was opened (filters by city and county).
    county_code: Mapped[str] = mapped_column(String(6), default="")
    outlet: Mapped[str] = mapped_column(String(40), default="")
    source: Mapped[str] = mapped_column(String(20))
    #: What in the source it came from: inspection id, report id, warning key, permit day…
    source_ref: Mapped[str] = mapped_column(String(120))
    #: What was found, public wording.
    title: Mapped[str] = mapped_column(Text)
    #: Required action, public wording ("" for none).
    action: Mapped[str] = mapped_column(Text, default="")
    #: Officer-internal notes: never on a public page or in the export.
    detail: Mapped[str] = mapped_column(Text, default="")
    found_on: Mapped[dt.date]
    #: Deadline; None: fixed on the spot (立整立改).
    due_on: Mapped[dt.date | None]
    state: Mapped[str] = mapped_column(String(20), default=LedgerState.OPEN.value)
    body_id: Mapped[str] = mapped_column(String(40))
    closed_on: Mapped[dt.date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    created_by: Mapped[Account | None] = relationship()
    events: Mapped[list[LedgerEvent]] = relationship(
        back_populates="item", order_by="LedgerEvent.id", cascade="save-update"
    )

    @property
    def state_enum(self) -> LedgerState:
        """The state as an enum."""
        return LedgerState(self.state)


class LedgerEvent(Model):
    """One step of an item's audit trail: who did what when, from which state to which."""

    __tablename__ = "ledger_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("ledger_item.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    actor_kind: Mapped[str] = mapped_column(String(20))  # officer | enterprise | system
    kind: Mapped[str] = mapped_column(String(30))
    state_before: Mapped[str] = mapped_column(String(20), default="")
    state_after: Mapped[str] = mapped_column(String(20), default="")
    text: Mapped[str] = mapped_column(Text, default="")

    item: Mapped[LedgerItem] = relationship(back_populates="events")
    actor: Mapped[Account | None] = relationship()
    evidence: Mapped[list[LedgerEvidence]] = relationship(
        back_populates="event", order_by="LedgerEvidence.id", cascade="save-update"
    )

    @property
    def files(self) -> list[Attachment]:
        """The stored files given with this step."""
        return [e.attachment for e in self.evidence]


class LedgerEvidence(Model):
    """A stored file (the Attachment machinery: original + stripped copy) given with a step."""

    __tablename__ = "ledger_evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("ledger_event.id"), index=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id"), unique=True)

    event: Mapped[LedgerEvent] = relationship(back_populates="evidence")
    attachment: Mapped[Attachment] = relationship()
