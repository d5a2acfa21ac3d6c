"""Tables of on-site inspections: the record, one answer per checklist item, photos.

A draft is the inspection itself in state ``draft``: every post saves what was typed into
it, so nothing is lost when a submit fails or the connection drops. Submitting flips the
state once (an update conditioned on ``draft``), so posting twice makes one inspection.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.extensions import Model
from feedback.models import Account, utcnow

DRAFT = "draft"
SUBMITTED = "submitted"
INSPECTION_STATES = {DRAFT: "草稿", SUBMITTED: "已提交"}

COMPLIANT = "compliant"
PROBLEM = "problem"
NOT_APPLICABLE = "not_applicable"
ANSWERS = {COMPLIANT: "符合", PROBLEM: "存在问题", NOT_APPLICABLE: "不适用"}

ON_THE_SPOT = "on_the_spot"
DEADLINE = "deadline"
RESOLUTIONS = {ON_THE_SPOT: "立整立改（现场已整改）", DEADLINE: "限期整改"}


class Inspection(Model):
    """One on-site inspection of a unit (检查笔录): who, when, what was found and why."""

    __tablename__ = "inspection"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The token of the form that started it: starting twice with one form is one inspection.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    unit_code: Mapped[str] = mapped_column(String(22), index=True)
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    body_id: Mapped[str] = mapped_column(String(40), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    #: The officers who inspected, one name a line (at least two sign the record).
    officers: Mapped[str] = mapped_column(Text, default="")
    #: Who was present for the enterprise: personal data, never public.
    present: Mapped[str] = mapped_column(Text, default="")
    #: Outlet codes checked, one a line.
    outlets: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]
    facts: Mapped[str] = mapped_column(Text, default="")
    basis: Mapped[str] = mapped_column(Text, default="")
    reasoning: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    saved_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[dt.datetime | None]

    created_by: Mapped[Account] = relationship()
    answers: Mapped[list[InspectionAnswer]] = relationship(
        back_populates="inspection", order_by="InspectionAnswer.position"
    )
    photos: Mapped[list[InspectionPhoto]] = relationship(order_by="InspectionPhoto.id")

    @property
    def problems(self) -> list[InspectionAnswer]:
        """The answers that found a problem."""
        return [a for a in self.answers if a.answer == PROBLEM]


class InspectionAnswer(Model):
    """The answer to one checklist item; for a problem, how it is rectified."""

    __tablename__ = "inspection_answer"
    __table_args__ = (UniqueConstraint("inspection_id", "item"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    #: The item's code and title as the checklist had them when the inspection started.
    item: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(60))
    answer: Mapped[str] = mapped_column(String(20), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str] = mapped_column(String(20), default="")
    #: What was done on the spot (立整立改).
    evidence: Mapped[str] = mapped_column(Text, default="")
    #: The required action and its deadline (限期整改).
    action: Mapped[str] = mapped_column(Text, default="")
    due: Mapped[dt.date | None]

    inspection: Mapped[Inspection] = relationship(back_populates="answers")

    @property
    def photos(self) -> list[InspectionPhoto]:
        """The photos taken for this item (findings and evidence)."""
        return [p for p in self.inspection.photos if p.item == self.item]


class InspectionPhoto(Model):
    """A photo of one item, checked and stored like a report's (original + stripped copy)."""

    __tablename__ = "inspection_photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    item: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(20), default="finding")  # finding | evidence
    original_key: Mapped[str] = mapped_column(String(200), unique=True)
    public_key: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]
    filename: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
