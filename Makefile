# The entry points. On a fresh machine (make, Python 3.11+ with venv, Java 17+, Maven; Go for
# `make k8s`) `make run` and `make test`
# install everything they need into this folder: uv into .tools/, the workspace into .venv/,
# the Kafka broker jars into deploy/local/.cache/. System-wide, as root, only what has no other
# way in: the DejaVu fonts and Debian's chromium (for the browser tests).

PYTHON ?= python3
TOOLS  := .tools
UV     := $(TOOLS)/bin/uv
VENV   := .venv
BIN    := $(VENV)/bin
UV_VERSION := 0.13.8
IMAGE_TAG  ?= dev
OVERLAY    ?= dev
CHROMIUM   := /usr/bin/chromium

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

# CI runs the slow fault-injection tests too; locally `make test` keeps to the fast set.
PYTEST_SELECTION := $(if $(CI),,-m "not slow")

.PHONY: help install install-lint install-run install-test install-bench fonts chromium settings run up test test-all lint format bench images podman-images k8s clean distclean

help:
	@echo "make run       start the whole platform locally (gateway on http://127.0.0.1:8000)"
	@echo "make test      run the test suite (starts its own PostgreSQL, Kafka, S3 and Redis)"
	@echo "make test-all  also run the slow fault-injection tests"
	@echo "make up        start only the infrastructure (PostgreSQL, Kafka, S3, Redis)"
	@echo "make lint      ruff check, format check, mypy --strict and the import contracts (needs only Python)"
	@echo "make bench     benchmarks; results in bench/results/"
	@echo "make settings  regenerate deploy/SETTINGS.md and .env.example from the Settings classes"
	@echo "make images    docker build the four service images (needs Docker; IMAGE_TAG=dev)"
	@echo "make podman-images  the same images with podman, built from Debian packages (deploy/README.md)"
	@echo "make k8s       render the Kubernetes manifests (OVERLAY=dev|prod; builds the pinned kustomize once with Go,"
	@echo "              or set KUSTOMIZE=/path/to/kustomize)"

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed: install python3.11 and run make again")'
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# One stamp per dependency group: `make run` installs only `run`; `make test` and `make bench`
# add theirs. --inexact: installing one group never removes another's packages.
LOCK_INPUTS := $(UV) uv.lock pyproject.toml $(wildcard */*/pyproject.toml) deploy/local/pyproject.toml
SYNC := $(UV) sync --frozen --inexact --all-packages --no-default-groups

$(VENV)/.installed-run: $(LOCK_INPUTS)
	$(SYNC) --group run
	@test -e $(WATERMARK_FONT) || $(MAKE) --no-print-directory fonts
	$(BIN)/devstack check
	$(BIN)/devstack fetch
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed-run $(CHROMIUM)
	$(SYNC) --group run --group test
	@touch $@

$(VENV)/.installed-bench: $(VENV)/.installed-test $(VENV)/.installed-lint
	$(SYNC) --group run --group test --group bench --group lint
	@touch $@

# `make lint` needs only Python: the workspace's packages (for their types) and the lint tools,
# no Kafka jars, no Java, no fonts, no root.
$(VENV)/.installed-lint: $(LOCK_INPUTS)
	$(SYNC) --group run --group lint
	@touch $@

install-lint: $(VENV)/.installed-lint
install-run: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test
install-bench: $(VENV)/.installed-bench
# Everything a developer needs (what the tests and benchmarks need, too).
install: install-bench

# The browser tests (tests/e2e/test_e2e_console*.py) drive Debian's Chromium through Playwright;
# Playwright's own browser download is never used.
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; \
	else \
		echo "The browser tests need Chromium at $(CHROMIUM): install Debian's chromium package (apt-get install chromium), then run make again"; \
		exit 1; \
	fi
chromium: $(CHROMIUM)

# The transformer's text watermarks render with DejaVu Sans; the one system package we need.
WATERMARK_FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
fonts:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq fonts-dejavu-core; \
	else \
		echo "Text watermarks need the DejaVu fonts: install fonts-dejavu-core, then run make again"; \
		exit 1; \
	fi

run: install-run
	$(BIN)/devstack run

up: install-run
	$(BIN)/devstack up

# Lint first: it takes seconds and fails before the stack starts.
test: lint install-test
	$(BIN)/pytest $(PYTEST_SELECTION)

test-all: install-test
	$(BIN)/pytest

lint: install-lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install-lint
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-bench
	$(BIN)/python -m bench

images:
	@for svc in gateway auth images transformer; do \
		docker build -f services/$$svc/Dockerfile -t image-platform/$$svc:$(IMAGE_TAG) . || exit 1; \
	done

settings: install-run
	$(BIN)/devstack settings

# The same images with podman, from Debian packages only (no Docker engine, no registry).
podman-images: install-test
	deploy/podman/build.sh

k8s:
	@deploy/k8s/kustomize.sh build deploy/k8s/overlays/$(OVERLAY)

clean:
	rm -rf .stack .pytest_cache .ruff_cache .mypy_cache

distclean: clean
	rm -rf $(VENV) $(TOOLS) deploy/local/.cache
