"""moderated public copies of the reporter's place and rating reason

Revision ID: 0201_moderation
Revises: 0102_account_email
"""

import sqlalchemy as sa
from alembic import op

revision = "0201_moderation"
down_revision = "0102_account_email"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report") as batch:
        batch.add_column(sa.Column("public_place", sa.Text(), nullable=True))
    with op.batch_alter_table("rating") as batch:
        batch.add_column(sa.Column("public_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rating") as batch:
        batch.drop_column("public_reason")
    with op.batch_alter_table("report") as batch:
        batch.drop_column("public_place")
