"""The pattern matcher against git's own labelled table: t/t3070-wildmatch.sh, whose first
column says whether git's wildmatch() with WM_PATHNAME (what an ignore file's pattern with
a "/" uses) matches the text. The rows are git's, less the case-folding columns; the ones
whose text git's test cannot create as a file (a trailing "/", "//") are kept, as they
exercise the matcher alone."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from wordcount.sources.ignore import wildmatch_regex

# (text, pattern, matches), as git's table has them (shell quoting undone).
GIT_T3070 = [
    # Basic wildmatch features
    ("foo", "foo", True),
    ("foo", "bar", False),
    ("", "", True),
    ("foo", "???", True),
    ("foo", "??", False),
    ("foo", "*", True),
    ("foo", "f*", True),
    ("foo", "*f", False),
    ("foo", "*foo*", True),
    ("foobar", "*ob*a*r*", True),
    ("aaaaaaabababab", "*ab", True),
    ("foo*", r"foo\*", True),
    ("foobar", r"foo\*bar", False),
    (r"f\oo", r"f\\oo", True),
    ("ball", "*[al]?", True),
    ("ten", "[ten]", False),
    ("ten", "**[!te]", True),
    ("ten", "**[!ten]", False),
    ("ten", "t[a-g]n", True),
    ("ten", "t[!a-g]n", False),
    ("ton", "t[!a-g]n", True),
    ("ton", "t[^a-g]n", True),
    ("a]b", "a[]]b", True),
    ("a-b", "a[]-]b", True),
    ("a]b", "a[]-]b", True),
    ("aab", "a[]-]b", False),
    ("aab", "a[]a-]b", True),
    ("]", "]", True),
    # Extended slash-matching features
    ("foo/baz/bar", "foo*bar", False),
    ("foo/baz/bar", "foo**bar", False),
    ("foobazbar", "foo**bar", True),
    ("foo/baz/bar", "foo/**/bar", True),
    ("foo/baz/bar", "foo/**/**/bar", True),
    ("foo/b/a/z/bar", "foo/**/bar", True),
    ("foo/b/a/z/bar", "foo/**/**/bar", True),
    ("foo/bar", "foo/**/bar", True),
    ("foo/bar", "foo/**/**/bar", True),
    ("foo/bar", "foo?bar", False),
    ("foo/bar", "foo[/]bar", False),
    ("foo/bar", "foo[^a-z]bar", False),
    ("foo/bar", "f[^eiu][^eiu][^eiu][^eiu][^eiu]r", False),
    ("foo-bar", "f[^eiu][^eiu][^eiu][^eiu][^eiu]r", True),
    ("foo", "**/foo", True),
    ("XXX/foo", "**/foo", True),
    ("bar/baz/foo", "**/foo", True),
    ("bar/baz/foo", "*/foo", False),
    ("foo/bar/baz", "**/bar*", False),
    ("deep/foo/bar/baz", "**/bar/*", True),
    ("deep/foo/bar/baz/", "**/bar/*", False),
    ("deep/foo/bar/baz/", "**/bar/**", True),
    ("deep/foo/bar", "**/bar/*", False),
    ("deep/foo/bar/", "**/bar/**", True),
    ("foo/bar/baz", "**/bar**", False),
    ("foo/bar/baz/x", "*/bar/**", True),
    ("deep/foo/bar/baz/x", "*/bar/**", False),
    ("deep/foo/bar/baz/x", "**/bar/*/*", True),
    # Various additional tests
    ("acrt", "a[c-c]st", False),
    ("acrt", "a[c-c]rt", True),
    ("]", "[!]-]", False),
    ("a", "[!]-]", True),
    ("", "\\", False),
    ("\\", "\\", False),
    ("XXX/\\", "*/\\", False),
    ("XXX/\\", r"*/\\", True),
    ("foo", "foo", True),
    ("@foo", "@foo", True),
    ("foo", "@foo", False),
    ("[ab]", r"\[ab]", True),
    ("[ab]", "[[]ab]", True),
    ("[ab]", "[[:]ab]", True),
    ("[ab]", "[[::]ab]", False),
    ("[ab]", "[[:digit]ab]", True),
    ("[ab]", r"[\[:]ab]", True),
    ("?a?b", r"\??\?b", True),
    ("abc", r"\a\b\c", True),
    ("foo/bar/baz/to", "**/t[o]", True),
    # Character class tests
    ("a1B", "[[:alpha:]][[:digit:]][[:upper:]]", True),
    ("a", "[[:digit:][:upper:][:space:]]", False),
    ("A", "[[:digit:][:upper:][:space:]]", True),
    ("1", "[[:digit:][:upper:][:space:]]", True),
    ("1", "[[:digit:][:upper:][:spaci:]]", False),
    (" ", "[[:digit:][:upper:][:space:]]", True),
    (".", "[[:digit:][:upper:][:space:]]", False),
    (".", "[[:digit:][:punct:][:space:]]", True),
    ("5", "[[:xdigit:]]", True),
    ("f", "[[:xdigit:]]", True),
    ("D", "[[:xdigit:]]", True),
    (
        "_",
        "[[:alnum:][:alpha:][:blank:][:cntrl:][:digit:][:graph:][:lower:][:print:]"
        "[:punct:][:space:][:upper:][:xdigit:]]",
        True,
    ),
    (
        ".",
        "[^[:alnum:][:alpha:][:blank:][:cntrl:][:digit:][:lower:][:space:][:upper:][:xdigit:]]",
        True,
    ),
    ("5", "[a-c[:digit:]x-z]", True),
    ("b", "[a-c[:digit:]x-z]", True),
    ("y", "[a-c[:digit:]x-z]", True),
    ("q", "[a-c[:digit:]x-z]", False),
    # Additional tests, including some malformed wildmatch patterns
    ("]", r"[\\-^]", True),
    ("[", r"[\\-^]", False),
    ("-", r"[\-_]", True),
    ("]", r"[\]]", True),
    (r"\]", r"[\]]", False),
    ("\\", r"[\]]", False),
    ("ab", "a[]b", False),
    ("a[]b", "a[]b", False),
    ("ab[", "ab[", False),
    ("ab", "[!", False),
    ("ab", "[-", False),
    ("-", "[-]", True),
    ("-", "[a-", False),
    ("-", "[!a-", False),
    ("-", "[--A]", True),
    ("5", "[--A]", True),
    (" ", "[ --]", True),
    ("$", "[ --]", True),
    ("-", "[ --]", True),
    ("0", "[ --]", False),
    ("-", "[---]", True),
    ("-", "[------]", True),
    ("j", "[a-e-n]", False),
    ("-", "[a-e-n]", True),
    ("a", "[!------]", True),
    ("[", "[]-a]", False),
    ("^", "[]-a]", True),
    ("^", "[!]-a]", False),
    ("[", "[!]-a]", True),
    ("^", "[a^bc]", True),
    ("-b]", "[a-]b]", True),
    ("\\", r"[\]", False),
    ("\\", r"[\\]", True),
    ("\\", r"[!\\]", False),
    ("G", r"[A-\\]", True),
    ("aaabbb", "b*a", False),
    ("aabcaa", "*ba*", False),
    (",", "[,]", True),
    (",", r"[\\,]", True),
    ("\\", r"[\\,]", True),
    ("-", "[,-.]", True),
    ("+", "[,-.]", False),
    ("-.]", "[,-.]", False),
    ("2", r"[\1-\3]", True),
    ("3", r"[\1-\3]", True),
    ("4", r"[\1-\3]", False),
    ("\\", r"[[-\]]", True),
    ("[", r"[[-\]]", True),
    ("]", r"[[-\]]", True),
    ("-", r"[[-\]]", False),
    # Test recursion
    (
        "-adobe-courier-bold-o-normal--12-120-75-75-m-70-iso8859-1",
        "-*-*-*-*-*-*-12-*-*-*-m-*-*-*",
        True,
    ),
    (
        "-adobe-courier-bold-o-normal--12-120-75-75-X-70-iso8859-1",
        "-*-*-*-*-*-*-12-*-*-*-m-*-*-*",
        False,
    ),
    (
        "-adobe-courier-bold-o-normal--12-120-75-75-/-70-iso8859-1",
        "-*-*-*-*-*-*-12-*-*-*-m-*-*-*",
        False,
    ),
    (
        "XXX/adobe/courier/bold/o/normal//12/120/75/75/m/70/iso8859/1",
        "XXX/*/*/*/*/*/*/12/*/*/*/m/*/*/*",
        True,
    ),
    (
        "XXX/adobe/courier/bold/o/normal//12/120/75/75/X/70/iso8859/1",
        "XXX/*/*/*/*/*/*/12/*/*/*/m/*/*/*",
        False,
    ),
    ("abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txt", "**/*a*b*g*n*t", True),
    ("abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txtz", "**/*a*b*g*n*t", False),
    ("foo", "*/*/*", False),
    ("foo/bar", "*/*/*", False),
    ("foo/bba/arr", "*/*/*", True),
    ("foo/bb/aa/rr", "*/*/*", False),
    ("foo/bb/aa/rr", "**/**/**", True),
    ("abcXdefXghi", "*X*i", True),
    ("ab/cXd/efXg/hi", "*X*i", False),
    ("ab/cXd/efXg/hi", "*/*X*/*/*i", True),
    ("ab/cXd/efXg/hi", "**/*X*/**/*i", True),
    # Extra pathmatch tests
    ("foo", "fo", False),
    ("foo/bar", "foo/bar", True),
    ("foo/bar", "foo/*", True),
    ("foo/bba/arr", "foo/*", False),
    ("foo/bba/arr", "foo/**", True),
    ("foo/bba/arr", "foo*", False),
    ("foo/bba/arr", "foo**", False),
    ("foo/bba/arr", "foo/*arr", False),
    ("foo/bba/arr", "foo/**arr", False),
    ("foo/bba/arr", "foo/*z", False),
    ("foo/bba/arr", "foo/**z", False),
    ("foo/bar", "foo?bar", False),
    ("foo/bar", "foo[/]bar", False),
    ("foo/bar", "foo[^a-z]bar", False),
    ("ab/cXd/efXg/hi", "*Xg*i", False),
    # Extra case-sensitivity tests
    ("a", "[A-Z]", False),
    ("A", "[A-Z]", True),
    ("A", "[a-z]", False),
    ("a", "[a-z]", True),
    ("a", "[[:upper:]]", False),
    ("A", "[[:upper:]]", True),
    ("A", "[[:lower:]]", False),
    ("a", "[[:lower:]]", True),
    ("A", "[B-Za]", False),
    ("a", "[B-Za]", True),
    ("A", "[B-a]", False),
    ("a", "[B-a]", True),
    ("z", "[Z-y]", False),
    ("Z", "[Z-y]", True),
]


@pytest.mark.parametrize(("text", "pattern", "matches"), GIT_T3070)
def test_a_pattern_matches_as_git_wildmatch_does(text: str, pattern: str, matches: bool) -> None:
    regex = wildmatch_regex(pattern.encode(), crosses_slashes=True)
    found = regex is not None and re.fullmatch(regex, text.encode(), re.DOTALL) is not None
    assert found == matches


# Stars with more of the pattern between them, checked by hand: each star's part is
# found at its first place, and the rest must still match from there.
MANY_STARS = [
    ("xaab", "*a*b", True),
    ("ab", "*a*b", True),
    ("ba", "*a*b", False),
    ("a/b", "*a*b", False),
    ("abcabd", "*ab*d", True),
    ("abcabd", "*ab?d", False),  # "ab?d" would have to end it: "cabd"
    ("x/yaz", "x/*a*z", True),
    ("x/ya/z", "x/*a*z", False),
    ("aaaab", "*a*a*a*a*b", True),
    ("aaab", "*a*a*a*a*b", False),
    ("ab/cd/e", "a*/**/*e", True),
]


@pytest.mark.parametrize(("text", "pattern", "matches"), MANY_STARS)
def test_stars_between_parts_match_as_wildmatch_does(
    text: str, pattern: str, matches: bool
) -> None:
    regex = wildmatch_regex(pattern.encode(), crosses_slashes=True)
    assert regex is not None
    assert (re.fullmatch(regex, text.encode(), re.DOTALL) is not None) == matches


def test_many_stars_give_up_on_a_long_name_at_once() -> None:
    """One .gitignore line `*a*a*a*a*a*a*a*a*b` held a walk for minutes on a file named
    with 60 a's (the expression backtracked through every way to share them out), where
    git answers at once. In a process of its own, so that a relapse fails, not hangs."""
    program = (
        "import re; from wordcount.sources.ignore import wildmatch_regex; "
        "r = wildmatch_regex(b'*a*a*a*a*a*a*a*a*b', crosses_slashes=True); "
        "print(re.fullmatch(r, b'a' * 60, re.DOTALL))"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=20, check=True
    )
    assert done.stdout == "None\n"
