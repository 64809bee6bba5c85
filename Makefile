# The entry points. On a fresh machine (Python 3.11+, Java 17+, Maven) `make run` and `make test`
# install everything they need into this folder: uv into .tools/, the workspace into .venv/,
# the Kafka broker jars into deploy/local/.cache/. Nothing is installed system-wide.

PYTHON ?= python3
TOOLS  := .tools
UV     := $(TOOLS)/bin/uv
VENV   := .venv
BIN    := $(VENV)/bin
UV_VERSION := 0.13.8
IMAGE_TAG  ?= dev
OVERLAY    ?= dev

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

# CI runs the slow fault-injection tests too; locally `make test` keeps to the fast set.
PYTEST_SELECTION := $(if $(CI),,-m "not slow")

.PHONY: help install fonts run up test test-all lint format bench images podman-images k8s clean distclean

help:
	@echo "make run       start the whole platform locally (gateway on http://127.0.0.1:8000)"
	@echo "make test      run the test suite (starts its own PostgreSQL, Kafka, S3 and Redis)"
	@echo "make test-all  also run the slow fault-injection tests"
	@echo "make up        start only the infrastructure (PostgreSQL, Kafka, S3, Redis)"
	@echo "make lint      ruff check and format check"
	@echo "make bench     benchmarks; results in bench/results/"
	@echo "make images    docker build the four service images (needs Docker; IMAGE_TAG=dev)"
	@echo "make podman-images  the same images with podman, built from Debian packages (deploy/README.md)"
	@echo "make k8s       render the Kubernetes manifests (OVERLAY=dev|prod; builds the pinned kustomize once with Go,"
	@echo "              or set KUSTOMIZE=/path/to/kustomize)"

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed: install python3.11 and run make again")'
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) uv.lock pyproject.toml $(wildcard */*/pyproject.toml) deploy/local/pyproject.toml
	$(UV) sync --frozen --all-packages
	@test -e $(WATERMARK_FONT) || $(MAKE) --no-print-directory fonts
	$(BIN)/devstack check
	$(BIN)/devstack fetch
	@touch $@

install: $(VENV)/.installed

# The transformer's text watermarks render with DejaVu Sans; the one system package we need.
WATERMARK_FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
fonts:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq fonts-dejavu-core; \
	else \
		echo "Text watermarks need the DejaVu fonts: install fonts-dejavu-core, then run make again"; \
		exit 1; \
	fi

run: install
	$(BIN)/devstack run

up: install
	$(BIN)/devstack up

test: install
	$(BIN)/pytest $(PYTEST_SELECTION)

test-all: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python -m bench

images:
	@for svc in gateway auth images transformer; do \
		docker build -f services/$$svc/Dockerfile -t image-platform/$$svc:$(IMAGE_TAG) . || exit 1; \
	done

# The same images with podman, from Debian packages only (no Docker engine, no registry).
podman-images: install
	deploy/podman/build.sh

k8s:
	@deploy/k8s/kustomize.sh build deploy/k8s/overlays/$(OVERLAY)

clean:
	rm -rf .stack .pytest_cache .ruff_cache

distclean: clean
	rm -rf $(VENV) $(TOOLS) deploy/local/.cache
