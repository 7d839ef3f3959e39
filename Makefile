# The two commands of the README: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
export FLASK_APP := lms_plugin

.PHONY: run test lint typecheck init install bench translations services vendor-chartjs

# What `make test` needs from Debian beyond Python: Chromium and fonts (browser tests), Node and npm
# (axe-core), the venv module. Missing pieces (or any run as root, e.g. CI) go through
# scripts/services.sh, which installs them idempotently and starts PostgreSQL and Redis.
# `make run` does not need any of it.
SERVICES_SCRIPT ?= scripts/services.sh
CHROMIUM ?= /usr/bin/chromium
TEST_FONT ?= /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
TEST_PREREQUISITES_PRESENT = [ -x $(CHROMIUM) ] && command -v node >/dev/null \
	&& command -v npm >/dev/null && [ -f $(TEST_FONT) ] \
	&& $(PY) -c 'import ensurepip, venv' 2>/dev/null

$(BIN)/python:
	@$(PY) -c 'import ensurepip, venv' 2>/dev/null || { echo "Python's venv module is missing: apt-get install python3-venv (or run 'bash scripts/services.sh')"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

# axe-core for the browser tests' accessibility checks (dev only; see package.json).
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: run 'bash scripts/services.sh' (installs Node and npm)"; exit 1; }
	npm install --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

init: $(STAMP)
	$(BIN)/flask --app lms_plugin init

# The web server and the score-delivery worker in one process (lms_plugin/lti/worker.py).
run: init
	$(BIN)/flask --app lms_plugin serve --host 127.0.0.1 --port 5000

lint: install
	$(BIN)/ruff check lms_plugin tests bench
	$(BIN)/ruff format --check lms_plugin tests bench

typecheck: install
	$(BIN)/mypy

translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o lms_plugin/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i lms_plugin/translations/messages.pot -d lms_plugin/translations --no-fuzzy-matching --ignore-obsolete

# Chart.js (the coverage dashboard's charts) is served from lms_plugin/static/vendor/chartjs,
# copied from the npm package pinned in package.json / package-lock.json: `make vendor-chartjs`.
vendor-chartjs: $(NODE_STAMP)
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/LICENSE.md lms_plugin/static/vendor/chartjs/

services:
	@if [ "$$(id -u)" -eq 0 ] || ! { $(TEST_PREREQUISITES_PRESENT); }; then \
	  echo "bash $(SERVICES_SCRIPT) (Chromium, fonts, Node, PostgreSQL, Redis)"; \
	  bash $(SERVICES_SCRIPT) >/dev/null; \
	fi

# services first, even under make -j: install needs npm, the browser tests need Chromium.
test: services
	@$(MAKE) --no-print-directory install
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory lint typecheck

bench: install
	$(BIN)/python -m bench.run_all
