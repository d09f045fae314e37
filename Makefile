# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
# The environment is created from uv.lock (exact versions); uv itself is bootstrapped into
# .tools/ with the system Python, so nothing but python3 (3.11) is needed beforehand.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export GE_USAGE_STATISTICS_ENABLED := False
# Compile the installed packages' bytecode once at install time. Where PYTHONDONTWRITEBYTECODE is
# set (common on CI and in containers) Python would otherwise compile every imported module on
# every start: about 4 s of CPU per `dagster definitions validate` or run process.
export UV_COMPILE_BYTECODE := 1

.PHONY: run test lint install install-ui install-dev dev clean chromium postgresql

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# The local instance profile: SQLite under the git-ignored .dagster_home, telemetry off.
$(DAGSTER_HOME)/dagster.yaml: deploy/dagster.local.yaml
	mkdir -p $(DAGSTER_HOME)
	cp deploy/dagster.local.yaml $@

# Our own packages too (their __pycache__ is git-ignored; an edited module simply recompiles).
COMPILE_OWN := $(VENV)/bin/python -m compileall -q -j 0 assets checks pipelines publish

install: $(UV) $(DAGSTER_HOME)/dagster.yaml
	$(UV) sync --frozen --no-dev --quiet
	$(COMPILE_OWN)

# The runtime and the Dagster UI (dagster-webserver), without the dev tools.
install-ui: $(UV) $(DAGSTER_HOME)/dagster.yaml
	$(UV) sync --frozen --extra ui --quiet
	$(COMPILE_OWN)

install-dev: $(UV) $(DAGSTER_HOME)/dagster.yaml
	$(UV) sync --frozen --extra dev --quiet
	$(COMPILE_OWN)

## run: create the environment if missing and publish a release from the bundled snapshot
run: install
	$(VENV)/bin/tasapaino run --out dist

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## chromium: Debian's chromium for the browser tests (tests/browser), installed when missing
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
$(CHROMIUM):
	$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

chromium: $(CHROMIUM)

## postgresql: Debian's PostgreSQL server for the production-profile test, installed when
## missing (tests/ops/throwaway_postgres.py starts a throwaway cluster on 127.0.0.1 from it)
postgresql:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql; \
	fi

## test: install dev dependencies if missing, lint, run the tests
# Two workers (the machines have two cores); a test file stays on one worker, so its
# module fixtures (a bundled run, a browser, a local S3 server) are built once.
TEST_WORKERS ?= 2
test: lint $(CHROMIUM) postgresql
	$(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --dist loadfile

## dev: the Dagster UI on http://127.0.0.1:3000
dev: install-ui
	$(VENV)/bin/dagster dev -h 127.0.0.1 -p 3000

clean:
	rm -rf dist .dagster_home .tmp_dagster_home_* .pytest_cache .ruff_cache test-artifacts
