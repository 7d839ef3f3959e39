# The two commands of the README: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
export FLASK_APP := lms_plugin

.PHONY: run test lint typecheck init install bench translations

$(BIN)/python:
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

run: init
	@echo "Tool:          http://127.0.0.1:5000/"
	@echo "Practice LMS:  http://127.0.0.1:5000/practice/"
	$(BIN)/flask --app lms_plugin run --host 127.0.0.1 --port 5000

lint: install
	$(BIN)/ruff check lms_plugin tests bench
	$(BIN)/ruff format --check lms_plugin tests bench

typecheck: install
	$(BIN)/mypy

translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o lms_plugin/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i lms_plugin/translations/messages.pot -d lms_plugin/translations --no-fuzzy-matching --ignore-obsolete

test: install
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory lint typecheck

bench: install
	$(BIN)/python -m bench.run_all
