# FieldVisit: `make run` sets up and opens the app on demo data; `make test` sets up and runs every test;
# `make serve` runs a team server on a throwaway PostgreSQL with the demo data (docs/server.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= $(CURDIR)/var/demo.db
SERVE_PORT ?= 8765
SERVE_DB ?= fieldvisit_team
SERVE_ROLE ?= fieldvisit_app

.PHONY: run test lint wheel bundle smoke clean serve
BUNDLE := build/bundle/fieldvisit

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

# A PostgreSQL (FIELDVISIT_TEST_PG_URL, else a throwaway one started here and stopped on exit), the
# schema migrated by the owner, the demo data, an application role with least privilege, and the
# server on loopback running as that role.
serve: $(STAMP)
	@set -e; \
	if [ -z "$$FIELDVISIT_TEST_PG_URL" ]; then \
	  eval "$$(.ci/start-postgres)"; \
	  trap '.ci/stop-postgres "$$FIELDVISIT_TEST_PG_DATADIR"' EXIT; trap 'exit 130' INT TERM; \
	fi; \
	urls=$$($(BIN)/python examples/team-server/prepare.py "$$FIELDVISIT_TEST_PG_URL" $(SERVE_DB) $(SERVE_ROLE)); \
	owner=$$(echo "$$urls" | sed -n 1p); app=$$(echo "$$urls" | sed -n 2p); \
	mkdir -p var; \
	$(BIN)/fieldvisit db upgrade --db "$$owner"; \
	FIELDVISIT_AUDIT_KEY_FILE=var/team-audit.key $(BIN)/fieldvisit demo --db "$$owner"; \
	$(BIN)/fieldvisit db grant-app-role $(SERVE_ROLE) --db "$$owner"; \
	$(BIN)/fieldvisit serve --db "$$app" --port $(SERVE_PORT) --audit-key var/team-audit.key --log-level info

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
