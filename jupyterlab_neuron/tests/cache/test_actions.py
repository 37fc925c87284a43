"""Cleaning: every action, dry run versus real run, conflicts, safety and concurrency."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_neuron.cache import actions, safe_fs
from jupyterlab_neuron.cache.actions import CacheCleaner, CleanRequest
from jupyterlab_neuron.cache.errors import (
    BadRequestError,
    CacheConflictError,
    InvalidRequestError,
    UnknownIdError,
)
from jupyterlab_neuron.cache.processes import StaticCompilerProbe
from jupyterlab_neuron.cache.service import CompileCacheService

from .builders import (
    INNER,
    M1,
    M2,
    M3,
    M4,
    M22,
    M23,
    OLD,
    V2022,
    V2023,
    V2024,
    CacheTree,
    running,
    write,
)
from .conftest import FakeMonitor, clean_as_planned, ids, make_service, mode_bits_access, present


@pytest.fixture
def service(tree: CacheTree, probe: StaticCompilerProbe) -> CompileCacheService:
    return make_service(tree, probe)


def test_delete_chosen_entries_dry_run_then_real_run(
    tree: CacheTree, service: CompileCacheService
) -> None:
    tree.entry(V2024, M1, "success", size=100)
    tree.entry(V2024, M2, "failed", size=50, log="x" * 10)
    tree.entry(V2024, M3, "success", size=10)
    request = CleanRequest(entries=ids(service, M1, M2))
    plan = service.plan(request)
    dry = plan.to_dict("en")
    assert dry["dry_run"] is True
    assert sorted(dry["removed"]) == sorted(request.entries)
    assert dry["bytes_freed"] == 300 + 60
    assert present(tree) == {M1, M2, M3}  # a dry run removes nothing
    done = service.clean(request, plan.token).to_dict("en")
    assert done["dry_run"] is False
    assert sorted(done["removed"]) == sorted(request.entries)
    assert done["bytes_freed"] == dry["bytes_freed"]
    assert done["failed"] == [] and done["missing"] == []
    assert present(tree) == {M3}
    assert not (tree.root / ".jupyterlab-neuron-trash").exists()  # emptied trash goes too


def test_real_run_needs_the_dry_runs_token(tree: CacheTree, service: CompileCacheService) -> None:
    tree.entry(V2024, M1, "failed")
    request = CleanRequest(failed=True)
    with pytest.raises(InvalidRequestError):
        service.clean(request, None)
    with pytest.raises(CacheConflictError):
        service.clean(request, "0" * 32)
    assert present(tree) == {M1}


def test_delete_all_failed_in_every_naming(tree: CacheTree, service: CompileCacheService) -> None:
    tree.entry(V2024, M1, "failed")
    tree.entry(V2024, M2, "success")
    tree.entry(V2023, M23, "failed")
    tree.entry(V2022, M22, "failed", inner=INNER)
    done = clean_as_planned(service, CleanRequest(failed=True))
    assert len(done["removed"]) == 3
    assert present(tree) == {M2}
    assert all(item["reasons"] == ["failed"] for item in done["items"])


def test_clear_stale_locks_removes_only_the_lock_files(
    tree: CacheTree, service: CompileCacheService
) -> None:
    locked = tree.entry(V2024, M1, "locked")
    inner_locked = tree.entry(V2022, M22, "locked", inner=INNER)
    done = clean_as_planned(service, CleanRequest(stale_locks=True))
    assert sorted(item["kind"] for item in done["items"]) == ["lock", "lock"]
    assert done["bytes_freed"] == 0
    assert sorted(os.listdir(locked)) == ["model.hlo_module.pb"]
    assert sorted(os.listdir(inner_locked / INNER)) == ["model.hlo.pb"]
    states = {entry.module: entry.state for entry in service.snapshot(refresh=True).entries}
    assert states == {M1: "empty", M22: "empty"}


def test_no_lock_is_cleared_while_a_compiler_runs(
    tree: CacheTree, service: CompileCacheService, probe: StaticCompilerProbe
) -> None:
    locked = tree.entry(V2024, M1, "locked")
    running(probe)
    plan = service.plan(CleanRequest(stale_locks=True)).to_dict("en")
    assert plan["items"] == []
    assert [item["reason"] for item in plan["skipped"]] == ["compiling"]
    assert "neuronx-cc" in plan["warnings"][0]
    assert (locked / "model.hlo_module.pb.lock").exists()


def test_old_versions_keep_the_newest_and_remove_emptied_version_folders(
    tree: CacheTree, service: CompileCacheService
) -> None:
    tree.entry(V2024, M1, "success")
    tree.entry(V2023, M23, "success", size=10)
    write(tree.root / V2023 / "notes.txt", b"12345")
    tree.entry(V2022, M22, "failed", inner=INNER)
    write(tree.root / "README", b"mine")
    done = clean_as_planned(service, CleanRequest(old_versions=True))
    kinds = sorted((item["kind"], item["version"]) for item in done["items"])
    assert kinds == [("entry", V2022), ("entry", V2023), ("version", V2022), ("version", V2023)]
    log_bytes = len("ERROR [neuronx-cc]: compilation failed\n")
    # V2023: graph 10 + neff 20 + notes.txt 5; V2022: graph 1000 + log
    assert done["bytes_freed"] == 10 + 20 + 5 + 1000 + log_bytes
    assert sorted(os.listdir(tree.root)) == sorted(["README", V2024, "lock"])


def test_a_version_folder_with_unknown_folders_is_kept(
    tree: CacheTree, service: CompileCacheService
) -> None:
    tree.entry(V2024, M1, "success")
    tree.entry(V2023, M23, "success")
    (tree.root / V2023 / "something-else").mkdir()
    done = clean_as_planned(service, CleanRequest(old_versions=True))
    assert [item["kind"] for item in done["items"]] == ["entry"]
    assert [item["reason"] for item in done["skipped"]] == ["version_kept"]
    assert (tree.root / V2023 / "something-else").is_dir()


def test_remove_a_chosen_version(tree: CacheTree, service: CompileCacheService) -> None:
    tree.entry(V2024, M1, "success")
    tree.entry(V2023, M23, "success")
    snapshot = service.snapshot(refresh=True)
    newest = next(v for v in snapshot.roots[0].versions if v.name == V2024)
    clean_as_planned(service, CleanRequest(versions=(newest.id,)))
    assert sorted(os.listdir(tree.root)) == sorted([V2023, "lock"])


def test_prune_to_a_size_quota_least_recently_used_first(
    tree: CacheTree, service: CompileCacheService
) -> None:
    for index, module in enumerate((M1, M2, M3, M4)):
        entry = tree.entry(V2024, module, "success", size=100)  # 300 bytes each
        used = OLD + 1000 * (4 - index)  # M4 used longest ago
        os.utime(entry / "model.neff", (used, OLD))
    done = clean_as_planned(service, CleanRequest(max_bytes=650))
    assert [item["module"] for item in done["items"]] == sorted([M4, M3])
    assert all(item["reasons"] == ["quota"] for item in done["items"])
    assert present(tree) == {M1, M2}
    assert service.snapshot(refresh=True).roots[0].bytes <= 650


def test_quota_that_cannot_be_reached_says_why(tree: CacheTree, probe: StaticCompilerProbe) -> None:
    tree.entry(V2024, M1, "success", size=100)
    tree.entry(V2024, M2, "success", size=100)
    monitor = FakeMonitor([f"{tree.root}/{V2024}/{M1}/model.neff"])
    service = make_service(tree, probe, monitor)
    plan = service.plan(CleanRequest(max_bytes=0)).to_dict("en")
    assert [item["module"] for item in plan["items"]] == [M2]
    assert "300 bytes" in plan["warnings"][0]


def test_wipe_needs_one_root_and_keeps_what_is_not_the_cache(
    tree: CacheTree, service: CompileCacheService
) -> None:
    tree.entry(V2024, M1, "success")
    tree.entry(V2023, M23, "failed")
    write(tree.root / "README", b"mine")
    with pytest.raises(InvalidRequestError):
        service.plan(CleanRequest(wipe=True))
    root_id = service.discover().roots[0].id
    done = clean_as_planned(service, CleanRequest(wipe=True, roots=(root_id,)))
    assert sorted(item["kind"] for item in done["items"]) == [
        "entry",
        "entry",
        "version",
        "version",
    ]
    assert sorted(os.listdir(tree.root)) == ["README", "lock"]


def test_never_touches_compiling_or_in_use_entries(
    tree: CacheTree, probe: StaticCompilerProbe
) -> None:
    tree.entry(V2024, M1, "locked", lock_when=time.time())  # a compile just started
    tree.entry(V2024, M2, "success")
    tree.entry(V2024, M3, "failed")
    monitor = FakeMonitor([f"{tree.root}/{V2024}/{M2}/model.neff"])
    service = make_service(tree, probe, monitor)
    root_id = service.discover().roots[0].id
    request = CleanRequest(entries=ids(service, M1, M2, M3), wipe=True, roots=(root_id,))
    done = clean_as_planned(service, request)
    assert [item["module"] for item in done["items"]] == [M3]
    assert sorted((item["reason"], item["path"].split("/")[-1]) for item in done["skipped"]) == [
        ("compiling", M1),
        ("in_use", M2),
        ("version_kept", V2024),
    ]
    assert present(tree) == {M1, M2}


def test_unknown_ids_are_refused(tree: CacheTree, service: CompileCacheService) -> None:
    tree.entry(V2024, M1, "success")
    for request in (
        CleanRequest(entries=("../../etc",)),
        CleanRequest(entries=(f"x:{M1}",)),
        CleanRequest(roots=("nope",), failed=True),
        CleanRequest(versions=("nope",)),
    ):
        with pytest.raises(UnknownIdError):
            service.plan(request)
    with pytest.raises(InvalidRequestError):
        service.plan(CleanRequest())
    assert present(tree) == {M1}


def test_read_only_root_is_refused(tree: CacheTree, probe: StaticCompilerProbe) -> None:
    tree.entry(V2024, M1, "failed")
    service = make_service(tree, probe, access=mode_bits_access)
    tree.root.chmod(0o555)
    try:
        with pytest.raises(CacheConflictError) as caught:
            service.plan(CleanRequest(failed=True))
        assert "lock" in caught.value.message("en")
        assert "読み取り専用" in caught.value.message("ja")
        status = service.status("en", refresh=True)
        assert status["roots"][0]["state"] == "read_only"
        assert status["roots"][0]["entries"] == 1  # still listed
    finally:
        tree.root.chmod(0o755)
    assert present(tree) == {M1}


def test_a_linked_entry_is_removed_as_a_link_only(
    tree: CacheTree, service: CompileCacheService, outside: Path
) -> None:
    tree.entry(V2024, M1, "success")
    os.symlink(outside, tree.root / V2024 / M2)
    (entry_id,) = ids(service, M2)
    done = clean_as_planned(service, CleanRequest(entries=(entry_id,)))
    assert done["removed"] == [entry_id] and done["bytes_freed"] == 0
    assert done["items"][0]["symlink"] is True
    assert not os.path.lexists(tree.root / V2024 / M2)
    # the outside fixture checks its files are intact


def test_a_link_inside_an_entry_is_never_followed(
    tree: CacheTree, service: CompileCacheService, outside: Path
) -> None:
    entry = tree.entry(V2024, M1, "failed", size=10)
    os.symlink(outside / "precious.bin", entry / "model.neff.bak")
    os.symlink(outside, entry / "more")
    done = clean_as_planned(service, CleanRequest(failed=True))
    assert done["bytes_freed"] == 10 + len("ERROR [neuronx-cc]: compilation failed\n")
    assert present(tree) == set()


def test_a_linked_old_version_is_removed_as_a_link(
    tree: CacheTree, service: CompileCacheService, tmp_path: Path
) -> None:
    tree.entry(V2024, M1, "success")
    elsewhere = CacheTree(tmp_path / "elsewhere")
    elsewhere.entry(V2023, M23, "success")
    os.symlink(elsewhere.root / V2023, tree.root / V2023)
    done = clean_as_planned(service, CleanRequest(old_versions=True))
    assert [(item["kind"], item["symlink"]) for item in done["items"]] == [("version", True)]
    assert not os.path.lexists(tree.root / V2023)
    assert (elsewhere.root / V2023 / M23 / "model.neff").exists()


def test_a_compile_starting_between_dry_run_and_real_run_is_a_conflict(
    tree: CacheTree, service: CompileCacheService
) -> None:
    tree.entry(V2024, M1, "failed")
    retried = tree.entry(V2024, M2, "failed")
    request = CleanRequest(failed=True)
    plan = service.plan(request)
    assert len(plan.items) == 2
    # neuronx-cc is asked to retry the failed compile: the lock appears.
    write(retried / "model.hlo_module.pb.lock", b"", time.time())
    with pytest.raises(CacheConflictError) as caught:
        service.clean(request, plan.token)
    assert "dry run" in caught.value.message("en")
    assert present(tree) == {M1, M2}  # nothing removed
    # The new dry run keeps the compiling entry out.
    again = service.plan(request)
    assert [item.module for item in again.items] == [M1]
    assert [item.reason for item in again.skipped] == ["compiling"]


def test_an_entry_changing_after_the_check_is_left_in_place(
    tree: CacheTree, service: CompileCacheService
) -> None:
    entry = tree.entry(V2024, M1, "failed")
    tree.entry(V2024, M2, "failed")
    plan = service.plan(CleanRequest(failed=True))
    write(entry / "model.hlo_module.pb.lock", b"", time.time())  # after the token check
    result = CacheCleaner().run(plan)
    assert [item.id for item in result.failed] == [plan.items[0].id]
    assert "changed" in result.failed[0].to_dict("en")["message"]
    assert present(tree) == {M1}


def test_a_lock_appearing_during_the_rename_puts_the_entry_back(
    tree: CacheTree, service: CompileCacheService, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree.entry(V2024, M1, "failed")
    plan = service.plan(CleanRequest(failed=True))
    real_rename = os.rename
    calls: list[str] = []

    def racing_rename(
        src: Any, dst: Any, *, src_dir_fd: Any = None, dst_dir_fd: Any = None
    ) -> None:
        if not calls:  # the compile grabs its lock at the very last instant
            fd = os.open(src, os.O_RDONLY | os.O_DIRECTORY, dir_fd=src_dir_fd)
            try:
                os.close(os.open("model.hlo_module.pb.lock", os.O_CREAT | os.O_WRONLY, dir_fd=fd))
            finally:
                os.close(fd)
        calls.append(str(src))
        real_rename(src, dst, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd)

    monkeypatch.setattr(actions.os, "rename", racing_rename)
    result = service.clean(CleanRequest(failed=True), plan.token)
    assert result.removed == [] and len(result.failed) == 1
    assert len(calls) == 2  # into the trash and back
    assert sorted(os.listdir(tree.root / V2024 / M1)) == [
        "model.hlo_module.pb",
        "model.hlo_module.pb.lock",
        "model.log",
    ]


def test_a_crash_after_the_rename_leaves_a_whole_entry_in_the_trash(
    tree: CacheTree, service: CompileCacheService, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree.entry(V2024, M1, "failed")
    tree.entry(V2024, M2, "success")
    request = CleanRequest(failed=True)
    plan = service.plan(request)

    def crash(dir_fd: int, name: str) -> None:
        raise OSError(5, "simulated crash")

    monkeypatch.setattr(safe_fs, "remove_tree_at", crash)
    result = service.clean(request, plan.token)
    assert result.failed  # reported, and the entry is not at its place any more
    assert present(tree) == {M2}
    trash = tree.root / ".jupyterlab-neuron-trash"
    (leftover,) = trash.iterdir()
    assert sorted(os.listdir(leftover)) == ["model.hlo_module.pb", "model.log"]  # whole
    monkeypatch.undo()
    # The next run (a minute later for our own leftovers) removes it.
    later = CacheCleaner(clock=lambda: time.time() + 120)
    assert later.clean_leftovers(service.discover().roots) == 1
    assert list(trash.iterdir()) == []


def test_leftovers_of_live_processes_are_kept(
    tree: CacheTree, service: CompileCacheService
) -> None:
    trash = tree.root / ".jupyterlab-neuron-trash"
    live = trash / f"{time.time_ns()}-1-abcd-{M1}"  # pid 1 is alive
    dead = trash / f"{time.time_ns()}-999999999-abcd-{M2}"
    old = trash / f"{time.time_ns() - 2 * 3600 * 10**9}-1-abcd-{M3}"
    for folder in (live, dead, old):
        write(folder / "model.neff", b"n")
    assert CacheCleaner().clean_leftovers(service.discover().roots) == 2
    assert [path.name for path in trash.iterdir()] == [live.name]


def test_a_trash_folder_that_is_a_link_is_refused(
    tree: CacheTree, service: CompileCacheService, outside: Path
) -> None:
    tree.entry(V2024, M1, "failed")
    os.symlink(outside, tree.root / ".jupyterlab-neuron-trash")
    done = clean_as_planned(service, CleanRequest(failed=True))
    assert done["removed"] == [] and len(done["failed"]) == 1
    assert present(tree) == {M1}
    assert sorted(os.listdir(outside)) == ["model.done", "model.neff", "precious.bin"]


def test_concurrent_cleaners_remove_each_entry_once(
    tree: CacheTree, service: CompileCacheService
) -> None:
    modules = [f"MODULE_{index:020x}+d41d8cd9" for index in range(40)]
    for module in modules:
        tree.entry(V2024, module, "failed", size=10)
    plan = service.plan(CleanRequest(failed=True))
    results: list[Any] = []
    barrier = threading.Barrier(2)

    def clean() -> None:
        barrier.wait()
        results.append(CacheCleaner().run(plan))

    threads = [threading.Thread(target=clean) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    first, second = results
    assert not first.failed and not second.failed
    assert set(first.removed).isdisjoint(second.removed)
    assert set(first.removed) | set(second.removed) == {item.id for item in plan.items}
    assert sorted(first.missing + second.missing) == sorted(first.removed + second.removed)
    assert first.bytes_freed + second.bytes_freed == plan.bytes
    assert present(tree) == set()


def test_concurrent_services_never_remove_twice(
    tree: CacheTree, probe: StaticCompilerProbe
) -> None:
    for index in range(20):
        tree.entry(V2024, f"MODULE_{index:020x}+d41d8cd9", "failed", size=10)
    # Two processes' worth of services (say the server and the CLI).
    services = [make_service(tree, probe), make_service(tree, probe)]
    request = CleanRequest(failed=True)
    plans = [service.plan(request) for service in services]
    assert plans[0].token == plans[1].token
    outcomes: list[Any] = []
    barrier = threading.Barrier(2)

    def clean(service: CompileCacheService, token: str) -> None:
        barrier.wait()
        try:
            outcomes.append(service.clean(request, token))
        except CacheConflictError as error:
            outcomes.append(error)

    threads = [
        threading.Thread(target=clean, args=(service, plan.token))
        for service, plan in zip(services, plans, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    removed = [
        i for outcome in outcomes if not isinstance(outcome, Exception) for i in outcome.removed
    ]
    assert len(removed) == len(set(removed)) == 20
    assert present(tree) == set()


def test_each_removal_is_logged(
    tree: CacheTree, service: CompileCacheService, caplog: pytest.LogCaptureFixture
) -> None:
    tree.entry(V2024, M1, "failed")
    with caplog.at_level(logging.INFO, logger="jupyterlab_neuron.cache"):
        clean_as_planned(service, CleanRequest(failed=True))
    messages = [record.getMessage() for record in caplog.records]
    assert any("removed entry" in message and M1 in message for message in messages)
    assert any("removed 1 item(s)" in message for message in messages)


def test_request_from_json_validates() -> None:
    assert CleanRequest.from_json({"failed": True, "dry_run": True}).failed
    for bad in (
        [],
        {"failed": "yes"},
        {"entries": "abc"},
        {"entries": [1]},
        {"max_bytes": -1},
        {"max_bytes": True},
        {"delete_everything": True},
    ):
        with pytest.raises(BadRequestError):
            CleanRequest.from_json(bad)


def test_plan_token_depends_on_the_request_and_the_items(
    tree: CacheTree, service: CompileCacheService
) -> None:
    tree.entry(V2024, M1, "failed")
    a = service.plan(CleanRequest(failed=True))
    b = service.plan(CleanRequest(failed=True))
    c = service.plan(CleanRequest(failed=True, stale_locks=True))
    assert a.token == b.token != c.token
