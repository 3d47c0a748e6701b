"""Object storage configured once (issue 23, item 3): --storage-option, URL globs,
--include under a URL, the storage's own reasons, -o to a URL.

The tests marked slow read a real S3-compatible server on loopback (moto's, started by
tests/s3_server.py) through fsspec and s3fs, as the command reads AWS; the others need no
server. Every expected count is worked out by hand from the text written.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import wordcount
from tests.conftest import BIN_DIR, PINNED_ENV, ProcessLog, invoke, run_wordcount
from tests.s3_server import AWS_VARIABLES, S3Server
from wordcount.api.settings import Settings
from wordcount.cli.ending import ExitStatus
from wordcount.engine.options import CountOptions
from wordcount.engine.planner import plan_units
from wordcount.exceptions import OptionsError
from wordcount.sources.paths import expand_inputs
from wordcount.sources.problems import InputProblem, in_input_order

# The same tree, on local disk and in a bucket: hidden names, a subdirectory, two
# suffixes, and the dated folders of a data lake.
TREE = {
    "2024-01/part-1.txt": b"apple banana\n",
    "2024-02/part-2.txt": b"apple cherry\n",
    "2024-02/notes.md": b"not a part\n",
    "2023-12/part-9.txt": b"old old\n",
    "texts/a.txt": b"one two two\n",
    "texts/b.md": b"skip me\n",
    "texts/sub/c.txt": b"three\n",
    ".hidden/h.txt": b"secret\n",
}
# 16 bytes: 13,107,200 of them make 200 MiB, three words each.
BIG_LINE = b"apple banana ab\n"
BIG_LINES = (200 << 20) // len(BIG_LINE)


@pytest.fixture(autouse=True)
def no_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every setting reaches the server through --storage-option or storage_options only."""
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    # Not the user's ~/.aws either.
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


def _write_tree(root: Path) -> Path:
    for name, content in TREE.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return root


