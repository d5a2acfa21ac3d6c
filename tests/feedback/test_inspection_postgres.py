"""Inspections on a real PostgreSQL server: migration 0302, photos kept once, a NUL typed in the
field, and two racing submits of one draft make one inspection and one ledger item a problem."""

from __future__ import annotations

import io
import threading

import pytest
from sqlalchemy import func, select

from feedback.app import create_app
from feedback.config import TEST_CONFIG
from feedback.extensions import db
from feedback.inspections.models import SUBMITTED, Inspection, InspectionPhoto
from feedback.ledger.models import LedgerItem
from feedback.migrate import upgrade
from feedback.models import Account
from generator import clock
from tests.feedback.conftest import BINYANG, PASSWORD, png_bytes
from tests.feedback.inspection_helpers import NOON, started, valid_post
from tests.feedback.test_postgres import postgres_url, pytestmark  # noqa: F401  (the cluster)


@pytest.fixture
def pg_app(postgres_url, tmp_path, fixture_directory, password_hash):  # noqa: F811
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
        if db.session.query(Account).filter_by(login="pg-inspector").first() is None:
            db.session.add(
                Account(
                    login="pg-inspector",
                    password_hash=password_hash,
                    role="officer",
                    body_id="nn-binyang",
                    name="宾阳检查员",
                )
            )
            db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _client(app):
    client = app.test_client()
    client.post("/officer/login", data={"login": "pg-inspector", "password": PASSWORD})
    return client


def _count(app, *where) -> int:
    with app.app_context():
        query = select(func.count()).select_from(where[0]).where(*where[1:])
        return int(db.session.scalar(query) or 0)


def test_photos_and_a_nul_on_postgres(pg_app):
    with clock.travel(NOON):
        client = _client(pg_app)
        number = started(client, BINYANG)
        post = valid_post("save", facts="软管\x00通向厂外")
        for _ in range(2):  # the same photo twice: one copy, one row
            post["outlet-photos"] = [(io.BytesIO(png_bytes()), "gate\x00.png")]
            response = client.post(
                f"/officer/inspection/{number}", data=post, content_type="multipart/form-data"
            )
            assert response.status_code == 200
    with pg_app.app_context():
        row = db.session.get(Inspection, number)
        assert row.facts == "软管通向厂外"
        photos = db.session.scalars(
            select(InspectionPhoto).where(InspectionPhoto.inspection_id == number)
        ).all()
        assert [p.filename for p in photos] == ["gate.png"]


def test_racing_submits_make_one_inspection_on_postgres(pg_app):
    with clock.travel(NOON):
        first, second = _client(pg_app), _client(pg_app)
        number = started(first, BINYANG)
        barrier = threading.Barrier(2)
        codes: list[int] = []

        def submit(client) -> None:
            with clock.travel(NOON):
                barrier.wait()
                codes.append(
                    client.post(f"/officer/inspection/{number}", data=valid_post()).status_code
                )

        threads = [threading.Thread(target=submit, args=(c,)) for c in (first, second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert sorted(codes) == [303, 303]
    assert _count(pg_app, Inspection, Inspection.id == number, Inspection.state == SUBMITTED) == 1
    ref = f"{number}:destination"
    assert _count(pg_app, LedgerItem, LedgerItem.source_ref == ref) == 1
