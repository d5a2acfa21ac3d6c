"""On PostgreSQL senders claim the outbox in batches with FOR UPDATE SKIP LOCKED: senders at
the same moment take disjoint messages, a sender's batch skips rows another holds locked,
and a stale claim is taken over (feedback.mail.claim_batch)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import text

from feedback.app import create_app
from feedback.config import TEST_CONFIG
from feedback.extensions import db
from feedback.mail import claim_batch
from feedback.migrate import upgrade
from feedback.models import OutboxMail, utcnow
from tests.feedback.test_postgres import postgres_url  # noqa: F401 (fixture)
from tests.pg import UNAVAILABLE

pytestmark = pytest.mark.skipif(bool(UNAVAILABLE), reason=UNAVAILABLE)


@pytest.fixture
def app(postgres_url, tmp_path, fixture_directory):  # noqa: F811
    app = create_app(
        {
            **TEST_CONFIG,
            "DATABASE_URL": postgres_url,
            "DIRECTORY_FILE": fixture_directory,
            "INSTANCE_PATH": tmp_path,
        }
    )
    upgrade(app)
    with app.app_context():
        db.session.execute(text("DELETE FROM outbox"))
        db.session.add_all(
            OutboxMail(to=f"r{i}@example.com", subject="s", body="b") for i in range(60)
        )
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _claim(app, worker: str, limit: int, start: threading.Barrier, out: dict) -> None:
    with app.app_context():
        start.wait()
        out[worker] = claim_batch(worker, limit, utcnow())


def test_senders_at_the_same_moment_claim_disjoint_batches(app) -> None:
    start, out = threading.Barrier(6), {}
    threads = [
        threading.Thread(target=_claim, args=(app, f"w{i}", 15, start, out)) for i in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    claimed = [mail_id for ids in out.values() for mail_id in ids]
    assert len(claimed) == len(set(claimed))  # nobody claimed a message another did
    assert all(len(ids) <= 15 for ids in out.values())
    with app.app_context():
        rows = {m.id: m for m in db.session.scalars(db.select(OutboxMail))}
    assert all(rows[i].attempts == 1 and rows[i].claimed_by for i in claimed)
    assert {rows[i].claimed_by for i in out["w0"]} <= {"w0"}


def test_a_batch_skips_rows_another_transaction_holds(app) -> None:
    with app.app_context():
        first = min(db.session.scalars(db.select(OutboxMail.id)))
        holder = db.engine.connect()
        holder.begin()
        holder.execute(text("SELECT id FROM outbox WHERE id = :id FOR UPDATE"), {"id": first})
        try:
            ids = claim_batch("other", 100, utcnow())  # does not wait for the lock
        finally:
            holder.rollback()
            holder.close()
    assert first not in ids and len(ids) == 59


def test_a_stale_claim_is_taken_over_and_a_fresh_one_is_not(app) -> None:
    with app.app_context():
        ids = claim_batch("dead", 2, utcnow())
        stale = utcnow() - dt.timedelta(seconds=app.config["MAIL_CLAIM_TIMEOUT"] + 1)
        db.session.execute(
            text("UPDATE outbox SET claimed_at = :t WHERE id = :id"), {"t": stale, "id": ids[0]}
        )
        db.session.commit()
        taken = claim_batch("alive", 100, utcnow())
    assert ids[0] in taken and ids[1] not in taken
