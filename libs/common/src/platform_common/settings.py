"""The settings base every service extends: environment variables only, safe local defaults.

Secrets have development defaults so `make run` works out of the box, and those defaults (or any
obvious placeholder) are refused when ENVIRONMENT=production, so a forgotten secret fails at boot
instead of in an incident report.
"""

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "dev-only-jwt-secret-change-me-in-production-0123456789"
DEV_S3_SECRET = "dev-secret-key"
PLACEHOLDER_MARKERS = ("change-me", "changeme", "dev-only", "dev-secret", "placeholder", "secret")

Environment = Literal["development", "test", "production"]


def is_placeholder(value: str) -> bool:
    lowered = value.strip().lower()
    return not lowered or any(marker in lowered for marker in PLACEHOLDER_MARKERS)


class HttpServerSettings(BaseSettings):
    """Deadlines for slow clients (see http_timeouts.py), measured between two reads; 0 = off."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    client_header_timeout_seconds: float = Field(default=30.0, ge=0)
    client_body_timeout_seconds: float = Field(default=60.0, ge=0)


class BaseServiceSettings(HttpServerSettings):
    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    service_name: str = "service"
    environment: Environment = "development"
    log_level: str = "INFO"

    kafka_bootstrap_servers: str = "127.0.0.1:9092"

    # Every service verifies tokens itself, so each needs the verification settings.
    jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    jwt_secret: str = DEV_JWT_SECRET
    jwt_public_key: str = ""
    jwt_jwks_url: str = ""
    jwt_issuer: str = "image-platform-auth"
    jwt_audience: str = "image-platform"
    # Shared revocation list (security/revocation.py): every service refuses revoked tokens.
    # The devstack's Redis by default; compose and k8s point it at theirs.
    redis_url: str = "redis://127.0.0.1:63790/0"

    cors_origins: list[str] = Field(default_factory=list)
    # Origins (besides our own host and cors_origins) allowed to send cookie-authenticated writes.
    csrf_trusted_origins: list[str] = Field(default_factory=list)

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def secrets_to_check(self) -> dict[str, str]:
        """Secrets that must be real in production; services with more secrets extend this."""
        if self.jwt_algorithm == "HS256":
            return {"JWT_SECRET": self.jwt_secret}
        return {}

    @model_validator(mode="after")
    def _refuse_placeholder_secrets_in_production(self) -> "BaseServiceSettings":
        if not self.is_production:
            return self
        bad = [name for name, value in self.secrets_to_check().items() if is_placeholder(value)]
        if bad:
            raise ValueError(
                f"{', '.join(sorted(bad))} must be set to a real secret when ENVIRONMENT=production"
            )
        if self.jwt_algorithm == "HS256" and len(self.jwt_secret) < 32:
            raise ValueError("JWT_SECRET needs at least 32 characters when ENVIRONMENT=production")
        if self.jwt_algorithm == "RS256" and not (self.jwt_public_key or self.jwt_jwks_url):
            raise ValueError("RS256 needs JWT_PUBLIC_KEY or JWT_JWKS_URL to verify tokens")
        return self


class DatabaseSettings(BaseSettings):
    database_url: str = "postgresql+psycopg2://postgres:postgres@127.0.0.1:54320/postgres"
    database_pool_size: int = 10


class S3Settings(BaseSettings):
    s3_endpoint_url: str = "http://127.0.0.1:8333"
    # The address clients use for presigned URLs, when it differs from the in-cluster endpoint.
    s3_public_endpoint_url: str = ""
    s3_access_key_id: str = "dev-access-key"
    s3_secret_access_key: str = DEV_S3_SECRET
    s3_bucket: str = "images"
    s3_region: str = "us-east-1"


class TopicSettings(BaseSettings):
    topic_transform_requested: str = "images.transform.requested"
    topic_transform_events: str = "images.transform.events"
    topic_transform_dlq: str = "images.transform.dlq"
    topic_user_events: str = "auth.user.events"
