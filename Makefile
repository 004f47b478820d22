# Satu Pintu: `make run` starts the station, `make test` runs every test, `make test-fast` the
# tests that need nothing but Python (seconds). They set up what they need.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := shared/static/vendor
# Browser-side files copied from node_modules into the folder the server serves.
VENDOR_FILES := node_modules/socket.io-client/dist/socket.io.min.js \
                node_modules/socket.io-client/dist/socket.io.min.js.map \
                node_modules/axe-core/axe.min.js
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
TEST_WORKERS ?= 2

.PHONY: run central test test-fast lint format bench vendor clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR)/.copied: node_modules/.package-lock.json Makefile
	mkdir -p $(VENDOR)
	cp $(VENDOR_FILES) $(VENDOR)/
	touch $@

vendor: $(VENDOR)/.copied

run: $(VENV)/.runtime vendor
	$(BIN)/satupintu serve --host $(HOST) --port $(PORT)

# A throw-away PostgreSQL, a central server and two demo stations shipping to it (Ctrl-C stops).
central: $(VENV)/.runtime vendor
	$(BIN)/python -m satupintu.central_demo

# ESLint (eslint.config.js) over our own browser modules, then ruff over the Python.
lint: $(VENV)/.dev node_modules/.package-lock.json
	node_modules/.bin/eslint .
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Two pytest-xdist workers, each given whole files (a module's shared server stays in one worker),
# the costliest first (tests/conftest.py): most of a test's time is spent waiting on a server, a
# browser or a daemon, so two streams fill two cores. TEST_WORKERS=0 runs in this process.
test: $(VENV)/.dev vendor lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

# No server process, database server, browser or external program: see tests/conftest.py.
# Bytecode stays on so pytest reuses its rewritten test modules (half the time of a run).
test-fast: $(VENV)/.dev
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -m fast -q $(PYTEST_ARGS)

bench: $(VENV)/.dev vendor
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .ruff_cache
