"""account e-mail for notices to enterprises

Revision ID: 0102_account_email
Revises: 0101_open311
"""

import sqlalchemy as sa
from alembic import op

revision = "0102_account_email"
down_revision = "0101_open311"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.add_column(
            sa.Column("email", sa.String(length=254), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.drop_column("email")
