"""Deletion queue: images marked `deleting` are found by a partial index, so the background loop
that finishes them (every few seconds) never scans the whole table.

Revision ID: 0002_hardening_deletion_queue
Revises: 0001
"""

from alembic import op

revision = "0002_hardening_deletion_queue"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_images_deleting ON images (id) WHERE status = 'deleting'")


def downgrade() -> None:
    op.execute("DROP INDEX ix_images_deleting")
