"""session version per account; outbox claims for exactly-once sending

Revision ID: 0203_auth_mail
Revises: 0102_account_email
"""

import sqlalchemy as sa
from alembic import op

revision = "0203_auth_mail"
down_revision = "0202_uploads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("claimed_at")
        batch.drop_column("claimed_by")
    with op.batch_alter_table("account") as batch:
        batch.drop_column("session_version")
