# Everything a fresh machine with python3 and make needs: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: run test test-slow encoding-corpus encoding-score test-pure test-start-methods test-pythons test-dask-versions test-asan fuzz lint bench bench-faults clean

# The native kernel is built wherever a C compiler and the Python headers are; there the
# tests insist that it was (tests/test_build.py), elsewhere the pure-Python path runs.
NATIVE_CHECK := import os, shutil, sysconfig; \
	print(int(bool(shutil.which(os.environ.get('CC') or 'cc')) and \
	os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h'))))
EXPECT_NATIVE := $(shell $(PYTHON) -c "$(NATIVE_CHECK)")

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files: reinstall when the dependencies in pyproject.toml, the kernel's C or the
# command's script (copied, even by an editable install) change.
INSTALLED := pyproject.toml $(wildcard wordcount/words/kernel/*.[ch]) scripts/wordcount

# Editable installs put the repository on sys.path (setuptools' compat mode) rather than
# a finder of setuptools' own, which every run would import (importlib.util, pathlib,
# urllib: 5 ms of a 1 KB count's 60), as no installed wheel does.
EDITABLE := --config-settings editable_mode=compat

# The distribution was called wordcount before it took its PyPI name: a venv made then has
# both, each owning bin/wordcount, until the old one goes.
UNINSTALL_OLD_NAME := $(PIP) uninstall -y wordcount 2>/dev/null || true; rm -rf src/wordcount.egg-info

$(VENV)/.installed-run: $(INSTALLED) | $(BIN)/python
	$(UNINSTALL_OLD_NAME)
	$(PIP) install $(EDITABLE) -e .
	touch $@

# The ignore-file tests compare a walk with git itself (tests/test_ignore_git.py): where git
# is missing it is installed with apt-get or Homebrew (root, or sudo without a password);
# where neither can, those tests skip and say so.
INSTALL_GIT := command -v git >/dev/null 2>&1 || { \
	if command -v apt-get >/dev/null 2>&1; then \
		sudo=$$( [ "$$(id -u)" = 0 ] || echo "sudo -n" ); \
		$$sudo apt-get update -qq && $$sudo apt-get install -y -qq git; \
	elif command -v brew >/dev/null 2>&1; then brew install git; \
	else false; fi || echo "git could not be installed: the tests against git will skip" >&2; }

$(VENV)/.installed-dev: $(INSTALLED) | $(BIN)/python
	$(UNINSTALL_OLD_NAME)
	$(PIP) install $(EDITABLE) -e '.[test,lint,dask,fsspec,icu,pandas]'
	$(INSTALL_GIT)
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/wordcount sample_texts

# Every test but those marked slow (seconds each: worker faults, Dask clusters, mypy), which
# `make test-slow` runs, as CI does.
test: $(VENV)/.installed-dev
	WORDCOUNT_EXPECT_NATIVE=$(EXPECT_NATIVE) $(BIN)/python -m pytest -m "not slow"

test-slow: $(VENV)/.installed-dev
	WORDCOUNT_EXPECT_NATIVE=$(EXPECT_NATIVE) $(BIN)/python -m pytest -m slow

# The labelled corpus of legacy-encoded files (chardet 5.2.0's test files, from PyPI,
# checked by sha256) into build/encoding-corpus/; the tests fetch it themselves when it is
# not there. encoding-score prints how each encoding fares (tests/encoding_corpus.py).
encoding-corpus: $(VENV)/.installed-dev
	$(BIN)/python -c "from tests.encoding_corpus import fetch; print(fetch())"

encoding-score: $(VENV)/.installed-dev
	$(BIN)/python -m tests.encoding_corpus

# The fallback: the token, engine and command-line tests again without the native kernel.
test-pure: $(VENV)/.installed-dev
	WORDCOUNT_PURE_PYTHON=1 $(BIN)/python -m pytest -q \
		tests/test_tokens.py tests/test_kernel.py tests/test_engine.py tests/test_cli.py \
		tests/test_long_words.py

# Python 3.14 makes forkserver the Linux default and macOS uses spawn: the whole suite
# again under spawn, and the command-line tests under forkserver. (The Dask tests are left
# out: a Dask cluster starts its own processes, whatever the local start method.)
test-start-methods: $(VENV)/.installed-dev
	WORDCOUNT_TEST_START_METHOD=spawn $(BIN)/python -m pytest -q --ignore tests/test_cluster.py
	WORDCOUNT_TEST_START_METHOD=forkserver $(BIN)/python -m pytest -q \
		tests/test_cli.py tests/test_inputs.py tests/test_faults.py

# The release path on the oldest supported Python and the newest here: the sdist, built as
# a release is, installed with the test extra into a venv of each (the kernel built there,
# as test_build.py checks where a compiler and the headers are), and the suite run from
# the unpacked sdist, less its wordcount/ (pytest puts the tree's root on sys.path, where
# the source package, with no kernel built, would shadow the installed one). A python3.X on PATH that runs (not a pyenv shim of a version not
# selected) is used, else pyenv's newest 3.X. The whole suite but the tests marked slow
# (faults and Dask, which run in `make test`); with the test extra only, the ICU, Dask
# and fsspec tests skip, saying so.
TEST_PYTHONS ?= 3.10 3.13
PYTHONS_DIR := build/test-pythons
PYTHONS_PYTEST_ARGS := -m "not slow"

test-pythons: $(VENV)/.installed-dev
	$(PIP) install 'build>=1'
	rm -rf $(PYTHONS_DIR) && mkdir -p $(PYTHONS_DIR)
	$(BIN)/python -m build --sdist --outdir $(PYTHONS_DIR) . >/dev/null
	set -e; sdist=$$(ls $(PYTHONS_DIR)/*.tar.gz); \
	for version in $(TEST_PYTHONS); do \
		python=; for candidate in $$(command -v python$$version) \
			$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$$version*/bin/python$$version \
			2>/dev/null | sort -V -r); do \
			"$$candidate" -c '' 2>/dev/null && python=$$candidate && break; \
		done; \
		[ -n "$$python" ] || { echo "no python$$version, on PATH or in pyenv" >&2; exit 1; }; \
		echo "== $$python"; \
		tree=$(PYTHONS_DIR)/$$version && mkdir $$tree; \
		tar xzf $$sdist -C $$tree --strip-components 1; \
		$$python -m venv $$tree/.venv; \
		$$tree/.venv/bin/python -m pip --disable-pip-version-check --quiet \
			install "$$sdist[test]"; \
		rm -rf $$tree/wordcount; \
		(cd $$tree && WORDCOUNT_EXPECT_NATIVE=$$($$python -c "$(NATIVE_CHECK)") \
			.venv/bin/python -m pytest -q -p no:cacheprovider $(PYTHONS_PYTEST_ARGS)); \
	done

# The dask extra's range (pyproject.toml) at both ends: its oldest release, and the newest
# that pip finds below its bound, each installed with the package (editable, so the kernel
# built here serves both) into a venv of its own under build/; then the cluster tests in
# each (a minute or two). DASK_OLDEST must be the range's lower bound.
DASK_OLDEST := 2024.1.0
DASK_VERSIONS_DIR := build/dask-versions
DASK_TESTS := tests/test_cluster.py tests/test_cluster_reduce.py $(wildcard tests/test_cluster_*.py)

test-dask-versions: $(VENV)/.installed-dev
	grep -q '"dask>=$(DASK_OLDEST),' pyproject.toml || \
		{ echo "DASK_OLDEST is not the dask extra's lower bound in pyproject.toml" >&2; exit 1; }
	set -e; for end in oldest newest; do \
		venv=$(DASK_VERSIONS_DIR)/$$end; rm -rf $$venv; $(PYTHON) -m venv $$venv; \
		pins=; [ $$end = newest ] || pins="dask==$(DASK_OLDEST) distributed==$(DASK_OLDEST)"; \
		$$venv/bin/python -m pip --disable-pip-version-check --quiet install $(EDITABLE) \
			-e '.[test,dask,fsspec,icu]' $$pins; \
		echo "== $$($$venv/bin/python -c 'import dask; print("dask", dask.__version__)')"; \
		WORDCOUNT_EXPECT_NATIVE=$(EXPECT_NATIVE) $$venv/bin/python -m pytest -q \
			-p no:cacheprovider $(sort $(DASK_TESTS)); \
	done

# The kernel built with AddressSanitizer and UndefinedBehaviorSanitizer, and with its
# allocations made to fail on request, installed (not editable, so that the normal build
# in wordcount/ stays as it is) into a venv of its own; then the token, kernel, property
# and engine tests under it, run from a copy of tests/ beside no wordcount/ (pytest puts
# the root on sys.path: there the source package would shadow the sanitized build).
# Python is not built with ASAN, so the runtime is preloaded.
ASAN_VENV := .venv-asan
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined -DKERNEL_FAULT_INJECTION
# Reports go to files as well: pytest's capture would swallow one written as a test aborts.
ASAN_REPORTS := $(CURDIR)/$(ASAN_VENV)/reports
ASAN_RUN := ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:log_path=$(ASAN_REPORTS)/asan \
	UBSAN_OPTIONS=print_stacktrace=1:log_path=$(ASAN_REPORTS)/ubsan \
	PYTHONMALLOC=malloc LD_PRELOAD="$$(gcc -print-file-name=libasan.so)"

# A copy, not an editable install: any change to the package reinstalls it.
PACKAGE_SOURCES := $(shell find wordcount -name '*.py' -o -name '*.[ch]' -o -name '*.pyi' -o -name '*.txt')

$(ASAN_VENV)/.installed: pyproject.toml scripts/wordcount $(PACKAGE_SOURCES)
	rm -rf $(ASAN_VENV)
	$(PYTHON) -m venv $(ASAN_VENV)
	$(ASAN_VENV)/bin/python -m pip --disable-pip-version-check --quiet install '.[test]'
	# Built from a copy of the tree: setuptools keeps object files in build/, and the
	# sanitized ones must never be linked into the ordinary build, nor the other way.
	mkdir $(ASAN_VENV)/tree && cp -R pyproject.toml README.md wordcount scripts $(ASAN_VENV)/tree/
	rm -f $(ASAN_VENV)/tree/wordcount/words/*.so
	CFLAGS="$(ASAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" \
		$(ASAN_VENV)/bin/python -m pip --disable-pip-version-check --quiet \
		install --force-reinstall --no-deps --no-cache-dir $(ASAN_VENV)/tree
	touch $@

ASAN_TESTS := $(ASAN_VENV)/run

test-asan: $(ASAN_VENV)/.installed
	rm -rf $(ASAN_REPORTS) $(ASAN_TESTS) && mkdir $(ASAN_REPORTS) $(ASAN_TESTS)
	cp -R pyproject.toml tests sample_texts $(ASAN_TESTS)/
	cd $(ASAN_TESTS) && $(ASAN_RUN) ../bin/python -c \
		"import wordcount.words._kernel as k; assert k.FAULT_INJECTION, 'not the ASAN build'"
	cd $(ASAN_TESTS) && $(ASAN_RUN) ../bin/python -m pytest -q -p no:cacheprovider \
		tests/test_kernel.py tests/test_tokens.py tests/test_properties.py tests/test_engine.py \
		|| { cat $(ASAN_REPORTS)/* 2>/dev/null; exit 1; }
	@if ls $(ASAN_REPORTS)/* >/dev/null 2>&1; then cat $(ASAN_REPORTS)/*; exit 1; fi

# The property tests as a fuzzer: 20,000 examples each (minutes): over arbitrary bytes,
# the kernel's against the pure-Python path's among them, and over the command line; and
# 5,000 drawn trees walked against git (one git process each).
fuzz: $(VENV)/.installed-dev
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q \
		tests/test_properties.py tests/test_kernel.py tests/test_tokens.py tests/test_segment.py \
		tests/test_option_fuzzer.py tests/test_ignore_git.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check wordcount tests benchmarks
	$(BIN)/ruff format --check wordcount tests benchmarks
	$(BIN)/mypy --strict wordcount
	$(BIN)/lint-imports

# Byte-compiled first, as an installed package is: start-up counts in every figure.
bench: $(VENV)/.installed-dev
	$(BIN)/python -m compileall -q wordcount
	$(BIN)/python -m pytest benchmarks --benchmark-only --benchmark-columns=min,median,max,rounds -p no:randomly $(BENCH_ARGS)

# Each cluster fault of issue 23 caused as a user meets it, on `dask scheduler` and `dask
# worker` commands started here; a table of how and when each run ended (a hang: 124).
bench-faults: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks.cluster_faults $(FAULTS_ARGS)

clean:
	rm -rf $(VENV) $(ASAN_VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .benchmarks \
		build *.egg-info wordcount/words/*.so
