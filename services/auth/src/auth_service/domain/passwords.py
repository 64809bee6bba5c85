"""The password policy. bcrypt only reads the first 72 bytes of a password, so a longer one would
be silently truncated (two passwords sharing a 72-byte prefix would both work): we refuse it
instead, and say so, rather than pre-hash it into a scheme other verifiers would not understand.
"""

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
MAX_PASSWORD_BYTES = 72  # bcrypt's limit, counted in UTF-8


class PasswordRejected(ValueError):
    """A password that breaks the policy; the message tells the user how to fix it."""


def fits_bcrypt(password: str) -> bool:
    """bcrypt reads 72 bytes at most, and refuses NUL (it ends a C string)."""
    return "\x00" not in password and len(password.encode("utf-8")) <= MAX_PASSWORD_BYTES


def check_password_policy(password: str, *, username: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordRejected(f"The password can have at most {MAX_PASSWORD_LENGTH} characters.")
    if "\x00" in password:
        raise PasswordRejected("The password cannot contain the NUL character (\\0).")
    if not fits_bcrypt(password):
        raise PasswordRejected(
            f"The password is longer than {MAX_PASSWORD_BYTES} bytes in UTF-8 (accented letters "
            "and emoji take 2-4 bytes each); bcrypt would ignore the rest, so choose a shorter one."
        )
    if password.strip() == "":
        raise PasswordRejected("The password cannot be only spaces.")
    if password.lower() == username.lower():
        raise PasswordRejected("The password cannot be the same as the username.")
