"""The User aggregate: identity, credentials and role, and the events its changes raise.

Pure Python: no database, no web. The ORM maps this class imperatively (adapters/orm.py), and the
unit of work turns the collected `events` into outbox rows in the same transaction.
"""

import uuid
from datetime import datetime
from enum import StrEnum

from platform_common.events import Event, UserDeleted, UserRegistered


class Role(StrEnum):
    USER = "user"
    ADMIN = "admin"


class User:
    def __init__(
        self,
        *,
        id: uuid.UUID,
        username: str,
        email: str,
        password_hash: str,
        role: Role,
        created_at: datetime,
        last_login: datetime | None = None,
        is_active: bool = True,
        token_version: int = 0,
    ) -> None:
        self.id = id
        self.username = username
        self.email = email
        self.password_hash = password_hash
        self.role = role
        self.created_at = created_at
        self.last_login = last_login
        self.is_active = is_active
        self.token_version = token_version
        self.events: list[Event] = []

    @classmethod
    def register(
        cls, *, username: str, email: str, password_hash: str, role: Role, now: datetime
    ) -> "User":
        user = cls(
            id=uuid.uuid4(),
            username=username,
            email=email,
            password_hash=password_hash,
            role=role,
            created_at=now,
        )
        user.events.append(UserRegistered(user_id=user.id, username=username))
        return user

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def record_login(self, now: datetime) -> None:
        self.last_login = now

    def replace_password_hash(self, password_hash: str) -> None:
        """A stronger hash of the same password (the configured bcrypt cost went up)."""
        self.password_hash = password_hash

    def revoke_access_tokens(self) -> None:
        """Every access token issued so far carries a lower version and is refused from now on."""
        self.token_version += 1

    def change_password_hash(self, password_hash: str) -> None:
        self.password_hash = password_hash
        self.revoke_access_tokens()

    def set_active(self, active: bool) -> None:
        self.is_active = active
        self.revoke_access_tokens()

    def change_role(self, role: Role) -> None:
        # Tokens carry the role: the old ones must go, a refresh issues one with the new role.
        self.role = role
        self.revoke_access_tokens()

    def mark_deleted(self) -> None:
        self.is_active = False
        self.events.append(UserDeleted(user_id=self.id))

    def __repr__(self) -> str:  # never the hash: reprs end up in logs and tracebacks
        return f"User(id={self.id}, username={self.username!r}, role={self.role})"
