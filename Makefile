# FieldVisit: `make run` sets up and opens the app on demo data; `make test` sets up and runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= $(CURDIR)/var/demo.db

.PHONY: run test lint wheel clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip

$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install -qq -e ".[test,dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/fieldvisit demo --db "sqlite:///$(DEMO_DB)"
	$(BIN)/fieldvisit --db "sqlite:///$(DEMO_DB)"

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy fieldvisit
	$(BIN)/lint-imports

wheel: $(STAMP)
	rm -rf dist build
	$(BIN)/python -m pip wheel -qq --no-deps --wheel-dir dist .

clean:
	rm -rf $(VENV) build dist *.egg-info var
