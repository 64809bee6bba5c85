"""The users repository: the only place that knows how users are queried.

It remembers every user it handed out (`seen`), so the unit of work can publish the events those
aggregates raised (cosmicpython chapter 8).
"""

import uuid
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from auth_service.adapters.orm import users
from auth_service.domain.identity import username_key
from auth_service.domain.model import Role, User


class UserRepository(Protocol):
    seen: set[User]

    def add(self, user: User) -> None: ...
    def get(self, user_id: uuid.UUID) -> User | None: ...
    def get_by_username(self, username: str) -> User | None: ...
    def username_taken(self, username: str) -> bool: ...
    def email_taken(self, email: str) -> bool: ...
    def list_page(self, offset: int, limit: int) -> list[User]: ...
    def count(self) -> int: ...
    def count_active_admins(self) -> int: ...
    def delete(self, user: User) -> None: ...


class SqlAlchemyUserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.seen: set[User] = set()

    def _track(self, user: User | None) -> User | None:
        if user is not None:
            self.seen.add(user)
        return user

    def add(self, user: User) -> None:
        self.session.add(user)
        self.seen.add(user)

    def get(self, user_id: uuid.UUID) -> User | None:
        return self._track(self.session.get(User, user_id))

    def get_by_username(self, username: str) -> User | None:
        query = select(User).where(func.lower(users.c.username) == username_key(username))
        return self._track(self.session.scalars(query).one_or_none())

    def username_taken(self, username: str) -> bool:
        query = select(users.c.id).where(func.lower(users.c.username) == username_key(username))
        return self.session.execute(query).first() is not None

    def email_taken(self, email: str) -> bool:
        query = select(users.c.id).where(users.c.email == email)
        return self.session.execute(query).first() is not None

    def list_page(self, offset: int, limit: int) -> list[User]:
        query = select(User).order_by(users.c.created_at, users.c.id).offset(offset).limit(limit)
        return list(self.session.scalars(query))

    def count(self) -> int:
        return self.session.execute(select(func.count()).select_from(users)).scalar_one()

    def count_active_admins(self) -> int:
        query = select(func.count()).where(users.c.role == Role.ADMIN, users.c.is_active)
        return self.session.execute(query).scalar_one()

    def delete(self, user: User) -> None:
        self.seen.add(user)
        self.session.delete(user)
