"""Dask's distributed package, imported for a client that only sends tasks and gets results.

    import_distributed() ─▶ distributed in sys.modules, loaded with its optional extras
                            held back (ImportError: Dask is not installed)

Importing distributed is nearly all of a small count's time on a cluster: the client
starts, connects and gets one result in a few milliseconds, but the import takes hundreds.
A seventh of the import is numpy, which distributed takes when it is there (for its
receive buffers; a bytearray when not) and a wordcount client never needs. Where it is
not loaded yet, it is held back while distributed loads, and let back afterwards: later
code that imports it gets it as usual, and distributed registers its numpy serializers
lazily, on first use. jinja2 is not held back, though also optional: dask.widgets keeps,
for the life of the process, a stand-in that fails every HTML repr when jinja2 was
missing as it loaded (a notebook's Client and collections). Should a Dask release need
numpy at import, the import is simply made again with it let back.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

# Optional for distributed and useless to a client that sends tasks and receives plain
# Python results: numpy (buffers). Not jinja2: see above.
OPTIONAL_EXTRAS = ("numpy",)


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
