"""The outbox: one bad message never blocks the rest, and each message is sent exactly once
by any number of threads and `yimatong feedback send-mail` processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from feedback.app import create_app
from feedback.cli import feedback_group
from feedback.config import TEST_CONFIG
from feedback.extensions import db
from feedback.mail import claim, given_up, send_pending
from feedback.migrate import upgrade
from feedback.models import OutboxMail, utcnow
from tests.feedback.smtp_helpers import SmtpServer, free_port
from tests.feedback.test_postgres import postgres_url  # noqa: F401 (fixture)
from tests.pg import PG_BIN

SECRET = "exactly-once-secret-0123456789abcdef"


def _mail_app(make_app, port: int, **kw):
    return make_app(MAIL_ENABLED=True, SMTP_HOST="127.0.0.1", SMTP_PORT=port, **kw)


def _queue(app, addresses: list[str], subject: str = "通知") -> list[int]:
    """Rows written straight into the outbox, as older releases (or content) could leave them."""
    with app.app_context():
        rows = [
            OutboxMail(to=a, subject=f"{subject} {i}", body="正文") for i, a in enumerate(addresses)
        ]
        db.session.add_all(rows)
        db.session.commit()
        return [r.id for r in rows]


def _row(app, mail_id: int) -> OutboxMail:
    with app.app_context():
        row = db.session.get(OutboxMail, mail_id)
        db.session.expunge(row)
        return row


def _make_due(app) -> None:
    """Pretend the back-off has passed (no waiting, no dependence on the clock)."""
    with app.app_context():
        db.session.query(OutboxMail).update({"next_try_at": utcnow() - dt.timedelta(seconds=1)})
        db.session.commit()


@pytest.mark.parametrize(
    "bad",
    ["a@[b.cc", "a@[127.0.0.1]", "no-at-sign", "a@b@c.example", "x@exa mple.com", "甲@乙"],
)
def test_bad_address_is_isolated_and_given_up(make_app, bad):
    with SmtpServer() as smtp:
        app = _mail_app(make_app, smtp.port)
        first, broken, last = _queue(app, ["one@example.com", bad, "two@example.com"])
        with app.app_context():
            assert send_pending() == (2, 1)
            assert send_pending() == (0, 0)  # not retried: the address can never work
            assert [m.id for m in given_up()] == [broken]
    assert sorted(smtp.recorder.recipients()) == ["one@example.com", "two@example.com"]
    row = _row(app, broken)
    assert row.sent_at is None and row.last_error.startswith("收件地址无效")
    assert row.attempts >= app.config["MAIL_MAX_ATTEMPTS"] and row.claimed_at is None
    assert _row(app, first).sent_at and _row(app, last).sent_at


def test_broken_header_fails_alone_and_is_retried(make_app):
    with SmtpServer() as smtp:
        app = _mail_app(make_app, smtp.port)
        ok, broken = _queue(app, ["one@example.com", "two@example.com"])
        with app.app_context():
            db.session.get(OutboxMail, broken).subject = "标题\nBcc: victim@example.com"
            db.session.commit()
            assert send_pending() == (1, 1)
        row = _row(app, broken)
        assert row.attempts == 1 and row.last_error and row.next_try_at > utcnow()
        _make_due(app)
        with app.app_context():
            assert send_pending() == (0, 1)
    assert _row(app, broken).attempts == 2
    assert smtp.recorder.recipients() == ["one@example.com"]
    assert _row(app, ok).sent_at is not None


def test_failing_message_stops_after_max_attempts_and_cli_lists_it(make_app, monkeypatch):
    app = _mail_app(make_app, free_port(), MAIL_MAX_ATTEMPTS=3)  # nobody listens there
    (mail_id,) = _queue(app, ["one@example.com"])
    waits = []
    for _ in range(3):
        with app.app_context():
            assert send_pending() == (0, 1)
        row = _row(app, mail_id)
        waits.append(row.next_try_at - utcnow())
        _make_due(app)
    assert waits[0] < waits[1] < waits[2]  # back-off grows
    with app.app_context():
        assert send_pending() == (0, 0)
        assert [m.id for m in given_up()] == [mail_id]
    assert _row(app, mail_id).attempts == 3
    for key, value in {
        "INSTANCE_PATH": app.instance_path,
        "DIRECTORY_FILE": app.config["DIRECTORY_FILE"],
        "SECRET_KEY": SECRET,
        "MAIL_ENABLED": "1",
        "MAIL_MAX_ATTEMPTS": "3",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(free_port()),
    }.items():
        monkeypatch.setenv(f"YIMATONG_{key}", value)
    result = CliRunner().invoke(feedback_group, ["send-mail"])
    assert result.exit_code == 0, result.output
    assert f"#{mail_id} 收件人 one@example.com" in result.stderr
    assert "已停止重试" in result.stderr


def test_claim_is_exclusive_and_stale_claims_are_taken_over(make_app):
    with SmtpServer() as smtp:
        app = _mail_app(make_app, smtp.port, MAIL_CLAIM_TIMEOUT=600)
        free, stale, fresh = _queue(app, ["a@example.com", "b@example.com", "c@example.com"])
        with app.app_context():
            now = utcnow()
            assert claim(free, "sender-1", now) is True
            assert claim(free, "sender-2", now) is False
            db.session.get(OutboxMail, free).claimed_at = None  # give it back
            rows = {stale: now - dt.timedelta(hours=2), fresh: now - dt.timedelta(seconds=5)}
            for mail_id, at in rows.items():
                row = db.session.get(OutboxMail, mail_id)
                row.claimed_by, row.claimed_at = "crashed-sender", at
            db.session.commit()
            assert send_pending() == (2, 0)
    assert sorted(smtp.recorder.recipients()) == ["a@example.com", "b@example.com"]
    assert _row(app, fresh).sent_at is None and _row(app, fresh).claimed_by == "crashed-sender"
    assert _row(app, stale).claimed_at is None


def test_resend_after_lost_commit_keeps_the_message_id(make_app):
    with SmtpServer() as smtp:
        app = _mail_app(make_app, smtp.port)
        (mail_id,) = _queue(app, ["a@example.com"])
        with app.app_context():
            assert send_pending() == (1, 0)
            row = db.session.get(OutboxMail, mail_id)  # as if the commit after SMTP was lost
            row.sent_at, row.claimed_by, row.claimed_at = (
                None,
                "crashed",
                utcnow() - dt.timedelta(days=1),
            )
            db.session.commit()
            assert send_pending() == (1, 0)
    ids = smtp.recorder.message_ids()
    assert list(ids.values()) == [2] and len(ids) == 1  # one Message-ID, twice


def test_threads_send_each_message_once(make_app):
    with SmtpServer(delay=0.01) as smtp:
        app = _mail_app(make_app, smtp.port)
        _queue(app, [f"user{i}@example.com" for i in range(30)])
        start = threading.Barrier(4)

        def run() -> None:
            with app.app_context():
                start.wait()
                send_pending(limit=7)

        threads = [threading.Thread(target=run) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert len(smtp.recorder.messages) == 30
    assert set(smtp.recorder.message_ids().values()) == {1}


def _yimatong() -> list[str]:
    script = Path(sys.executable).with_name("yimatong")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from generator.cli import main; main()"]


def _run_senders(url: str, instance: Path, smtp_port: int, directory: str, count: int = 4) -> None:
    """Start ``count`` real `yimatong feedback send-mail` processes at once and wait for them."""
    env = {
        **os.environ,
        "YIMATONG_DATABASE_URL": url,
        "YIMATONG_INSTANCE_PATH": str(instance),
        "YIMATONG_DIRECTORY_FILE": directory,
        "YIMATONG_SECRET_KEY": SECRET,
        "YIMATONG_MAIL_ENABLED": "1",
        "YIMATONG_SMTP_HOST": "127.0.0.1",
        "YIMATONG_SMTP_PORT": str(smtp_port),
    }
    procs = [
        subprocess.Popen(
            [*_yimatong(), "feedback", "send-mail"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, out + err


def _exactly_once(app, url: str, instance: Path, total: int = 60) -> None:
    ids = _queue(app, [f"user{i}@example.com" for i in range(total)])
    db_app_dispose(app)
    with SmtpServer(delay=0.02) as smtp:
        _run_senders(url, instance, smtp.port, app.config["DIRECTORY_FILE"])
    arrived = smtp.recorder.message_ids()
    assert len(smtp.recorder.messages) == total
    assert len(arrived) == total and set(arrived.values()) == {1}
    with app.app_context():
        rows = db.session.query(OutboxMail).filter(OutboxMail.id.in_(ids)).all()
        assert all(r.sent_at is not None and r.claimed_at is None for r in rows)
        assert all(r.attempts == 1 for r in rows)


def db_app_dispose(app) -> None:
    """Close the test's connections so the sender processes have the database to themselves."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_processes_send_each_message_once_on_sqlite(make_app):
    app = _mail_app(make_app, 25)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    _exactly_once(app, url, Path(app.instance_path))


