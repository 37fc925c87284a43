"""An S3 API server on loopback for the tests and the benchmark: moto in server mode.

``python s3_server.py PORT [BUCKET PREFIX COUNT]`` serves S3 on 127.0.0.1:PORT.
With a bucket, it first fills ``PREFIX`` with ``COUNT`` compile-cache entries
straight into the server's store (HTTP PUTs of tens of thousands of keys take
minutes; listing them afterwards goes through the S3 API like any other
request). Entry ``i`` has ``model.neff`` of ``i % 97 + 1`` bytes, and a
``model.done`` unless ``i % 10 == 0``, in two compiler versions.
"""

from __future__ import annotations

import sys
import time

from moto.server import ThreadedMotoServer

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


def main() -> None:
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
