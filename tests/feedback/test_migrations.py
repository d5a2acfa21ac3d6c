"""Alembic migrations: they build exactly the tables the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from feedback.extensions import db


def test_migrated_schema_matches_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, db.metadata) == []
        assert "alembic_version" in inspect(connection).get_table_names()


def test_sqlite_runs_in_wal_mode(app):
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_failed_logins_are_limited(make_app):
    app = make_app(RATE_LIMIT_LOGINS=2)
    client = app.test_client()
    codes = [
        client.post("/officer/login", data={"login": "x", "password": "y"}).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
