"""Login sessions: a short-lived access token plus an opaque refresh token that rotates on
every use. A session is a family of refresh tokens; presenting one that was already rotated
means it was copied, so the whole family is revoked (the thief's and the owner's), together with
its access tokens in every service.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from auth_service.adapters.refresh_tokens import new_refresh_token
from auth_service.adapters.tokens import IssuedToken, TokenIssuer
from auth_service.domain.model import User
from auth_service.service_layer.errors import InvalidRefreshToken, RefreshTokenReused
from auth_service.service_layer.unit_of_work import AuthUnitOfWork
from platform_common.events import utcnow
from platform_common.security.revocation import DISABLED

log = logging.getLogger(__name__)

# Clocks of the services differ a little: revocations outlive the tokens they refuse by this.
CLOCK_SKEW = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionPolicy:
    access_lifetime: timedelta
    refresh_lifetime: timedelta

    @property
    def revocation_lifetime(self) -> timedelta:
        """Long enough that no access token a revocation refuses is still alive after it."""
        return self.access_lifetime + CLOCK_SKEW


@dataclass(frozen=True)
class SessionTokens:
    user: User
    access: IssuedToken
    refresh_token: str
    refresh_expires_in: int
    persistent: bool


def _new_refresh(
    uow: AuthUnitOfWork,
    policy: SessionPolicy,
    user: User,
    family_id: uuid.UUID,
    persistent: bool,
    now: datetime,
) -> str:
    token = new_refresh_token()
    uow.refresh_tokens.add(
        token,
        family_id=family_id,
        user_id=user.id,
        persistent=persistent,
        now=now,
        expires_at=now + policy.refresh_lifetime,
    )
    return token


def _tokens(
    issuer: TokenIssuer,
    policy: SessionPolicy,
    user: User,
    family_id: uuid.UUID,
    refresh_token: str,
    persistent: bool,
) -> SessionTokens:
    return SessionTokens(
        user=user,
        access=issuer.issue(user, policy.access_lifetime, str(family_id)),
        refresh_token=refresh_token,
        refresh_expires_in=int(policy.refresh_lifetime.total_seconds()),
        persistent=persistent,
    )


def start_session(
    uow: AuthUnitOfWork,
    issuer: TokenIssuer,
    policy: SessionPolicy,
    user: User,
    *,
    persistent: bool,
) -> SessionTokens:
    family_id, now = uuid.uuid4(), utcnow()
    with uow:
        token = _new_refresh(uow, policy, user, family_id, persistent, now)
        uow.commit()
    return _tokens(issuer, policy, user, family_id, token, persistent)


def revoke_session(
    uow: AuthUnitOfWork, policy: SessionPolicy, family_id: uuid.UUID, now: datetime
) -> None:
    """Inside an open unit of work: the family's refresh tokens and its access tokens."""
    uow.refresh_tokens.revoke_family(family_id, now)
    uow.revoke(f"session:{family_id}", 1, now=now, lifetime=policy.revocation_lifetime)


def refresh(
    uow: AuthUnitOfWork, issuer: TokenIssuer, policy: SessionPolicy, refresh_token: str
) -> SessionTokens:
    now = utcnow()
    with uow:
        stored = uow.refresh_tokens.get_for_update(refresh_token)
        if stored is None or stored.revoked_at is not None or stored.expires_at <= now:
            raise InvalidRefreshToken()
        if stored.rotated_at is not None:
            revoke_session(uow, policy, stored.family_id, now)
            uow.audit.record(
                "session.refresh_token_reused",
                actor_id=None,
                target_id=stored.user_id,
                at=now,
                session=str(stored.family_id),
            )
            uow.commit()
            log.warning(
                "refresh token reused; session revoked", extra={"user_id": str(stored.user_id)}
            )
            raise RefreshTokenReused()
        user = uow.users.get(stored.user_id)
        if user is None or not user.is_active:
            raise InvalidRefreshToken()
        uow.refresh_tokens.mark_rotated(stored.id, now)
        token = _new_refresh(uow, policy, user, stored.family_id, stored.persistent, now)
        uow.commit()
    return _tokens(issuer, policy, user, stored.family_id, token, stored.persistent)


def session_of_refresh_token(uow: AuthUnitOfWork, refresh_token: str) -> uuid.UUID | None:
    with uow:
        stored = uow.refresh_tokens.get_for_update(refresh_token)
    return stored.family_id if stored else None


def log_out(
    uow: AuthUnitOfWork,
    policy: SessionPolicy,
    family_ids: set[uuid.UUID],
    user_id: uuid.UUID | None,
) -> None:
    now = utcnow()
    with uow:
        for family_id in family_ids:
            revoke_session(uow, policy, family_id, now)
        uow.audit.record("session.logout", actor_id=user_id, target_id=user_id, at=now)
        uow.commit()


def revoke_all_sessions(
    uow: AuthUnitOfWork,
    policy: SessionPolicy,
    user: User,
    now: datetime,
    *,
    keep: uuid.UUID | None = None,
) -> None:
    """Inside an open unit of work, on a user loaded in it: every refresh family (but `keep`)
    and every access token issued so far (the caller re-issues one for `keep`)."""
    for family_id in uow.refresh_tokens.revoke_user_families(user.id, now, keep=keep):
        uow.revoke(f"session:{family_id}", 1, now=now, lifetime=policy.revocation_lifetime)
    publish_user_state(uow, policy, user, now)


def publish_user_state(
    uow: AuthUnitOfWork, policy: SessionPolicy, user: User, now: datetime
) -> None:
    value = user.token_version if user.is_active else DISABLED
    uow.revoke(f"user:{user.id}", value, now=now, lifetime=policy.revocation_lifetime)


def log_out_everywhere(uow: AuthUnitOfWork, policy: SessionPolicy, user_id: uuid.UUID) -> None:
    now = utcnow()
    with uow:
        user = uow.users.get(user_id)
        if user is None:
            return
        user.revoke_access_tokens()
        revoke_all_sessions(uow, policy, user, now)
        uow.audit.record("session.logout_all", actor_id=user_id, target_id=user_id, at=now)
        uow.commit()
