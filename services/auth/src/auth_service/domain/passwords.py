"""The password policy: a minimum length, a minimum strength as estimated by zxcvbn (which knows
common passwords, names, words, keyboard patterns and dates), and nothing containing the username
or email. The refusal says why and how to do better, from zxcvbn's own feedback.

bcrypt only reads the first 72 bytes of a password, so a longer one would
be silently truncated (two passwords sharing a 72-byte prefix would both work): we refuse it
instead, and say so, rather than pre-hash it into a scheme other verifiers would not understand.
"""

from typing import Any

from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
MAX_PASSWORD_BYTES = 72  # bcrypt's limit, counted in UTF-8


STRENGTH_LABELS = ("very weak", "weak", "fair", "strong", "very strong")
GENERIC_ADVICE = "Use a few unrelated words, or a password manager's random password."


class PasswordRejected(ValueError):
    """A password that breaks the policy; the message tells the user how to fix it."""

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.details = details


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


def _contained_identity(password: str, username: str, email: str) -> str | None:
    lowered = password.lower()
    local_part = email.split("@", 1)[0]
    for label, value in (("username", username), ("email address", email), ("email", local_part)):
        if len(value) >= 3 and value.lower() in lowered:
            return label
    return None


class PasswordPolicy:
    def __init__(self, min_score: int) -> None:
        self.min_score = min_score  # zxcvbn's 0-4 scale

    def check(self, password: str, *, username: str, email: str) -> None:
        check_password_policy(password, username=username)
        contained = _contained_identity(password, username, email)
        if contained is not None:
            raise PasswordRejected(
                f"The password contains your {contained}, which is the first thing an attacker "
                "tries; choose one without it."
            )
        estimate = zxcvbn(password, user_inputs=[username, email, email.split("@", 1)[0]])
        score = int(estimate["score"])
        if score >= self.min_score:
            return
        feedback = estimate["feedback"]
        warning = feedback.get("warning") or ""
        suggestions = list(feedback.get("suggestions") or []) or [GENERIC_ADVICE]
        advice = " ".join(part for part in (warning, *suggestions) if part)
        raise PasswordRejected(
            f"The password is too easy to guess ({STRENGTH_LABELS[score]}; at least "
            f"{STRENGTH_LABELS[self.min_score]} is needed). {advice}",
            details={
                "score": score,
                "min_score": self.min_score,
                "warning": warning,
                "suggestions": suggestions,
            },
        )