@pytest.mark.skipif(
    PG_BIN is None or shutil.which("runuser") is None or os.geteuid() != 0,
    reason="needs Debian's postgresql binaries and root to start a throwaway cluster",
)
def test_processes_send_each_message_once_on_postgres(postgres_url, tmp_path, fixture_directory):  # noqa: F811
    config = {
        **TEST_CONFIG,
        "DIRECTORY_FILE": fixture_directory,
        "INSTANCE_PATH": tmp_path / "instance",
        "DATABASE_URL": postgres_url,
        "MAIL_ENABLED": True,
    }
    app = create_app(config)
    upgrade(app)
    try:
        _exactly_once(app, postgres_url, tmp_path / "instance")
    finally:
        db_app_dispose(app)


def test_message_deleted_after_its_claim_is_skipped(make_app):
    """A row removed between the claim and the read (here by a trigger) is not sent, no crash."""
    with SmtpServer() as smtp:
        app = _mail_app(make_app, smtp.port)
        doomed, kept = _queue(app, ["gone@example.com", "kept@example.com"])
        with app.app_context():
            db.session.execute(
                text(
                    "CREATE TRIGGER drop_claimed AFTER UPDATE OF claimed_by ON outbox "
                    f"WHEN NEW.id = {doomed} AND NEW.claimed_by IS NOT NULL "
                    "BEGIN DELETE FROM outbox WHERE id = NEW.id; END"
                )
            )
            db.session.commit()
            assert send_pending() == (1, 0)
            assert db.session.get(OutboxMail, doomed) is None
    assert smtp.recorder.recipients() == ["kept@example.com"]
    assert _row(app, kept).sent_at is not None
