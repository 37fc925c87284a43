"""Cleaning S3 roots on a real S3 API server (moto on loopback): the same plans,
tokens and results as local roots, DeleteObjects in batches, the prefix as a
folder, fresh locks kept, and per-entry access errors (through a denying proxy)."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest

from jupyterlab_neuron.cache import s3_store
from jupyterlab_neuron.cache.actions import CleanRequest
from jupyterlab_neuron.cache.errors import CacheConflictError
from jupyterlab_neuron.cache.processes import StaticCompilerProbe
from jupyterlab_neuron.cache.service import CacheServiceConfig, CompileCacheService

from .conftest import entry_objects, put_all
from .deny_proxy import DenyProxy

V1 = "neuronxcc-2.14.227.0+2d4f85be"
V2 = "neuronxcc-2.15.128.0+56dc5a86"
PREFIX = "team/cache/"


def keys(s3: Any, bucket: str, prefix: str = "") -> set[str]:
    found: set[str] = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        found.update(item["Key"] for item in page.get("Contents", ()))
    return found


def make_service(bucket: str, **config: Any) -> CompileCacheService:
    clock = config.pop("clock", time.time)
    return CompileCacheService(
        CacheServiceConfig(cli_roots=[f"s3://{bucket}/team/cache"], only_cli_roots=True, **config),
        compiler_probe=StaticCompilerProbe(),
        clock=clock,
    )


def module(n: int) -> str:
    return f"MODULE_{n:020x}+d41d8cd9"


def dry_run_and_run(service: CompileCacheService, request: CleanRequest) -> tuple[Any, Any]:
    plan = service.plan(request)
    return plan, service.clean(request, plan.token)


@pytest.fixture
def traps(s3: Any, bucket: str) -> Iterator[set[str]]:
    """Failed entries next to the root (``team/cache-old``, ``team/cachex``, the object
    ``team/cache``): they must survive every clean."""
    objects: dict[str, bytes] = {}
    objects.update(entry_objects("team/cache-old/", V2, module(1), "failed"))
    objects.update(entry_objects("team/cachex/", V1, module(2), "failed"))
    objects["team/cache"] = b"not a folder"
    put_all(s3, bucket, objects)
    yield set(objects)
    assert keys(s3, bucket, "team/cache-old/") | keys(s3, bucket, "team/cachex/") | (
        keys(s3, bucket, "team/cache") - keys(s3, bucket, PREFIX)
    ) == set(objects)


def test_clean_failed_removes_exactly_the_plan(
    s3: Any, bucket: str, traps: set[str], caplog: pytest.LogCaptureFixture
) -> None:
    objects: dict[str, bytes] = {}
    objects.update(entry_objects(PREFIX, V2, module(10), "success"))
    objects.update(entry_objects(PREFIX, V2, module(11), "failed"))
    objects.update(entry_objects(PREFIX, V1, module(12), "failed"))
    put_all(s3, bucket, objects)
    service = make_service(bucket)
    request = CleanRequest(failed=True)
    plan = service.plan(request)
    assert sorted(item.module for item in plan.items) == [module(11), module(12)]
    assert keys(s3, bucket, PREFIX) == set(objects)  # a dry run removes nothing
    with caplog.at_level(logging.INFO, logger="jupyterlab_neuron.cache"):
        result = service.clean(request, plan.token)
    assert sorted(result.removed) == sorted(item.id for item in plan.items)
    assert result.bytes_freed == plan.bytes > 0 and not result.failed
    assert keys(s3, bucket, PREFIX) == set(entry_objects(PREFIX, V2, module(10), "success"))
    audit = [r.getMessage() for r in caplog.records if "removed entry" in r.getMessage()]
    assert len(audit) == 2 and all(f"s3://{bucket}/team/cache" in line for line in audit)
    data = result.to_dict("ja")
    assert data["dry_run"] is False and data["failed"] == []


def test_wipe_and_old_versions_stay_inside_the_prefix(
    s3: Any, bucket: str, traps: set[str]
) -> None:
    objects: dict[str, bytes] = {}
    objects.update(entry_objects(PREFIX, V1, module(20), "success"))
    objects.update(entry_objects(PREFIX, V2, module(21), "success"))
    put_all(s3, bucket, objects)
    service = make_service(bucket)
    root_id = service.discover().roots[0].id
    plan, result = dry_run_and_run(service, CleanRequest(roots=(root_id,), old_versions=True))
    assert {item.version for item in plan.items} == {V1}
    assert {(item.kind, item.version) for item in plan.items} == {("entry", V1), ("version", V1)}
    assert len(result.removed) == 2 and not result.failed
    assert keys(s3, bucket, PREFIX) == set(entry_objects(PREFIX, V2, module(21), "success"))
    plan, result = dry_run_and_run(service, CleanRequest(roots=(root_id,), wipe=True))
    assert not result.failed and keys(s3, bucket, PREFIX) == set()


def test_chosen_entries_and_prune_least_recently_modified_first(s3: Any, bucket: str) -> None:
    for n in (30, 31, 32):  # written a second apart: 30 is the oldest
        put_all(s3, bucket, entry_objects(PREFIX, V2, module(n), "success", size=1000))
        time.sleep(1.1)
    service = make_service(bucket)
    snapshot = service.snapshot(refresh=True)
    by_module = {entry.module: entry for entry in snapshot.entries}
    assert by_module[module(30)].last_used < by_module[module(31)].last_used
    size = by_module[module(30)].bytes
    plan, result = dry_run_and_run(service, CleanRequest(max_bytes=size + 10))
    assert [item.module for item in plan.items] == [module(30), module(31)]
    assert all(item.reasons == ["quota"] for item in plan.items)
    assert {key.split("/")[3] for key in keys(s3, bucket, PREFIX)} == {module(32)}
    chosen = service.snapshot(refresh=True).entries[0]
    plan, result = dry_run_and_run(service, CleanRequest(entries=(chosen.id,)))
    assert result.removed == [chosen.id] and keys(s3, bucket, PREFIX) == set()


def test_stale_locks_go_fresh_locks_stay(s3: Any, bucket: str) -> None:
    stale = f"{PREFIX}{V2}/{module(40)}/model.hlo_module.pb.lock"
    s3.put_object(Bucket=bucket, Key=stale, Body=b"")
    put_all(s3, bucket, {f"{PREFIX}{V2}/{module(40)}/compile_flags.json": b"[]"})
    stale_time = s3.head_object(Bucket=bucket, Key=stale)["LastModified"].timestamp()
    time.sleep(1.2)
    fresh = f"{PREFIX}{V2}/{module(41)}/model.hlo_module.pb.lock"
    s3.put_object(Bucket=bucket, Key=fresh, Body=b"")
    fresh_time = s3.head_object(Bucket=bucket, Key=fresh)["LastModified"].timestamp()
    service = make_service(
        bucket,
        fresh_lock_seconds=(fresh_time - stale_time) / 2,
        clock=lambda: fresh_time + 0.1,
    )
    plan, result = dry_run_and_run(service, CleanRequest(stale_locks=True))
    assert [(item.kind, item.module) for item in plan.items] == [("lock", module(40))]
    assert [(item.kind, item.reason) for item in plan.skipped] == [("lock", "compiling")]
    assert result.removed == [plan.items[0].id] and not result.failed
    assert keys(s3, bucket, PREFIX) == {f"{PREFIX}{V2}/{module(40)}/compile_flags.json", fresh}
    # Chosen one by one, a compiling entry is still skipped.
    compiling = next(e for e in service.snapshot(refresh=True).entries if e.module == module(41))
    plan = service.plan(CleanRequest(entries=(compiling.id,)))
    assert not plan.items and plan.skipped[0].reason == "compiling"


def test_a_plan_that_changed_is_refused_and_nothing_goes(s3: Any, bucket: str) -> None:
    objects: dict[str, bytes] = {}
    for n in (50, 51):
        objects.update(entry_objects(PREFIX, V2, module(n), "failed"))
    put_all(s3, bucket, objects)
    service = make_service(bucket)
    request = CleanRequest(failed=True)
    plan = service.plan(request)
    assert len(plan.items) == 2
    # Another node finishes a compile in one planned entry meanwhile.
    s3.put_object(Bucket=bucket, Key=f"{PREFIX}{V2}/{module(51)}/model.neff", Body=b"new")
    with pytest.raises(CacheConflictError):
        service.clean(request, plan.token)
    assert keys(s3, bucket, PREFIX) == {*objects, f"{PREFIX}{V2}/{module(51)}/model.neff"}
    # A new dry run shows what is left to do now.
    plan = service.plan(request)
    assert [item.module for item in plan.items] == [module(50)]


def test_delete_objects_in_batches_of_1000(s3: Any, bucket: str) -> None:
    count = 1100
    put_all(
        s3,
        bucket,
        {f"{PREFIX}{V2}/{module(n)}/model.log": b"error" for n in range(count)},
        threads=8,
    )
    sizes: list[int] = []

    def count_keys(params: dict[str, Any], **_: Any) -> None:
        sizes.append(len(params["Delete"]["Objects"]))

    used = s3_store.client()
    used.meta.events.register("provide-client-params.s3.DeleteObjects", count_keys)
    try:
        _, result = dry_run_and_run(make_service(bucket), CleanRequest(failed=True))
    finally:
        used.meta.events.unregister("provide-client-params.s3.DeleteObjects", count_keys)
    assert sorted(sizes) == [100, 1000]
    assert len(result.removed) == count and keys(s3, bucket, PREFIX) == set()


def test_keys_outside_the_folder_are_never_sent(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="team/cache-old/x", Body=b"")
    with pytest.raises(ValueError):
        s3_store.delete_keys(bucket, "team/cache/", ["team/cache/a/b", "team/cache-old/x"])
    with pytest.raises(ValueError):
        s3_store.delete_keys(bucket, "team/cache/", ["team/cache/../cache-old/x"])
    assert keys(s3, bucket) == {"team/cache-old/x"}


def test_access_denied_is_reported_per_entry(
    s3: Any, s3_endpoint: str, bucket: str, caplog: pytest.LogCaptureFixture
) -> None:
    objects: dict[str, bytes] = {}
    objects.update(entry_objects(PREFIX, V2, module(60), "failed"))
    objects.update(entry_objects(PREFIX, V2, "MODULE_denied+d41d8cd9", "failed"))
    put_all(s3, bucket, objects)
    proxy = DenyProxy(s3_endpoint, s3, bucket).start()
    os.environ["AWS_ENDPOINT_URL"] = proxy.url
    s3_store.reset_client()
    try:
        service = make_service(bucket)
        with caplog.at_level(logging.WARNING, logger="jupyterlab_neuron.cache"):
            plan, result = dry_run_and_run(service, CleanRequest(failed=True))
    finally:
        os.environ["AWS_ENDPOINT_URL"] = s3_endpoint
        s3_store.reset_client()
        proxy.stop()
    assert len(plan.items) == 2
    denied = next(item for item in plan.items if "denied" in item.module)
    assert [item.id for item in result.failed] == [denied.id]
    assert len(result.removed) == 1
    message = result.to_dict("en")["failed"][0]["message"]
    assert "AccessDenied" in message
    assert "AccessDenied" in result.to_dict("ja")["failed"][0]["message"]
    # Its marker was refused, so nothing else of it was touched.
    assert keys(s3, bucket, PREFIX) == set(
        entry_objects(PREFIX, V2, "MODULE_denied+d41d8cd9", "failed")
    )
    assert proxy.denied == [f"{PREFIX}{V2}/MODULE_denied+d41d8cd9/model.log"]
    assert any("AccessDenied" in r.getMessage() for r in caplog.records)
