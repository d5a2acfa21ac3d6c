"""Open311 API keys: stored hashed, revocable, each with its own rate limit."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from feedback import ratelimit
from feedback.extensions import Model, db
from feedback.models import utcnow

PREFIX = "y311_"
#: Requests per key per window when the key sets no limit of its own.
DEFAULT_RATE_LIMIT = 100
DEFAULT_WINDOW = 3600


class ApiKey(Model):
    """A client of the Open311 API (a 12345/12369 platform, an app); only the key's hash is kept."""

    __tablename__ = "open311_api_key"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_prefix: Mapped[str] = mapped_column(String(16), default="")
    rate_limit: Mapped[int | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]

    @property
    def active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None


class Open311Request(Model):
    """A report filed through Open311: which key filed it and its public token."""

    __tablename__ = "open311_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(db.ForeignKey("report.id"), unique=True)
    api_key_id: Mapped[int] = mapped_column(db.ForeignKey("open311_api_key.id"), index=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(name: str, rate_limit: int | None = None) -> tuple[ApiKey, str]:
    """Make a key for a client; the plain key is returned once and never stored."""
    if not name.strip():
        raise ValueError("请填写客户端名称。")
    plain = PREFIX + secrets.token_urlsafe(24)
    key = ApiKey(
        name=name.strip(), key_hash=_hash(plain), key_prefix=plain[:10], rate_limit=rate_limit
    )
    db.session.add(key)
    db.session.flush()
    return key, plain


def find_key(plain: str) -> ApiKey | None:
    """The active key matching ``plain``, if any."""
    if not plain or not plain.startswith(PREFIX):
        return None
    key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == _hash(plain)))
    return key if key is not None and key.active else None


def revoke_key(key_id: int) -> ApiKey | None:
    """Revoke a key; later calls with it get 403. Returns the key, or None if unknown."""
    key = db.session.get(ApiKey, key_id)
    if key is not None and key.revoked_at is None:
        key.revoked_at = utcnow()
    return key


def all_keys() -> list[ApiKey]:
    """Every key, newest first."""
    return list(db.session.scalars(select(ApiKey).order_by(ApiKey.id.desc())))


def _rate_key(key: ApiKey) -> str:
    return hashlib.sha256(f"open311|{key.id}".encode()).hexdigest()


def limit_of(key: ApiKey) -> int:
    """Calls this key may make per window."""
    return key.rate_limit or current_app.config.get("OPEN311_RATE_LIMIT", DEFAULT_RATE_LIMIT)


def spend(key: ApiKey) -> bool:
    """Count one call for the key; False when the key already used up its window."""
    seconds = current_app.config.get("OPEN311_RATE_WINDOW", DEFAULT_WINDOW)
    # Counted and checked in one statement: parallel calls cannot pass the limit.
    if ratelimit.take_key(_rate_key(key), limit_of(key), seconds) is None:
        return False
    key.last_used_at = utcnow()
    db.session.commit()
    return True
