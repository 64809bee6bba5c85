"""Tombstones of deleted accounts, and the lock that makes "create for an owner" and "delete an
owner" exclusive.

Without it, an upload that passed the token check just before the account was deleted could
write its row after the deletion listed the owner's images: a row left behind, its object
removed with the owner's prefix. Now every creation takes a shared per-owner lock and checks the
tombstone in its own transaction; the deletion takes the lock exclusively to bury the owner. So
a creation either commits first (and the deletion that follows removes it) or sees the tombstone
and is refused (and removes the object it had stored).
"""

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from images_service.adapters.orm import deleted_owners

OWNER_LOCK_NAMESPACE = 0x6F776E  # "own"


def _lock_key(owner_id: uuid.UUID) -> object:
    return func.hashtext(str(owner_id))


class OwnerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def is_deleted(self, owner_id: uuid.UUID) -> bool:
        """Takes the owner's lock shared until the transaction ends."""
        lock = func.pg_advisory_xact_lock_shared(OWNER_LOCK_NAMESPACE, _lock_key(owner_id))
        self.session.execute(select(lock))
        query = select(deleted_owners.c.owner_id).where(deleted_owners.c.owner_id == owner_id)
        return self.session.execute(query).first() is not None

    def bury(self, owner_id: uuid.UUID, at: datetime) -> None:
        """Takes the owner's lock exclusively: waits for creations in progress to commit."""
        lock = func.pg_advisory_xact_lock(OWNER_LOCK_NAMESPACE, _lock_key(owner_id))
        self.session.execute(select(lock))
        statement = insert(deleted_owners).values(owner_id=owner_id, deleted_at=at)
        self.session.execute(statement.on_conflict_do_nothing())
