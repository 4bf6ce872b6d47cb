# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export CASTCART_TEST_POSTGRES_URL ?=
export CASTCART_TEST_REDIS_URL ?=

.PHONY: install demo serve test test-services lint format typecheck bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The pages' scripts: hls.js + esbuild pinned in web/package-lock.json, bundled into
# src/castcart/pages/static/dist/ (gitignored). Needs Node 20+ and npm.
DIST := src/castcart/pages/static/dist/.built
WEB_SOURCES := web/package.json web/package-lock.json web/build.mjs $(shell find web/src -name '*.js' 2>/dev/null)

$(DIST): $(WEB_SOURCES)
	cd web && npm ci --no-audit --no-fund && node build.mjs

# The compliance guard's semantic layer: embeddings of its labelled sentences, computed once
# (about a minute on an idle core) so no request or test pays for them (var/, gitignored).
SEMANTIC := var/cache/compliance/.built
$(SEMANTIC): $(STAMP) src/castcart/compliance/data/labelled.jsonl
	$(BIN)/python -c "from castcart.compliance.semantic import warm; warm()"
	mkdir -p $(@D) && touch $@

install: $(STAMP) $(DIST) $(SEMANTIC)

demo: $(STAMP) $(DIST) $(SEMANTIC)
	$(BIN)/castcart demo

serve: $(STAMP) $(DIST)
	$(BIN)/castcart serve

# The whole suite on the embedded defaults (SQLite, in-process bus). Tests that need
# PostgreSQL or Redis skip, saying why, unless CASTCART_TEST_*_URL point at a server.
test: $(STAMP) $(DIST) $(SEMANTIC)
	$(BIN)/pytest -q -n 2 --dist loadfile

# Service-backed tests only (PostgreSQL, Redis); .ci/run sets the URLs.
test-services: $(STAMP) $(SEMANTIC)
	$(BIN)/pytest -q -m "postgres or redis" -p no:randomly

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/import_cycles.py

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(STAMP)
	$(BIN)/python bench/compliance_eval.py
	$(BIN)/python bench/flash_sale.py
	$(BIN)/python bench/live_guard.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache test-artifacts
