"""uploads: draft owner for the per-client cap, one row per stored original

Revision ID: 0202_uploads
Revises: 0102_account_email
"""

import sqlalchemy as sa
from alembic import op

revision = "0202_uploads"
down_revision = "0201_moderation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attachment") as batch:
        batch.add_column(sa.Column("client_key", sa.String(length=64), nullable=True))
        batch.create_index("ix_attachment_client_key", ["client_key"], unique=False)
        batch.create_index("ix_attachment_original_key", ["original_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("attachment") as batch:
        batch.drop_index("ix_attachment_original_key")
        batch.drop_index("ix_attachment_client_key")
        batch.drop_column("client_key")
