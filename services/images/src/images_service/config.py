"""Images settings: environment variables only (shared ones live in platform_common.settings)."""

import ipaddress
from functools import lru_cache

from pydantic import Field, field_validator, model_validator

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
    # The upload's pixels (its palette and placeholder) are decoded in a separate process: one
    # that takes longer than this is stopped and the upload refused (422), and the process is
    # replaced after this many decodes.
    pixel_decode_timeout_seconds: float = Field(default=20, gt=0)
    pixel_decodes_per_process: int = Field(default=500, ge=1)

    # Direct-to-S3 uploads: how long the presigned PUT stays valid, and how long after that an
    # upload nobody completed is kept before the retention job removes it.
    direct_upload_expiry_seconds: int = Field(default=900, ge=60, le=7 * 24 * 3600)
    direct_upload_grace_seconds: int = Field(default=3600, ge=0)

    # Serve originals and results by redirecting to a short-lived presigned URL instead of
    # streaming them through this service (offloads bandwidth to S3 when clients can reach it).
    content_via_redirect: bool = False
    presigned_get_expiry_seconds: int = Field(default=300, ge=10, le=7 * 24 * 3600)
    # Finished variants up to the item size are kept in this process's memory, least recently
    # used evicted past the total (bytes; 0 turns it off): a repeated request for one skips the
    # S3 read. Content-addressed, so never stale; ownership is still checked on every request.
    variant_bytes_cache_bytes: int = Field(default=16 * MEGABYTE, ge=0)
    variant_bytes_cache_max_item_bytes: int = Field(default=512 * 1024, ge=0)

    # On-the-fly variants wait this long for the transformer before answering 202.
    onthefly_wait_seconds: float = Field(default=10.0, ge=0.0, le=60.0)
    # A new on-the-fly variant's TransformRequested waits this long in the outbox while the
    # transformer renders it in one hop; withdrawn when it finishes, published (to Kafka, the
    # path that always works) only if it has not by then, or at once if the render call fails.
    # Longer than the wait plus the time its Succeeded takes to be recorded.
    onthefly_request_grace_seconds: float = Field(default=60.0, gt=0.0, le=3600.0)
    # The transformer's web address (its internal render endpoint): a new on-the-fly variant is
    # rendered there in one hop, its bytes answered before they are stored. Empty: the request
    # goes through Kafka only and the answer waits for the stored result.
    transformer_url: str = ""

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

    # The worker process (`images-service worker`) serves its metrics here (0: not at all);
    # its liveness probe reads them too.
    worker_metrics_host: str = "127.0.0.1"
    worker_metrics_port: int = Field(default=9102, ge=0, le=65535)

    # Each Kafka consumer of this service has its own group, so it sees every event once.
    transform_events_group: str = "images-transform-events"
    user_events_group: str = "images-user-events"
    # Topics are created with this many partitions when missing (local stack, first boot).
    kafka_topic_partitions: int = Field(default=3, ge=1)

    # Upload from a URL (POST /images/fetch): bounds on the download; the size bound is
    # max_upload_bytes. Only public addresses are fetched from, plus these networks (CIDRs,
    # e.g. ["192.0.2.0/24"]) where a deployment really means to reach them.
    fetch_timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    fetch_max_redirects: int = Field(default=5, ge=0, le=20)
    fetch_allowed_networks: list[str] = Field(default_factory=list)
    # false: ONLY the allowed networks (test environments, which must never reach the internet).
    fetch_public_addresses: bool = True

    # Webhooks: endpoints must be public addresses, plus these networks (CIDRs); deliveries are
    # retried with exponential backoff (base, doubling, capped) for `webhook_retry_for_seconds`.
    webhook_allowed_networks: list[str] = Field(default_factory=list)
    webhook_public_addresses: bool = True
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    webhook_retry_base_seconds: float = Field(default=10.0, gt=0)
    webhook_retry_max_delay_seconds: float = Field(default=4 * 3600.0, gt=0)
    webhook_retry_for_seconds: float = Field(default=26 * 3600.0, gt=0)
    webhook_max_endpoints: int = Field(default=20, ge=1)
    webhooks_group: str = "images-webhooks"

    @field_validator("fetch_allowed_networks", "webhook_allowed_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for network in value:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError as exc:
                raise ValueError(f"{network!r} is not a network such as 127.0.0.1/32") from exc
        return value

    @model_validator(mode="after")
    def _grace_outlasts_the_wait(self) -> "Settings":
        # A grace shorter than the wait would publish the Kafka copy of every slow render: a
        # second render elsewhere and duplicate status events.
        if self.onthefly_request_grace_seconds <= self.onthefly_wait_seconds:
            raise ValueError(
                "ONTHEFLY_REQUEST_GRACE_SECONDS must be longer than ONTHEFLY_WAIT_SECONDS "
                f"({self.onthefly_request_grace_seconds:g} <= {self.onthefly_wait_seconds:g})"
            )
        return self

    def secrets_to_check(self) -> dict[str, str]:
        return {
            **super().secrets_to_check(),
            "S3_SECRET_ACCESS_KEY": self.s3_secret_access_key,
            "INTERNAL_API_TOKEN": self.internal_api_token,
        }


@lru_cache
def get_settings() -> Settings:
    return Settings()
