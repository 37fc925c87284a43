"""The entry list (filter, sort, page) and the simulated cache generator."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jupyterlab_neuron.cache.errors import BadRequestError
from jupyterlab_neuron.cache.listing import EntryIndex, EntryQuery
from jupyterlab_neuron.cache.processes import StaticCompilerProbe
from jupyterlab_neuron.cache.roots import describe_root
from jupyterlab_neuron.cache.scanner import CacheSnapshot, CompileCacheScanner
from jupyterlab_neuron.simulator.cache_tree import (
    RELEASES,
    generate_cache_tree,
    pick_releases,
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CacheSnapshot]:
    root = tmp_path_factory.mktemp("generated") / "cache"
    generate_cache_tree(str(root), 300, seed=7, failed_ratio=0.1, locked=3, empty_ratio=0.05)
    scanner = CompileCacheScanner(compiler_probe=StaticCompilerProbe())
    return root, scanner.scan([describe_root(str(root), ["cli"])])


def test_generated_tree_matches_what_the_scanner_reads(
    generated: tuple[Path, CacheSnapshot],
) -> None:
    _root, snapshot = generated
    counts = snapshot.totals()["counts"]
    assert counts == {
        "success": 300 - 30 - 15 - 3,
        "failed": 30,
        "compiling": 0,
        "stale_lock": 3,
        "empty": 15,
        "link": 0,
    }
    summary = snapshot.roots[0]
    assert summary.root.simulated
    assert [version.naming for version in summary.versions] == ["2024", "2023", "2022"]
    assert [version.entries for version in summary.versions] == [172, 86, 42]
    assert summary.bytes > 1_000_000_000  # realistic apparent sizes...
    assert summary.disk_bytes < 20_000_000  # ...taking (almost) no disk: sparse files


def test_generator_is_deterministic(tmp_path: Path) -> None:
    def tree(folder: Path, seed: int) -> list[tuple[str, int]]:
        generate_cache_tree(str(folder), 40, seed=seed, now=1_700_000_000)
        return sorted(
            (
                os.path.relpath(os.path.join(path, name), folder),
                os.lstat(os.path.join(path, name)).st_size,
            )
            for path, _dirs, files in os.walk(folder)
            for name in files
        )

    first = tree(tmp_path / "a", 1)
    assert first == tree(tmp_path / "b", 1)
    assert first != tree(tmp_path / "c", 2)


def test_generator_small_sizes_and_bad_arguments(tmp_path: Path) -> None:
    result = generate_cache_tree(str(tmp_path / "small"), 10, sizes="small", seed=1)
    assert result.entries == 10 and result.apparent_bytes < 10 * 200_000
    with pytest.raises(ValueError):
        generate_cache_tree(str(tmp_path / "x"), 5, failed_ratio=2)
    with pytest.raises(ValueError):
        generate_cache_tree(str(tmp_path / "x"), 5, sizes="huge")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        pick_releases(0)


def test_release_picking_covers_generations() -> None:
    assert [r.naming for r in pick_releases(3)] == ["2024", "2023", "2022"]
    assert len(pick_releases(5)) == 5
    assert len(pick_releases(99)) == len(RELEASES)


def test_filters_sort_and_pages(generated: tuple[Path, CacheSnapshot]) -> None:
    _root, snapshot = generated
    index = EntryIndex(snapshot)
    total, page = index.query(EntryQuery(states=("failed",), sort="bytes", order="desc", limit=10))
    assert total == 30 and len(page) == 10
    assert [entry.bytes for entry in page] == sorted((entry.bytes for entry in page), reverse=True)
    assert all(entry.state == "failed" for entry in page)
    # Pages do not overlap and cover everything.
    seen: list[str] = []
    for offset in range(0, 300, 64):
        seen.extend(entry.id for entry in index.query(EntryQuery(offset=offset, limit=64))[1])
    assert len(seen) == len(set(seen)) == 300
    newest_version = snapshot.roots[0].versions[0]
    total, _ = index.query(EntryQuery(versions=(newest_version.id,)))
    assert total == newest_version.entries
    total_by_name, _ = index.query(EntryQuery(versions=(newest_version.name,)))
    assert total_by_name == total
    some = snapshot.entries[5]
    assert index.query(EntryQuery(text=some.module[7:20].upper()))[1][0] is some
    ascending = index.query(EntryQuery(sort="last_used", order="asc", limit=300))[1]
    assert [e.last_used for e in ascending] == sorted(e.last_used for e in snapshot.entries)


def test_query_parameters_are_validated() -> None:
    query = EntryQuery.from_params(
        {"state": ["failed,empty"], "sort": ["bytes"], "limit": ["5"], "in_use": ["0"]}
    )
    assert query.states == ("failed", "empty") and query.limit == 5 and query.in_use is False
    for bad in (
        {"state": ["poisoned"]},
        {"sort": ["size"]},
        {"limit": ["0"]},
        {"limit": ["x"]},
        {"order": ["up"]},
        {"in_use": ["maybe"]},
    ):
        with pytest.raises(BadRequestError):
            EntryQuery.from_params(bad)
