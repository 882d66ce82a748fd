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

.PHONY: help run test lint check-types unit integration install clean bench bench-media
.DEFAULT_GOAL := help

help: ## List the targets and what they do
	@awk 'BEGIN { FS = ":[^#]*## " } /^[a-z][a-z-]*:[^#]*## / { printf "  make %-13s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)

$(RUNTIME): $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e .
	touch $@

$(DEV): $(RUNTIME)
	$(PIP) -e '.[dev]'
	touch $@

install: $(DEV) ## Create .venv with the project and the dev tools

# Only when the browser is missing: a file target that exists is up to date.
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "Install Chromium as $(CHROMIUM) (apt-get not found)"; exit 1; }
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

# `make run PORT=8010 HOST=0.0.0.0`, or any option of `clipstream serve` in ARGS.
run: $(RUNTIME) ## Serve on the embedded default (SQLite + local files under ./var); PORT=, HOST=, ARGS=
	$(BIN)/clipstream serve $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT)) $(ARGS)

# The browser test of /schema gets Debian's chromium, installed with apt-get if missing.
test: lint check-types $(CHROMIUM) ## Every check and test: lint, layering, types, unit and integration
	$(BIN)/pytest --cov --cov-report=
	@echo "Coverage of src/ by the test process: $$($(BIN)/coverage report --format=total)% of lines and branches (per module: $(BIN)/coverage report)"

lint: $(DEV) ## ruff (lint and format) and import-linter (the layers)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

check-types: $(DEV) ## mypy, strict
	$(BIN)/mypy

unit: $(DEV) ## The unit tests only (fast, no services)
	$(BIN)/pytest tests/unit

integration: $(DEV) $(CHROMIUM) ## The integration tests only (PostgreSQL, Redis, chromium)
	$(BIN)/pytest tests/integration

# `make bench SCALE=x10` for ten times the data; BENCH_ARGS passes any other option of bench/run.py.
bench: $(DEV) ## The benchmark (bench/README.md): seed PostgreSQL, serve, load with wrk
	$(BIN)/python bench/run.py $(if $(SCALE),--scale $(SCALE)) $(BENCH_ARGS)

bench-media: $(DEV) ## The media benchmark (bench/README.md): CPU per 720p second, complete -> ready
	$(BIN)/python bench/media.py $(BENCH_ARGS)

clean: ## Remove .venv and the tools' caches
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .coverage htmlcov
