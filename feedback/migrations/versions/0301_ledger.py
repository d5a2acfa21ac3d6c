"""the problem ledger: items, their audit trail and evidence files

Revision ID: 0301
Revises: 0203_auth_mail
"""

import sqlalchemy as sa
from alembic import op

revision = "0301"
down_revision = "0203_auth_mail"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("unit_code", sa.String(length=22), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("outlet", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_ref", sa.String(length=120), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("body_id", sa.String(length=40), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("source", "source_ref", name="uq_ledger_item_source_ref"),
    )
    with op.batch_alter_table("ledger_item") as batch:
        batch.create_index("ix_ledger_item_unit_code", ["unit_code"], unique=False)
        batch.create_index("ix_ledger_item_body_state", ["body_id", "state"], unique=False)
        batch.create_index("ix_ledger_item_county_state", ["county_code", "state"], unique=False)
    op.create_table(
        "ledger_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_kind", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("state_before", sa.String(length=20), nullable=False),
        sa.Column("state_after", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["ledger_item.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ledger_event") as batch:
        batch.create_index("ix_ledger_event_item_id", ["item_id"], unique=False)
    op.create_table(
        "ledger_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["attachment_id"], ["attachment.id"]),
        sa.ForeignKeyConstraint(["event_id"], ["ledger_event.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("attachment_id"),
    )
    with op.batch_alter_table("ledger_evidence") as batch:
        batch.create_index("ix_ledger_evidence_event_id", ["event_id"], unique=False)


def downgrade() -> None:
    op.drop_table("ledger_evidence")
    op.drop_table("ledger_event")
    op.drop_table("ledger_item")
