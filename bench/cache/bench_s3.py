"""Status of a 10,000-entry S3 compile cache against a plain boto3 listing of it.

    .venv/bin/python bench/cache/bench_s3.py [--entries 10000] [--rounds 5]   (repo root)

Starts an S3 API server on loopback (moto in server mode, the test suite's
``s3_server.py``) holding ``--entries`` entries (19,000 keys at 10,000: a
``model.neff`` each and a ``model.done`` for nine in ten), then alternates, in
the same run:

* a plain boto3 ``list_objects_v2`` paginator over the root's prefix (1,000 keys
  a page), only counting the keys;
* the compile-cache status of that root as the REST API computes it
  (``CompileCacheService.status(refresh=True)``: the listing, entries, states,
  versions and totals).

Target: the status takes at most 1.3x the plain listing. Minimum and median of
the rounds are printed (the minimum is the least disturbed by other load).
Needs boto3 and moto (``pip install -e ".[test]"``). A benchmark, not a test:
it prints figures and exits 0.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from jupyterlab_neuron.tests.cache.s3.s3_server import (  # noqa: E402
    aws_environment,
    running_server,
)

BUCKET = "bench"
PREFIX = "shared/cache/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    with running_server(BUCKET, PREFIX, args.entries, timeout=300) as endpoint:
        os.environ.update(aws_environment(endpoint))
        os.environ.pop("AWS_PROFILE", None)
        import boto3

        from jupyterlab_neuron.cache.processes import StaticCompilerProbe
        from jupyterlab_neuron.cache.service import CacheServiceConfig, CompileCacheService

        plain = boto3.client("s3")
        service = CompileCacheService(
            CacheServiceConfig(cli_roots=[f"s3://{BUCKET}/{PREFIX}"], only_cli_roots=True),
            compiler_probe=StaticCompilerProbe(),
        )

        def listing() -> int:
            count = 0
            pages = plain.get_paginator("list_objects_v2").paginate(
                Bucket=BUCKET, Prefix=PREFIX, PaginationConfig={"PageSize": 1000}
            )
            for page in pages:
                count += len(page.get("Contents", ()))
            return count

        keys = listing()  # warm both clients and the server once
        entries = service.status("en", refresh=True)["roots"][0]["entries"]
        print(f"{args.entries} entries generated; {keys} keys; status counts {entries} entries")
        plain_times: list[float] = []
        status_times: list[float] = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            listing()
            plain_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            service.status("en", refresh=True)
            status_times.append(time.perf_counter() - started)
        for name, times in (("boto3 listing", plain_times), ("cache status", status_times)):
            print(f"{name:14s} min {min(times):7.3f} s   median {statistics.median(times):7.3f} s")
        ratio_min = min(status_times) / min(plain_times)
        ratio_median = statistics.median(status_times) / statistics.median(plain_times)
        verdict = "ok" if ratio_min <= 1.3 else "OVER TARGET"
        print(
            f"status / listing: {ratio_min:.2f}x (min), {ratio_median:.2f}x (median); "
            f"target <= 1.3x: {verdict}"
        )


if __name__ == "__main__":
    main()
