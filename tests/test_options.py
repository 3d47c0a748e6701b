"""Every numeric option is bounded: a value out of range is click's usage error (status 2),
never a traceback, and a value just inside is taken."""

from __future__ import annotations

import pytest

from tests.conftest import invoke, run_wordcount
from wordcount.api import checks
from wordcount.api.checks import MAX_JOBS
from wordcount.cli.ending import ExitStatus

HUGE = "99999999999999999999"  # more than a C ssize_t holds
WORDS = b"x y x\n"
COUNTED = b"x\t2\ny\t1\n"


def run_both(args: list[str], stdin: bytes | None = None) -> tuple[bytes, str, int]:
    """Run the command in-process and as the installed console script; both must print
    the same; return (stdout, stderr, exit status)."""
    inside = invoke(args, stdin=stdin)
    outside = run_wordcount(args, stdin=stdin)
    found = (inside.stdout_bytes, inside.stderr, inside.exit_code)
    assert (outside.stdout, outside.stderr.decode(), outside.returncode) == found
    return found


def usage_error(message: str) -> tuple[bytes, str, int]:
    """What run_both gives for a usage error with click's message: one line, status 2."""
    stop = "" if message.endswith((".", "?", ")")) else "."
    line = f"wordcount: error: {message}{stop} Try 'wordcount --help'.\n"
    return b"", line, ExitStatus.USAGE_ERROR


# (the option as click names it in errors, the flag, the range click prints)
INT_BOUNDS = [
    ("'-n' / '--top'", "-n", "0<=x<=1000000000"),
    ("'--ngrams'", "--ngrams", "1<=x<=100"),
    ("'--min-length'", "--min-length", "1<=x<=1048576"),
    ("'--min-count'", "--min-count", "1<=x<=1000000000000000000"),
    ("'-j' / '--jobs'", "-j", f"1<=x<={MAX_JOBS}"),
    ("'--repeat'", "--repeat", "1<=x<=100"),
]
OUTSIDE = [
    ("-n", "-1"),
    ("-n", "1000000001"),
    ("--ngrams", "0"),
    ("--ngrams", "101"),
    ("--min-length", "0"),
    ("--min-length", "1048577"),
    ("--min-count", "0"),
    ("--min-count", "1000000000000000001"),
    ("-j", "0"),
    ("-j", str(MAX_JOBS + 1)),
    ("--repeat", "0"),
    ("--repeat", "101"),
]


@pytest.mark.parametrize(("flag", "value"), OUTSIDE)
def test_an_integer_just_outside_its_range_is_a_usage_error(flag: str, value: str) -> None:
    name, _, bounds = next(bound for bound in INT_BOUNDS if bound[1] == flag)
    message = f"Invalid value for {name}: {value} is not in the range {bounds}."
    inside = invoke([flag, value, "-"], stdin=WORDS)
    assert (inside.stdout_bytes, inside.stderr, inside.exit_code) == usage_error(message)


@pytest.mark.parametrize(("name", "flag", "bounds"), INT_BOUNDS)
def test_a_huge_integer_is_a_usage_error_not_an_overflow(name: str, flag: str, bounds: str) -> None:
    message = f"Invalid value for {name}: {HUGE} is not in the range {bounds}."
    assert run_both([flag, HUGE, "-"], stdin=WORDS) == usage_error(message)


@pytest.mark.parametrize(
    ("args", "stdout"),
    [
        (["-n", "1000000000"], COUNTED),
        (["-n", "0"], COUNTED),
        (["--ngrams", "100"], b""),  # no 100 words in a row: nothing to print
        (["--ngrams", "2", "--min-count", "1"], b"x y\t1\ny x\t1\n"),
        (["--min-length", "1048576"], b""),
        (["--min-count", "1000000000000000000"], b""),
        (["-j", str(MAX_JOBS)], COUNTED),  # standard input is one unit: no pool starts
        (["-j", "1"], COUNTED),
        (["--repeat", "100"], COUNTED),  # without --benchmark it changes nothing
        (["--timeout", "86400"], COUNTED),  # without a Dask scheduler it is not waited on
        (["--timeout", "0.001"], COUNTED),
    ],
)
def test_a_value_just_inside_its_range_is_taken(args: list[str], stdout: bytes) -> None:
    assert run_both([*args, "-"], stdin=WORDS) == (stdout, "", 0)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("0", "0.0"),
        ("-0", "-0.0"),
        ("86400.001", "86400.001"),
        ("1e400", "inf"),  # float() makes it infinite
        ("inf", "inf"),
        ("-inf", "-inf"),
        ("nan", "nan"),  # compares false with both bounds, so click alone lets it through
        (HUGE, "1e+20"),
    ],
)
def test_a_timeout_outside_its_range_is_a_usage_error(value: str, shown: str) -> None:
    message = f"Invalid value for '--timeout': {shown} is not in the range 0<x<=86400.0."
    assert run_both(["--timeout", value, "-"], stdin=WORDS) == usage_error(message)


@pytest.mark.parametrize(("platform", "jobs"), [("linux", 1024), ("darwin", 1024), ("win32", 61)])
def test_the_jobs_limit_follows_the_platform(platform: str, jobs: int) -> None:
    assert checks.max_jobs(platform) == jobs


def test_the_jobs_limit_is_this_platforms() -> None:
    assert checks.max_jobs() == MAX_JOBS
