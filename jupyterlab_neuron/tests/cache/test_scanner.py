"""The scanner: states, naming generations, sizes, links, totals, re-scans, details."""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path

import pytest

from jupyterlab_neuron.cache.processes import (
    PsutilCompilerProbe,
    StaticCompilerProbe,
    compiler_name,
)
from jupyterlab_neuron.cache.scanner import (
    CompileCacheScanner,
    LoadedModels,
    entry_details,
    naming_of,
    parse_compile_flags,
    version_sort_key,
)

from .builders import (
    INNER,
    M22,
    M23,
    M24,
    M24B,
    OLD,
    V2022,
    V2023,
    V2024,
    CacheTree,
    running,
    scan,
    write,
)


def by_module(snapshot: object) -> dict[str, object]:
    return {entry.module: entry for entry in snapshot.entries}  # type: ignore[attr-defined]


def test_every_state_and_naming_generation(tree: CacheTree, scanner: CompileCacheScanner) -> None:
    tree.entry(V2024, M24, "success", flags=["--model-type=transformer"])
    tree.entry(V2024, M24B, "failed")
    tree.entry(V2024, "MODULE_aaaaaaaaaaaaaaaaaaaa+d41d8cd9", "locked")
    tree.entry(V2024, "MODULE_bbbbbbbbbbbbbbbbbbbb+d41d8cd9", "empty")
    tree.entry(V2023, M23, "success")
    tree.entry(V2022, M22, "failed", inner=INNER)
    tree.entry(V2022, "MODULE_77", "success", inner="MODULE_0_SyncTensorsGraph.1_77_host-x")
    entries = by_module(scan(scanner, tree))
    assert {module: entry.state for module, entry in entries.items()} == {
        M24: "success",
        M24B: "failed",
        "MODULE_aaaaaaaaaaaaaaaaaaaa+d41d8cd9": "stale_lock",
        "MODULE_bbbbbbbbbbbbbbbbbbbb+d41d8cd9": "empty",
        M23: "success",
        M22: "failed",
        "MODULE_77": "success",
    }
    assert entries[M24].naming == "2024"
    assert entries[M23].naming == "2023"
    assert entries[M22].naming == entries["MODULE_77"].naming == "2022"
    assert entries[M24].has_flags and not entries[M23].has_flags
    assert entries[M22].has_log


def test_state_order_follows_the_reference(
    tree: CacheTree, scanner: CompileCacheScanner, probe: StaticCompilerProbe
) -> None:
    # neff + done wins over a leftover lock; a log without neff wins over a lock.
    done = tree.entry(V2024, M24, "success")
    write(done / "model.hlo_module.pb.lock")
    failed = tree.entry(V2024, M24B, "failed")
    write(failed / "model.hlo_module.pb.lock")
    # a neff without done is not a success: nothing else decides, so it is empty
    half = tree.entry(V2024, "MODULE_cccccccccccccccccccc+d41d8cd9", "empty")
    write(half / "model.neff", b"n")
    entries = by_module(scan(scanner, tree))
    assert entries[M24].state == "success"
    assert entries[M24B].state == "failed"
    assert entries["MODULE_cccccccccccccccccccc+d41d8cd9"].state == "empty"
    # Still, while a compiler runs, a locked entry is protected whatever its state.
    running(probe)
    entries = by_module(scan(scanner, tree))
    assert entries[M24B].state == "failed" and entries[M24B].protected == "compiling"
    assert entries[M24].protected == "compiling"


def test_compiling_versus_stale_lock(
    tree: CacheTree, scanner: CompileCacheScanner, probe: StaticCompilerProbe
) -> None:
    tree.entry(V2024, M24, "locked", lock_when=OLD)
    tree.entry(V2024, M24B, "locked", lock_when=time.time() - 5)  # a compile just started
    entries = by_module(scan(scanner, tree))
    assert entries[M24].state == "stale_lock" and entries[M24].protected is None
    assert entries[M24].lock_age_seconds == pytest.approx(time.time() - OLD, abs=60)
    assert entries[M24B].state == "compiling" and entries[M24B].protected == "compiling"
    running(probe)
    snapshot = scan(scanner, tree)
    assert by_module(snapshot)[M24].state == "compiling"
    assert snapshot.to_dict("en")["compiler_running"] is True
    assert snapshot.to_dict("en")["compilers"][0]["name"] == "neuronx-cc"


