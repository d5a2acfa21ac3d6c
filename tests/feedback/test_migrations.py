"""Alembic migrations: they build exactly the tables the models declare."""

from __future__ import annotations

import sqlite3

import pytest
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


def test_migration_without_connection_or_url_is_refused(tmp_path):
    """Alembic run with neither a connection nor a URL says so instead of crashing in SQLAlchemy."""
    from alembic import command
    from alembic.config import Config
    from alembic.util import CommandError

    from feedback.migrate import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with pytest.raises(CommandError, match="既没有传入数据库连接，也没有 sqlalchemy.url"):
        command.upgrade(config, "head")
    assert list(tmp_path.iterdir()) == []


def test_migration_by_url_builds_the_tables(tmp_path):
    """The URL path (no connection handed in) still migrates a fresh SQLite file."""
    from alembic import command

    from feedback.migrate import alembic_config

    target = tmp_path / "by-url.sqlite3"
    command.upgrade(alembic_config(f"sqlite:///{target}"), "head")
    with sqlite3.connect(target) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {"account", "report", "outbox", "alembic_version"} <= tables
