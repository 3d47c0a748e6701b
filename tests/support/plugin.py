"""The pytest plugin: the test support installed into the pytest process itself, for the
tests that count in-process. conftest.py imports it before anything of wordcount, since
a module that imports count_unit by name must find it already wrapped."""

from tests.support import wordcount_test_support

wordcount_test_support.install()