def test_sizes_count_regular_files_only_and_links_are_never_followed(
    tree: CacheTree, scanner: CompileCacheScanner, outside: Path
) -> None:
    entry = tree.entry(V2024, M24, "success", size=100)  # graph 100 + neff 200 + done 0
    os.symlink(outside / "precious.bin", entry / "extra.bin")
    os.symlink(outside, entry / "subfolder-link")
    # An entry folder that is itself a link to a folder outside the root.
    os.symlink(outside, tree.root / V2024 / M24B)
    entries = by_module(scan(scanner, tree))
    assert entries[M24].bytes == 300
    assert entries[M24].files == 3
    assert entries[M24].links == 2
    linked = entries[M24B]
    assert linked.symlink and linked.bytes == 0 and linked.files == 0
    # Not entered: the neff/done outside do not make it a success.
    assert linked.state == "link"
    detail = entry_details(linked)
    assert detail["contents"] == [] and detail["flags"] is None


def test_a_version_folder_that_is_a_link_is_listed_not_entered(
    tree: CacheTree, scanner: CompileCacheScanner, tmp_path: Path
) -> None:
    elsewhere = CacheTree(tmp_path / "elsewhere")
    elsewhere.entry(V2023, M23, "success")
    os.symlink(elsewhere.root / V2023, tree.root / V2023)
    tree.entry(V2024, M24, "success")
    snapshot = scan(scanner, tree)
    versions = {version.name: version for version in snapshot.roots[0].versions}
    assert versions[V2023].symlink and versions[V2023].entries == 0
    assert [entry.module for entry in snapshot.entries] == [M24]


def test_totals_per_root_version_and_state(tree: CacheTree, scanner: CompileCacheScanner) -> None:
    tree.entry(V2024, M24, "success", size=10)
    tree.entry(V2024, M24B, "failed", size=20, log="x" * 7)
    tree.entry(V2023, M23, "empty", size=30)
    write(tree.root / V2023 / "notes.txt", b"12345")
    write(tree.root / "README", b"left alone")
    snapshot = scan(scanner, tree)
    summary = snapshot.roots[0]
    data = summary.to_dict("en")
    assert data["entries"] == 3
    assert data["total_bytes"] == 10 + 20 + 0 + 20 + 7 + 30 + 5
    assert data["counts"] == {
        "success": 1,
        "failed": 1,
        "compiling": 0,
        "stale_lock": 0,
        "empty": 1,
        "link": 0,
    }
    assert data["free_bytes"] > 0 and data["fs_total_bytes"] >= data["free_bytes"]
    assert data["other_names"] == ["README"]
    versions = {version["name"]: version for version in data["versions"]}
    assert [version["name"] for version in data["versions"]] == [V2024, V2023]  # newest first
    assert versions[V2024]["newest"] and not versions[V2023]["newest"]
    assert versions[V2024]["bytes"] == 57 and versions[V2024]["entries"] == 2
    assert versions[V2023]["other_files"] == 1 and versions[V2023]["other_bytes"] == 5
    assert snapshot.totals()["counts"]["failed"] == 1


def test_times_created_and_last_used(tree: CacheTree, scanner: CompileCacheScanner) -> None:
    entry = tree.entry(V2024, M24, "success", when=OLD)
    used = OLD + 3600
    os.utime(entry / "model.neff", (used, OLD))
    found = by_module(scan(scanner, tree))[M24]
    assert found.created == pytest.approx(OLD, abs=1)
    assert found.last_used == pytest.approx(used, abs=1)


