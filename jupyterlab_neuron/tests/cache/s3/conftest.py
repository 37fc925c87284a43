"""A real S3 API server for the S3 cache tests: moto in server mode on loopback.

One server per test session (``s3_server.py`` in a subprocess, holding the
10,000-entry tree from its start), dummy
credentials, ``AWS_ENDPOINT_URL`` pointing at it and no instance metadata, so
nothing ever leaves the machine. Each test gets its own bucket.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

pytest.importorskip("boto3")
pytest.importorskip("moto")

from jupyterlab_neuron.cache import s3_store

from .s3_server import aws_environment, running_server

BIG_BUCKET = "big-tree"
BIG_PREFIX = "big/cache/"
BIG_COUNT = 10_000


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """URL of a moto S3 server started for this session; the AWS variables point at it."""
    with running_server(BIG_BUCKET, BIG_PREFIX, BIG_COUNT) as endpoint:
        environment = aws_environment(endpoint)
        saved = {name: os.environ.get(name) for name in [*environment, "AWS_PROFILE"]}
        try:
            os.environ.update(environment)
            os.environ.pop("AWS_PROFILE", None)
            s3_store.reset_client()
            yield endpoint
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            s3_store.reset_client()


@pytest.fixture(scope="session")
def s3(s3_endpoint: str) -> Any:
    """A plain boto3 client on the test server (not the one the code under test uses)."""
    import boto3
    from botocore.config import Config

    return boto3.client("s3", endpoint_url=s3_endpoint, config=Config(max_pool_connections=32))


@pytest.fixture
def bucket(s3: Any) -> str:
    """A new, empty bucket."""
    name = f"cache-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def put_all(s3: Any, bucket: str, objects: dict[str, bytes], threads: int = 8) -> None:
    """Write ``objects`` (key -> body) in parallel."""

    def put(item: tuple[str, bytes]) -> None:
        s3.put_object(Bucket=bucket, Key=item[0], Body=item[1])

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(put, objects.items()))


def entry_objects(
    prefix: str, version: str, module: str, state: str, size: int = 64
) -> dict[str, bytes]:
    """The keys of one entry in ``state`` (success, failed, locked, empty)."""
    base = f"{prefix}{version}/{module}/"
    files: dict[str, bytes] = {base + "compile_flags.json": b'["--model-type=transformer"]'}
    if state == "success":
        files[base + "model.neff"] = b"n" * size
        files[base + "model.done"] = b""
    elif state == "failed":
        files[base + "model.log"] = b"line 1\nERROR: it failed\n"
    elif state == "locked":
        files[base + "model.hlo_module.pb.lock"] = b""
    return files


@pytest.fixture(scope="session")
def big_tree(s3_endpoint: str) -> tuple[str, str, int]:
    """Bucket, root URL and entry count of the 10,000-entry tree the server holds
    (see ``s3_server.py``; never changed by a test)."""
    return BIG_BUCKET, f"s3://{BIG_BUCKET}/{BIG_PREFIX.rstrip('/')}", BIG_COUNT
