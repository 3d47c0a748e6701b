"""Dask's client imported for a count on a cluster (engine/dask_import.py): without numpy,
which a client never uses, yet with it importable afterwards, and with it wherever a Dask
release needs it; Dask's HTML reprs (jinja2's templates) still work after it.

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


def test_the_client_loads_without_numpy() -> None:
    pytest.importorskip("distributed", reason="needs the dask extra")
    report = import_and_report()
    assert report["client"] == "Client"
    assert report["loaded"] == {"numpy": False, "jinja2": report["loaded"]["jinja2"]}  # type: ignore[index]


def test_numpy_and_dask_html_reprs_work_afterwards() -> None:
    """numpy imports as usual; a notebook's Dask HTML reprs (jinja2 templates, which
    dask.widgets loads once) still render."""
    pytest.importorskip("distributed", reason="needs the dask extra")
    pytest.importorskip("numpy")
    pytest.importorskip("jinja2")
    script = (
        "from wordcount.engine.dask_import import import_distributed\n"
        "import_distributed()\n"
        "import numpy\n"
        "from dask.widgets import get_template\n"
        "template = get_template('client.html.j2')\n"
        "print(numpy.zeros(3).sum(), type(template).__name__)\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout
    assert output == "0.0 Template\n"


def test_a_dask_that_needs_numpy_at_import_gets_it(tmp_path: Path) -> None:
    """A stand-in distributed that imports numpy as it loads, as a release could."""
    pytest.importorskip("numpy")
    (tmp_path / "distributed").mkdir()
    (tmp_path / "distributed" / "__init__.py").write_text("import numpy\nclass Client: ...\n")
    report = import_and_report(tmp_path)
    assert report["client"] == "Client"
    assert report["loaded"]["numpy"] is True  # type: ignore[index]


def test_no_dask_is_an_import_error(tmp_path: Path) -> None:
    (tmp_path / "distributed").mkdir()
    (tmp_path / "distributed" / "__init__.py").write_text("raise ImportError('no Dask here')\n")
    assert import_and_report(tmp_path) == {"error": "no Dask here"}
