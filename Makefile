# Accord: `make run` sets up everything and serves the demo; `make test` runs the suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgresql://postgres@127.0.0.1:5432
export PGOPTIONS ?= --client-min-messages=warning
PG_TEST_DB ?= accord_ci_$(shell echo $$$$)
export ACCORD_DATA_DIR ?= $(CURDIR)/var

# A Python >= 3.12 (Django 6 needs it): python3.13, python3.12, pyenv's, then python3 if new enough.
PYTHON := $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python $$HOME/.pyenv/versions/3.12*/bin/python python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: help lock install install-dev assets run run-scaled serve demo test test-random test-thorough test-postgres test-browser lint bench clean browser-deps system-deps

help:
	@echo "make run            install, migrate, load the demo and serve on http://$(HOST):$(PORT)"
	@echo "make run-scaled     the production profile: PostgreSQL, Redis workers, 3 web processes"
	@echo "make test           run the test suite on SQLite (with browser tests)"
	@echo "make test-postgres  the same suite on PostgreSQL ($(PG_URL))"
	@echo "make bench          benchmarks on SQLite and PostgreSQL (JSON)"
	@echo "make lint           ruff"

# Every Python package, direct and transitive, comes from uv.lock (exact versions and hashes):
# `make run`, `make test` and CI install exactly the same set. uv itself is hash-pinned in
# tools/uv-requirements.txt. After changing dependencies in pyproject.toml: `make lock`.
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

$(UV): tools/uv-requirements.txt
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found (Django 6 needs it). Install python3.12 or newer."; exit 1; }
	@test -x $(TOOLS)/bin/pip || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r tools/uv-requirements.txt
	touch $@

# The run set (no test tools); --inexact keeps a developer's test tools installed.
$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --quiet --locked --inexact --extra redis --python $(PYTHON)
	touch $@

$(VENV)/.installed-dev: $(UV) pyproject.toml uv.lock
	$(UV) sync --quiet --locked --extra dev --extra redis --python $(PYTHON)
	touch $@ $(VENV)/.installed

lock: $(UV)
	$(UV) lock

install: $(VENV)/.installed assets

install-dev: $(VENV)/.installed-dev assets

# Front-end libraries come from npm (pinned in package-lock.json) and are copied into the static folder.
VENDOR := src/accord/core/static/vendor
assets: $(VENDOR)/.installed
$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	touch $@

run: install system-deps
	$(VENV)/bin/accord manage migrate --noinput
	$(VENV)/bin/accord demo
	@echo
	@echo "  Accord is starting on http://$(HOST):$(PORT)"
	@echo "  Sign in as admin@accord.example / accord-demo-admin (or any demo person's e-mail, same password)"
	@echo
	@# Local mode, debug off: plain-http sign-in on this machine; `ACCORD_DEBUG=true make run` for development.
	$(VENV)/bin/accord serve --local --host $(HOST) --port $(PORT)

# The production profile on this machine: PostgreSQL ($(PG_URL)/$(SCALED_DB), created when missing),
# Redis-backed task workers, $(SCALED_WORKERS) gunicorn processes behind one address, debug off,
# Prometheus metrics at /metrics (token: ACCORD_METRICS_TOKEN). Ctrl-C or SIGTERM stops every process.
SCALED_DB ?= accord_scaled
SCALED_WORKERS ?= 3
REDIS_URL ?= redis://127.0.0.1:6379/0
run-scaled: install system-deps
	@psql "$(PG_URL)/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$(SCALED_DB)'" | grep -q 1 || psql "$(PG_URL)/postgres" -qc "CREATE DATABASE $(SCALED_DB)"
	DATABASE_URL=$(PG_URL)/$(SCALED_DB) REDIS_URL=$(REDIS_URL) $(VENV)/bin/accord manage migrate --noinput
	DATABASE_URL=$(PG_URL)/$(SCALED_DB) REDIS_URL=$(REDIS_URL) $(VENV)/bin/accord demo
	@echo
	@echo "  Accord (scaled: PostgreSQL, Redis, $(SCALED_WORKERS) web processes) is starting on http://$(HOST):$(PORT)"
	@echo "  Sign in as admin@accord.example / accord-demo-admin"
	@echo
	DATABASE_URL=$(PG_URL)/$(SCALED_DB) REDIS_URL=$(REDIS_URL) $(VENV)/bin/accord serve --local --no-migrate \
		--workers $(SCALED_WORKERS) --host $(HOST) --port $(PORT)

