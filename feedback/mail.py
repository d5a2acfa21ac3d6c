"""E-mail through an outbox table: queued in the request's transaction, sent after commit."""

from __future__ import annotations

import datetime as dt
import smtplib
import threading
from email.message import EmailMessage

from flask import Flask, current_app
from sqlalchemy import select

from feedback.extensions import db
from feedback.models import OutboxMail, utcnow

_lock = threading.Lock()


def queue_mail(to: str, subject: str, body: str) -> OutboxMail | None:
    """Add a message to the outbox (committed with the caller's transaction)."""
    if not to:
        return None
    mail = OutboxMail(to=to, subject=subject, body=body)
    db.session.add(mail)
    return mail


def _send_one(config: dict, mail: OutboxMail) -> None:
    msg = EmailMessage()
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg.set_content(mail.body)
    with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=10) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        smtp.send_message(msg)


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Try every due unsent message once; return (sent, failed). Needs an app context."""
    config = current_app.config
    now = utcnow()
    due = select(OutboxMail).where(
        OutboxMail.sent_at.is_(None),
        OutboxMail.next_try_at <= now,
        OutboxMail.attempts < config["MAIL_MAX_ATTEMPTS"],
    )
    sent = failed = 0
    with _lock:
        for mail in db.session.scalars(due.order_by(OutboxMail.id).limit(limit)).all():
            mail.attempts += 1
            try:
                _send_one(config, mail)
            except (OSError, smtplib.SMTPException) as exc:
                mail.last_error = f"{type(exc).__name__}: {exc}"[:500]
                mail.next_try_at = now + dt.timedelta(minutes=2**mail.attempts)
                failed += 1
            else:
                mail.sent_at = utcnow()
                sent += 1
            db.session.commit()
    return sent, failed


def flush_in_background(app: Flask) -> threading.Thread:
    """Send due mail in a thread so no request waits for SMTP."""

    def run() -> None:
        with app.app_context():
            send_pending()

    thread = threading.Thread(target=run, name="outbox", daemon=True)
    thread.start()
    return thread


def init_app(app: Flask) -> None:
    """After each request that queued mail, flush the outbox in the background."""

    @app.after_request
    def _after(response):  # type: ignore[no-untyped-def]
        from flask import g

        if g.pop("mail_queued", False) and app.config["MAIL_ENABLED"]:
            if app.config["MAIL_BACKGROUND"]:
                flush_in_background(app)
        return response
