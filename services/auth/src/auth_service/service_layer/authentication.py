"""Logging in: throttle check, password check, last_login.

The attempt is recorded as a failure before the (slow) password check and forgotten on success,
so parallel guesses count against each other. Unknown usernames cost one bcrypt computation like
known ones, so response times do not tell which accounts exist.
"""

import logging
from datetime import datetime

from auth_service.adapters.password_hasher import PasswordHasher
from auth_service.domain.identity import username_key
from auth_service.domain.model import User
from auth_service.service_layer import login_throttle
from auth_service.service_layer.errors import InvalidCredentials, TooManyLoginAttempts
from auth_service.service_layer.login_throttle import ThrottlePolicy
from auth_service.service_layer.unit_of_work import AuthUnitOfWork
from platform_common.events import utcnow

log = logging.getLogger(__name__)


def authenticate(
    uow: AuthUnitOfWork,
    hasher: PasswordHasher,
    policy: ThrottlePolicy,
    *,
    username: str,
    password: str,
    client_address: str,
    now: datetime | None = None,
) -> User:
    now = now or utcnow()
    key = username_key(username)
    with uow:
        uow.login_failures.lock(username_key=key, client_address=client_address)
        wait = login_throttle.seconds_until_allowed(
            uow.login_failures, policy, username_key=key, client_address=client_address, now=now
        )
        if wait is not None:
            log.warning("login throttled", extra={"client": client_address, "retry_after": wait})
            raise TooManyLoginAttempts(wait)
        login_throttle.record_attempt(
            uow.login_failures, policy, username_key=key, client_address=client_address, now=now
        )
        user = uow.users.get_by_username(username)
        uow.commit()

    if user is None:
        hasher.burn_time()
        matches, upgraded_hash = False, None
    else:
        matches, upgraded_hash = hasher.verify(password, user.password_hash)
    if user is None or not matches or not user.is_active:
        reason = "unknown user" if user is None else "bad password" if not matches else "inactive"
        log.info("login failed", extra={"reason": reason, "client": client_address})
        raise InvalidCredentials()

    with uow:
        current = uow.users.get(user.id)
        if current is None:  # deleted while we were checking the password
            raise InvalidCredentials()
        current.record_login(now)
        if upgraded_hash:
            current.replace_password_hash(upgraded_hash)
        uow.login_failures.forget_pair(key, client_address)
        uow.commit()
    log.info("login succeeded", extra={"user_id": str(current.id), "client": client_address})
    return current
