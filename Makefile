# Estrade — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip --disable-pip-version-check -q
HOST ?= 127.0.0.1
PORT ?= 5000
# Some machines set PYTHONDONTWRITEBYTECODE: every process (each test worker, each CLI
# call) would then recompile the app and pytest would re-rewrite every test module
# (~5 s of CPU per worker). Bytecode goes to __pycache__/ (git-ignored).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-fast typecheck lint translations browser bench bench-build bench-page-view \
	bench-export bench-editor bench-serve bench-webhooks bench-cap bench-sites clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip 2> >(grep -v 'WARNING: Location' >&2)

$(VENV)/.installed-run: $(BIN)/python setup.cfg pyproject.toml
	@echo "==> Installation des dépendances (.venv)"
	$(PIP) install -e . 2> >(grep -v 'WARNING: Location' >&2)
	@touch $@

$(VENV)/.installed-test: $(BIN)/python setup.cfg pyproject.toml
	@echo "==> Installation des dépendances de test (.venv)"
	$(PIP) install -e '.[test]' 2> >(grep -v 'WARNING: Location' >&2)
	@touch $@ $(VENV)/.installed-run

translations: $(VENV)/.installed-run
	@$(BIN)/pybabel compile --statistics -d app/translations

## make run: install, initialise (idempotent), then serve on http://$(HOST):$(PORT)
run: $(VENV)/.installed-run translations
	$(BIN)/estrade init
	@echo "==> Site : http://$(HOST):$(PORT)/   Administration : http://$(HOST):$(PORT)/admin/login"
	$(BIN)/estrade run --host $(HOST) --port $(PORT)

## make test: install with test extras, lint, type-check and run the whole suite
## (SQLite, PostgreSQL, Chromium, localstripe, SMTP, the outside judges)
test: $(VENV)/.installed-test translations
	@scripts/ensure-chromium.sh
	$(BIN)/ruff check app tests bench scripts migrations
	$(BIN)/mypy
	@scripts/run-tests.sh

## make test-fast: the quick loop while working: unit and SQLite HTTP tests, no browser,
## no PostgreSQL, no outside judges, no `slow` tests (processes, live servers, large sweeps:
## tests/support/tiers.py), spread over the machine's cores (under a minute)
test-fast: $(VENV)/.installed-test translations
	$(BIN)/ruff check app tests bench scripts migrations
	$(BIN)/python -m pytest -q -n auto -m "not browser and not postgres and not judges and not slow" \
	  $(if $(wildcard /dev/shm),--basetemp=/dev/shm/estrade-test-fast-$(shell id -u)) $(ARGS)

## make typecheck: mypy, strict on app/core, default on the rest (settings in setup.cfg)
typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

lint: $(VENV)/.installed-test
	$(BIN)/ruff check app tests bench scripts migrations

## make bench-build: build generated corpora with Estrade, Pelican and Hugo side by side
bench-build: $(VENV)/.installed-test translations
	$(BIN)/python bench/build_bench.py

## make bench-editor: the editor's bundle size, save time and keystroke-to-preview time
bench-editor: $(VENV)/.installed-test translations
	$(BIN)/python bench/editor_bench.py

## make bench-page-view: one live page view, then the same with 2,000 more files in media/
bench-page-view: $(VENV)/.installed-test translations
	$(BIN)/python bench/page_view.py

## make bench-export: the donor list of 100,000 donations as CSV, TSV and XLSX (time, memory)
bench-export: $(VENV)/.installed-test translations
	$(BIN)/python bench/export_bench.py

## make bench-serve: the app under `estrade serve` vs nginx vs nginx + the static root
## (docs/nginx/estrade.conf), and how soon a publish shows (installs nginx and wrk if absent)
bench-serve: $(VENV)/.installed-test translations
	$(BIN)/python bench/serve_bench.py

## make bench-webhooks: 5,000 signed Checkout events (20 % duplicates, 8 senders) on SQLite
## and PostgreSQL (a throwaway database on 127.0.0.1:5432), the ledger checked after
bench-webhooks: $(VENV)/.installed-test translations
	$(BIN)/python bench/webhook_bench.py

## make bench-cap: the cap check at 10 k, 100 k and 1 M ledger entries
bench-cap: $(VENV)/.installed-test translations
	$(BIN)/python bench/cap_bench.py

## make bench-sites: 500 sites of 20 pages: `estrade build --all`, a random site's home page
bench-sites: $(VENV)/.installed-test translations
	$(BIN)/python bench/sites_bench.py

## make bench: every benchmark (none of them runs in `make test`); each prints its figures
## and ratios and writes bench/results/*.json; a missed target is reported, the others still run
bench: $(VENV)/.installed-test translations
	@status=0; for target in bench-build bench-page-view bench-export bench-editor bench-serve \
	  bench-webhooks bench-cap bench-sites; do $(MAKE) --no-print-directory $$target || status=1; done; exit $$status

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
