#!/usr/bin/env bash
# Builds every image docker-compose.yml needs with podman, from Debian packages only: no container
# registry is needed. Run from anywhere; images are tagged as compose.local-images.yml names them.
#
#   deploy/podman/build.sh            # base (cached), infrastructure, the four services
#
# The base is a Debian bookworm root filesystem made by mmdebstrap and imported into podman. Its
# tarball is cached under deploy/local/.cache/podman/, keyed by its package list, so later runs
# skip the slowest step. The service Dockerfiles take it through their BASE_IMAGE build argument;
# their default stays the public python image, for a normal Docker host.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="$repo/deploy/local/.cache/podman"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"

BASE_IMAGE=localhost/platform-base:bookworm
UV_VERSION=0.13.8
UV_IMAGE=localhost/platform-uv:$UV_VERSION
TAG="${IMAGE_TAG:-dev}"
# Debian's python3.11 is the interpreter the service venvs are built against (the public
# python:3.11 image is the same minor version). Fonts: the transformer's text watermarks.
BASE_PACKAGES=python3.11,ca-certificates,fontconfig-config,fonts-dejavu-core
BASE_REVISION=2  # bump when the mmdebstrap hooks below change, so the cached tarball is remade

log() { printf 'podman-build: %s\n' "$*" >&2; }

require_tools() {
  local missing=()
  for tool in podman runc mmdebstrap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  [ ${#missing[@]} -eq 0 ] && return
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${missing[*]} (and their Debian dependencies)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc mmdebstrap >/dev/null
  else
    log "needs ${missing[*]}: install the Debian packages podman, runc and mmdebstrap"; exit 1
  fi
}

build_base() {
  local key tarball
  # The host's extra CA certificates go into the base, so a TLS-intercepting proxy between the
  # build and the package registries is trusted inside the build too (none on a plain host).
  key=$(printf '%s %s\n' "$BASE_PACKAGES" "$BASE_REVISION" | cat - /usr/local/share/ca-certificates/* 2>/dev/null | sha256sum | cut -c1-16)
  tarball="$cache/base-bookworm-$key.tar"
  if podman image exists "$BASE_IMAGE" && [ "$(podman image inspect -f '{{index .Labels "platform.base.key"}}' "$BASE_IMAGE" 2>/dev/null)" = "$key" ]; then
    log "base image $BASE_IMAGE is current"; return
  fi
  if [ ! -s "$tarball" ]; then
    log "making the Debian bookworm base with mmdebstrap (cached in $tarball)"
    mkdir -p "$cache"
    mmdebstrap --quiet --format=tar --variant=minbase --include="$BASE_PACKAGES" \
      --customize-hook='if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then cp /usr/local/share/ca-certificates/*.crt "$1/usr/local/share/ca-certificates/" && chroot "$1" update-ca-certificates >/dev/null; fi' \
      --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin && find "$1"/usr/share/doc "$1"/usr/share/man -type f -delete' \
      bookworm "$tarball.part"
    mv "$tarball.part" "$tarball"
  fi
  podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
    --change "LABEL platform.base.key=$key" \
    --change 'CMD ["/bin/bash"]' \
    "$tarball" "$BASE_IMAGE" >/dev/null
  log "imported $BASE_IMAGE"
}

build_uv() {
  # The Dockerfiles copy uv from an image; this one holds the same uv release as .tools/.
  local ctx; ctx=$(mktemp -d)
  cp "$repo/.tools/bin/uv" "$ctx/uv"
  printf 'FROM scratch\nCOPY uv /uv\n' > "$ctx/Containerfile"
  podman build --quiet -t "$UV_IMAGE" -f "$ctx/Containerfile" "$ctx" >/dev/null
  rm -rf "$ctx"
}

build() {  # tag containerfile context [build args...]
  local tag=$1 file=$2 ctx=$3 output; shift 3
  output="$cache/logs/$(basename "${tag%%:*}").log"
  mkdir -p "$cache/logs"
  log "building $tag (log: $output)"
  # docker format: the OCI image format has no HEALTHCHECK, and compose relies on it.
  if ! podman build --format docker --network=host --build-arg "BASE_IMAGE=$BASE_IMAGE" "$@" \
      -t "$tag" -f "$file" "$ctx" > "$output" 2>&1; then
    tail -n 40 "$output" >&2; log "building $tag failed"; exit 1
  fi
}

build_infrastructure() {
  local jars="$cache/kafka-jars" ctx
  if [ ! -e "$jars/.complete" ]; then
    log "fetching the Kafka broker and tools jars with mvn"
    rm -rf "$jars"
    mvn -q -B -f "$here/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$jars" >&2
    rm -rf "$here/kafka/target"; touch "$jars/.complete"
  fi
  ctx=$(mktemp -d)
  cp -r "$here/kafka/bin" "$here/kafka/Containerfile" "$ctx/"; cp -r "$jars" "$ctx/libs"
  cp "$repo/deploy/local/kafka/log4j2.properties" "$ctx/"
  build localhost/platform-kafka:dev "$ctx/Containerfile" "$ctx"
  rm -rf "$ctx"
  build localhost/platform-postgres:dev "$here/postgres/Containerfile" "$here/postgres"
  build localhost/platform-redis:dev "$here/redis/Containerfile" "$here/redis"
  ctx=$(mktemp -d)
  cp -r "$here/s3/." "$ctx/"; cp "$(python_scripts)/weed" "$ctx/weed"
  build localhost/platform-s3:dev "$ctx/Containerfile" "$ctx"
  rm -rf "$ctx"
}

python_scripts() {
  "$repo/.venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("scripts"))'
}

build_services() {
  for svc in auth images transformer gateway; do
    build "image-platform/$svc:$TAG" "$repo/services/$svc/Dockerfile" "$repo" --build-arg "UV_IMAGE=$UV_IMAGE"
  done
}

require_tools
build_base
build_uv
build_infrastructure
build_services
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E 'platform-|image-platform/' >&2
