# One entry point for every task. The two a new user needs: `make run` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8050

.PHONY: setup run demo serve test lint typecheck pytest bench clean-data help

help:  ## list the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

setup:  ## create .venv, install the product, test tools and Chromium
	@bash scripts/setup.sh

run: setup demo serve  ## set up, load the demo province and start the dashboard

demo: setup  ## migrate the store and load the demo (already-loaded workbooks are skipped)
	$(BIN)/egov db upgrade
	$(BIN)/egov demo

serve: setup  ## start the dashboard on HOST:PORT
	$(BIN)/egov serve --host $(HOST) --port $(PORT)

test: setup lint typecheck pytest  ## everything CI runs: lint, types, all tests

lint: setup  ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup  ## mypy over the packages
	$(BIN)/mypy

pytest: setup  ## the test suite (PostgreSQL and browser tests skip with a reason if absent)
	$(BIN)/pytest

bench: setup  ## the benchmarks, each printing its ratio to a baseline measured in the same run
	$(BIN)/python -m bench

clean-data:  ## delete the data folder (the SQLite store, demo workbooks)
	$(BIN)/python -c "import shutil; from store.settings import get_settings as g; shutil.rmtree(g().data_dir, ignore_errors=True); print('removed', g().data_dir)"

# --- analysts' notebooks ---------------------------------------------------------------------------------
JUPYTER_PORT ?= 8888
.PHONY: notebooks

notebooks: demo  ## start Jupyter Lab on notebooks/ with the demo store (installs the `notebooks` extra once)
	@$(BIN)/python -c "import jupyterlab" 2>/dev/null || $(BIN)/python -m pip install -q -e '.[test,notebooks]'
	$(BIN)/jupyter lab --notebook-dir=notebooks --ip=$(HOST) --port=$(JUPYTER_PORT) --no-browser \
		$(if $(filter 0,$(shell id -u)),--allow-root)  # Jupyter refuses root unless told

# --- compare/geography/what-if ---
.PHONY: screenshots
screenshots: setup  ## save a PNG of every page in Persian and English to docs/screenshots/ (Qom demo store, headless Chromium)
	$(BIN)/python scripts/screenshots.py
# --- end compare/geography/what-if ---
