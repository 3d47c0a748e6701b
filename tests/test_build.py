"""The native kernel is built wherever it can be: `make test` says where that is."""

from __future__ import annotations

import importlib
import os

import pytest


@pytest.mark.skipif(
    os.environ.get("WORDCOUNT_EXPECT_NATIVE") != "1",
    reason="no C compiler or Python headers here (make test checks): the pure path runs",
)
def test_the_native_kernel_was_built() -> None:
    kernel = importlib.import_module("wordcount.words._kernel")
    assert kernel.Scanner().take() == ({}, {})
