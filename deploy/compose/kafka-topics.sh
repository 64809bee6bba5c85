#!/bin/bash
# Creates the platform's topics before any service starts, with the partition counts that bound
# their consumers' parallelism. Idempotent: existing topics are left as they are.
set -euo pipefail

BOOTSTRAP="${KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}"
WEEK_MS=604800000
MONTH_MS=2592000000

create_topic() {  # name partitions retention_ms
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$1" --partitions "$2" --replication-factor 1 --config "retention.ms=$3"
}

create_topic images.transform.requested 6 "$WEEK_MS"
create_topic images.transform.events 6 "$WEEK_MS"
create_topic images.transform.dlq 3 "$MONTH_MS"
create_topic auth.user.events 3 "$MONTH_MS"
create_topic images.events 3 "$WEEK_MS"

/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --describe --exclude-internal
