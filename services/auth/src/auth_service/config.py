"""Auth settings: environment variables only (see platform_common.settings for the shared ones)."""

from functools import lru_cache
from typing import Any

from jose import jwk
from pydantic import Field, model_validator

from platform_common.settings import BaseServiceSettings, DatabaseSettings, TopicSettings

MIN_PRODUCTION_BCRYPT_ROUNDS = 10


def _pem(value: str) -> str:
    # Orchestrators often pass a PEM through env with literal "\n" sequences.
    return value.replace("\\n", "\n").strip() if "\\n" in value and "\n" not in value else value


class Settings(BaseServiceSettings, DatabaseSettings, TopicSettings):
    service_name: str = "auth"
    database_url: str = "postgresql+psycopg2://postgres:postgres@127.0.0.1:54320/auth"

    # RS256 signs with this PEM; the public half is derived for /.well-known/jwks.json.
    jwt_private_key: str = ""
    jwt_key_id: str = ""  # default: the RFC 7638 thumbprint of the public key
    # Access tokens are short-lived; the refresh token (rotated on every use) renews them.
    access_token_expire_minutes: int = Field(30, ge=1, le=24 * 60)
    refresh_token_expire_days: int = Field(7, ge=1, le=90)

    bcrypt_rounds: int = Field(12, ge=4, le=20)

    # None: Secure everywhere except ENVIRONMENT=development (plain-http localhost).
    cookie_secure: bool | None = None

    # Failures allowed per (username, client address) and per client address within the window
    # before each further one doubles the wait (from the base delay, up to the max delay).
    login_max_failures_per_username: int = Field(5, ge=1)
    login_max_failures_per_address: int = Field(20, ge=1)
    login_failure_window_seconds: int = Field(900, ge=1)
    login_delay_base_seconds: float = Field(1.0, gt=0)
    login_delay_max_seconds: float = Field(900.0, gt=0)

    # zxcvbn's 0-4 scale: 3 ("safely unguessable") by default.
    password_min_score: int = Field(3, ge=0, le=4)

    # How often the shared revocation list is rewritten from the database (a Redis that lost
    # its memory is refilled within this many seconds).
    revocation_resync_seconds: float = Field(10.0, gt=0)

    # When all three are set, this admin is created at startup unless the username exists.
    admin_username: str = ""
    admin_email: str = ""
    admin_password: str = ""

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is None:
            return self.environment != "development"
        return self.cookie_secure

    @property
    def seeds_admin(self) -> bool:
        return bool(self.admin_username and self.admin_email and self.admin_password)

    @model_validator(mode="before")
    @classmethod
    def _derive_public_key(cls, data: Any) -> Any:
        # Before the base class checks that RS256 has a verification key: auth verifies its own
        # tokens with the public half of the key it signs with.
        if not isinstance(data, dict) or not data.get("jwt_private_key"):
            return data
        private_pem = _pem(str(data["jwt_private_key"]))
        data = {**data, "jwt_private_key": private_pem}
        if not data.get("jwt_public_key"):
            public = jwk.construct(private_pem, "RS256").public_key()
            data["jwt_public_key"] = public.to_pem().decode()
        return data

    @model_validator(mode="after")
    def _check_auth_settings(self) -> "Settings":
        if self.jwt_algorithm == "RS256" and not self.jwt_private_key:
            raise ValueError("JWT_ALGORITHM=RS256 needs JWT_PRIVATE_KEY (PEM) to sign tokens")
        if self.is_production and self.bcrypt_rounds < MIN_PRODUCTION_BCRYPT_ROUNDS:
            raise ValueError(
                f"BCRYPT_ROUNDS below {MIN_PRODUCTION_BCRYPT_ROUNDS} is for tests only, "
                "not ENVIRONMENT=production"
            )
        return self

    def secrets_to_check(self) -> dict[str, str]:
        secrets = super().secrets_to_check()
        if self.admin_username:
            secrets["ADMIN_PASSWORD"] = self.admin_password
        return secrets


@lru_cache
def get_settings() -> Settings:
    return Settings()
