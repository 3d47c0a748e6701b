"""The distribution's name (wordcount-parallel: wordcount on PyPI is another project), in
the metadata and in every install hint, and the licence shipped with it. Run from the
unpacked sdist too (make test-pythons), so that it checks what a release installs."""

from __future__ import annotations

import re
from importlib.metadata import distribution
from pathlib import Path

from wordcount import DISTRIBUTION
from wordcount.engine.cluster import INSTALL_HINT
from wordcount.sources.opening import FSSPEC_HINT
from wordcount.words.segment import ICU_EXTRA_HINT

ROOT = Path(__file__).parent.parent


def test_the_distribution_is_wordcount_parallel_under_the_mit_licence() -> None:
    assert DISTRIBUTION == "wordcount-parallel"
    installed = distribution("wordcount-parallel")
    assert installed.metadata["Name"] == "wordcount-parallel"
    assert installed.metadata["License-Expression"] == "MIT"
    licence = [file for file in installed.files or [] if file.name == "LICENSE"]
    assert len(licence) == 1
    assert licence[0].read_text().startswith("MIT License\n")


def test_install_hints_name_the_distribution() -> None:
    assert ICU_EXTRA_HINT.endswith("pip install 'wordcount-parallel[icu]'")
    assert INSTALL_HINT.endswith("pip install 'wordcount-parallel[dask]'")
    assert FSSPEC_HINT.endswith("pip install 'wordcount-parallel[fsspec]'")


def test_the_readme_installs_the_distribution() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "pip install 'wordcount-parallel[dask]'" in readme
    # No install line for the other project's name.
    assert not re.search(r"(pip|pipx) install '?wordcount(\[|'|\s|$)", readme, re.MULTILINE)
