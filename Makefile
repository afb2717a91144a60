# archivist: the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
DEMO_HOME ?= .

.PHONY: install demo test test-all lint bench bench-large clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test,dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) -m archivist.demo --home $(DEMO_HOME)

test: $(STAMP)
	$(PY) -m pytest -m "not slow"

test-all: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check archivist tests bench scripts
	$(VENV)/bin/ruff format --check archivist tests bench scripts
	$(VENV)/bin/mypy archivist
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	$(PY) -m bench.run
	$(PY) -m bench.search_engines --docs 2000 --out bench/results-search-engines.json
	$(PY) -m bench.ledger_dialects --out bench/results-ledger-dialects.json

bench-large: $(STAMP)
	$(PY) -m bench.run --size large

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
