# archivist: the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
DEMO_HOME ?= .

.PHONY: install demo test test-all lint bench bench-large clean messages

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

# The translation catalogs (docs/i18n.md): extract every message from the source, merge it into
# each language's .po, then compile the .mo files that are committed with them.
LOCALE := archivist/locale
messages: $(STAMP)
	PYTHONPATH=. $(VENV)/bin/pybabel -q extract -F babel.cfg --no-location --sort-output \
	  --project archivist --version 0.1.0 -o $(LOCALE)/archivist.pot .
	$(VENV)/bin/pybabel -q update -i $(LOCALE)/archivist.pot -d $(LOCALE) -D archivist -l zh_Hant \
	  --init-missing --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
	$(VENV)/bin/pybabel compile -d $(LOCALE) -D archivist --statistics

bench: $(STAMP)
	$(PY) -m bench.run
	$(PY) -m bench.search_engines --docs 2000 --out bench/results-search-engines.json
	$(PY) -m bench.ledger_dialects --out bench/results-ledger-dialects.json

bench-large: $(STAMP)
	$(PY) -m bench.run --size large

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
