"""The tables of random draws (双随机) and of each body's positive list (正面清单)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from feedback.extensions import Model
from feedback.models import utcnow


class Draw(Model):
    """One body's draw of one period: its inputs, seed and result, kept for audit.

    ``active_key`` is ``body:period`` while the draw stands and NULL once cancelled: its
    unique index refuses a second standing draw of the same body and period."""

    __tablename__ = "draw"
    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[str] = mapped_column(String(40), index=True)
    period: Mapped[str] = mapped_column(String(20))
    units_wanted: Mapped[int]
    inspectors_wanted: Mapped[int]
    #: Hex of 32 bytes from the operating system's CSPRNG.
    seed: Mapped[str] = mapped_column(String(64))
    #: The sorted inputs as canonical JSON (feedback.draws.rules.DrawInputs) and its SHA-256.
    inputs: Mapped[str] = mapped_column(Text)
    inputs_digest: Mapped[str] = mapped_column(String(64))
    #: Units left out, as canonical JSON [[code, reason], ...] (also inside ``inputs``).
    exclusions: Mapped[str] = mapped_column(Text, default="[]")
    #: The result as canonical JSON {"units": [...], "inspectors": [...]}.
    result: Mapped[str] = mapped_column(Text)
    drawn_on: Mapped[dt.date]
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    active_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    cancelled_at: Mapped[dt.datetime | None]
    cancelled_by: Mapped[str | None] = mapped_column(String(80))
    cancel_reason: Mapped[str | None] = mapped_column(Text)


class PositiveListEntry(Model):
    """A unit on a body's positive list from one day to another (or open-ended), and why."""

    __tablename__ = "positive_list_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[str] = mapped_column(String(40), index=True)
    unit_code: Mapped[str] = mapped_column(String(22), index=True)
    reason: Mapped[str] = mapped_column(Text)
    from_on: Mapped[dt.date]
    until_on: Mapped[dt.date | None]
    added_by: Mapped[str] = mapped_column(String(80))
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def covers(self, day: dt.date) -> bool:
        """Whether the entry holds on ``day``."""
        return self.from_on <= day and (self.until_on is None or day <= self.until_on)
