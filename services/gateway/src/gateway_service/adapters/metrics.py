"""The gateway's own Prometheus series (HTTP counts and latencies come from platform_common)."""

from prometheus_client import Counter, Gauge

UPSTREAM_ERRORS = Counter(
    "gateway_upstream_errors_total", "Upstream calls that failed", ["upstream", "kind"]
)
RATE_LIMITED = Counter("gateway_rate_limited_total", "Requests refused with 429", ["category"])
VARIANT_CACHE = Counter("gateway_variant_cache_total", "Variant cache lookups", ["result"])
LIVE_CONNECTIONS = Gauge("gateway_live_connections", "Open live-status connections", ["transport"])
LIVE_DISCONNECTED_SLOW = Counter(
    "gateway_live_slow_disconnects_total", "Live connections dropped for not keeping up"
)
EVENT_FEED_PARTITIONS = Gauge(
    "gateway_event_feed_partitions", "Partitions of the transform events topic being followed"
)
EVENT_FEED_MESSAGES = Counter(
    "gateway_event_feed_messages_total", "Transform events read from Kafka", ["outcome"]
)
