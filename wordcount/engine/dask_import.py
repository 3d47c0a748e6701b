"""Dask's distributed package, imported for a client that only sends tasks and gets results.

    import_distributed() ─▶ distributed in sys.modules, loaded with its optional extras
                            held back (ImportError: Dask is not installed)

Importing distributed is nearly all of a small count's time on a cluster: the client
starts, connects and gets one result in a few milliseconds, but the import takes hundreds.
A quarter of the import is two optional packages that a wordcount client never uses:
numpy (distributed allocates its receive buffers with it when it is there, with a
bytearray when not) and jinja2 (dask's HTML reprs for notebooks). Where neither is loaded
yet, they are held back while distributed loads, and let back afterwards: later code that
imports them gets them as usual. Should a Dask release need either at import, the import
is simply made again with both let back.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

# Optional for distributed and useless to a client that sends tasks and receives plain
# Python results: numpy (buffers) and jinja2 (HTML reprs).
OPTIONAL_EXTRAS = ("numpy", "jinja2")


def import_distributed() -> None:
    """distributed imported, as cheaply as it can be; ImportError where Dask is not
    installed. Then `from distributed import ...` finds it loaded."""
    if "distributed" in sys.modules:
        return
    with contextlib.suppress(ImportError), _held_back(OPTIONAL_EXTRAS):
        import distributed
    # Again with the extras let back, should the first try have failed without them.
    import distributed  # noqa: F401


@contextlib.contextmanager
def _held_back(names: tuple[str, ...]) -> Iterator[None]:
    """Those not imported yet made to raise ImportError while inside, and let back after
    (a None in sys.modules is how Python marks a module that must not be imported)."""
    held = [name for name in names if name not in sys.modules]
    for name in held:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in held:
            if sys.modules.get(name, "") is None:
                del sys.modules[name]
