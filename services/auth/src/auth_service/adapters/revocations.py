"""auth's own record of what is revoked, from which the shared Redis list is (re)written."""

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from auth_service.adapters.orm import revocations

# Taken shared by every transaction that revokes, exclusively by the resync.
SYNC_LOCK_ID = 0x7265766F  # "revo"
Entry = tuple[str, int, int]  # (key, value, seconds to live), as RevocationList.write takes


class RevocationStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock_shared(self) -> None:
        self.session.execute(select(func.pg_advisory_xact_lock_shared(SYNC_LOCK_ID)))

    def lock_exclusive(self) -> None:
        self.session.execute(select(func.pg_advisory_xact_lock(SYNC_LOCK_ID)))

    def put(self, key: str, value: int, *, now: datetime, lifetime: timedelta) -> Entry:
        expires_at = now + lifetime
        statement = insert(revocations).values(key=key, value=value, expires_at=expires_at)
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[revocations.c.key],
                set_={"value": value, "expires_at": expires_at},
            )
        )
        return key, value, int(lifetime.total_seconds())

    def unexpired(self, now: datetime) -> list[Entry]:
        rows = self.session.execute(
            select(revocations).where(revocations.c.expires_at > now)
        ).mappings()
        return [
            (row["key"], row["value"], max(1, int((row["expires_at"] - now).total_seconds())))
            for row in rows
        ]

    def purge_expired(self, now: datetime) -> None:
        self.session.execute(delete(revocations).where(revocations.c.expires_at <= now))
