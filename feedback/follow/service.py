"""Following a unit: ask (a confirmation mail), confirm, stop, notices, export and forget."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, func, select

from feedback.extensions import db
from feedback.follow.models import Follower, FollowSeen
from feedback.mail import queue_mail
from feedback.models import utcnow
from generator.directory.events import PublishedEvent


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_for(follower: Follower) -> str:
    """The secret in a follower's links: HMAC of its nonce under SECRET_KEY (never stored)."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"follow:{follower.nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _renew(follower: Follower) -> str:
    follower.nonce = secrets.token_hex(16)
    token = token_for(follower)
    follower.token_hash = _hash(token)
    return token


def _url(path: str) -> str:
    return current_app.config["FEEDBACK_URL"].rstrip("/") + path


def _stop_headers(token: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: the mail client POSTs to the link, no page needed."""
    return {
        "List-Unsubscribe": f"<{_url(f'/follow/stop/{token}')}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def ask(unit_code: str, unit_name: str, email: str) -> None:
    """Record a request to follow and mail the confirmation link.

    The page says the same whatever the address's state, so it tells nobody whether an
    address already follows a unit. An address that already follows is sent nothing (a
    stranger cannot make us mail it, nor break its links); a pending one gets a new link.
    """
    found = db.session.scalar(
        select(Follower).where(Follower.unit_code == unit_code, Follower.email == email)
    )
    if found is not None and found.confirmed_at is not None:
        return
    if found is None:
        found = Follower(unit_code=unit_code, email=email)
        db.session.add(found)
    found.created_at = utcnow()
    token = _renew(found)
    days = current_app.config["FOLLOW_CONFIRM_DAYS"]
    body = (
        f"有人用这个邮箱申请关注“{unit_name}”的公开信息（行政处罚、许可证状态、检查和整改）。\n\n"
        f"如果是您本人，请在 {days} 天内打开下面的链接并点击“确认关注”：\n"
        f"{_url(f'/follow/confirm/{token}')}\n\n"
        f"如果不是您，请忽略这封邮件，我们不会再给您发信。\n"
    )
    queue_mail(email, f"请确认关注：{unit_name}", body)


def by_token(token: str) -> Follower | None:
    """The follower whose links carry ``token``, if any."""
    return db.session.scalar(select(Follower).where(Follower.token_hash == _hash(token or "")))


def _cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Requests made before this moment and still unconfirmed have expired."""
    return (now or utcnow()) - dt.timedelta(days=current_app.config["FOLLOW_CONFIRM_DAYS"])


def expired(follower: Follower, now: dt.datetime | None = None) -> bool:
    """An unconfirmed request older than FOLLOW_CONFIRM_DAYS."""
    return follower.confirmed_at is None and follower.created_at < _cutoff(now)


def confirm(follower: Follower, current: Iterable[PublishedEvent]) -> None:
    """Confirm; what the unit's page shows now is not news to them (marked seen)."""
    if follower.confirmed_at is not None:
        return
    follower.confirmed_at = utcnow()
    db.session.flush()
    ids = {e.id for e in current if e.unit == follower.unit_code}
    db.session.add_all(FollowSeen(follower_id=follower.id, event_id=i) for i in sorted(ids))


def stop(follower: Follower) -> None:
    """Unfollow: the address and what it was told are deleted, not just marked."""
    db.session.execute(delete(FollowSeen).where(FollowSeen.follower_id == follower.id))
    db.session.delete(follower)


@dataclass(frozen=True, slots=True)
class Notified:
    """What one notify run did."""

    mails: int
    events: int
    dropped: int


def _drop_expired(now: dt.datetime) -> int:
    """Delete the unconfirmed requests that expired (they were told nothing: no seen rows)."""
    done = db.session.execute(
        delete(Follower).where(Follower.confirmed_at.is_(None), Follower.created_at < _cutoff(now))
    )
    return int(getattr(done, "rowcount", 0) or 0)


def _notice(follower: Follower, unit_name: str, news: list[PublishedEvent]) -> None:
    token = token_for(follower)
    lines = [f"- {e.date} {e.title}\n  {e.link}" for e in news]
    body = (
        f"您关注的“{unit_name}”有 {len(news)} 条新公开信息：\n\n"
        + "\n".join(lines)
        + f"\n\n不想再收到？退订：{_url(f'/follow/stop/{token}')}\n"
    )
    queue_mail(follower.email, f"{unit_name}：{len(news)} 条新公开信息", body, _stop_headers(token))
    db.session.add_all(FollowSeen(follower_id=follower.id, event_id=e.id) for e in news)


def _seen() -> dict[int, set[str]]:
    """The events each follower was told about, in one query."""
    found: dict[int, set[str]] = defaultdict(set)
    for follower_id, event_id in db.session.execute(
        select(FollowSeen.follower_id, FollowSeen.event_id)
    ):
        found[follower_id].add(event_id)
    return found


def notify(events: Iterable[PublishedEvent], names: dict[str, str]) -> Notified:
    """Mail each confirmed follower one digest of the events they have not seen; commit."""
    dropped = _drop_expired(utcnow())
    followers = list(db.session.scalars(select(Follower).where(Follower.confirmed_at.is_not(None))))
    followed = {f.unit_code for f in followers}
    by_unit: dict[str, list[PublishedEvent]] = defaultdict(list)
    for e in events:  # only the followed units' events are kept, not the province's
        if e.unit in followed:
            by_unit[e.unit].append(e)
    seen = _seen()
    mails = told = 0
    for follower in followers:
        news = [e for e in by_unit.get(follower.unit_code, []) if e.id not in seen[follower.id]]
        if news:
            _notice(follower, names.get(follower.unit_code, follower.unit_code), news)
            mails, told = mails + 1, told + len(news)
    db.session.commit()
    return Notified(mails, told, dropped)


def _of_address(email: str):  # type: ignore[no-untyped-def]
    """Follows of an address, whatever the case it was typed in (a person's request)."""
    return select(Follower).where(func.lower(Follower.email) == email.lower())


def export(email: str) -> list[dict[str, str | None]]:
    """Everything kept about an address (for a request to see one's data)."""
    rows = db.session.scalars(_of_address(email))
    return [
        {
            "unit_code": f.unit_code,
            "email": f.email,
            "requested_at": f.created_at.isoformat(timespec="seconds") + "Z",
            "confirmed_at": f.confirmed_at.isoformat(timespec="seconds") + "Z"
            if f.confirmed_at
            else None,
        }
        for f in rows
    ]


def forget(email: str) -> int:
    """Delete every follow of an address; how many there were."""
    rows = list(db.session.scalars(_of_address(email)))
    for follower in rows:
        stop(follower)
    db.session.commit()
    return len(rows)
