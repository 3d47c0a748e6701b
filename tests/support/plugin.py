"""The pytest plugin: the test support installed into the pytest process itself, for the
tests that count in-process. conftest.py imports it before anything of wordcount, since
a module that imports count_unit by name must find it already wrapped."""

import importlib

from tests.support import wordcount_test_support

wordcount_test_support.install()
# Each seam's module loaded now, and so patched: one renamed is a ModuleNotFoundError here,
# where the tests start, rather than faults that never happen in the tests' subprocesses.
for module_name in wordcount_test_support.PATCHES:
    importlib.import_module(module_name)
