"""followers of units by e-mail; extra headers on outbox mails (List-Unsubscribe)

Revision ID: 0307_follow
Revises: 0304
"""

import sqlalchemy as sa
from alembic import op

revision = "0307_follow"
down_revision = "0304"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follower",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("unit_code", sa.String(length=22), nullable=False, index=True),
        sa.Column("email", sa.String(length=254), nullable=False, index=True),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("unit_code", "email"),
    )
    op.create_table(
        "follow_seen",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "follower_id",
            sa.Integer(),
            sa.ForeignKey("follower.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.UniqueConstraint("follower_id", "event_id"),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("headers", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("headers")
    op.drop_table("follow_seen")
    op.drop_table("follower")
