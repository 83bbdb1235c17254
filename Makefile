# Two entry points do all the setup: `make demo` and `make test`.
# Each creates the virtual environments it needs when they are missing and installs the
# project into them.
#
# The suite runs against both ends of the supported pandas range:
# - .venv: the lowest supported pandas (2.2) on $(PYTHON), with every extra's package
#   (recordlinkage requires pandas < 3) and PySpark, so the Spark tests run here only;
#   lint, type checks, docs and examples run here too;
# - .venv-newest: the newest pandas on the newest Python found (3.13, else 3.12, else
#   $(PYTHON)), without recordlinkage; only the test suite runs here.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LOWEST_PANDAS ?= pandas==2.2.*
NEWEST_VENV ?= .venv-newest
NEWEST_BIN := $(NEWEST_VENV)/bin
# The first interpreter that runs (a pyenv shim of a version not selected does not).
PYTHON_NEWEST ?= $(shell for p in python3.13 $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) \
	python3.12 $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) $(PYTHON); do \
	$$p -c '' 2>/dev/null && { echo $$p; break; }; done)

# The middle of the supported Pythons (3.12), with the newest pandas 2, runs the suite too.
PYTHON_MIDDLE ?= $(shell for p in python3.12 $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) \
	$(PYTHON); do $$p -c '' 2>/dev/null && { echo $$p; break; }; done)
MIDDLE_VENV ?= .venv-middle
MIDDLE_BIN := $(MIDDLE_VENV)/bin

.PHONY: demo test lint typecheck unit unit-newest unit-middle docs examples bench fuzz clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[dev,recordlinkage,spark]' '$(LOWEST_PANDAS)'
	touch $@

$(NEWEST_BIN)/.installed: pyproject.toml
	$(PYTHON_NEWEST) -m venv $(NEWEST_VENV)
	$(NEWEST_BIN)/python -m pip install --upgrade pip
	$(NEWEST_BIN)/python -m pip install --upgrade -e '.[dev]' 'pandas>=3'
	touch $@

$(MIDDLE_BIN)/.installed: pyproject.toml
	$(PYTHON_MIDDLE) -m venv $(MIDDLE_VENV)
	$(MIDDLE_BIN)/python -m pip install --upgrade pip
	$(MIDDLE_BIN)/python -m pip install --upgrade -e '.[dev]' 'pandas>=2.2,<3'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/python -m customer_understanding demo

test: lint typecheck unit unit-newest unit-middle docs examples

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(BIN)/.installed
	$(BIN)/mypy --strict src

unit: $(BIN)/.installed
	@$(BIN)/python -c 'import sys, pandas; print("== unit: Python", sys.version.split()[0], "pandas", pandas.__version__)'
	$(BIN)/pytest

# The same suite on the newest pandas and Python; recordlinkage's tests skip (it needs pandas < 3).
# Python 3.12 with the newest pandas 2 (the lowest and newest pandas run above).
unit-middle: $(MIDDLE_BIN)/.installed
	@$(MIDDLE_BIN)/python -c 'import sys, pandas; print("== unit-middle: Python", sys.version.split()[0], "pandas", pandas.__version__)'
	$(MIDDLE_BIN)/pytest -p no:cacheprovider -q

unit-newest: $(NEWEST_BIN)/.installed
	@$(NEWEST_BIN)/python -c 'import sys, pandas; print("== unit-newest: Python", sys.version.split()[0], "pandas", pandas.__version__)'
	$(NEWEST_BIN)/pytest -p no:cacheprovider

docs: $(BIN)/.installed
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html

examples: $(BIN)/.installed
	@for f in examples/*.py; do echo "== $$f"; $(BIN)/python $$f > /dev/null || exit 1; done

# Long fuzzing of ingestion and of the customer base build (thousands of generated tables).
fuzz: $(BIN)/.installed
	CU_FUZZ_EXAMPLES=2000 $(BIN)/pytest -q -p no:cacheprovider tests/ingest/test_fuzz.py

# Benchmarks run outside the test command; the `bench` extra brings the tools they compare with.
bench: $(BIN)/.installed
	$(BIN)/python -m pip install -e '.[dev,bench]'
	@for f in benchmarks/[!_]*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) $(NEWEST_VENV) $(MIDDLE_VENV) docs/_build .mypy_cache .pytest_cache .ruff_cache
