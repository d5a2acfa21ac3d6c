"""inspections: on-site checklist inspections, their answers and photos

Revision ID: 0302
Revises: 0301
"""

import sqlalchemy as sa
from alembic import op

revision = "0302"
down_revision = "0301"
branch_labels = None
depends_on = None


def _inspection() -> None:
    op.create_table(
        "inspection",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token", sa.String(length=32), nullable=False, unique=True),
        sa.Column("unit_code", sa.String(length=22), nullable=False),
        sa.Column("unit_name", sa.String(length=200), nullable=False),
        sa.Column("body_id", sa.String(length=40), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("officers", sa.Text(), nullable=False),
        sa.Column("present", sa.Text(), nullable=False),
        sa.Column("outlets", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("reasoning", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
    )
    for column in ("unit_code", "body_id", "created_by_id", "state"):
        op.create_index(f"ix_inspection_{column}", "inspection", [column])


def upgrade() -> None:
    _inspection()
    op.create_table(
        "inspection_answer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("inspection_id", sa.Integer(), sa.ForeignKey("inspection.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("answer", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("resolution", sa.String(length=20), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.UniqueConstraint("inspection_id", "item"),
    )
    op.create_index("ix_inspection_answer_inspection_id", "inspection_answer", ["inspection_id"])
    op.create_table(
        "inspection_photo",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("inspection_id", sa.Integer(), sa.ForeignKey("inspection.id"), nullable=False),
        sa.Column("item", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("original_key", sa.String(length=200), nullable=False, unique=True),
        sa.Column("public_key", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_inspection_photo_inspection_id", "inspection_photo", ["inspection_id"])


def downgrade() -> None:
    op.drop_table("inspection_photo")
    op.drop_table("inspection_answer")
    op.drop_table("inspection")
