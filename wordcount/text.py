"""Making untrusted strings (paths, words) safe to print in one line."""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    """Show C0, DEL and C1 controls as \\xNN, so that they cannot act on a terminal."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def quote_path(path: str) -> str:
    """A path for a one-line message: undecodable bytes and controls escaped, quoted."""
    readable = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "'" + escape_controls(readable) + "'"
