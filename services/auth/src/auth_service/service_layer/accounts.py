"""Managing accounts: changing one's password, and admins disabling, enabling or changing the
role of an account. Each change revokes the tokens it makes wrong and is written to the audit
log in the same transaction."""

import logging
import uuid

from auth_service.adapters.password_hasher import PasswordHasher
from auth_service.domain.model import Role, User
from auth_service.domain.passwords import PasswordPolicy, PasswordRejected
from auth_service.service_layer import sessions
from auth_service.service_layer.errors import (
    CannotChangeOwnAccount,
    LastAdmin,
    UserNotFound,
    WeakPassword,
    WrongCurrentPassword,
)
from auth_service.service_layer.sessions import SessionPolicy
from auth_service.service_layer.unit_of_work import AuthUnitOfWork
from platform_common.events import utcnow

log = logging.getLogger(__name__)


def check_new_password(policy: PasswordPolicy, password: str, *, username: str, email: str) -> None:
    try:
        policy.check(password, username=username, email=email)
    except PasswordRejected as exc:
        raise WeakPassword(str(exc), details=exc.details) from None


def change_password(
    uow: AuthUnitOfWork,
    hasher: PasswordHasher,
    passwords: PasswordPolicy,
    policy: SessionPolicy,
    *,
    user: User,
    current_password: str,
    new_password: str,
    session_id: uuid.UUID | None,
) -> User:
    """Every other session is revoked; the caller's own session continues (its access token is
    re-issued by the route, since the old one carries the old token version)."""
    matches, _ = hasher.verify(current_password, user.password_hash)
    if not matches:
        raise WrongCurrentPassword()
    check_new_password(passwords, new_password, username=user.username, email=user.email)
    new_hash = hasher.hash(new_password)
    now = utcnow()
    with uow:
        current = uow.users.get(user.id)
        if current is None or not current.is_active:
            raise UserNotFound()
        current.change_password_hash(new_hash)
        sessions.revoke_all_sessions(uow, policy, current, now, keep=session_id)
        uow.audit.record("user.password_changed", actor_id=user.id, target_id=user.id, at=now)
        uow.commit()
    log.info("password changed", extra={"user_id": str(user.id)})
    return current


def update_user(
    uow: AuthUnitOfWork,
    policy: SessionPolicy,
    *,
    actor: User,
    user_id: uuid.UUID,
    disabled: bool | None,
    role: Role | None,
) -> User:
    now = utcnow()
    with uow:
        user = uow.users.get(user_id)
        if user is None:
            raise UserNotFound()
        if user.id == actor.id and (disabled or (role is not None and role != user.role)):
            raise CannotChangeOwnAccount()
        losing_admin = user.is_admin and user.is_active and (disabled or role == Role.USER)
        if losing_admin and uow.users.count_active_admins() <= 1:
            raise LastAdmin()
        if disabled is not None and disabled == user.is_active:
            user.set_active(not disabled)
            if disabled:
                sessions.revoke_all_sessions(uow, policy, user, now)
            else:
                sessions.publish_user_state(uow, policy, user, now)
            action = "user.disabled" if disabled else "user.enabled"
            uow.audit.record(action, actor_id=actor.id, target_id=user.id, at=now)
        if role is not None and role != user.role:
            previous = str(user.role)
            user.change_role(role)
            sessions.publish_user_state(uow, policy, user, now)
            uow.audit.record(
                "user.role_changed",
                actor_id=actor.id,
                target_id=user.id,
                at=now,
                **{"from": previous, "to": str(role)},
            )
        uow.commit()
    log.info("user updated", extra={"user_id": str(user_id), "by": str(actor.id)})
    return user