def test_in_use_from_loaded_model_paths(tree: CacheTree, scanner: CompileCacheScanner) -> None:
    tree.entry(V2024, M24, "success")
    tree.entry(V2024, M24B, "success")
    tree.entry(V2023, M23, "success")
    loaded = [
        f"{tree.root}/{V2024}/{M24}/model.neff",
        f"/mnt/same-cache-through-another-path/{V2023}/{M23}/model.neff",
        "/tmp/tmpabc123/model.neff",
    ]
    snapshot = scan(scanner, tree, loaded_model_paths=loaded)
    entries = by_module(snapshot)
    assert entries[M24].in_use and entries[M24].protected == "in_use"
    assert entries[M23].in_use
    assert not entries[M24B].in_use
    assert snapshot.roots[0].in_use == 2
    assert snapshot.monitor_available
    assert not scan(scanner, tree).monitor_available


def test_loaded_models_prefer_the_named_root() -> None:
    loaded = LoadedModels([f"/a/{V2024}/{M24}/model.neff"])
    assert loaded.in_use("/a", V2024, M24, {"/a", "/b"})
    assert not loaded.in_use("/b", V2024, M24, {"/a", "/b"})


def test_rescan_reuses_unchanged_entries_and_sees_changes(
    tree: CacheTree, scanner: CompileCacheScanner
) -> None:
    tree.entry(V2024, M24, "success")
    failed = tree.entry(V2024, M24B, "failed")
    first = scan(scanner, tree)
    second = scan(scanner, tree)
    assert second.revision == first.revision
    assert all(a is b for a, b in zip(first.entries, second.entries, strict=True))
    # A compile retries the failed entry: a lock appears (only the entry folder changes).
    write(failed / "model.hlo_module.pb.lock", b"", time.time())
    third = scan(scanner, tree)
    assert third.revision != second.revision
    assert by_module(third)[M24B].locked
    # A new entry in the version folder.
    tree.entry(V2024, "MODULE_dddddddddddddddddddd+d41d8cd9", "empty")
    fourth = scan(scanner, tree)
    assert len(fourth.entries) == 3
    # Removed by hand.
    for path in sorted((tree.root / V2024 / M24).iterdir()):
        path.unlink()
    (tree.root / V2024 / M24).rmdir()
    assert M24 not in by_module(scan(scanner, tree))


def test_fresh_scan_sees_in_place_growth_of_an_unchanged_folder(
    tree: CacheTree, scanner: CompileCacheScanner
) -> None:
    entry = tree.entry(V2024, M24, "failed", log="short\n")
    before = by_module(scan(scanner, tree))[M24].bytes
    mtime = os.stat(entry).st_mtime_ns
    appended = "a much longer line appended in place\n" * 10
    with open(entry / "model.log", "a") as log:
        log.write(appended)
    os.utime(entry, ns=(mtime, mtime))  # the folder itself looks unchanged
    # Actions always plan from a fresh scan, which reads every entry again.
    assert by_module(scan(scanner, tree, fresh=True))[M24].bytes == before + len(appended)


def test_recheck_interval_rereads_finished_entries(
    tree: CacheTree, probe: StaticCompilerProbe
) -> None:
    now = [time.time()]
    scanner = CompileCacheScanner(compiler_probe=probe, clock=lambda: now[0], recheck_seconds=60)
    entry = tree.entry(V2024, M24, "success")
    first = by_module(scan(scanner, tree))[M24]
    os.utime(entry / "model.neff", (OLD + 999, OLD))  # read by the runtime: atime moves
    assert by_module(scan(scanner, tree))[M24] is first
    now[0] += 61
    assert by_module(scan(scanner, tree))[M24].last_used == pytest.approx(OLD + 999, abs=1)


def test_unreadable_entry_is_reported_not_fatal(
    tree: CacheTree, scanner: CompileCacheScanner
) -> None:
    tree.entry(V2024, M24, "success")
    write(tree.root / V2024 / "MODULE_strayfile", b"not a folder")
    snapshot = scan(scanner, tree)
    assert [entry.module for entry in snapshot.entries] == [M24]
    assert snapshot.roots[0].versions[0].other_files == 1


