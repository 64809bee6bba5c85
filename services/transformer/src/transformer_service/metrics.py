"""Prometheus metrics of the worker, served at /metrics on the Faust web port."""

from prometheus_client import Counter, Gauge, Histogram

JOBS = Counter(
    "transformer_jobs_total",
    "Transformation requests finished, by outcome (succeeded, cached, failed) and error code",
    ["outcome", "error_code"],
)
JOB_DURATION = Histogram(
    "transformer_job_duration_seconds",
    "Time from request received to terminal event, by outcome",
    ["outcome"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
BYTES_IN = Counter("transformer_bytes_in_total", "Source and watermark bytes read from storage")
BYTES_OUT = Counter("transformer_bytes_out_total", "Encoded result bytes written to storage")
IN_FLIGHT = Gauge("transformer_jobs_in_flight", "Transformations in progress")
# Set to the scheduler's count by the bootstrap.
WAITING = Gauge(
    "transformer_jobs_waiting", "Requests read and waiting for a fair share of the pool"
)
RETRIES = Counter("transformer_retries_total", "Retries of transient failures (storage)")
# Consumer lag per partition: messaging.subscriber.CONSUMER_LAG (group "transformer").
RENDERS = Counter(
    "transformer_renders_total",
    "Variants rendered (not answered from storage), by output format and operation",
    ["format", "operation"],
)
DEAD_LETTERS = Counter(
    "transformer_dead_letters_total", "Requests sent to the dead-letter topic", ["error_code"]
)
