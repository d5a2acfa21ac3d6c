"""Tables of followers and of the published events each follower has been told about."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from feedback.extensions import Model
from feedback.models import utcnow


class Follower(Model):
    """One address following one unit; confirmed once its owner clicked the mailed link."""

    __tablename__ = "follower"
    __table_args__ = (UniqueConstraint("unit_code", "email"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(22), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    #: Random; the secret in the follower's links is an HMAC of it (follow.service.token_for).
    nonce: Mapped[str] = mapped_column(String(32))
    #: SHA-256 of that secret, to find the follower from a link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[dt.datetime | None]


class FollowSeen(Model):
    """A published event a follower was told about (or that existed when they confirmed)."""

    __tablename__ = "follow_seen"
    __table_args__ = (UniqueConstraint("follower_id", "event_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    follower_id: Mapped[int] = mapped_column(
        ForeignKey("follower.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[str] = mapped_column(String(200))
