# FieldVisit: `make run` sets up and opens the app on demo data; `make test` sets up and runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= $(CURDIR)/var/demo.db

BUNDLE := build/bundle/fieldvisit

.PHONY: run test lint wheel bundle smoke clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip

$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install -qq -e ".[test,dev]"
	touch $(STAMP)

run: $(STAMP)
	@# Qt aborts without its system libraries; the check names them and the install line.
	$(BIN)/python -m fieldvisit.app.preflight
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

# One folder with the desktop app and the command line (PyInstaller; packaging/fieldvisit.spec).
bundle: $(STAMP)
	$(BIN)/python -m pip install -qq "pyinstaller>=6.6"
	rm -rf $(BUNDLE)
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath build/bundle \
	  --workpath build/pyinstaller packaging/fieldvisit.spec
	@echo "bundle: $(BUNDLE) $$(du -sh $(BUNDLE) | cut -f1) ($$(find $(BUNDLE) -type f | wc -l) files)"

smoke:
	packaging/smoke.sh $(BUNDLE)

clean:
	rm -rf $(VENV) build dist *.egg-info var
