"""Alembic environment: runs on the connection handed in by feedback.migrate, or on the URL."""

from alembic import context
from alembic.util import CommandError
from sqlalchemy import create_engine

import feedback.inspections.models  # noqa: F401
import feedback.ledger.models  # noqa: F401  (registers the ledger tables)
import feedback.models  # noqa: F401  (registers the tables)
from feedback.extensions import db

target_metadata = db.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate through the given connection or a new engine."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise CommandError(
            "迁移配置既没有传入数据库连接，也没有 sqlalchemy.url：不知道迁移哪个数据库。"
        )
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)


run_migrations_online()
