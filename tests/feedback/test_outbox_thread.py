"""One outbox thread per process: requests that queue mail while it sends make it look again
instead of each starting a thread that races the others for the same messages."""

from __future__ import annotations

import threading
import time

from feedback.extensions import db
from feedback.mail import flush_in_background
from feedback.models import OutboxMail
from tests.feedback.smtp_helpers import SmtpServer


def _outbox_threads() -> int:
    return sum(t.name == "outbox" and t.is_alive() for t in threading.enumerate())


def _queue(app, count: int, start: int = 0) -> None:
    with app.app_context():
        db.session.add_all(
            OutboxMail(to=f"r{start + i}@example.com", subject="s", body="b") for i in range(count)
        )
        db.session.commit()


def test_many_kicks_make_one_thread_and_every_mail_goes_once(make_app) -> None:
    with SmtpServer(delay=0.05) as smtp:
        app = make_app(MAIL_ENABLED=True, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
        _queue(app, 5)
        most = 0
        threads = set()
        for i in range(20):  # twenty requests that each queued mail, while the first sends
            threads.add(flush_in_background(app))
            most = max(most, _outbox_threads())
            if i == 10:
                _queue(app, 3, start=5)  # queued while the thread is busy: sent in its next look
        for _ in range(200):
            if _outbox_threads() == 0:
                break
            time.sleep(0.05)
        assert most == 1 and len(threads) == 1
        assert sorted(smtp.recorder.message_ids().values()) == [1] * 8
        with app.app_context():
            assert db.session.query(OutboxMail).filter(OutboxMail.sent_at.is_(None)).count() == 0


def test_a_kick_after_the_thread_ended_starts_a_new_one(make_app) -> None:
    with SmtpServer() as smtp:
        app = make_app(MAIL_ENABLED=True, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
        _queue(app, 1)
        first = flush_in_background(app)
        first.join(timeout=30)
        _queue(app, 1, start=1)
        second = flush_in_background(app)
        second.join(timeout=30)
        assert first is not second and len(smtp.recorder.messages) == 2
