# Regional Security API. `make run` serves it; `make test` tests it; `make check` is the CI gate.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: install run migrate seed verify test lint typecheck openapi-check migrations-check fuzz bench bench-scale check clean

# Create .venv and install the project with its dev tools (re-run when pyproject.toml changes).
install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Migrate the database to head (DATABASE_URL, default: embedded SQLite in instance/).
migrate: install
	$(BIN)/regsec migrate

# Load seeds/ (idempotent upsert, one transaction).
seed: migrate
	$(BIN)/regsec seed

# Migrate, seed an empty database, then serve with gunicorn on $(HOST):$(PORT).
run: migrate
	$(BIN)/regsec seed --if-empty
	$(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) 'api:create_app()'

# Check every evidence quote against the full source texts (default: ../shared/seeds).
TEXTS ?= ../shared/seeds
verify: install
	$(BIN)/regsec verify $(TEXTS)

# The whole test suite on SQLite (add TEST_DATABASE_URL=postgresql+psycopg://... for PostgreSQL).
test: install
	$(BIN)/pytest

# Lint and format check.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Static types, strict on api/ and models/.
typecheck: install
	$(BIN)/mypy

# Validate openapi.yaml against the OpenAPI 3.0 specification.
openapi-check: install
	$(BIN)/openapi-spec-validator openapi.yaml

# The models and the Alembic history agree (on a throwaway SQLite database).
migrations-check: install
	mkdir -p instance && rm -f instance/alembic-check.sqlite3
	DATABASE_URL=sqlite:///instance/alembic-check.sqlite3 $(BIN)/alembic upgrade head
	DATABASE_URL=sqlite:///instance/alembic-check.sqlite3 $(BIN)/alembic check
	rm -f instance/alembic-check.sqlite3

# Property-based fuzzing of every operation from openapi.yaml (schemathesis, all checks).
fuzz: install
	scripts/fuzz.sh

# Benchmark the project against the floor app and Datasette (bench/README.md); ROWS, DB.
ROWS ?= 1000
DB ?= sqlite
bench: install
	$(BIN)/python bench/run.py --rows $(ROWS) --db $(DB)

# The scale target in one run: the project at 1,000 and at SCALE_ROWS commitments, taking turns.
SCALE_ROWS ?= 1000000
bench-scale: install
	$(BIN)/python bench/run.py --scale --rows $(SCALE_ROWS) --db $(DB) --rounds 5

# The gate CI runs: lint, types, contract, migrations, tests.
check: lint typecheck openapi-check migrations-check test

# Remove the virtualenv, caches and the embedded database.
clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache instance/*.sqlite3*
