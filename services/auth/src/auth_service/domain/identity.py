"""Rules for usernames and emails, so that two spellings of one identity cannot both register."""

import re

from email_validator import EmailNotValidError, validate_email

USERNAME_MIN_LENGTH = 3
USERNAME_MAX_LENGTH = 32
# ASCII only: no look-alike Unicode names impersonating someone else.
USERNAME_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$"
USERNAME_RULES = (
    f"{USERNAME_MIN_LENGTH}-{USERNAME_MAX_LENGTH} characters: letters, digits, '.', '_' or '-', "
    "starting and ending with a letter or digit"
)


class InvalidIdentity(ValueError):
    """A username or email that breaks the rules; the message says which rule."""


def check_username(username: str) -> str:
    if not (
        USERNAME_MIN_LENGTH <= len(username) <= USERNAME_MAX_LENGTH
        and re.fullmatch(USERNAME_PATTERN, username)
    ):
        raise InvalidIdentity(f"A username needs {USERNAME_RULES}.")
    return username


def username_key(username: str) -> str:
    """The case-insensitive form that uniqueness and login compare on.

    NUL is spelled out: PostgreSQL text cannot hold it (psycopg2 refuses to send it), and no
    registered name contains it or a backslash, so such a login is simply an unknown user."""
    return username.strip().lower().replace("\x00", "\\0")


def normalize_email(email: str) -> str:
    """Validated and lower-cased, so Alice@Example.com and alice@example.com are one account."""
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidIdentity(f"That email address is not valid: {exc}") from exc
