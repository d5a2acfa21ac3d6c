"""A small rate limiter kept in the database, so it holds across worker processes."""

from __future__ import annotations

import datetime as dt
import hashlib

from flask import current_app, request
from sqlalchemy import delete, func, select

from feedback.extensions import db
from feedback.models import RateHit, utcnow


def client_key(action: str) -> str:
    """Hash of the client address and the action; the address itself is not stored."""
    addr = request.remote_addr or "unknown"
    secret = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{secret}|{action}|{addr}".encode()).hexdigest()


def over_limit(action: str, limit: int) -> bool:
    """Whether this client already used up ``limit`` events of ``action`` in the window."""
    window = dt.timedelta(seconds=current_app.config["RATE_LIMIT_WINDOW"])
    since = utcnow() - window
    count = db.session.scalar(
        select(func.count(RateHit.id)).where(RateHit.key == client_key(action), RateHit.at >= since)
    )
    return (count or 0) >= limit


def hit(action: str) -> None:
    """Count one event for this client and forget hits older than the window."""
    window = dt.timedelta(seconds=current_app.config["RATE_LIMIT_WINDOW"])
    db.session.execute(delete(RateHit).where(RateHit.at < utcnow() - window))
    db.session.add(RateHit(key=client_key(action)))
