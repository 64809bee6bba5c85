"""outbox: deferred rows (publish_after, subject), withdrawn when their subject finishes

Revision ID: 0007_outbox_deferred_rows
Revises: 0006_image_insight
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_outbox_deferred_rows"
down_revision = "0006_image_insight"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # platform_common.messaging.outbox: NULL publish_after is "at once" (every existing row).
    op.add_column("outbox", sa.Column("publish_after", sa.DateTime(timezone=True), nullable=True))
    op.add_column("outbox", sa.Column("subject", sa.Uuid(), nullable=True))
    op.create_index(
        "ix_outbox_unsent_subject",
        "outbox",
        ["subject"],
        postgresql_where=sa.text("sent_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_unsent_subject", table_name="outbox")
    op.drop_column("outbox", "subject")
    op.drop_column("outbox", "publish_after")
