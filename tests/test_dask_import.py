"""Dask's client imported for a count on a cluster (engine/dask_import.py): without numpy
and jinja2, which a client never uses and which make a quarter of the import's time, yet
with both importable afterwards, and with them wherever a Dask release needs them.

Each case runs in a fresh Python, the only place where what an import loads shows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Imports distributed as a count on a cluster does, then says what was loaded.
IMPORT_AND_REPORT = """
import json, sys
from wordcount.engine.dask_import import import_distributed
try:
    import_distributed()
except ImportError as error:
    print(json.dumps({"error": str(error)}))
    raise SystemExit
loaded = {name: name in sys.modules for name in ("numpy", "jinja2")}
from distributed import Client
print(json.dumps({"loaded": loaded, "client": Client.__name__}))
"""


def import_and_report(extra_path: Path | None = None) -> dict[str, object]:
    command = [sys.executable, "-c", IMPORT_AND_REPORT]
    if extra_path is not None:
        # The stand-in package first on sys.path, before any installed one.
        command[2] = f"import sys; sys.path.insert(0, {str(extra_path)!r})\n" + IMPORT_AND_REPORT
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    report: dict[str, object] = json.loads(output)
    return report


def test_the_client_loads_without_numpy_or_jinja2() -> None:
    pytest.importorskip("distributed", reason="needs the dask extra")
    report = import_and_report()
    assert report == {"loaded": {"numpy": False, "jinja2": False}, "client": "Client"}


def test_numpy_and_jinja2_import_as_usual_afterwards() -> None:
    pytest.importorskip("distributed", reason="needs the dask extra")
    pytest.importorskip("numpy")
    script = (
        "from wordcount.engine.dask_import import import_distributed\n"
        "import_distributed()\n"
        "import numpy, jinja2\n"
        "print(numpy.zeros(3).sum(), jinja2.Template('{{ x }}').render(x=7))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout
    assert output == "0.0 7\n"


def test_a_dask_that_needs_numpy_at_import_gets_it(tmp_path: Path) -> None:
    """A stand-in distributed that imports numpy as it loads, as a release could."""
    pytest.importorskip("numpy")
    (tmp_path / "distributed").mkdir()
    (tmp_path / "distributed" / "__init__.py").write_text("import numpy\nclass Client: ...\n")
    report = import_and_report(tmp_path)
    assert report == {"loaded": {"numpy": True, "jinja2": False}, "client": "Client"}


def test_no_dask_is_an_import_error(tmp_path: Path) -> None:
    (tmp_path / "distributed").mkdir()
    (tmp_path / "distributed" / "__init__.py").write_text("raise ImportError('no Dask here')\n")
    assert import_and_report(tmp_path) == {"error": "no Dask here"}