def test_entry_details_flags_log_tail_and_files(
    tree: CacheTree, scanner: CompileCacheScanner, outside: Path
) -> None:
    log = "".join(f"line {n}\n" for n in range(500))
    entry = tree.entry(V2024, M24, "failed", flags=["--model-type=transformer", "-O1"], log=log)
    os.symlink(outside / "precious.bin", entry / "compile_flags.json.bak")
    found = by_module(scan(scanner, tree))[M24]
    detail = entry_details(found, log_tail_lines=20)
    assert detail["flags"] == ["--model-type=transformer", "-O1"]
    assert detail["log_tail"].splitlines() == [f"line {n}" for n in range(480, 500)]
    assert detail["log_truncated"] is True
    kinds = {item["path"]: item["kind"] for item in detail["contents"]}
    assert kinds["compile_flags.json.bak"] == "symlink"
    assert kinds["model.log"] == "file"


def test_entry_details_never_read_a_linked_log(
    tree: CacheTree, scanner: CompileCacheScanner, outside: Path
) -> None:
    entry = tree.entry(V2024, M24, "empty")
    os.symlink(outside / "precious.bin", entry / "model.log")
    os.symlink(outside / "precious.bin", entry / "compile_flags.json")
    found = by_module(scan(scanner, tree))[M24]
    assert not found.has_log  # a link is not a regular file of the entry
    detail = entry_details(found)
    assert detail["log_tail"] is None and detail["flags"] is None


def test_entry_details_of_the_2022_layout_read_the_inner_folder(
    tree: CacheTree, scanner: CompileCacheScanner
) -> None:
    tree.entry(V2022, M22, "failed", inner=INNER, log="boom\n")
    detail = entry_details(by_module(scan(scanner, tree))[M22])
    assert detail["log_tail"] == "boom"
    assert any(item["path"] == f"{INNER}/model.log" for item in detail["contents"])


def test_parse_compile_flags_variants() -> None:
    assert parse_compile_flags(b'["--a", "--b"]') == ["--a", "--b"]
    assert parse_compile_flags(b'"--a --b"') == "--a --b"
    assert parse_compile_flags(b"--a --b") == "--a --b"
    assert parse_compile_flags(b"") is None


def test_naming_and_version_order() -> None:
    assert naming_of(V2024, M24) == "2024"
    assert naming_of(V2023, M23) == "2023"
    assert naming_of(V2022, M22) == "2022"
    assert naming_of(V2024, "MODULE_whatever") == "unknown"
    ordered = sorted([V2024, V2022, "neuronxcc-2.14.227.0+2d4f85be", V2023], key=version_sort_key)
    assert ordered == [V2022, V2023, "neuronxcc-2.14.227.0+2d4f85be", V2024]


def test_compiler_name_knows_the_script_and_the_module_forms() -> None:
    assert compiler_name(["neuronx-cc", "compile", "model.hlo"]) == "neuronx-cc"
    assert compiler_name(["/opt/aws/neuron/bin/neuron-cc", "compile"]) == "neuron-cc"
    assert (
        compiler_name(["/usr/bin/python3", "/opt/venv/bin/neuronx-cc", "compile"]) == "neuronx-cc"
    )
    assert compiler_name(["python3.11", "-u", "-X", "utf8", "/v/bin/neuronx-cc"]) == "neuronx-cc"
    module = ["/v/bin/python", "-m", "neuronxcc.driver.CommandDriver", "compile", "m.hlo"]
    assert compiler_name(module) == "neuronx-cc"
    assert compiler_name(["python", "-mneuronxcc.driver.CommandDriver"]) == "neuronx-cc"
    assert compiler_name(["python", "-O", "-m", "neuroncc.driver"]) == "neuron-cc"
    assert compiler_name(["python3", "train.py", "--neuronx-cc"]) is None
    assert compiler_name(["python3", "-m", "torch.distributed.run", "neuronx-cc"]) is None
    assert compiler_name(["python3", "-c", "import neuronxcc", "neuronx-cc"]) is None
    assert compiler_name(["vim", "neuronx-cc"]) is None
    assert compiler_name(["python3", "-m"]) is None
    assert compiler_name([]) is None


