"""Pure rules and settings: password policy, identities, production guards. No I/O."""

import pytest

from auth_service.config import Settings
from auth_service.domain.identity import InvalidIdentity, check_username, normalize_email
from auth_service.domain.passwords import PasswordRejected, check_password_policy

REAL_SECRET = "a-real-production-signing-key-0123456789"


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("1234567", "at least 8"),
        ("x" * 129, "at most 128"),
        ("ü" * 37, "72 bytes"),  # 37 characters, 74 bytes
        ("alice-the-user", "same as the username"),
    ],
)
def test_password_policy_refusals(password, words):
    with pytest.raises(PasswordRejected, match=words):
        check_password_policy(password, username="Alice-The-User")


@pytest.mark.parametrize("password", ["12345678", "ü" * 36, "x" * 72, "correct horse battery"])
def test_password_policy_accepts(password):
    check_password_policy(password, username="alice")


@pytest.mark.parametrize("name", ["ab", "-alice", "alice-", "al ice", "алиса", "a" * 33])
def test_bad_usernames(name):
    with pytest.raises(InvalidIdentity):
        check_username(name)


def test_email_is_normalised_to_lower_case():
    assert normalize_email("Alice.Smith@EXAMPLE.com") == "alice.smith@example.com"
    with pytest.raises(InvalidIdentity):
        normalize_email("alice@")


def test_production_refuses_test_only_bcrypt_cost():
    with pytest.raises(ValueError, match="BCRYPT_ROUNDS"):
        Settings(environment="production", jwt_secret=REAL_SECRET, bcrypt_rounds=4)
    assert Settings(environment="production", jwt_secret=REAL_SECRET).bcrypt_rounds == 12


def test_production_refuses_a_placeholder_admin_password():
    with pytest.raises(ValueError, match="ADMIN_PASSWORD"):
        Settings(
            environment="production",
            jwt_secret=REAL_SECRET,
            admin_username="admin",
            admin_email="admin@example.com",
            admin_password="change-me",
        )
