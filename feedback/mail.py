"""E-mail through an outbox table: queued in the request's transaction, sent after commit.

Each message is claimed in the database before it is sent (a conditional UPDATE whose row
count says who won), so any number of threads, processes and machines sending from the same
database deliver it once. On PostgreSQL a sender claims a whole batch in one statement whose
rows are locked with ``FOR UPDATE SKIP LOCKED``: parallel senders (every gunicorn worker
flushes after a request that queued mail) take different messages instead of racing for the
same ones. A claim older than ``MAIL_CLAIM_TIMEOUT`` seconds (its sender died)
is taken over. One failing message is recorded and skipped; it never stops the others.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import json
import os
import smtplib
import socket
import threading
import uuid
from email.message import EmailMessage

from flask import Flask, current_app
from sqlalchemy import CursorResult, delete, or_, select, update

from feedback.emails import BadAddress, normalize_address
from feedback.extensions import db
from feedback.models import OutboxMail, utcnow


def queue_mail(
    to: str, subject: str, body: str, headers: dict[str, str] | None = None
) -> OutboxMail | None:
    """Add a message to the outbox (committed with the caller's transaction)."""
    if not to:
        return None
    extra = json.dumps(headers, ensure_ascii=False, sort_keys=True) if headers else ""
    mail = OutboxMail(to=to, subject=subject, body=body, headers=extra)
    db.session.add(mail)
    return mail


def worker_name() -> str:
    """A name for this sender, unique across machines, processes, threads and runs."""
    host = socket.gethostname()[:40]
    return f"{host}:{os.getpid()}:{threading.get_ident() % 10**6}:{uuid.uuid4().hex[:8]}"


def message_id(config: dict, mail: OutboxMail) -> str:
    """The Message-ID of an outbox row: the same on every attempt, so a re-send can be dropped."""
    domain = config["MAIL_FROM"].rpartition("@")[2] or "localhost"
    stamp = mail.created_at.strftime("%Y%m%d%H%M%S%f")
    return f"<outbox.{mail.id}.{stamp}@{domain}>"


#: Lines up to RFC 5322's limit: a long link in a header (List-Unsubscribe) stays one word
#: instead of being turned into an encoded word that mail clients cannot follow.
POLICY = email.policy.SMTP.clone(max_line_length=998)


def _message(config: dict, mail: OutboxMail) -> EmailMessage:
    msg = EmailMessage(policy=POLICY)
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = normalize_address(mail.to)
    msg["Subject"] = mail.subject
    msg["Message-ID"] = message_id(config, mail)
    for name, value in json.loads(mail.headers or "{}").items():
        msg[name] = value
    msg.set_content(mail.body)
    return msg


def _send_one(config: dict, mail: OutboxMail) -> None:
    msg = _message(config, mail)
    with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=10) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        smtp.send_message(msg)


def _claimable(config: dict, now: dt.datetime):  # type: ignore[no-untyped-def]
    """Conditions under which a message may be claimed now."""
    stale = now - dt.timedelta(seconds=config["MAIL_CLAIM_TIMEOUT"])
    return (
        OutboxMail.sent_at.is_(None),
        OutboxMail.next_try_at <= now,
        OutboxMail.attempts < config["MAIL_MAX_ATTEMPTS"],
        or_(OutboxMail.claimed_at.is_(None), OutboxMail.claimed_at < stale),
    )


def claim(mail_id: int, worker: str, now: dt.datetime) -> bool:
    """Take message ``mail_id`` for ``worker`` (counting the attempt); False if another has it."""
    config = current_app.config
    result = db.session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, *_claimable(config, now))
        .values(claimed_by=worker, claimed_at=now, attempts=OutboxMail.attempts + 1),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    if not isinstance(result, CursorResult):  # Session.execute is typed for SELECTs too
        raise TypeError(f"UPDATE 返回了 {type(result).__name__}，取不到受影响的行数")
    return result.rowcount == 1


def _finish(mail: OutboxMail, worker: str, error: str | None, permanent: bool) -> None:
    """Record the outcome and release the claim (only if it is still ours)."""
    config = current_app.config
    values: dict = {"claimed_by": None, "claimed_at": None}
    if error is None:
        values.update(sent_at=utcnow(), last_error="")
    else:
        values["last_error"] = error[:500]
        values["next_try_at"] = utcnow() + dt.timedelta(minutes=2 ** min(mail.attempts, 12))
        if permanent:  # retrying cannot help: stop now, the CLI lists it
            values["attempts"] = max(mail.attempts, config["MAIL_MAX_ATTEMPTS"])
    db.session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail.id, OutboxMail.claimed_by == worker)
        .values(**values),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


def _deliver(config: dict, mail: OutboxMail) -> tuple[str | None, bool]:
    """Send one message; (error or None, whether the error is permanent)."""
    try:
        _send_one(config, mail)
    except BadAddress as exc:
        return f"收件地址无效：{exc}", True
    except Exception as exc:  # one broken message must never stop the rest
        return f"{type(exc).__name__}: {exc}", False
    return None, False