def test_compiler_probe_lists_compilers_in_pid_order() -> None:
    table = [
        (101, ["/opt/aws/neuron/bin/neuron-cc", "compile"]),
        (100, ["/usr/bin/python3", "/opt/venv/bin/neuronx-cc", "compile", "model.hlo"]),
        (102, ["python3", "train.py", "--neuronx-cc"]),
        (103, ["python3", "-m", "neuronxcc.driver.CommandDriver", "compile", "x" * 300]),
    ]
    found = PsutilCompilerProbe(lambda: iter(table)).running_compilers()
    assert [(process.pid, process.name) for process in found] == [
        (100, "neuronx-cc"),
        (101, "neuron-cc"),
        (103, "neuronx-cc"),
    ]
    assert len(found[2].command) == 200

    def unreadable() -> list[tuple[int, list[str]]]:
        raise PermissionError("process table hidden")

    assert PsutilCompilerProbe(unreadable).running_compilers() == []


def _wait_for_compiler(pid: int) -> list[int]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        pids = [process.pid for process in PsutilCompilerProbe().running_compilers()]
        if pid in pids:
            break
        time.sleep(0.05)
    return pids


def test_real_probe_finds_a_running_compiler_script(tmp_path: Path) -> None:
    import subprocess
    import sys

    fake = tmp_path / "neuronx-cc"
    fake.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(30)\n")
    fake.chmod(0o755)
    child = subprocess.Popen([str(fake)])
    try:
        assert child.pid in _wait_for_compiler(child.pid)
    finally:
        child.kill()
        child.wait()


def test_real_probe_finds_a_compiler_started_as_a_module(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    driver = tmp_path / "neuronxcc" / "driver"
    driver.mkdir(parents=True)
    (tmp_path / "neuronxcc" / "__init__.py").write_text("")
    (driver / "__init__.py").write_text("")
    (driver / "CommandDriver.py").write_text("import time\ntime.sleep(30)\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    child = subprocess.Popen(
        [sys.executable, "-m", "neuronxcc.driver.CommandDriver", "compile", "model.hlo"], env=env
    )
    try:
        assert child.pid in _wait_for_compiler(child.pid)
    finally:
        child.kill()
        child.wait()


def test_unscannable_roots_are_summarized(
    tmp_path: Path, scanner: CompileCacheScanner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyterlab_neuron.cache import s3_store
    from jupyterlab_neuron.cache.roots import describe_root

    monkeypatch.setattr(s3_store, "boto3_available", lambda: False)  # S3 roots need boto3

    missing = describe_root(str(tmp_path / "nope"), ["settings"])
    remote = describe_root("s3://bucket/prefix", ["NEURON_COMPILE_CACHE_URL"])
    snapshot = scanner.scan([missing, remote])
    assert [summary.scanned for summary in snapshot.roots] == [False, False]
    data = snapshot.to_dict("ja")
    assert data["roots"][0]["state"] == "missing" and data["roots"][1]["state"] == "remote"
    assert "S3" in data["roots"][1]["message"]


def test_static_probe_default_is_empty() -> None:
    assert StaticCompilerProbe().running_compilers() == []


def test_a_scan_leaves_the_garbage_collector_of_the_process_on(tree: CacheTree) -> None:
    # The server scans in a worker thread: the rest of the process keeps collecting.
    seen: list[bool] = []

    class WatchingProbe(StaticCompilerProbe):
        def running_compilers(self) -> list:  # type: ignore[type-arg]
            seen.append(gc.isenabled())
            return super().running_compilers()

    tree.entry(V2024, M24, "success")
    assert gc.isenabled()
    scan(CompileCacheScanner(compiler_probe=WatchingProbe()), tree)
    assert seen == [True]
