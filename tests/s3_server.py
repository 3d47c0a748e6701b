"""A real S3-compatible server on loopback for the tests: moto's, as its own process.

    S3Server.start() ─▶ python -m moto.server -H 127.0.0.1 -p 0 ─▶ "Running on http://..."
                     ─▶ endpoint; every request the server answers, in requests (its log)
    bucket(), put(), put_tree() ─▶ objects, through boto3 (which moto brings)
    storage_args() ─▶ the --storage-option flags that reach it: endpoint and credentials
    kill() ─▶ the server gone at once, as a crashed one is

The test extra installs moto[server] and s3fs; a module that uses this skips without
them (pytest.importorskip). Nothing of this is wordcount's: the command reads the server
through fsspec and s3fs, as it would read AWS.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

# Any key and secret will do for moto's server unless it checks them (see start).
ACCESS_KEY = "testing"
SECRET_KEY = "testing"
# moto keeps its buckets in this region unless told otherwise.
REGION = "us-east-1"
# A server starts in a second or two; a busy machine, running other tests, takes longer.
START_SECONDS = 60.0
_RUNNING = re.compile(r"Running on (http://127\.0\.0\.1:\d+)")
# The server's log colours a request line, even in a pipe.
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
# What the server, and a boto3 client here, must not take from the environment: the tests
# give the endpoint and the credentials explicitly, or leave them out on purpose.
AWS_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_PROFILE",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
)


class S3Server:
    """One moto server process; endpoint is its URL once started."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.env = dict(env or {})
        self.endpoint = ""
        self.requests: list[str] = []
        self._process: subprocess.Popen[str] | None = None
        self._started = threading.Event()
        self._reader: threading.Thread | None = None

    def start(self) -> S3Server:
        """The server started; with env INITIAL_NO_AUTH_ACTION_COUNT=N it checks every
        request's credentials after its first N, and knows of none: each is then refused
        with InvalidAccessKeyId."""
        environment = {k: v for k, v in os.environ.items() if k not in AWS_VARIABLES}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            env={**environment, **self.env},
        )
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()
        if not self._started.wait(START_SECONDS):
            self.kill()
            raise RuntimeError(f"moto's server did not start: {self.requests}")
        return self

    def _read_log(self) -> None:
        assert self._process is not None
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self.requests.append(_COLOUR.sub("", line.rstrip("\n")))
            found = _RUNNING.search(line)
            if found:
                self.endpoint = found.group(1)
                self._started.set()

    def requests_for(self, method: str, key: str) -> list[str]:
        """The log lines of the requests of this method (GET, PUT...) for key."""
        return [line for line in self.requests if f'"{method} /{key}' in line]

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def put(self, bucket: str, key: str, content: bytes) -> str:
        """The object stored; its s3:// URL."""
        self.client().put_object(Bucket=bucket, Key=key, Body=content)
        return f"s3://{bucket}/{key}"

    def put_tree(self, bucket: str, root: Path) -> None:
        """Every file under root, at the key of its path below root."""
        client = self.client()
        for path in _files_under(root):
            key = path.relative_to(root).as_posix()
            client.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())

    def get(self, bucket: str, key: str) -> bytes:
        return bytes(self.client().get_object(Bucket=bucket, Key=key)["Body"].read())

    def keys(self, bucket: str) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=bucket)
        return sorted(entry["Key"] for entry in listing.get("Contents", []))

    def storage_args(self, *, key: str = ACCESS_KEY, secret: str = SECRET_KEY) -> list[str]:
        """The command's flags for this server: endpoint and credentials, nothing taken
        from the environment."""
        return [
            "--storage-option",
            f"endpoint_url={self.endpoint}",
            "--storage-option",
            f"key={key}",
            "--storage-option",
            f"secret={secret}",
        ]

    def storage_options(self) -> dict[str, str]:
        """The same, for wordcount.count(storage_options=...)."""
        return {"endpoint_url": self.endpoint, "key": ACCESS_KEY, "secret": SECRET_KEY}

    def kill(self) -> None:
        """The server stopped at once (SIGKILL), its log read to the end and closed."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.kill()
            process.wait()
        if self._reader is not None:
            self._reader.join()
        if process.stdout is not None:
            process.stdout.close()

    def wait_for(self, method: str, key: str, count: int, within: float) -> None:
        """Until the server has answered count requests of method for key."""
        deadline = time.monotonic() + within
        while len(self.requests_for(method, key)) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{count} {method} of {key}: {self.requests[-5:]}")
            time.sleep(0.01)


def _files_under(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path
