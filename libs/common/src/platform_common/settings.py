"""The settings base every service extends: environment variables only, safe local defaults.

Secrets have development defaults so `make run` works out of the box, and those defaults (or any
obvious placeholder) are refused when ENVIRONMENT=production, so a forgotten secret fails at boot
instead of in an incident report.
"""

import ipaddress
import json
import os
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEV_JWT_SECRET = "dev-only-jwt-secret-change-me-in-production-0123456789"
DEV_S3_SECRET = "dev-secret-key"
DEV_INTERNAL_API_TOKEN = "dev-only-internal-api-token-change-me-0123456789"
PLACEHOLDER_MARKERS = ("change-me", "changeme", "dev-only", "dev-secret", "placeholder", "secret")

Environment = Literal["development", "test", "production"]


def _comma_separated(value: Any) -> Any:
    """Lists from the environment: `a,b` or a JSON list `["a", "b"]`; empty means none."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [item.strip() for item in text.split(",") if item.strip()]
    return value


StrList = Annotated[list[str], NoDecode, BeforeValidator(_comma_separated)]


def is_placeholder(value: str) -> bool:
    lowered = value.strip().lower()
    return not lowered or any(marker in lowered for marker in PLACEHOLDER_MARKERS)


# Environment variables win; a `.env` file in the working directory (or at $ENV_FILE) fills in
# the rest, for running a service by hand. `.env.example` lists every setting.
ENV_FILE = os.environ.get("ENV_FILE", ".env")
SETTINGS_CONFIG = SettingsConfigDict(
    extra="ignore", case_sensitive=False, env_file=ENV_FILE, env_file_encoding="utf-8"
)


class HttpServerSettings(BaseSettings):
    """Deadlines for slow clients (see http_timeouts.py), measured between two reads; 0 = off."""

    model_config = SETTINGS_CONFIG

    # Seconds a client may take to send its headers, and between two chunks of its body.
    client_header_timeout_seconds: float = Field(default=30.0, ge=0)
    client_body_timeout_seconds: float = Field(default=60.0, ge=0)
    # Request line plus headers; larger gets 431 before it is parsed (0 = off).
    max_header_bytes: int = Field(default=64 * 1024, ge=0)


class BaseServiceSettings(HttpServerSettings):
    model_config = SETTINGS_CONFIG

    # The name in every log line and span (each service sets its own).
    service_name: str = "service"
    # production refuses placeholder secrets and marks cookies Secure.
    environment: Environment = "development"
    # DEBUG, INFO, WARNING or ERROR; logs are JSON lines on stdout.
    log_level: str = "INFO"

    # Kafka brokers, comma-separated host:port.
    kafka_bootstrap_servers: str = "127.0.0.1:9092"

    # Token verification (every service checks tokens itself): HS256 with JWT_SECRET, or
    # RS256 with JWT_PUBLIC_KEY (PEM) or JWT_JWKS_URL; issuer and audience are checked too.
    jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    jwt_secret: str = DEV_JWT_SECRET
    jwt_public_key: str = ""
    jwt_jwks_url: str = ""
    jwt_issuer: str = "image-platform-auth"
    jwt_audience: str = "image-platform"
    # Shared revocation list (security/revocation.py): every service refuses revoked tokens.
    # The devstack's Redis by default; compose and k8s point it at theirs.
    redis_url: str = "redis://127.0.0.1:63790/0"

    # The one list of browser origins (besides our own host) allowed to call the API: CORS
    # answers them, and the CSRF Origin check lets their cookie-authenticated writes through.
    # Comma-separated, e.g. `https://app.example.com,https://admin.example.com`.
    trusted_origins: StrList = Field(default_factory=list)
    # Proxies (addresses or networks) whose X-Forwarded-For / Forwarded are believed; none by
    # default, so a client can never choose the address its rate limits are keyed on.
    trusted_proxies: StrList = Field(default_factory=list)
    # Bodies larger than this are refused with 413 as they stream in; routes that take files
    # (uploads) have their own, larger limit.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1)

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"TRUSTED_PROXIES: {entry!r} is not an IP address or network (e.g. 10.0.0.0/8)"
                ) from None
        return value

    # Tell the gateway in front which route template answered (x-route-template), so its metrics
    # label known routes only. The gateway itself, the public edge, turns this off.
    announce_route_template: bool = True

    # OpenTelemetry traces: none | otlp (OTLP over HTTP to the endpoint) | console | file (JSON
    # lines at tracing_file, relative to the working directory).
    tracing_exporter: Literal["none", "otlp", "console", "file"] = "none"
    tracing_otlp_endpoint: str = "http://127.0.0.1:4318/v1/traces"
    tracing_file: str = "spans.jsonl"
    tracing_sample_ratio: float = Field(default=1.0, ge=0, le=1)

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
    model_config = SETTINGS_CONFIG

    # SQLAlchemy URL of the service's own PostgreSQL database, and its connection pool size.
    database_url: str = "postgresql+psycopg2://postgres:postgres@127.0.0.1:54320/postgres"
    database_pool_size: int = 10


class S3Settings(BaseSettings):
    model_config = SETTINGS_CONFIG

    # The S3 endpoint the service talks to.
    s3_endpoint_url: str = "http://127.0.0.1:8333"
    # The address clients use for presigned URLs, when it differs from the in-cluster endpoint.
    s3_public_endpoint_url: str = ""
    # S3 credentials, bucket and region.
    s3_access_key_id: str = "dev-access-key"
    s3_secret_access_key: str = DEV_S3_SECRET
    s3_bucket: str = "images"
    s3_region: str = "us-east-1"


class TopicSettings(BaseSettings):
    model_config = SETTINGS_CONFIG

    # Kafka topic names: transform requests, their status events, dead letters, account events.
    topic_transform_requested: str = "images.transform.requested"
    topic_transform_events: str = "images.transform.events"
    topic_transform_dlq: str = "images.transform.dlq"
    topic_user_events: str = "auth.user.events"
    topic_image_events: str = "images.events"


class DeliverySettings(BaseSettings):
    """Shared by the gateway (verifies delivery URLs) and images (owns keys, signs URLs)."""

    # The gateway reads signing keys from images over an internal route with this token.
    internal_api_token: str = DEV_INTERNAL_API_TOKEN
    # Bytes of the HMAC kept in a delivery URL's signature, like imgproxy's
    # IMGPROXY_SIGNATURE_SIZE (32 = all of it).
    delivery_signature_size: int = Field(default=32, ge=8, le=32)
