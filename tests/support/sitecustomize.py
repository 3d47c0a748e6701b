"""Installs the test support into each Python process the tests start with this folder on
PYTHONPATH (conftest.PINNED_ENV): the installed command, its spawn and forkserver
workers, Dask workers. Python imports a module called sitecustomize at start-up.

Nothing of wordcount is imported here: the seams are patched as their modules load, so a
run loads what it loaded without the tests, and a Ctrl-C at start-up lands where it would.
"""

import wordcount_test_support

wordcount_test_support.install()
