"""What the auth use cases refuse, as platform errors: each has its HTTP status, a stable code
and a message a person can act on (platform_common.errors renders the one JSON shape)."""

from platform_common.errors import AppError, NotFound, Unauthorized

INVALID_CREDENTIALS = "Incorrect username or password"


class InvalidRegistration(AppError):
    status_code = 422
    code = "invalid_registration"


class UsernameTaken(AppError):
    status_code = 400
    code = "username_taken"

    def __init__(self) -> None:
        super().__init__("That username is already registered; choose another one or log in.")


class EmailTaken(AppError):
    status_code = 400
    code = "email_taken"

    def __init__(self) -> None:
        super().__init__("That email address is already registered; log in instead.")


class InvalidCredentials(Unauthorized):
    # One message for unknown usernames, wrong passwords and disabled accounts: no enumeration.
    def __init__(self) -> None:
        super().__init__(INVALID_CREDENTIALS, code="invalid_credentials")


class TooManyLoginAttempts(AppError):
    status_code = 429
    code = "too_many_login_attempts"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(
            f"Too many failed login attempts; try again in {retry_after_seconds} seconds.",
            headers={"Retry-After": str(retry_after_seconds)},
        )


class UserNotFound(NotFound):
    code = "user_not_found"

    def __init__(self) -> None:
        super().__init__("No such user.")


class LastAdmin(AppError):
    status_code = 400
    code = "last_admin"

    def __init__(self) -> None:
        super().__init__(
            "This is the only active admin; create or promote another admin before deleting, "
            "disabling or demoting it."
        )


class WeakPassword(AppError):
    status_code = 422
    code = "weak_password"


class InvalidRefreshToken(Unauthorized):
    def __init__(self) -> None:
        super().__init__(
            "The refresh token is unknown, expired or revoked; log in again.",
            code="invalid_refresh_token",
        )


class RefreshTokenReused(Unauthorized):
    def __init__(self) -> None:
        super().__init__(
            "This refresh token was already used, so it may have been stolen: the whole session "
            "was revoked on every device that shared it. Log in again.",
            code="refresh_token_reused",
        )


class WrongCurrentPassword(AppError):
    status_code = 400
    code = "wrong_current_password"

    def __init__(self) -> None:
        super().__init__("The current password is not correct; the password was not changed.")


class CannotChangeOwnAccount(AppError):
    status_code = 400
    code = "cannot_change_own_account"

    def __init__(self) -> None:
        super().__init__(
            "Admins cannot disable or demote their own account; ask another admin to do it."
        )
