"""Recent failed logins, in the database so every replica sees the same counts."""

from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, insert, select
from sqlalchemy.orm import Session

from auth_service.adapters.orm import login_failures


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

    def nth_latest_since(
        self, column: ColumnElement[str], value: str, since: datetime, n: int
    ) -> datetime | None:
        """When the n-th most recent failure after `since` happened, or None if there are fewer
        than n: the lockout ends once that one leaves the window."""
        query = (
            select(login_failures.c.failed_at)
            .where(column == value, login_failures.c.failed_at > since)
            .order_by(login_failures.c.failed_at.desc())
            .offset(n - 1)
            .limit(1)
        )
        return self.session.execute(query).scalar_one_or_none()

    def nth_latest_for_username(self, key: str, since: datetime, n: int) -> datetime | None:
        return self.nth_latest_since(login_failures.c.username_key, key, since, n)

    def nth_latest_for_address(self, address: str, since: datetime, n: int) -> datetime | None:
        return self.nth_latest_since(login_failures.c.client_address, address, since, n)

    def forget_username(self, key: str) -> None:
        """A successful login resets that account's count (not the address's: an attacker could
        otherwise reset their own address by logging in to their own account in between)."""
        self.session.execute(delete(login_failures).where(login_failures.c.username_key == key))

    def purge_before(self, cutoff: datetime) -> None:
        self.session.execute(delete(login_failures).where(login_failures.c.failed_at < cutoff))
