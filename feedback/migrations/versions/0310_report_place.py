"""the place the reporter pinned: coordinates, their system and where they came from

Revision ID: 0310_report_place
Revises: 0307_follow
"""

import sqlalchemy as sa
from alembic import op

revision = "0310_report_place"
down_revision = "0307_follow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report") as batch:
        batch.add_column(sa.Column("place_lat", sa.Float(), nullable=True))
        batch.add_column(sa.Column("place_lon", sa.Float(), nullable=True))
        batch.add_column(
            sa.Column("place_crs", sa.String(length=16), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("place_source", sa.String(length=40), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("report") as batch:
        batch.drop_column("place_source")
        batch.drop_column("place_crs")
        batch.drop_column("place_lon")
        batch.drop_column("place_lat")
