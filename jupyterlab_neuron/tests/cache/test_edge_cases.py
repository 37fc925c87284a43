"""Odd things in a compile cache: lock names that are not files, links where entry
folders belong, hard links in entries."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jupyterlab_neuron.cache.actions import CleanRequest
from jupyterlab_neuron.cache.listing import EntryQuery
from jupyterlab_neuron.cache.processes import StaticCompilerProbe
from jupyterlab_neuron.cache.service import CompileCacheService

from .builders import M1, M2, M3, OLD, V2024, CacheTree, write
from .conftest import clean_as_planned, ids, make_service, present


@pytest.fixture
def service(tree: CacheTree, probe: StaticCompilerProbe) -> CompileCacheService:
    return make_service(tree, probe)


def test_an_entry_holding_a_lock_folder_or_link_can_be_removed(
    tree: CacheTree, probe: StaticCompilerProbe, outside: Path
) -> None:
    service = make_service(tree, probe)  # locks of last week: stale
    folder_lock = tree.entry(V2024, M1, "failed")
    (folder_lock / "model.hlo_module.pb.lock").mkdir()
    link_lock = tree.entry(V2024, M2, "failed")
    os.symlink(outside / "precious.bin", link_lock / "model.hlo_module.pb.lock")
    snapshot = service.snapshot(refresh=True)
    # Like the scanner: only a regular file is a lock.
    assert {entry.module: entry.locked for entry in snapshot.entries} == {M1: False, M2: False}
    done = clean_as_planned(service, CleanRequest(failed=True))
    assert done["failed"] == []
    assert sorted(done["removed"]) == sorted(ids_of(snapshot, M1, M2))
    assert present(tree) == set()


def ids_of(snapshot: object, *modules: str) -> list[str]:
    by_module = {entry.module: entry.id for entry in snapshot.entries}  # type: ignore[attr-defined]
    return [by_module[module] for module in modules]


def test_a_link_where_an_entry_folder_belongs_is_a_link_not_an_empty_entry(
    tree: CacheTree, service: CompileCacheService, outside: Path
) -> None:
    tree.entry(V2024, M1, "success")
    tree.entry(V2024, M3, "empty")
    os.symlink(outside, tree.root / V2024 / M2)
    snapshot = service.snapshot(refresh=True)
    states = {entry.module: entry.state for entry in snapshot.entries}
    assert states == {M1: "success", M2: "link", M3: "empty"}
    (summary,) = snapshot.roots
    (version,) = summary.versions
    # Never counted as an entry, counted as a link.
    assert version.entries == 2 and summary.entries == 2
    assert version.counts["empty"] == 1 and version.counts["link"] == 1
    assert snapshot.totals()["entries"] == 2
    page = service.list_entries(EntryQuery.from_params({"state": ["link"]}))
    assert [item["module"] for item in page["items"]] == [M2]
    assert page["items"][0]["symlink"] is True
    # Removed as a link only (the outside fixture checks its files are intact).
    (link_id,) = ids(service, M2)
    done = clean_as_planned(service, CleanRequest(entries=(link_id,)))
    assert done["removed"] == [link_id] and done["bytes_freed"] == 0
    assert not os.path.lexists(tree.root / V2024 / M2)
    assert present(tree) == {M1, M3}


def test_links_are_not_pruned_by_a_size_quota_nor_wiped_as_failed(
    tree: CacheTree, service: CompileCacheService, outside: Path
) -> None:
    tree.entry(V2024, M1, "success")
    os.symlink(outside, tree.root / V2024 / M2)
    os.utime(tree.root / V2024 / M2, (OLD - 3600, OLD - 3600), follow_symlinks=False)
    done = clean_as_planned(service, CleanRequest(max_bytes=0))
    assert [item["path"] for item in done["items"]] == [f"{V2024}/{M1}"]
    assert present(tree) == {M2}


def test_entry_details_do_not_read_hard_links(
    tree: CacheTree, service: CompileCacheService, tmp_path: Path
) -> None:
    entry = tree.entry(V2024, M1, "failed", flags=["--model-type=transformer"])
    secret = write(tmp_path / "secret.txt", "password=hunter2\n")
    os.unlink(entry / "model.log")
    os.link(secret, entry / "model.log")
    os.unlink(entry / "compile_flags.json")
    os.link(write(tmp_path / "flags.json", '["--secret"]'), entry / "compile_flags.json")
    (entry_id,) = ids(service, M1)
    detail = service.entry_detail(entry_id)
    assert detail["log_tail"] is None
    assert detail["flags"] is None
    assert "hunter2" not in repr(detail) and "--secret" not in repr(detail)
    kinds = {item["path"]: item["kind"] for item in detail["contents"]}
    assert kinds["model.log"] == "hardlink"


def test_folder_removal_by_descriptors_never_follows_links(tmp_path: Path) -> None:
    # What remove_tree_at does on Python 3.10 (no rmtree(dir_fd=)), on any platform.
    from jupyterlab_neuron.cache import safe_fs

    outside = tmp_path / "outside"
    (outside / "keep").mkdir(parents=True)
    (outside / "keep" / "model.neff").write_bytes(b"neff")
    trash = tmp_path / "trash"
    entry = trash / "MODULE_1+abc"
    (entry / "sub" / "deeper").mkdir(parents=True)
    (entry / "model.neff").write_bytes(b"x")
    (entry / "sub" / "deeper" / "log.txt").write_text("log")
    (entry / "sub" / "link-to-folder").symlink_to(outside / "keep", target_is_directory=True)
    (entry / "link-to-file").symlink_to(outside / "keep" / "model.neff")
    (entry / "dangling").symlink_to(tmp_path / "missing")
    fd = os.open(trash, os.O_RDONLY | os.O_DIRECTORY)
    try:
        safe_fs.remove_folder_by_descriptors(fd, "MODULE_1+abc")
        with pytest.raises(OSError):
            safe_fs.remove_folder_by_descriptors(fd, "no-such-entry")
    finally:
        os.close(fd)
    assert list(trash.iterdir()) == []
    assert (outside / "keep" / "model.neff").read_bytes() == b"neff"
