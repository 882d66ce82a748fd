# Two commands on a fresh machine (Python >= 3.11 and make): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed

.PHONY: run test lint check-types unit integration install clean

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

## Install and start the server on the embedded default (SQLite + local files under ./var).
run: $(RUNTIME)
	$(BIN)/clipstream serve

## Install and run every check and test: lint, types, layering, unit and integration tests.
test: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

unit: $(DEV)
	$(BIN)/pytest tests/unit

integration: $(DEV)
	$(BIN)/pytest tests/integration

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
