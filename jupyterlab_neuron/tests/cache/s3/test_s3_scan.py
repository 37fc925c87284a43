"""S3 roots read from a real S3 API server (moto on loopback): states, sizes,
versions, the prefix boundary, paging and filters, and the big listing."""

from __future__ import annotations

import time
from typing import Any

import pytest

from jupyterlab_neuron.cache import s3_store
from jupyterlab_neuron.cache.listing import EntryQuery
from jupyterlab_neuron.cache.processes import StaticCompilerProbe
from jupyterlab_neuron.cache.roots import discover_roots
from jupyterlab_neuron.cache.scanner import CompileCacheScanner, entry_details
from jupyterlab_neuron.cache.service import CacheServiceConfig, CompileCacheService

from ..builders import CacheTree, scan
from .conftest import entry_objects, put_all

V1 = "neuronxcc-2.14.227.0+2d4f85be"
V2 = "neuronxcc-2.15.128.0+56dc5a86"


def service_for(url: str, **config: Any) -> CompileCacheService:
    return CompileCacheService(
        CacheServiceConfig(cli_roots=[url], only_cli_roots=True, **config),
        compiler_probe=StaticCompilerProbe(),
    )


def states(service: CompileCacheService) -> dict[str, str]:
    snapshot = service.snapshot(refresh=True)
    return {entry.module: entry.state for entry in snapshot.entries}


def test_s3_roots_are_found_where_local_ones_are(s3_endpoint: str) -> None:
    env = {
        "NEURON_COMPILE_CACHE_URL": "s3://team-bucket/url/cache/",
        "NEURON_CC_FLAGS": "--cache_dir=s3://team-bucket/flags",
    }
    found = discover_roots(
        environ=env, extra_roots=["s3://other/settings"], cli_roots=["S3://cli-bucket/x/"]
    )
    by_path = {root.path: root for root in found.roots}
    assert by_path["s3://team-bucket/flags"].sources == ("NEURON_CC_FLAGS",)
    assert by_path["s3://team-bucket/flags"].active
    assert by_path["s3://team-bucket/url/cache"].sources == ("NEURON_COMPILE_CACHE_URL",)
    assert "settings" in by_path["s3://other/settings"].sources
    assert "cli" in by_path["s3://cli-bucket/x"].sources
    for path in ("s3://team-bucket/flags", "s3://other/settings", "s3://cli-bucket/x"):
        root = by_path[path]
        assert root.store == "s3" and root.state == "ok" and root.writable and not root.remote
        assert root.to_dict("en")["store"] == "s3" and root.to_dict("en")["managed"]


def test_without_boto3_an_s3_root_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(s3_store, "boto3_available", lambda: False)
    root = discover_roots(environ={}, cli_roots=["s3://b/p"], only_cli_roots=True).roots[0]
    assert root.state == "remote" and root.remote and not root.scannable
    assert 'pip install "jupyterlab-neuron[s3]"' in (root.message("en") or "")
    assert 'pip install "jupyterlab-neuron[s3]"' in (root.message("ja") or "")
    assert "インストール" in (root.message("ja") or "")


