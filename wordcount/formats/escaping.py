"""How the data formats write text that could break them: a word or a path holding a tab,
a line end, a quote or a control character. Shared by every writer in this package.
"""

from __future__ import annotations

import re

_TSV_SPECIAL = re.compile("[\\\\\x00-\x1f\x7f-\x9f]")
_TSV_NAMED_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_CSV_NEEDS_QUOTES = re.compile('[",\x00-\x1f\x7f-\x9f]')
_DEL_AND_C1 = re.compile("[\x7f-\x9f]")
# JSON Lines also escapes the two Unicode line ends, legal raw in JSON: a reader that
# splits lines as Python's str.splitlines does would cut an object in two at them.
_JSONL_SPECIAL = re.compile("[\x7f-\x9f\u2028\u2029]")


def tsv_field(text: str) -> str:
    """A backslash or control character escaped (\\\\, \\t, \\n, \\r, \\xNN), so that
    the field is one field of one line."""
    return _TSV_SPECIAL.sub(_tsv_escape, text) if _TSV_SPECIAL.search(text) else text


def _tsv_escape(match: re.Match[str]) -> str:
    char = match.group()
    return _TSV_NAMED_ESCAPES.get(char) or f"\\x{ord(char):02x}"


def csv_field(text: str) -> str:
    """RFC 4180: quoted if it holds a quote, a comma or any control character."""
    if _CSV_NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def escape_del_and_c1(text: str) -> str:
    """DEL and C1 as \\u escapes in JSON text. json escapes C0 controls itself; DEL and C1
    are legal raw in JSON, but a terminal would act on them. Outside strings they cannot
    occur, so escaping them is safe."""
    if _DEL_AND_C1.search(text) is None:
        return text
    return _DEL_AND_C1.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def jsonl_safe(line: str) -> str:
    """DEL, C1 and U+2028/9 as \\u escapes: only strings can hold them, so this is safe."""
    if _JSONL_SPECIAL.search(line) is None:
        return line
    return _JSONL_SPECIAL.sub(lambda match: f"\\u{ord(match.group()):04x}", line)