def claim_batch(worker: str, limit: int, now: dt.datetime) -> list[int]:
    """Claim up to ``limit`` due messages for ``worker`` in one statement (PostgreSQL).

    The subquery locks the rows it picks and skips rows another sender has locked, so two
    senders at the same moment never pick the same message; the UPDATE counts the attempt.
    """
    due = (
        select(OutboxMail.id)
        .where(*_claimable(current_app.config, now))
        .order_by(OutboxMail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = db.session.scalars(
        update(OutboxMail)
        .where(OutboxMail.id.in_(due.scalar_subquery()))
        .values(claimed_by=worker, claimed_at=now, attempts=OutboxMail.attempts + 1)
        .returning(OutboxMail.id),
        execution_options={"synchronize_session": False},
    ).all()
    db.session.commit()
    return sorted(ids)


def _claimed_ids(worker: str, limit: int) -> list[int]:
    """The ids this sender now holds: one batch claim on PostgreSQL, one by one elsewhere."""
    if db.session.get_bind().dialect.name == "postgresql":
        return claim_batch(worker, limit, utcnow())
    now = utcnow()
    ids = db.session.scalars(
        select(OutboxMail.id)
        .where(*_claimable(current_app.config, now))
        .order_by(OutboxMail.id)
        .limit(limit)
    ).all()
    db.session.commit()  # end the read transaction before claiming
    return [mail_id for mail_id in ids if claim(mail_id, worker, utcnow())]


def _send_batch(worker: str, limit: int) -> tuple[int, int, int]:
    """Claim and send up to ``limit`` due messages; (sent, failed, claimed)."""
    config = current_app.config
    sent = failed = claimed = 0
    for mail_id in _claimed_ids(worker, limit):
        claimed += 1
        mail = db.session.get(OutboxMail, mail_id, populate_existing=True)
        if mail is None:  # deleted since it was claimed: nothing left to send
            continue
        error, permanent = _deliver(config, mail)
        _finish(mail, worker, error, permanent)
        sent, failed = (sent + 1, failed) if error is None else (sent, failed + 1)
    return sent, failed, claimed


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Send every due message this sender can claim; return (sent, failed). Needs an app context."""
    worker = worker_name()
    sent = failed = 0
    while True:
        batch_sent, batch_failed, claimed = _send_batch(worker, limit)
        sent, failed = sent + batch_sent, failed + batch_failed
        if claimed == 0:
            return sent, failed


def given_up() -> list[OutboxMail]:
    """Unsent messages that used up ``MAIL_MAX_ATTEMPTS`` and wait for an operator."""
    query = select(OutboxMail).where(
        OutboxMail.sent_at.is_(None),
        OutboxMail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"],
    )
    return list(db.session.scalars(query.order_by(OutboxMail.id)))


def purge(now: dt.datetime) -> int:
    """Delete messages sent, or given up, more than ``MAIL_KEEP_DAYS`` days before ``now``.

    The outbox holds addresses (reporters', followers', accounts'): a sent message is kept
    only as long as an operator may need it to answer "was it sent?". Unsent messages still
    being retried are never deleted. Returns how many were deleted. Needs an app context.
    """
    config = current_app.config
    before = now - dt.timedelta(days=config["MAIL_KEEP_DAYS"])
    gone = db.session.execute(
        delete(OutboxMail).where(
            or_(
                OutboxMail.sent_at < before,
                (OutboxMail.sent_at.is_(None))
                & (OutboxMail.attempts >= config["MAIL_MAX_ATTEMPTS"])
                & (OutboxMail.next_try_at < before),
            )
        )
    )
    db.session.commit()
    return int(gone.rowcount or 0) if isinstance(gone, CursorResult) else 0


class _Flusher:
    """At most one outbox thread per process; a request that queues mail while it runs makes
    it look once more instead of starting another. Under load every request would otherwise
    start a thread, and dozens would race for the same messages (and SQLite's write lock)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.pending = False
        self.thread: threading.Thread | None = None

    def kick(self) -> threading.Thread:
        """Make sure the outbox is looked at after now; the thread that will do it."""
        with self.lock:
            self.pending = True
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="outbox", daemon=True)
                self.thread.start()
            return self.thread

    def _run(self) -> None:
        while True:
            with self.lock:
                if not self.pending:
                    self.thread = None
                    return
                self.pending = False
            try:
                with self.app.app_context():
                    send_pending()
            except Exception:  # the next request's kick tries again
                self.app.logger.exception("outbox flush failed")


def flush_in_background(app: Flask) -> threading.Thread:
    """Send due mail in this process's outbox thread so no request waits for SMTP."""
    flusher = app.extensions.get("yimatong_outbox")
    if flusher is None:
        flusher = app.extensions.setdefault("yimatong_outbox", _Flusher(app))
    return flusher.kick()


def init_app(app: Flask) -> None:
    """After each request that queued mail, flush the outbox in the background."""

    @app.after_request
    def _after(response):  # type: ignore[no-untyped-def]
        from flask import g

        if g.pop("mail_queued", False) and app.config["MAIL_ENABLED"]:
            if app.config["MAIL_BACKGROUND"]:
                flush_in_background(app)
        return response