def test_every_state_from_keys(s3: Any, bucket: str) -> None:
    prefix = "team/cache/"
    objects: dict[str, bytes] = {}
    for module, state in [
        ("MODULE_aaaaaaaaaaaaaaaaaaaa+11111111", "success"),
        ("MODULE_bbbbbbbbbbbbbbbbbbbb+22222222", "failed"),
        ("MODULE_cccccccccccccccccccc+33333333", "empty"),
    ]:
        objects.update(entry_objects(prefix, V2, module, state, size=1000))
    # Failed entries keep their log even with a lock; a neff without done is not success.
    objects[f"{prefix}{V2}/MODULE_dddddddddddddddddddd+44444444/model.neff"] = b"x" * 10
    objects[f"{prefix}{V1}/MODULE_1234+55555555/model.neff"] = b"x" * 300
    objects[f"{prefix}{V1}/MODULE_1234+55555555/model.done"] = b""
    objects[f"{prefix}{V1}/stray.txt"] = b"abc"
    objects[f"{prefix}README"] = b"hello"
    put_all(s3, bucket, objects)
    stale = f"{prefix}{V2}/MODULE_eeeeeeeeeeeeeeeeeeee+55555555/model.hlo_module.pb.lock"
    s3.put_object(Bucket=bucket, Key=stale, Body=b"")
    stale_time = s3.head_object(Bucket=bucket, Key=stale)["LastModified"].timestamp()
    time.sleep(1.2)
    fresh = f"{prefix}{V2}/MODULE_ffffffffffffffffffff+66666666/model.hlo_module.pb.lock"
    s3.put_object(Bucket=bucket, Key=fresh, Body=b"")
    fresh_time = s3.head_object(Bucket=bucket, Key=fresh)["LastModified"].timestamp()
    assert fresh_time - stale_time >= 1.0

    service = CompileCacheService(
        CacheServiceConfig(
            cli_roots=[f"s3://{bucket}/team/cache"],
            only_cli_roots=True,
            fresh_lock_seconds=(fresh_time - stale_time) / 2,
        ),
        compiler_probe=StaticCompilerProbe(),
        clock=lambda: fresh_time + 0.1,
    )
    assert states(service) == {
        "MODULE_aaaaaaaaaaaaaaaaaaaa+11111111": "success",
        "MODULE_bbbbbbbbbbbbbbbbbbbb+22222222": "failed",
        "MODULE_cccccccccccccccccccc+33333333": "empty",
        "MODULE_dddddddddddddddddddd+44444444": "empty",
        "MODULE_eeeeeeeeeeeeeeeeeeee+55555555": "stale_lock",
        "MODULE_ffffffffffffffffffff+66666666": "compiling",
        "MODULE_1234+55555555": "success",
    }
    status = service.status("en")
    root = status["roots"][0]
    assert root["store"] == "s3" and root["scanned"] and root["scan_error"] is None
    assert root["entries"] == 7
    assert root["counts"]["compiling"] == 1 and root["counts"]["stale_lock"] == 1
    assert root["other_names"] == ["README"]
    versions = {version["name"]: version for version in root["versions"]}
    assert versions[V2]["newest"] and not versions[V1]["newest"]
    assert versions[V1]["bytes"] == 300 and versions[V1]["other_files"] == 1
    assert versions[V1]["naming"] == "2023" and versions[V2]["naming"] == "2024"
    success = service.snapshot().by_id
    entry = next(e for e in success.values() if e.module.startswith("MODULE_aaaa"))
    assert entry.bytes == 1000 + len(b'["--model-type=transformer"]') and entry.files == 3
    assert entry.path == f"s3://{bucket}/team/cache/{V2}/{entry.module}"
    compiling = next(e for e in success.values() if e.state == "compiling")
    assert compiling.protected == "compiling"
    failed = next(e for e in success.values() if e.state == "failed")
    detail = service.entry_detail(failed.id)
    assert "ERROR: it failed" in detail["log_tail"]
    assert detail["flags"] == ["--model-type=transformer"]
    assert {item["path"] for item in detail["contents"]} == {"compile_flags.json", "model.log"}


def test_the_prefix_is_a_folder(s3: Any, bucket: str) -> None:
    objects: dict[str, bytes] = {}
    objects.update(entry_objects("team/cache/", V2, "MODULE_1+aaaaaaaa", "failed"))
    objects.update(entry_objects("team/cache-old/", V2, "MODULE_2+aaaaaaaa", "failed"))
    objects.update(entry_objects("team/cachex/", V2, "MODULE_3+aaaaaaaa", "failed"))
    objects["team/cache"] = b"an object named like the folder"
    put_all(s3, bucket, objects)
    for url in (
        f"s3://{bucket}/team/cache",
        f"s3://{bucket}/team/cache/",
        f"s3://{bucket}//team/cache",
    ):
        service = service_for(url)
        assert states(service) == {"MODULE_1+aaaaaaaa": "failed"}, url
    assert service.snapshot().roots[0].root.path == f"s3://{bucket}/team/cache"


def test_listings_are_kept_a_short_while_and_read_again_on_demand(s3: Any, bucket: str) -> None:
    put_all(s3, bucket, entry_objects("c/", V2, "MODULE_1+aaaaaaaa", "failed"))
    now = [1_000_000.0]
    service = CompileCacheService(
        CacheServiceConfig(cli_roots=[f"s3://{bucket}/c"], only_cli_roots=True, scan_max_age=10),
        compiler_probe=StaticCompilerProbe(),
        clock=lambda: now[0],
    )
    assert service.status("en")["roots"][0]["entries"] == 1
    put_all(s3, bucket, entry_objects("c/", V2, "MODULE_2+aaaaaaaa", "success"))
    now[0] += 5
    assert service.status("en")["roots"][0]["entries"] == 1  # kept
    assert service.status("en", refresh=True)["roots"][0]["entries"] == 2  # read again
    put_all(s3, bucket, entry_objects("c/", V2, "MODULE_3+aaaaaaaa", "empty"))
    now[0] += 11
    assert service.status("en")["roots"][0]["entries"] == 3  # too old: read again


