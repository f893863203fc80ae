# Two set-up commands work on a fresh machine with only Python 3 and make:
#   make demo   runs the main job on the embedded default store (SQLite)
#   make test   installs what the tests need, starts what they need, runs everything
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

.PHONY: demo test lint typecheck unit bench docs clean test-deps help

help:
	@echo "make demo   - kjør demonstrasjonen (Sør-Rogaland, SQLite)"
	@echo "make test   - installer, start og kjør alle tester (lint, typer, enhet, integrasjon, BDD)"
	@echo "make bench  - kjør ytelsesmålingene"
	@echo "make docs   - generer docs/steps.md (stegkatalogen) og kommandoreferansen i docs/cli.md på nytt"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.core: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e .
	@touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e '.[dev]'
	@touch $@ $(VENV)/.core

# The demo's venv has the extras the README's commands use (plot, calendar, pdf, bdd), so each of them works there.
$(VENV)/.demo: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e '.[plot,calendar,pdf,bdd]'
	@touch $@ $(VENV)/.core

demo: $(VENV)/.demo
	$(BIN)/samhandling demo

# System packages the integration tests use: a PostgreSQL server and headless Chromium.
# Installed only when missing and when we may (root with apt-get); otherwise the tests skip loudly.
test-deps:
	@bash scripts/ensure-test-deps.sh

# The architecture contract (docs/architecture.md) is `lint-imports`: layers, no cycles; the private-name rule is
# tests/test_architecture.py. `ruff format --check` runs last so that a layout difference hides no other finding.
lint: $(VENV)/.dev
	$(BIN)/ruff check src tests benchmarks examples scripts
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/ruff format --check src tests benchmarks examples scripts

unit: $(VENV)/.dev
	$(BIN)/pytest -q

test: $(VENV)/.dev test-deps lint
	$(BIN)/pytest -q -p no:cacheprovider

BENCHMARKS = engine engine_ops store tick forecast limits startup bdd

# Every benchmark runs even when one misses a target; the names of those that did are printed last and the
# target fails then.
bench: $(VENV)/.dev
	@failed=""; for b in $(BENCHMARKS); do \
	  echo "== benchmarks/$$b.py"; \
	  $(BIN)/python benchmarks/$$b.py || failed="$$failed $$b"; \
	done; \
	if [ -n "$$failed" ]; then echo "make bench: mål ikke nådd i:$$failed"; exit 1; fi; \
	echo "make bench: alle mål nådd"

docs: $(VENV)/.dev
	$(BIN)/samhandling steps --markdown > docs/steps.md
	$(BIN)/python -m samhandling.cli.reference --write docs/cli.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist samhandling.db
