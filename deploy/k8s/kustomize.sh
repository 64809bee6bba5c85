#!/usr/bin/env bash
# Runs kustomize at the version this repository pins, built once from the Go module proxy into
# .tools/ (git-ignored), so `make k8s` and the deploy tests render with the same kustomize.
#   deploy/k8s/kustomize.sh build deploy/k8s/overlays/prod
# Set KUSTOMIZE=/path/to/kustomize to use another binary instead.
set -euo pipefail

VERSION=v5.8.1   # needs Go >= 1.24 to build
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN_DIR="$ROOT/.tools/kustomize-$VERSION"

if [[ -n "${KUSTOMIZE:-}" ]]; then
  exec "$KUSTOMIZE" "$@"
fi
if [[ ! -x "$BIN_DIR/kustomize" ]]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "kustomize $VERSION is built from the Go module proxy and needs Go 1.24+," >&2
    echo "or point KUSTOMIZE at an installed kustomize binary." >&2
    exit 1
  fi
  echo "building kustomize $VERSION into $BIN_DIR (once)" >&2
  if [[ -z "${HOME:-}" ]]; then  # go keeps its caches under $HOME by default
    export GOPATH="$ROOT/.tools/go" GOCACHE="$ROOT/.tools/go-build"
  fi
  GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false go install "sigs.k8s.io/kustomize/kustomize/v5@$VERSION" >&2
fi
exec "$BIN_DIR/kustomize" "$@"
