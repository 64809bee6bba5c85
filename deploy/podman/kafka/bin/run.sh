#!/bin/bash
# Writes server.properties from the KAFKA_* environment as apache/kafka does (KAFKA_NODE_ID ->
# node.id), formats the KRaft storage once with CLUSTER_ID, then runs the broker.
set -euo pipefail
config=/opt/kafka/config/server.properties
: > "$config"
while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_JVM_PERFORMANCE_OPTS|KAFKA_BOOTSTRAP_SERVERS) continue ;;
    KAFKA_*) key=${name#KAFKA_}; key=${key,,}; printf '%s=%s\n' "${key//_/.}" "$value" >> "$config" ;;
  esac
done < <(env)
data=$(sed -n 's/^log\.dirs=//p' "$config"); data=${data:-/var/lib/kafka/data}
if [ ! -e "$data/meta.properties" ]; then
  /opt/kafka/bin/kafka-class.sh kafka.tools.StorageTool format -t "${CLUSTER_ID:?CLUSTER_ID is required}" -c "$config"
fi
exec java ${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m} -XX:+UseSerialGC -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties -cp '/opt/kafka/libs/*' \
  kafka.Kafka "$config"
