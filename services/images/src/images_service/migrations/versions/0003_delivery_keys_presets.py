"""signing keys and presets for public delivery URLs

Revision ID: 0002_delivery_keys_presets
Revises: 0001
Create Date: 2026-12-01
"""

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0003_delivery_keys_presets"
down_revision = "0002_hardening_deletion_queue"
branch_labels = None
depends_on = None


def _created(name: str) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "signing_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("salt", sa.String(128), nullable=False),
        _created("created_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_signing_keys_owner_id", "signing_keys", ["owner_id"])
    op.create_table(
        "presets",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        _created("created_at"),
        _created("updated_at"),
        sa.PrimaryKeyConstraint("owner_id", "name"),
    )


def downgrade() -> None:
    op.drop_table("presets")
    op.drop_index("ix_signing_keys_owner_id", table_name="signing_keys")
    op.drop_table("signing_keys")
