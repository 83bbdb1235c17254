# Two entry points do all the setup: `make demo` and `make test`.
# Each creates the virtual environment when it is missing and installs the project into it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck unit docs examples bench fuzz clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[dev]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/python -m customer_understanding demo

test: lint typecheck unit docs examples

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(BIN)/.installed
	$(BIN)/mypy --strict src

unit: $(BIN)/.installed
	$(BIN)/pytest

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
	rm -rf $(VENV) docs/_build .mypy_cache .pytest_cache .ruff_cache
