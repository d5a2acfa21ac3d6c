"""A small rate limiter kept in the database, so it holds across worker processes.

:func:`take` counts and checks in one statement, serialised per client: on SQLite the
INSERT ... SELECT holds the database's write lock from its first read, on PostgreSQL a
transaction-level advisory lock on the client's key comes first. So parallel requests can
never pass the limit (docs/feedback.md, "Abuse").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress

from flask import current_app, request
from sqlalchemy import delete, func, insert, literal, select, text

from feedback.extensions import db
from feedback.models import RateHit, utcnow

#: Bits of an IPv6 address one subscriber holds: providers hand out a /64 (often more), so
#: every address in it is the same client, or one person would get 2**64 limits.
IPV6_CLIENT_PREFIX = 64


def client_address(addr: str | None) -> str:
    """The client's address as limits count it: IPv4 as is, IPv6 as its /64 network."""
    try:
        ip = ipaddress.ip_address((addr or "").split("%")[0])
    except ValueError:
        return addr or "unknown"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{ip}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(ip)


def client_key(action: str) -> str:
    """Hash of the client address and the action; the address itself is not stored."""
    addr = client_address(request.remote_addr)
    secret = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{secret}|{action}|{addr}".encode()).hexdigest()


def _since() -> dt.datetime:
    return utcnow() - dt.timedelta(seconds=current_app.config["RATE_LIMIT_WINDOW"])


def over_limit(action: str, limit: int) -> bool:
    """Whether this client already used up ``limit`` events of ``action`` in the window.

    A check without counting (failed logins count afterwards with :func:`hit`); where
    parallel requests must not pass the limit, use :func:`take`.
    """
    return used(action) >= limit


def hit(action: str) -> None:
    """Count one event for this client and forget hits older than the window."""
    db.session.execute(delete(RateHit).where(RateHit.at < _since()))
    db.session.add(RateHit(key=client_key(action)))


def take(action: str, limit: int, *, commit: bool = True) -> int | None:
    """Count one event if the client is under ``limit``, atomically; commit at once.

    Returns the id of the counted hit (for :func:`give_back`), or None when over the limit.
    Call it with no other pending changes: it commits so the lock is held only briefly.
    With ``commit=False`` a counted hit stays in the caller's transaction, which must follow
    at once and end quickly (a report without photos: one commit, one fsync, instead of two;
    a rollback un-counts the hit). Refused, it commits anyway.
    """
    key = client_key(action)
    return take_key(key, limit, current_app.config["RATE_LIMIT_WINDOW"], commit=commit)


def take_key(key: str, limit: int, window: int, *, commit: bool = True) -> int | None:
    """:func:`take` for any counter key (an API key's) and window in seconds."""
    now = utcnow()
    since = now - dt.timedelta(seconds=window)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
    count = (
        select(func.count(RateHit.id))
        .where(RateHit.key == key, RateHit.at >= since)
        .scalar_subquery()
    )
    statement = (
        insert(RateHit)
        .from_select(
            ["key", "at"], select(literal(key), literal(now, RateHit.at.type)).where(count < limit)
        )
        .returning(RateHit.id)
    )
    hit_id = db.session.execute(statement).scalar()
    # Only this client's old hits: its lock covers them, so parallel takes never wait on
    # each other's deletes (hit() and forget_old() prune everyone's).
    db.session.execute(delete(RateHit).where(RateHit.key == key, RateHit.at < since))
    if commit or hit_id is None:
        db.session.commit()
    return hit_id


def forget_old(now: dt.datetime | None = None) -> None:
    """Delete every client's hits older than the window (the clean-drafts command does it)."""
    window = dt.timedelta(seconds=current_app.config["RATE_LIMIT_WINDOW"])
    db.session.execute(delete(RateHit).where(RateHit.at < (now or utcnow()) - window))
    db.session.commit()


def give_back(hit_id: int | None) -> None:
    """Un-count a hit taken by :func:`take` for work that did not happen; commit."""
    if hit_id is not None:
        db.session.execute(delete(RateHit).where(RateHit.id == hit_id))
        db.session.commit()


def used(action: str) -> int:
    """Events of ``action`` this client has in the window."""
    return (
        db.session.scalar(
            select(func.count(RateHit.id)).where(
                RateHit.key == client_key(action), RateHit.at >= _since()
            )
        )
        or 0
    )