def test_listing_errors_are_the_roots_scan_error(s3_endpoint: str) -> None:
    service = service_for("s3://no-such-bucket-here/cache")
    summary = service.snapshot(refresh=True).roots[0]
    assert not summary.scanned and summary.error and "NoSuchBucket" in summary.error
    data = service.status("ja")["roots"][0]
    assert "NoSuchBucket" in data["scan_error"]


def test_ten_thousand_entries_paged_and_filtered(big_tree: tuple[str, str, int], s3: Any) -> None:
    _bucket, url, count = big_tree
    calls: list[str] = []

    def count_list(**_: Any) -> None:
        calls.append("list")

    used = s3_store.client()
    used.meta.events.register("before-call.s3.ListObjectsV2", count_list)
    try:
        # A listing this long on a busy machine can outlast the default 10 s age.
        service = service_for(url, scan_max_age=600)
        status = service.status("en")
        service.status("en")  # cached for a while
    finally:
        used.meta.events.unregister("before-call.s3.ListObjectsV2", count_list)
    root = status["roots"][0]
    assert root["entries"] == count
    assert root["counts"]["success"] == count - count // 10
    assert root["counts"]["empty"] == count // 10
    assert root["total_bytes"] == sum(index % 97 + 1 for index in range(count))
    objects = count + count - count // 10
    assert len(calls) == -(-objects // 1000)  # every page of 1,000 keys, once
    seen: set[str] = set()
    offset = 0
    while True:
        page = service.list_entries(
            EntryQuery(states=("empty",), sort="module", order="asc", offset=offset, limit=400)
        )
        assert page["total"] == count // 10
        seen.update(item["id"] for item in page["items"])
        offset += 400
        if offset >= page["total"]:
            break
    assert len(seen) == count // 10
    text = "MODULE_" + "0" * 18 + "7"  # 0x70 to 0x7f
    page = service.list_entries(EntryQuery(text=text, limit=1000))
    assert sorted(item["module"] for item in page["items"]) == [
        f"MODULE_{index:020x}+d41d8cd9" for index in range(0x70, 0x80)
    ]


def test_s3_roots_in_the_roots_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyterlab_neuron.settings import JupyterLabNeuron

    monkeypatch.setenv(
        "JUPYTERLAB_NEURON_CACHE_ROOTS", "/a/cache:s3://team-bucket/cache:S3://other/x:s3"
    )
    assert JupyterLabNeuron().compile_cache_roots == [
        "/a/cache",
        "s3://team-bucket/cache",
        "S3://other/x",
        "s3",
    ]


def test_a_long_log_ends_the_same_on_s3_as_on_disk(
    s3: Any, bucket: str, tree: CacheTree, scanner: CompileCacheScanner
) -> None:
    # More than the 64 KiB read from the end: the first line read is cut and dropped.
    log = "".join(f"line {n}\n" for n in range(20_000))
    module = "MODULE_bbbbbbbbbbbbbbbbbbbb+22222222"
    objects = entry_objects("team/cache/", V2, module, "failed")
    objects[f"team/cache/{V2}/{module}/model.log"] = log.encode()
    put_all(s3, bucket, objects)
    service = service_for(f"s3://{bucket}/team/cache")
    (failed,) = service.snapshot(refresh=True).entries
    on_s3 = service.entry_detail(failed.id)

    tree.entry(V2, module, "failed", log=log, flags=["--model-type=transformer"])
    (local,) = scan(scanner, tree).entries
    on_disk = entry_details(local, log_tail_lines=200)

    assert on_s3["log_truncated"] is True and on_disk["log_truncated"] is True
    assert on_s3["log_tail"].splitlines() == [f"line {n}" for n in range(19_800, 20_000)]
    assert on_s3["log_tail"] == on_disk["log_tail"]
    assert on_s3["flags"] == on_disk["flags"] == ["--model-type=transformer"]
    assert set(on_s3) == set(on_disk)
