"""Images settings: environment variables only (shared ones live in platform_common.settings)."""

from functools import lru_cache

from pydantic import Field

from platform_common.settings import (
    BaseServiceSettings,
    DatabaseSettings,
    DeliverySettings,
    S3Settings,
    TopicSettings,
)

MEGABYTE = 1024 * 1024


class Settings(BaseServiceSettings, DatabaseSettings, S3Settings, TopicSettings, DeliverySettings):
    service_name: str = "images"
    database_url: str = "postgresql+psycopg2://postgres:postgres@127.0.0.1:54320/images"

    # Upload limits: the size is checked while the body streams in, pixels from the header only.
    max_upload_bytes: int = Field(default=25 * MEGABYTE, ge=1)
    max_pixels: int = Field(default=50_000_000, ge=1)

    # Direct-to-S3 uploads: how long the presigned PUT stays valid, and how long after that an
    # upload nobody completed is kept before the retention job removes it.
    direct_upload_expiry_seconds: int = Field(default=900, ge=60, le=7 * 24 * 3600)
    direct_upload_grace_seconds: int = Field(default=3600, ge=0)

    # Serve originals and results by redirecting to a short-lived presigned URL instead of
    # streaming them through this service (offloads bandwidth to S3 when clients can reach it).
    content_via_redirect: bool = False
    presigned_get_expiry_seconds: int = Field(default=300, ge=10, le=7 * 24 * 3600)

    # On-the-fly variants wait this long for the transformer before answering 202.
    onthefly_wait_seconds: float = Field(default=10.0, ge=0.0, le=60.0)

    # Retention: variants nobody asked for in this many days are deleted (a later request
    # recreates them); the job runs every `retention_interval_seconds`.
    retention_days: int = Field(default=30, ge=1)
    retention_interval_seconds: float = Field(default=3600.0, gt=0)
    processed_event_retention_days: int = Field(default=14, ge=1)

    # Deletions that could not finish at once (S3 down) are retried by a background loop: it
    # looks for them this often, and backs off up to the maximum while S3 keeps failing.
    deletion_poll_seconds: float = Field(default=2.0, gt=0)
    deletion_max_backoff_seconds: float = Field(default=10.0, gt=0)

    # Public delivery URLs: the address they start with (the gateway's public origin, e.g.
    # https://img.example.com; empty gives site-relative URLs), and how long a delivery request
    # waits for a variant being made before answering 503 with Retry-After.
    public_base_url: str = ""
    delivery_wait_seconds: float = Field(default=15.0, ge=0.0, le=60.0)
    # A delivery-url endpoint's `expires_in` is at most this many seconds.
    delivery_max_expiry_seconds: int = Field(default=365 * 24 * 3600, ge=60)

    # Each Kafka consumer of this service has its own group, so it sees every event once.
    transform_events_group: str = "images-transform-events"
    user_events_group: str = "images-user-events"
    # Topics are created with this many partitions when missing (local stack, first boot).
    kafka_topic_partitions: int = Field(default=3, ge=1)

    def secrets_to_check(self) -> dict[str, str]:
        return {
            **super().secrets_to_check(),
            "S3_SECRET_ACCESS_KEY": self.s3_secret_access_key,
            "INTERNAL_API_TOKEN": self.internal_api_token,
        }


@lru_cache
def get_settings() -> Settings:
    return Settings()
