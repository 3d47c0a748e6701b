# Everything a fresh machine with python3 and make needs: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: run test test-start-methods fuzz lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files: reinstall only when the dependencies in pyproject.toml change.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test,lint,dask,fsspec]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/wordcount sample_texts

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

# Python 3.14 makes forkserver the Linux default and macOS uses spawn: the whole suite
# again under spawn, and the command-line tests under forkserver. (The Dask tests are left
# out: a Dask cluster starts its own processes, whatever the local start method.)
test-start-methods: $(VENV)/.installed-dev
	WORDCOUNT_TEST_START_METHOD=spawn $(BIN)/python -m pytest -q --ignore tests/test_cluster.py
	WORDCOUNT_TEST_START_METHOD=forkserver $(BIN)/python -m pytest -q \
		tests/test_cli.py tests/test_inputs.py tests/test_faults.py

# The property tests as a fuzzer: 20,000 examples each over arbitrary bytes (minutes).
fuzz: $(VENV)/.installed-dev
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_properties.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy --strict src/wordcount
	$(BIN)/lint-imports

bench: $(VENV)/.installed-dev
	$(BIN)/python -m pytest benchmarks --benchmark-only --benchmark-columns=min,median,max,rounds -p no:randomly $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .benchmarks *.egg-info
