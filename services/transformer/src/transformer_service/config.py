"""Transformer settings, from environment variables only (shared ones: platform_common.settings)."""

import os
from typing import Literal

from pydantic import Field

from platform_common.settings import (
    DEV_INTERNAL_API_TOKEN,
    BaseServiceSettings,
    S3Settings,
    TopicSettings,
)
from transformer_service.adapters.pool_worker import WorkerStorage
from transformer_service.domain.encoding import EncoderSettings
from transformer_service.domain.limits import Limits
from transformer_service.service_layer.variants import Encoders


def _cores() -> int:
    # The CPUs this process may use (a container's cpuset), not the host's count.
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Settings(BaseServiceSettings, S3Settings, TopicSettings):
    service_name: str = "transformer"

    faust_app_id: str = "transformer"
    transformer_web_host: str = "127.0.0.1"
    transformer_web_port: int = Field(6066, ge=1, le=65535)
    # Requests read ahead of the partition's order and in progress at once. Each waits for a fair
    # share of the libvips processes (holding no source bytes while it waits), so a light request
    # behind heavy ones is read and started; offsets are committed only up to the oldest request
    # not yet done, so this costs no at-least-once guarantee.
    transformer_concurrency: int = Field(16, ge=1, le=256)
    # libvips processes; 0 = one per core (at least one more than the heavy lane, see below).
    transformer_pool_size: int = Field(0, ge=0, le=256)
    # A job whose estimated cost (megapixels x operations, platform_common.transform_spec.cost)
    # reaches this is heavy (about 5 s of one core). Heavy jobs may hold only
    # TRANSFORMER_HEAVY_SLOTS processes at once, so the others stay free for light jobs;
    # 0 = all processes but one.
    transformer_heavy_job_cost: float = Field(150.0, gt=0)
    transformer_heavy_slots: int = Field(0, ge=0, le=256)
    # Threads inside each libvips process; 0 = cores / pool size (so the total is the cores).
    vips_concurrency: int = Field(0, ge=0, le=64)
    # A process serves this many jobs and is then replaced (bounds fragmentation and leaks).
    transformer_jobs_per_process: int = Field(200, ge=1)
    # The hard limit of one render: a job over it fails with error code "timeout" and its libvips
    # process is killed and replaced.
    job_timeout_seconds: float = Field(60.0, gt=0)

    # Each libvips process keeps the sources it read most recently, up to this many MiB (several
    # variants of one upload read S3 once); 0 turns the cache off.
    transformer_source_cache_mb: int = Field(32, ge=0, le=4096)
    # A request made less than this long ago has just been created: its variant is not looked
    # for in S3 before rendering.
    transformer_fresh_request_seconds: float = Field(5.0, ge=0)
    # AVIF encoder effort for queued requests (libvips 0-9; more is smaller and much slower).
    avif_effort: int = Field(2, ge=0, le=9)
    # AVIF encoder effort when a client waits on the fly: 0, the fastest (imgproxy's default
    # AVIF speed 9), about 6x less CPU than 2 for about 10% more bytes.
    avif_effort_on_the_fly: int = Field(0, ge=0, le=9)
    # WebP encoder effort (libvips 0-6) for queued requests: 4, libvips' and Pillow's default
    # (the bench photos: 1.01x Thumbor's bytes).
    webp_effort: int = Field(4, ge=0, le=6)
    # WebP encoder effort when a client waits on the fly: 2 halves the encoder's CPU (the
    # encoder is most of a resize's work) for about 4% more bytes (bench: 1.05x Thumbor's).
    webp_effort_on_the_fly: int = Field(2, ge=0, le=6)
    # libwebp's preset (its filter tuning) for both: photo, picture, drawing, icon, text, default.
    webp_preset: Literal["default", "photo", "picture", "drawing", "icon", "text"] = "photo"
    # The on-the-fly render endpoint answers only callers with this token (the images service).
    internal_api_token: str = DEV_INTERNAL_API_TOKEN

    max_pixels: int = Field(100_000_000, ge=1)
    max_source_bytes: int = Field(100 * 1024 * 1024, ge=1)
    max_frames: int = Field(500, ge=1)
    max_output_pixels: int = Field(100_000_000, ge=1)
    max_output_bytes: int = Field(64 * 1024 * 1024, ge=1)

    # Transient failures (storage unreachable) are retried this many times in all, with backoff.
    # 8 attempts from 1 s (full jitter, capped) ride out an S3 restart of ~20 s on average; the
    # e2e fault test saw 5 attempts from 0.5 s give up during an 8 s outage.
    transformer_max_attempts: int = Field(8, ge=1, le=20)
    transformer_retry_base_seconds: float = Field(1.0, gt=0)
    transformer_retry_max_seconds: float = Field(10.0, gt=0)

    # How fast a dead worker's partitions move to a live one (Kafka consumer group settings).
    kafka_session_timeout_seconds: float = Field(30.0, gt=0)
    kafka_heartbeat_interval_seconds: float = Field(3.0, gt=0)

    @property
    def pool_size(self) -> int:
        """Processes: as asked (or one per core), and always one more than the heavy lane."""
        return max(self.transformer_pool_size or _cores(), self.heavy_slots + 1)

    @property
    def heavy_slots(self) -> int:
        if self.transformer_heavy_slots:
            return self.transformer_heavy_slots
        return max(1, (self.transformer_pool_size or _cores()) - 1)

    @property
    def threads_per_process(self) -> int:
        return self.vips_concurrency or max(1, _cores() // self.pool_size)

    @property
    def limits(self) -> Limits:
        return Limits(
            max_source_pixels=self.max_pixels,
            max_source_bytes=self.max_source_bytes,
            max_frames=self.max_frames,
            max_output_pixels=self.max_output_pixels,
            max_output_bytes=self.max_output_bytes,
        )

    @property
    def worker_storage(self) -> WorkerStorage:
        return WorkerStorage(
            S3Settings.model_validate(self.model_dump(include=set(S3Settings.model_fields))),
            self.s3_bucket,
            self.transformer_source_cache_mb * 1024 * 1024,
        )

    @property
    def encoders(self) -> Encoders:
        return Encoders(
            queued=EncoderSettings(
                avif_effort=self.avif_effort,
                webp_effort=self.webp_effort,
                webp_preset=self.webp_preset,
            ),
            on_the_fly=EncoderSettings(
                avif_effort=self.avif_effort_on_the_fly,
                webp_effort=self.webp_effort_on_the_fly,
                webp_preset=self.webp_preset,
            ),
        )

    def secrets_to_check(self) -> dict[str, str]:
        # The storage key, and the token the render endpoint checks.
        return {
            "S3_SECRET_ACCESS_KEY": self.s3_secret_access_key,
            "INTERNAL_API_TOKEN": self.internal_api_token,
        }
