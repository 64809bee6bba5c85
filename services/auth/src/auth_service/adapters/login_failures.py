"""Recent failed logins, in the database so every replica sees the same counts."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, insert, select
from sqlalchemy.orm import Session

from auth_service.adapters.orm import login_failures


@dataclass(frozen=True)
class RecentFailures:
    count: int
    latest: datetime | None


class LoginFailureStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock(self, *, username_key: str, client_address: str) -> None:
        """Serialise check-then-record per username and per address until the transaction ends,
        so a burst of parallel guesses cannot all pass the check before any is counted."""
        # Always username first, then address: every transaction takes them in the same order.
        for namespace, key in ((1, username_key), (2, client_address)):
            self.session.execute(select(func.pg_advisory_xact_lock(namespace, func.hashtext(key))))

    def record(self, *, username_key: str, client_address: str, at: datetime) -> None:
        self.session.execute(
            insert(login_failures).values(
                username_key=username_key, client_address=client_address, failed_at=at
            )
        )

    def _recent(self, *conditions: ColumnElement[bool]) -> RecentFailures:
        query = select(func.count(), func.max(login_failures.c.failed_at)).where(*conditions)
        count, latest = self.session.execute(query).one()
        return RecentFailures(count=count, latest=latest)

    def recent_for_pair(self, key: str, address: str, since: datetime) -> RecentFailures:
        return self._recent(
            login_failures.c.username_key == key,
            login_failures.c.client_address == address,
            login_failures.c.failed_at > since,
        )

    def recent_for_address(self, address: str, since: datetime) -> RecentFailures:
        return self._recent(
            login_failures.c.client_address == address, login_failures.c.failed_at > since
        )

    def forget_pair(self, key: str, address: str) -> None:
        """A successful login resets that (account, address) count, not the address's: an
        attacker could otherwise reset their own address by logging in to their own account."""
        self.session.execute(
            delete(login_failures).where(
                login_failures.c.username_key == key, login_failures.c.client_address == address
            )
        )

    def purge_before(self, cutoff: datetime) -> None:
        self.session.execute(delete(login_failures).where(login_failures.c.failed_at < cutoff))
