"""monitoring warnings: the officers' queue of the rules' warnings, trail and evidence

Revision ID: 0304
Revises: 0303
"""

import sqlalchemy as sa
from alembic import op

revision = "0304"
down_revision = "0303"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitoring_warning",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("rule", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("unit_code", sa.String(length=22), nullable=False),
        sa.Column("outlet", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("pollutant", sa.String(length=40), nullable=False),
        sa.Column("first", sa.String(length=16), nullable=False),
        sa.Column("last", sa.String(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("limit_json", sa.Text(), nullable=False),
        sa.Column("evidence_json", sa.Text(), nullable=False),
        sa.Column("body_id", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("ledger_number", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("monitoring_warning") as batch:
        batch.create_index("ix_monitoring_warning_unit_code", ["unit_code"], unique=False)
        batch.create_index("ix_monitoring_warning_body_state", ["body_id", "state"], unique=False)
    op.create_table(
        "monitoring_warning_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_kind", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("state_before", sa.String(length=20), nullable=False),
        sa.Column("state_after", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("explanation", sa.String(length=20), nullable=False),
        sa.Column("from_day", sa.Date(), nullable=True),
        sa.Column("to_day", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["warning_id"], ["monitoring_warning.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("monitoring_warning_event") as batch:
        batch.create_index("ix_monitoring_warning_event_warning_id", ["warning_id"], unique=False)
    op.create_table(
        "monitoring_warning_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["attachment_id"], ["attachment.id"]),
        sa.ForeignKeyConstraint(["event_id"], ["monitoring_warning_event.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("attachment_id"),
    )
    with op.batch_alter_table("monitoring_warning_evidence") as batch:
        batch.create_index("ix_monitoring_warning_evidence_event_id", ["event_id"], unique=False)


def downgrade() -> None:
    op.drop_table("monitoring_warning_evidence")
    op.drop_table("monitoring_warning_event")
    op.drop_table("monitoring_warning")
