"""The shape of the package, held as the README draws it: no import circle, no function
over 60 lines, every package's map naming each of its modules, and a library that loads
neither click nor rich. (The layers themselves are import-linter's contracts, in
pyproject.toml, which `make lint` checks.)"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import wordcount

PACKAGE = Path(wordcount.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))
# A function longer than this does more than one thing (the guide's limit).
MAX_FUNCTION_LINES = 60


def test_no_module_imports_one_that_imports_it_back() -> None:
    # import-linter's graph library: in the lint extra, which the sdist's test venvs lack.
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("wordcount", include_external_packages=False)
    circles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported != module and graph.chain_exists(importer=imported, imported=module):
                circles.append(f"{module} <-> {imported}")
    assert circles == []


def test_no_function_is_over_sixty_lines() -> None:
    long = []
    for source in SOURCES:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno is not None
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{source.relative_to(PACKAGE)}:{node.lineno} {node.name} {lines}")
    assert long == []


@pytest.mark.parametrize(
    "package",
    sorted(path.parent for path in PACKAGE.rglob("__init__.py") if path.parent != PACKAGE),
    ids=lambda path: path.name,
)
def test_each_package_map_names_every_module(package: Path) -> None:
    docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text()))
    assert docstring is not None
    modules = sorted(
        path.name
        for path in package.iterdir()
        if (path.suffix == ".py" and path.name != "__init__.py") or path.suffix == ".c"
    )
    missing = [name for name in modules if name not in docstring]
    assert missing == []


def test_the_top_package_map_names_every_package() -> None:
    docstring = wordcount.__doc__ or ""
    packages = sorted(path.parent.name for path in PACKAGE.glob("*/__init__.py"))
    assert [name for name in packages if f"{name}/" not in docstring] == []


def test_the_library_loads_neither_click_nor_rich() -> None:
    program = (
        "import sys, wordcount\n"
        "counts = wordcount.count(sys.argv[1], jobs=1, stopwords='en')\n"
        "counts.most_common(3), counts.stats()\n"
        "loaded = [name for name in ('click', 'rich') if name in sys.modules]\n"
        "assert counts.total_words > 0 and not loaded, loaded\n"
    )
    sample = Path(__file__).parent.parent / "sample_texts"
    subprocess.run([sys.executable, "-c", program, str(sample)], check=True)
