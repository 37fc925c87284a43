"""An S3 API server on loopback for the tests and the benchmark: moto in server mode.

``python s3_server.py PORT [BUCKET PREFIX COUNT]`` serves S3 on 127.0.0.1:PORT.
With a bucket, it first fills ``PREFIX`` with ``COUNT`` compile-cache entries
straight into the server's store (HTTP PUTs of tens of thousands of keys take
minutes; listing them afterwards goes through the S3 API like any other
request). Entry ``i`` has ``model.neff`` of ``i % 97 + 1`` bytes, and a
``model.done`` unless ``i % 10 == 0``, in two compiler versions.

The tests' session fixture and ``bench/cache/bench_s3.py`` start it the same
way, with :func:`running_server`, and point boto3 at it with :func:`aws_environment`.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from jupyterlab_neuron.cluster.demo import free_port
from neuron_kernel_helpers.command_runner import stop_process_group

ACCOUNT = "123456789012"
VERSIONS = ("neuronxcc-2.14.227.0+2d4f85be", "neuronxcc-2.15.128.0+56dc5a86")


def tree_keys(prefix: str, count: int) -> list[tuple[str, bytes]]:
    """The keys and bodies of the generated tree."""
    keys: list[tuple[str, bytes]] = []
    for index in range(count):
        base = f"{prefix}{VERSIONS[index % 2]}/MODULE_{index:020x}+d41d8cd9/"
        keys.append((base + "model.neff", b"n" * (index % 97 + 1)))
        if index % 10:
            keys.append((base + "model.done", b""))
    return keys


def fill(bucket: str, prefix: str, count: int) -> None:
    from moto.s3.models import s3_backends

    backend = s3_backends[ACCOUNT]["global"]
    backend.create_bucket(bucket, "us-east-1")
    for key, body in tree_keys(prefix, count):
        backend.put_object(bucket, key, body)


def aws_environment(endpoint: str) -> dict[str, str]:
    """The variables that send boto3 to the server at ``endpoint`` with dummy
    credentials, no instance metadata and no configuration files, so that nothing
    leaves the machine (``AWS_PROFILE`` must be unset as well)."""
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_ENDPOINT_URL": endpoint,
    }


@contextlib.contextmanager
def running_server(bucket: str, prefix: str, count: int, timeout: float = 120.0) -> Iterator[str]:
    """This server in a subprocess on a free loopback port, ``prefix`` of ``bucket``
    holding ``count`` generated entries: yields its URL, stops it on exit.

    Raises:
        RuntimeError: the server exited or did not answer within ``timeout`` seconds.
    """
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__)), str(port), bucket, prefix, str(count)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for_port(port, process, timeout)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process_group(process, grace=10)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the S3 server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the S3 server did not start")


def main() -> None:
    from moto.server import ThreadedMotoServer

    port = int(sys.argv[1])
    if len(sys.argv) > 4:
        fill(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
