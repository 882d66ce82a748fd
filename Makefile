# Two commands on a fresh machine (Python >= 3.11 and make): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
# The headless browser of the docs-page test: Debian's chromium (Playwright's own download is not used).
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run test lint check-types unit integration install clean bench

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)

$(RUNTIME): $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e .
	touch $@

$(DEV): $(RUNTIME)
	$(PIP) -e '.[dev]'
	touch $@

install: $(DEV)

# Only when the browser is missing: a file target that exists is up to date.
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "Install Chromium as $(CHROMIUM) (apt-get not found)"; exit 1; }
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

## Install and start the server on the embedded default (SQLite + local files under ./var).
run: $(RUNTIME)
	$(BIN)/clipstream serve

## Install and run every check and test: lint, types, layering, unit and integration tests
## (the browser test of /schema gets Debian's chromium, installed with apt-get if missing).
test: $(DEV) $(CHROMIUM)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

unit: $(DEV)
	$(BIN)/pytest tests/unit

integration: $(DEV) $(CHROMIUM)
	$(BIN)/pytest tests/integration

## The benchmark (bench/README.md): seeds PostgreSQL, serves, loads with wrk, prints the table.
bench: $(DEV)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
