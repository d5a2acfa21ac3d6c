"""The ledger on a real PostgreSQL server: migration, racing opens of one item, the queries."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from feedback.app import create_app
from feedback.config import TEST_CONFIG
from feedback.extensions import db
from feedback.ledger import export, queries, service
from feedback.ledger.models import LedgerItem
from feedback.migrate import upgrade
from feedback.models import Account
from generator import clock
from tests.feedback.ledger_helpers import BINYANG, DAY
from tests.feedback.test_postgres import postgres_url, pytestmark  # noqa: F401  (the cluster)


@pytest.fixture
def pg_app(postgres_url, tmp_path, fixture_directory):  # noqa: F811
    """The app on the throwaway cluster, migrated, with one Binyang officer."""
    config = {
        **TEST_CONFIG,
        "DIRECTORY_FILE": fixture_directory,
        "INSTANCE_PATH": tmp_path,
        "DATABASE_URL": postgres_url,
    }
    app = create_app(config)
    upgrade(app)
    with app.app_context():
        if db.session.query(Account).filter_by(login="pg-ledger").first() is None:
            db.session.add(
                Account(login="pg-ledger", password_hash="x", role="officer", body_id="nn")
            )
            db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _open(app, ref: str, barrier: threading.Barrier | None, numbers: list[str]) -> None:
    """Open one item (the caller travels to DAY: the clock is shared by the threads, and
    travelling in each of them could leave it travelled after the last one ends)."""
    with app.app_context():
        if barrier is not None:
            barrier.wait()
        item = service.open_item(
            unit_code=BINYANG,
            source="inspection",
            source_ref=ref,
            title="废气收集罩破损",
            action="更换收集罩",
            due_on=DAY + dt.timedelta(days=5),
            body_id="nn-binyang",
            actor=None,
        )
        db.session.commit()
        numbers.append(item.number)


def test_racing_opens_of_one_source_record_make_one_item(pg_app):
    numbers: list[str] = []
    barrier = threading.Barrier(4)
    threads = [
        threading.Thread(target=_open, args=(pg_app, "pg-race", barrier, numbers)) for _ in range(4)
    ]
    # Threads entering clock.travel at once restore each other's moments; the travel around
    # them puts the clock back for the tests after this one.
    with clock.travel(DAY):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert len(numbers) == 4 and len(set(numbers)) == 1
    with pg_app.app_context():
        assert db.session.query(LedgerItem).filter_by(source_ref="pg-race").count() == 1


def test_the_officer_queries_and_the_export_on_postgres(pg_app):
    with clock.travel(DAY):
        _open(pg_app, "pg-1", None, [])
    with clock.travel(DAY), pg_app.app_context():
        officer = db.session.query(Account).filter_by(login="pg-ledger").one()
        directory = pg_app.extensions["yimatong_directory"]
        late = DAY + dt.timedelta(days=30)
        filters = queries.LedgerFilters(area="450100", industry="1340")
        assert len(queries.listing(officer, directory, filters, DAY)) >= 1
        assert (
            queries.counts(officer, directory, queries.LedgerFilters(overdue=True), late)["overdue"]
            >= 1
        )
        [city] = [c for c in queries.per_city(officer, directory, late) if c.code == "450100"]
        assert city.open >= 1 and city.overdue >= 1
        trend = dict((m, f) for m, f, _ in queries.trend(officer, directory, DAY))
        assert trend[DAY.strftime("%Y-%m")] >= 1
        data = export.export_data(DAY)
        assert any(i["title"] == "废气收集罩破损" for i in data["items"])
