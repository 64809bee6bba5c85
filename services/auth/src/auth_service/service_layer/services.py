"""The account use cases, as plain functions over a unit of work (cosmicpython's service
layer); logging in is in authentication.py.

bcrypt work happens outside database transactions, so a slow hash never holds a pooled
connection. Logs carry ids and reasons, never passwords, hashes or tokens.
"""

import logging
import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError

from auth_service.adapters.orm import USERNAME_UNIQUE
from auth_service.adapters.password_hasher import PasswordHasher
from auth_service.domain.identity import InvalidIdentity, check_username, normalize_email
from auth_service.domain.model import Role, User
from auth_service.domain.passwords import PasswordPolicy, PasswordRejected
from auth_service.service_layer import sessions
from auth_service.service_layer.errors import (
    EmailTaken,
    InvalidRegistration,
    LastAdmin,
    UsernameTaken,
    UserNotFound,
)
from auth_service.service_layer.sessions import SessionPolicy
from auth_service.service_layer.unit_of_work import AuthUnitOfWork
from platform_common.events import utcnow

log = logging.getLogger(__name__)


def _duplicate(exc: IntegrityError) -> UsernameTaken | EmailTaken:
    constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None) or str(exc.orig)
    return UsernameTaken() if USERNAME_UNIQUE in constraint else EmailTaken()


def register(
    uow: AuthUnitOfWork,
    hasher: PasswordHasher,
    passwords: PasswordPolicy,
    *,
    username: str,
    email: str,
    password: str,
    role: Role = Role.USER,
) -> User:
    try:
        check_username(username)
        email = normalize_email(email)
        passwords.check(password, username=username, email=email)
    except InvalidIdentity as exc:
        raise InvalidRegistration(str(exc)) from None
    except PasswordRejected as exc:
        raise InvalidRegistration(str(exc), details=exc.details) from None
    with uow:  # the friendly early answer; the unique indexes are what make it true under races
        if uow.users.username_taken(username):
            raise UsernameTaken()
        if uow.users.email_taken(email):
            raise EmailTaken()
    password_hash = hasher.hash(password)
    with uow:
        user = User.register(
            username=username, email=email, password_hash=password_hash, role=role, now=utcnow()
        )
        uow.users.add(user)
        try:
            uow.commit()
        except IntegrityError as exc:
            raise _duplicate(exc) from None
    log.info("user registered", extra={"user_id": str(user.id), "role": str(role)})
    return user


def ensure_admin(
    uow: AuthUnitOfWork,
    hasher: PasswordHasher,
    passwords: PasswordPolicy,
    *,
    username: str,
    email: str,
    password: str,
) -> bool:
    """Create this admin unless the username exists; True when it was created."""
    with uow:
        existing = uow.users.get_by_username(username)
    if existing is not None:
        if not existing.is_admin:
            # Never promote: someone may have registered that name before the seed ran.
            log.warning("the seeded admin username belongs to a regular user; not promoting it")
        return False
    try:
        register(
            uow,
            hasher,
            passwords,
            username=username,
            email=email,
            password=password,
            role=Role.ADMIN,
        )
    except UsernameTaken:  # another replica seeded it at the same moment
        return False
    except EmailTaken:
        log.warning("the seeded admin email belongs to another account; no admin was created")
        return False
    return True


def active_user(uow: AuthUnitOfWork, user_id: uuid.UUID) -> User | None:
    with uow:
        user = uow.users.get(user_id)
    return user if user is not None and user.is_active else None


def list_users(uow: AuthUnitOfWork, *, page: int, limit: int) -> tuple[list[User], int]:
    with uow:
        return uow.users.list_page(offset=(page - 1) * limit, limit=limit), uow.users.count()


def audit_page(uow: AuthUnitOfWork, *, page: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    with uow:
        return uow.audit.page(offset=(page - 1) * limit, limit=limit)


def delete_user(
    uow: AuthUnitOfWork, policy: SessionPolicy, *, actor: User, user_id: uuid.UUID
) -> None:
    """Admins may delete anyone, users only themselves; to others, another account is 'not found'
    (so user ids cannot be probed). Every token of the account is refused at once, everywhere;
    UserDeleted goes out through the outbox."""
    if not actor.is_admin and actor.id != user_id:
        raise UserNotFound()
    with uow:
        user = uow.users.get(user_id)
        if user is None:
            raise UserNotFound()
        if user.is_admin and uow.users.count_active_admins() <= 1:
            raise LastAdmin()
        now = utcnow()
        user.mark_deleted()  # inactive: its tokens are refused until the last could expire
        sessions.publish_user_state(uow, policy, user, now)
        uow.audit.record("user.deleted", actor_id=actor.id, target_id=user_id, at=now)
        uow.users.delete(user)
        uow.commit()
    log.info("user deleted", extra={"user_id": str(user_id), "by": str(actor.id)})
