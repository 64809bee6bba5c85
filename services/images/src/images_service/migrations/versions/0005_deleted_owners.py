"""deleted_owners: tombstones of deleted accounts, so nothing is created for them afterwards

Revision ID: sessions_0002
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_deleted_owners"
down_revision = "0004_webhooks_endpoints"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deleted_owners",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column(
            "deleted_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("owner_id"),
    )


def downgrade() -> None:
    op.drop_table("deleted_owners")
