"""random draws (双随机), the positive list (正面清单), monthly permit reminders

Revision ID: 0303
Revises: 0302
"""

import sqlalchemy as sa
from alembic import op

revision = "0303"
down_revision = "0302"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draw",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("units_wanted", sa.Integer(), nullable=False),
        sa.Column("inspectors_wanted", sa.Integer(), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("inputs_digest", sa.String(length=64), nullable=False),
        sa.Column("exclusions", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("drawn_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("active_key", sa.String(length=64), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_by", sa.String(length=80), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("active_key"),
    )
    op.create_index("ix_draw_body_id", "draw", ["body_id"], unique=False)
    op.create_table(
        "positive_list_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.String(length=40), nullable=False),
        sa.Column("unit_code", sa.String(length=22), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("from_on", sa.Date(), nullable=False),
        sa.Column("until_on", sa.Date(), nullable=True),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_positive_list_entry_body_id", "positive_list_entry", ["body_id"], unique=False
    )
    op.create_index(
        "ix_positive_list_entry_unit_code", "positive_list_entry", ["unit_code"], unique=False
    )

    op.create_table(
        "permit_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=40), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("mails", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("month", "kind", "target"),
    )


def downgrade() -> None:
    op.drop_table("permit_reminder")
    op.drop_index("ix_positive_list_entry_unit_code", table_name="positive_list_entry")
    op.drop_index("ix_positive_list_entry_body_id", table_name="positive_list_entry")
    op.drop_table("positive_list_entry")
    op.drop_index("ix_draw_body_id", table_name="draw")
    op.drop_table("draw")