# ---- no server -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "parsed"),
    [
        ("endpoint_url=http://127.0.0.1:9000", ("endpoint_url", "http://127.0.0.1:9000")),
        ("anon=false", ("anon", False)),
        ("default_block_size=1048576", ("default_block_size", 1048576)),
        (
            'client_kwargs={"region_name": "eu-west-1"}',
            ("client_kwargs", {"region_name": "eu-west-1"}),
        ),
        ("key=", ("key", "")),
    ],
)
def test_storage_option_values_are_json_where_they_parse(
    given: str, parsed: tuple[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[object] = []

    def capture(paths: object, settings: Settings) -> object:
        seen.append(settings.storage_options)
        raise SystemExit(0)

    monkeypatch.setattr("wordcount.cli.command.prepare", capture)
    invoke(["--storage-option", given, "--storage-option", "b=x", "missing.txt"])
    assert seen == [{parsed[0]: parsed[1], "b": "x"}]


@pytest.mark.parametrize("given", ["noequals", "=value", "two words=1"])
def test_a_storage_option_that_is_not_key_value_is_one_usage_line(given: str) -> None:
    result = invoke(["--storage-option", given, "missing.txt"])
    assert result.exit_code == ExitStatus.USAGE_ERROR
    lines = result.output.splitlines()
    assert len(lines) == 1
    assert "--storage-option" in lines[0]
    assert "KEY=VALUE" in lines[0]


def test_the_api_refuses_storage_options_that_are_not_a_dict(tmp_path: Path) -> None:
    with pytest.raises(OptionsError, match="storage_options must be a dict"):
        wordcount.count([str(tmp_path)], storage_options=["endpoint_url"])  # type: ignore[arg-type]


def test_include_with_a_slash_matches_below_the_path_given(tmp_path: Path) -> None:
    """texts/*.txt finds texts/a.txt and (as * crosses /) texts/sub/c.txt, however the
    directory was named: by its path, or as the working directory."""
    root = _write_tree(tmp_path / "tree")
    expected = "two\t2\none\t1\nthree\t1\n"
    for args, cwd in (([str(root)], None), (["."], root), (["./"], root)):
        result = run_wordcount([*args, "-n", "0", "-f", "tsv", "--include", "texts/*.txt"], cwd=cwd)
        assert result.stdout.decode() == expected, (args, result.stderr)
        assert result.returncode == ExitStatus.SUCCESS


def test_a_file_that_fails_in_several_units_has_one_error_line() -> None:
    """Each unit that held a range of the file reports it; one line is printed, the same
    whichever unit came back first."""
    url = "s3://b/big.txt"
    first = InputProblem(0, url, "EndpointConnectionError: gone")
    later = InputProblem(0, url, "EndpointConnectionError: gone; not counted")
    other = InputProblem(1, "s3://b/small.txt", "NoSuchKey")
    for order in ([first, later, other], [other, later, first]):
        assert in_input_order(order) == [later, other]


# ---- a real S3-compatible server -------------------------------------------------------


def _needs_s3() -> None:
    pytest.importorskip("moto.server", reason="needs moto[server] (the test extra)")
    pytest.importorskip("s3fs", reason="needs s3fs (the test extra)")


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    _needs_s3()
    server = S3Server().start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture(scope="module")
def tree_bucket(s3: S3Server, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The bucket "tree", holding TREE; and the same tree on local disk."""
    root = _write_tree(tmp_path_factory.mktemp("s3-tree"))
    s3.put_tree(s3.bucket("tree"), root)
    return "tree", root


def _one_error_line(stderr: bytes) -> str:
    """The one error line of a run that could not read one input (the summary follows)."""
    lines = stderr.decode().splitlines()
    assert "Traceback" not in stderr.decode()
    errors = [line for line in lines if line.startswith("wordcount: error:")]
    assert len(errors) == 1, lines
    return errors[0]


@pytest.mark.slow
def test_objects_count_exactly_as_the_same_local_files(
    s3: S3Server, tree_bucket: tuple[str, Path]
) -> None:
    bucket, root = tree_bucket
    flags = s3.storage_args()
    for extra in ([], ["--hidden"], ["--include", "texts/*.txt"], ["--exclude", "sub"]):
        local = run_wordcount(["-n", "0", "-f", "tsv", *extra, f"{root}/"])
        remote = run_wordcount(["-n", "0", "-f", "tsv", *extra, *flags, f"s3://{bucket}/"])
        assert remote.stdout == local.stdout, (extra, remote.stderr)
        assert (remote.returncode, local.returncode) == (ExitStatus.SUCCESS,) * 2
    included = run_wordcount(
        ["-n", "0", "-f", "tsv", "--include", "texts/*.txt", *flags, f"s3://{bucket}/"]
    )
    assert included.stdout == b"two\t2\none\t1\nthree\t1\n"


@pytest.mark.slow
def test_a_url_glob_matches_as_the_shell_matches_paths(
    s3: S3Server, tree_bucket: tuple[str, Path]
) -> None:
    bucket, root = tree_bucket
    flags = s3.storage_args()
    remote = run_wordcount(
        ["--by-file", "-n", "0", "-f", "tsv", *flags, f"s3://{bucket}/2024-*/part-*.txt"]
    )
    # What a shell hands the command for the same pattern on disk, relative to root.
    local = run_wordcount(
        ["--by-file", "-n", "0", "-f", "tsv", "2024-01/part-1.txt", "2024-02/part-2.txt"],
        cwd=root,
    )
    assert remote.returncode == ExitStatus.SUCCESS, remote.stderr
    prefix = f"s3://{bucket}/".encode()
    assert remote.stdout.replace(prefix, b"") == local.stdout
    assert b"/2024-01/part-1.txt\tapple\t1\n" in remote.stdout
    assert b"old" not in remote.stdout
    # A directory that matches is walked; hidden names match only a pattern's own ".".
    walked = run_wordcount(["-n", "0", "-f", "tsv", *flags, f"s3://{bucket}/*"])
    shell = run_wordcount(
        ["-n", "0", "-f", "tsv", "2023-12", "2024-01", "2024-02", "texts"], cwd=root
    )
    assert walked.stdout == shell.stdout
    assert b"secret" not in walked.stdout
    hidden = run_wordcount(["-n", "0", "-f", "tsv", *flags, f"s3://{bucket}/.h*/*.txt"])
    assert hidden.stdout == b"secret\t1\n"


@pytest.mark.slow
def test_a_url_glob_that_matches_nothing_is_an_error(
    s3: S3Server, tree_bucket: tuple[str, Path]
) -> None:
    bucket, _ = tree_bucket
    url = f"s3://{bucket}/2025-*/part-*.txt"
    result = run_wordcount([*s3.storage_args(), url])
    assert result.returncode == ExitStatus.INPUT_ERROR
    assert (
        _one_error_line(result.stderr) == f"wordcount: error: '{url}': no file matches this pattern"
    )


@pytest.mark.slow
def test_a_missing_bucket_says_nosuchbucket(s3: S3Server) -> None:
    for url in ("s3://no-such-bucket/a.txt", "s3://no-such-bucket/", "s3://no-such-bucket/*.txt"):
        result = run_wordcount([*s3.storage_args(), url])
        assert result.returncode == ExitStatus.INPUT_ERROR
        line = _one_error_line(result.stderr)
        assert line.startswith(f"wordcount: error: '{url}': NoSuchBucket: "), line


@pytest.mark.slow
def test_wrong_credentials_say_invalidaccesskeyid() -> None:
    _needs_s3()
    # The server checks credentials after its first request (the bucket's creation),
    # and knows of none: every key is wrong.
    server = S3Server({"INITIAL_NO_AUTH_ACTION_COUNT": "1"}).start()
    try:
        server.bucket("locked")
        for url in ("s3://locked/a.txt", "s3://locked/"):
            result = run_wordcount([*server.storage_args(key="wrong"), url])
            assert result.returncode == ExitStatus.INPUT_ERROR
            line = _one_error_line(result.stderr)
            assert line.startswith(f"wordcount: error: '{url}': InvalidAccessKeyId: "), line
        failed = run_wordcount(
            [*server.storage_args(key="wrong"), "-", "-o", "s3://locked/report.tsv"],
            stdin=b"word\n",
        )
        assert failed.returncode == ExitStatus.OUTPUT_FAILED
        assert failed.stderr.decode().splitlines() == [
            "wordcount: error: cannot write the output to 's3://locked/report.tsv': "
            "InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our "
            "records."
        ]
    finally:
        server.kill()


@pytest.mark.slow
def test_the_report_is_uploaded_whole_or_not_at_all(
    s3: S3Server, tree_bucket: tuple[str, Path], tmp_path: Path
) -> None:
    _, root = tree_bucket
    bucket = s3.bucket("reports")
    flags = s3.storage_args()
    local = run_wordcount(["-n", "0", "-f", "tsv", str(root), "-o", str(tmp_path / "r.tsv")])
    remote = run_wordcount(
        ["-n", "0", "-f", "tsv", str(root), *flags, "-o", f"s3://{bucket}/out/r.tsv"]
    )
    assert (remote.returncode, remote.stdout, remote.stderr) == (
        local.returncode,
        local.stdout,
        local.stderr,
    )
    assert s3.get(bucket, "out/r.tsv") == (tmp_path / "r.tsv").read_bytes()
    assert b"apple\t2\n" in (tmp_path / "r.tsv").read_bytes()
    # No bucket to upload to: one line, status 6, and nothing anywhere.
    failed = run_wordcount([str(root / "texts"), *flags, "-o", "s3://no-such-bucket/r.tsv"])
    assert failed.returncode == ExitStatus.OUTPUT_FAILED
    assert failed.stderr.decode().splitlines() == [
        "wordcount: error: cannot write the output to 's3://no-such-bucket/r.tsv': "
        "NoSuchBucket: The specified bucket does not exist"
    ]
    # A run stopped before its report was whole leaves nothing at the key.
    stopped = subprocess.Popen(
        [str(BIN_DIR / "wordcount"), *flags, "-", "-o", f"s3://{bucket}/out/stopped.tsv"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **PINNED_ENV},
    )
    assert stopped.stdin is not None
    stopped.stdin.write(b"some words\n")
    stopped.stdin.flush()
    time.sleep(0.5)
    stopped.send_signal(signal.SIGTERM)
    stopped.communicate(timeout=30)
    assert stopped.returncode != ExitStatus.SUCCESS
    assert s3.keys(bucket) == ["out/r.tsv"]


def _big_object(s3: S3Server, bucket: str) -> str:
    return s3.put(s3.bucket(bucket), "big.txt", BIG_LINE * BIG_LINES)


@pytest.fixture(scope="module")
def big_url(s3: S3Server) -> str:
    """A 200 MiB object of BIG_LINE: made by repetition, so in a fraction of a second."""
    return _big_object(s3, "big")


@pytest.mark.slow
def test_a_200_mb_object_is_read_in_ranges_by_several_workers(
    s3: S3Server, big_url: str, process_log: ProcessLog
) -> None:
    url = big_url
    options = CountOptions(storage_options=tuple(sorted(s3.storage_options().items())))
    inputs = expand_inputs([url], storage=options.storage_options)
    assert [(file.path, file.size) for file in inputs.files] == [(url, 200 << 20)]
    plan = plan_units(inputs.files, jobs=2, options=options)
    starts = sorted(r.start for unit in plan.units for r in unit.ranges)
    assert len(plan.units) >= 2
    assert len(starts) >= 2
    assert starts[0] == 0
    counts = wordcount.count(url, jobs=2, storage_options=s3.storage_options())
    process_log.assert_parallel()
    assert dict(counts.most_common()) == {"apple": BIG_LINES, "banana": BIG_LINES, "ab": BIG_LINES}
    # The server saw reads of parts of the object, each from where a range starts.
    ranged = [line for line in s3.requests_for("GET", "big/big.txt") if " 206 " in line]
    assert len(ranged) >= 2


@pytest.mark.slow
def test_the_server_killed_mid_run_is_one_line_and_that_file_is_not_counted(
    tmp_path: Path,
) -> None:
    _needs_s3()
    server = S3Server().start()
    try:
        url = _big_object(server, "doomed")
        local = tmp_path / "local.txt"
        local.write_bytes(b"kept words kept\n")
        started = time.monotonic()
        run = subprocess.Popen(
            [
                str(BIN_DIR / "wordcount"),
                "-j",
                "2",
                "-n",
                "0",
                "-f",
                "tsv",
                *server.storage_args(),
                url,
                str(local),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **PINNED_ENV},
        )
        # Planning reads the head and each cut; the workers then read their ranges.
        server.wait_for("GET", "doomed/big.txt", 4, within=60)
        server.kill()
        stdout, stderr = run.communicate(timeout=120)
    finally:
        server.kill()
    assert run.returncode == ExitStatus.INPUT_ERROR, stderr
    line = _one_error_line(stderr)
    assert line.startswith(f"wordcount: error: '{url}': "), line
    assert stdout == b"kept\t2\nwords\t1\n"  # the object adds nothing, not even a part
    assert time.monotonic() - started < 120


@pytest.mark.slow
def test_a_dask_cluster_reads_with_the_storage_options_alone(
    s3: S3Server, tree_bucket: tuple[str, Path], big_url: str, process_log: ProcessLog
) -> None:
    distributed = pytest.importorskip("distributed", reason="needs the dask extra")
    bucket, root = tree_bucket
    url = big_url
    # The workers start with this environment: no endpoint, no credentials (the fixture
    # above removed them), so only --storage-option can bring them.
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    try:
        flags = s3.storage_args()
        address = cluster.scheduler_address
        local = run_wordcount(["-j", "2", "-n", "0", "-f", "tsv", f"{root}/"])
        remote = run_wordcount(
            ["--scheduler", address, "-n", "0", "-f", "tsv", *flags, f"s3://{bucket}/"]
        )
        assert (remote.stdout, remote.returncode) == (local.stdout, ExitStatus.SUCCESS), (
            remote.stderr
        )
        big = run_wordcount(["--scheduler", address, "-n", "0", "-f", "tsv", *flags, url])
        process_log.assert_parallel()
        assert big.returncode == ExitStatus.SUCCESS, big.stderr
        assert big.stdout == b"".join(
            f"{w}\t{BIG_LINES}\n".encode() for w in ("ab", "apple", "banana")
        )
        missing = run_wordcount(["--scheduler", address, *flags, "s3://no-such-bucket/x.txt"])
        assert missing.returncode == ExitStatus.INPUT_ERROR
        assert "NoSuchBucket" in _one_error_line(missing.stderr)
    finally:
        cluster.close()
