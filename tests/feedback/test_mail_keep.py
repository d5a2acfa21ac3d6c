"""The outbox keeps addresses no longer than needed: `send-mail` deletes messages sent, or
given up, more than MAIL_KEEP_DAYS days ago, and never one still being retried."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from feedback.cli import feedback_group
from feedback.extensions import db
from feedback.mail import purge, send_pending
from feedback.models import OutboxMail, utcnow
from generator import clock
from tests.feedback.smtp_helpers import SmtpServer

SECRET = "keep-days-secret-0123456789abcdef"


def _queue(app, **rows: dict) -> dict[str, int]:
    with app.app_context():
        made = {
            name: OutboxMail(subject=name, body="正文", **values) for name, values in rows.items()
        }
        db.session.add_all(made.values())
        db.session.commit()
        return {name: row.id for name, row in made.items()}


def _left(app) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(db.select(OutboxMail.id)))


def test_old_sent_and_given_up_messages_are_deleted_pending_ones_kept(make_app):
    app = make_app(MAIL_KEEP_DAYS=30, MAIL_MAX_ATTEMPTS=3)
    now = utcnow()
    old, recent = now - dt.timedelta(days=31), now - dt.timedelta(days=29)
    ids = _queue(
        app,
        sent_old={"to": "a@example.com", "sent_at": old},
        sent_recent={"to": "b@example.com", "sent_at": recent},
        given_up_old={"to": "c@example.com", "attempts": 3, "next_try_at": old},
        given_up_recent={"to": "d@example.com", "attempts": 3, "next_try_at": recent},
        retrying_old={"to": "e@example.com", "attempts": 2, "next_try_at": old, "created_at": old},
    )
    with app.app_context():
        assert purge(now) == 2
    assert _left(app) == {ids["sent_recent"], ids["given_up_recent"], ids["retrying_old"]}
    with app.app_context():
        assert purge(now) == 0  # nothing more to delete


def test_send_mail_sends_then_deletes_what_is_past_keeping(make_app, monkeypatch):
    with SmtpServer() as smtp:
        app = make_app(MAIL_ENABLED=True, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
        ids = _queue(app, fresh={"to": "new@example.com"})
        with app.app_context():
            assert send_pending() == (1, 0)
        for key, value in {
            "INSTANCE_PATH": app.instance_path,
            "DIRECTORY_FILE": app.config["DIRECTORY_FILE"],
            "SECRET_KEY": SECRET,
            "MAIL_ENABLED": "1",
            "MAIL_KEEP_DAYS": "7",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp.port),
        }.items():
            monkeypatch.setenv(f"YIMATONG_{key}", value)
        result = CliRunner().invoke(feedback_group, ["send-mail"])
        assert result.exit_code == 0, result.output
        assert _left(app) == {ids["fresh"]}  # sent today: kept for the operator
        with clock.travel(clock.now() + dt.timedelta(days=8)):
            result = CliRunner().invoke(feedback_group, ["send-mail"])
        assert result.exit_code == 0, result.output
        assert "已删除 1 封 7 天前" in result.output
        assert _left(app) == set()
