"""Gateway settings: environment variables only (shared ones live in platform_common.settings)."""

from functools import lru_cache

from pydantic import AliasChoices, Field

from platform_common.settings import BaseServiceSettings, DeliverySettings, TopicSettings

MIB = 1024 * 1024


class Settings(BaseServiceSettings, TopicSettings, DeliverySettings):
    service_name: str = "gateway"

    # The public edge: its routes' templates are its own business (see route_templates.py).
    announce_route_template: bool = False
    # /metrics is served on this separate port, never on the public one: the Ingress and any
    # published port route only the HTTP port, and Prometheus scrapes this one. 0 = no metrics.
    metrics_host: str = "127.0.0.1"
    metrics_port: int = Field(default=9100, ge=0, le=65535)

    # Upstreams (the services behind the edge).
    auth_url: str = "http://127.0.0.1:8001"
    images_url: str = "http://127.0.0.1:8002"

    # One pooled HTTP client for every upstream call. Seconds: connecting, waiting for the answer
    # (between two reads of it), waiting for a free connection from the pool.
    upstream_connect_timeout: float = 3.0
    upstream_read_timeout: float = 30.0
    upstream_pool_timeout: float = 5.0
    upstream_max_connections: int = 256
    # Shorter than the upstreams' keep-alive (30 s) so we never reuse a socket they just closed.
    upstream_keepalive_expiry: float = 15.0

    # The largest multipart upload body (MAX_UPLOAD_BYTES, the same setting images reads), so the
    # edge refuses an oversized upload before forwarding it.
    max_upload_bytes: int = Field(default=25 * MIB, ge=1)

    # Rate limits (`limits` notation, moving window). memory:// for one replica, redis:// for many
    # (`make run` passes its Redis).
    rate_limit_enabled: bool = True
    rate_limit_storage_uri: str = "memory://"
    rate_limit_login: str = "30/minute"
    rate_limit_uploads: str = "30/minute"
    rate_limit_transforms: str = "120/minute"
    # A transform request that queues new work spends its estimated cost from the transforms
    # budget, in units of this many megapixel-operations (about 1 s of one core is 30): a
    # 320 px thumbnail of a 12 MP photo spends 1, an upscaled, rotated, blurred 49 MP render
    # about 70. At most the whole window; 0 = every request spends 1.
    rate_limit_transform_cost_unit: float = Field(default=25.0, ge=0.0)
    # Reads and every other request that is not login, upload or transformation.
    rate_limit_reads: str = "1200/minute"

    # Public delivery (/d/...): budgets per account, apart from the API's. Every delivered
    # request (cached or not) spends a read; one that starts a new render also spends a render.
    rate_limit_delivery_reads: str = "6000/minute"
    rate_limit_delivery_renders: str = "60/minute"
    # How long an account's signing keys are trusted before images is asked again; bounds how
    # long a deleted key keeps verifying on another replica (this replica forgets at once).
    delivery_key_cache_seconds: float = Field(default=5.0, ge=0.0, le=300.0)

    # Verified tokens are remembered (until they expire) so hot clients skip the signature check.
    token_cache_size: int = 10_000

    # In-memory LRU of immutable variant bodies, bounded in bytes; 0 turns it off.
    variant_cache_bytes: int = 64 * MIB
    variant_cache_max_item_bytes: int = 4 * MIB
    # Bounds how long a deleted image's variant can still be served by another replica's cache.
    variant_cache_ttl_seconds: float = 300.0

    # Live status (WebSocket /ws and SSE /events).
    live_enabled: bool = True
    live_queue_size: int = Field(default=64, ge=1)
    live_heartbeat_seconds: float = Field(default=15.0, gt=0)
    live_replay_per_user: int = Field(default=50, ge=0)
    # Open WebSocket + SSE connections per user (per gateway replica); one more gets 429.
    live_max_connections_per_user: int = Field(default=10, ge=1)
    # The images endpoint that lists the caller's unfinished transformations (for reconnects).
    images_pending_transformations_path: str = "/images/transformations?status=unfinished"

    # How long the merged OpenAPI document is kept before the services are asked again.
    openapi_cache_seconds: float = 60.0

    # The browser console at `/`.
    console_enabled: bool = True
    # Files at least this big go from the browser straight to S3 (presigned PUT), smaller ones
    # through the gateway; a direct upload that cannot reach S3 falls back to the gateway.
    console_direct_upload_min_bytes: int = Field(default=8 * MIB, ge=1)
    # Where browsers reach S3 (presigned uploads, and originals when images redirects to S3), so
    # the console's Content-Security-Policy lets them connect there. The same address the images
    # service signs its URLs for, hence its S3 settings' names as fallbacks.
    console_storage_origin: str = Field(
        default="",
        validation_alias=AliasChoices(
            "console_storage_origin", "s3_public_endpoint_url", "s3_endpoint_url"
        ),
    )

    def secrets_to_check(self) -> dict[str, str]:
        return {**super().secrets_to_check(), "INTERNAL_API_TOKEN": self.internal_api_token}


@lru_cache
def get_settings() -> Settings:
    return Settings()