browser-deps:
	@test -x /usr/bin/chromium || { command -v apt-get >/dev/null && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "chromium not installed: browser tests will be skipped"; }

# Debian packages of the exports: fonts for the PNG and PDF (DejaVu for Latin, Noto CJK for
# Chinese, Japanese and Korean, Noto Color Emoji) and poppler-utils, whose pdftotext the tests read
# the PDF with. Installed when one of their files is missing.
SYSTEM_FILES := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf \
	/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
	/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf /usr/bin/pdftotext
SYSTEM_PACKAGES := fonts-dejavu-core fonts-noto-cjk fonts-noto-color-emoji poppler-utils
system-deps:
	@for f in $(SYSTEM_FILES); do test -e $$f || missing=1; done; \
	test -z "$$missing" || { command -v apt-get >/dev/null && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null) || echo "Could not install $(SYSTEM_PACKAGES): exports draw CJK and emoji as empty boxes, and the PDF tests fail"; }

# Two test processes (pytest-xdist); the schemathesis module stays on one of them (its last test sums
# up the run). Fixed order by default; `make test-random` shuffles it and prints the seed (replay one
# with `make test RANDOM_ORDER=--randomly-seed=N`).
XDIST ?= -n 2 --dist loadgroup
RANDOM_ORDER ?= -p no:randomly
PYTEST = $(PY) -m pytest -q -rs $(RANDOM_ORDER) $(XDIST) --durations=15

test: install-dev browser-deps system-deps
	$(VENV)/bin/ruff check src tests
	ACCORD_DATA_DIR=$$(mktemp -d) $(PYTEST) $(PYTEST_ARGS)

# pytest -q hides pytest-randomly's header line, so the seed is chosen and printed here.
test-random:
	@seed=$${SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}; echo "random order: --randomly-seed=$$seed (replay: make test RANDOM_ORDER=--randomly-seed=$$seed)"; \
	$(MAKE) test RANDOM_ORDER="-p randomly --randomly-seed=$$seed"

# The same suite on PostgreSQL, but for the browser tests: they check pages in Chromium (run by `make
# test` on SQLite), while every view they drive is also tested here through Django's test client.
test-postgres: install-dev system-deps
	@db=$(PG_TEST_DB); drop() { for d in $$db test_$$db test_$${db}_gw0 test_$${db}_gw1 test_$${db}_gw2 test_$${db}_gw3; do \
		psql "$(PG_URL)/postgres" -qc "DROP DATABASE IF EXISTS $$d" >/dev/null; done; }; \
	drop && psql "$(PG_URL)/postgres" -qc "CREATE DATABASE $$db" >/dev/null && \
	DATABASE_URL="$(PG_URL)/$$db" ACCORD_DATA_DIR=$$(mktemp -d) $(PYTEST) -m "not browser" $(PYTEST_ARGS); status=$$?; \
	drop; exit $$status

# Longer property-based runs (schemathesis: 100 examples per operation instead of 12).
test-thorough: install-dev
	ACCORD_DATA_DIR=$$(mktemp -d) ACCORD_SCHEMATHESIS_EXAMPLES=100 $(PYTEST) tests/api/test_schemathesis.py $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check src tests

# One JSON object per database on stdout (progress on stderr); a failure stops with a non-zero status.
bench: install-dev
	@tmp=$$(mktemp -d); ACCORD_DATA_DIR=$$tmp $(VENV)/bin/accord bench --json $(if $(ONLY),--only $(ONLY)); status=$$?; \
	rm -rf $$tmp; exit $$status
	@db=accord_bench; tmp=$$(mktemp -d); psql "$(PG_URL)/postgres" -qc "DROP DATABASE IF EXISTS $$db" >/dev/null; psql "$(PG_URL)/postgres" -qc "CREATE DATABASE $$db" >/dev/null; \
	DATABASE_URL="$(PG_URL)/$$db" ACCORD_DATA_DIR=$$tmp $(VENV)/bin/accord bench --json $(if $(ONLY),--only $(ONLY)); status=$$?; \
	psql "$(PG_URL)/postgres" -qc "DROP DATABASE IF EXISTS $$db" >/dev/null; rm -rf $$tmp; exit $$status

clean:
	rm -rf $(VENV) $(TOOLS) node_modules var $(VENDOR) build *.egg-info src/*.egg-info
