"""images.insight: EXIF subset, palette, placeholder, frames, alpha and ICC description

Revision ID: 0006_image_insight
Revises: 0005_deleted_owners
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_image_insight"
down_revision = "0005_deleted_owners"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: images uploaded before insight existed have none (nothing is recomputed).
    op.add_column("images", sa.Column("insight", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("images", "insight")
