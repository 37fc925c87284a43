"""The lease store: aligned disjoint ranges, stale leases, restarts, concurrency."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from jupyterlab_neuron.cores.core import (
    Machine,
    busy_outside_leases,
    refusal_message,
    resolve_count,
    status,
)
from jupyterlab_neuron.cores.store import LeaseStore, NoFreeRange


@pytest.fixture
def store(tmp_path: Path) -> LeaseStore:
    return LeaseStore(tmp_path / "cores.json")


def test_aligned_disjoint_ranges_then_refusal_names_holders(store: LeaseStore) -> None:
    got = [store.acquire(f"k{i}", "trn1.32xlarge", 8, notebook=f"n{i}.ipynb") for i in range(4)]
    assert [lease.visible_cores for lease in got] == ["0-7", "8-15", "16-23", "24-31"]
    with pytest.raises(NoFreeRange) as refused:
        store.acquire("k5", "trn1.32xlarge", 8)
    assert [lease.kernel_id for lease in refused.value.holders] == ["k0", "k1", "k2", "k3"]
    english = refusal_message(refused.value, "en")
    japanese = refusal_message(refused.value, "ja")
    assert "n2.ipynb" in english and "16-23" in english and str(os.getpid()) not in english
    assert "n2.ipynb" in japanese and "カーネルを起動しませんでした" in japanese


def test_same_kernel_keeps_its_lease_and_release_frees_it(store: LeaseStore) -> None:
    first = store.acquire("a", "trn1.32xlarge", 8)
    store.set_pid("a", None)  # restarting
    again = store.acquire("a", "trn1.32xlarge", 8)
    assert again.cores == first.cores and len(store.leases()) == 1
    assert store.release("a") is True
    assert store.leases() == [] and store.release("a") is False


def test_busy_outside_cores_are_never_leased(store: LeaseStore) -> None:
    lease = store.acquire("a", "trn1.32xlarge", 8, busy_outside=[3])
    assert lease.visible_cores == "8-15"
    with pytest.raises(NoFreeRange) as refused:
        store.acquire("b", "trn1.32xlarge", 32, busy_outside=[3])
    assert "by processes outside Jupyter" in refusal_message(refused.value, "en")


def test_dead_kernel_pid_frees_the_lease_after_the_grace(
    store: LeaseStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    store.acquire("dead", "trn1.32xlarge", 32)
    store.set_pid("dead", child.pid)
    child.kill()
    child.wait()
    # The server that owns the lease still runs: kept for the grace period.
    assert [lease.kernel_id for lease in store.leases()] == ["dead"]
    clock = time.time() + store.grace + 0.1
    monkeypatch.setattr(time, "time", lambda: clock)
    assert store.leases() == []
    assert store.acquire("next", "trn1.32xlarge", 32).visible_cores == "0-31"


def test_dead_kernel_and_owner_free_the_lease_at_once(store: LeaseStore) -> None:
    owner = subprocess.Popen([sys.executable, "-c", "pass"])
    owner.wait()
    store.acquire("dead", "trn1.32xlarge", 32, owner_pid=owner.pid)
    assert store.leases() == []


def test_reused_pid_is_not_the_holder(store: LeaseStore) -> None:
    store.acquire("a", "trn1.32xlarge", 8)
    data = json.loads(store.path.read_text())
    data["leases"][0]["pid"] = os.getpid()
    data["leases"][0]["pid_started"] = 1.0  # another process that had this pid long ago
    data["leases"][0]["owner_started"] = 1.0  # and so had the owner's
    store.path.write_text(json.dumps(data))
    assert store.leases() == []


def test_damaged_file_is_an_empty_store(store: LeaseStore) -> None:
    store.path.write_text("{not json")
    assert store.leases() == []
    assert store.acquire("a", "trn1.2xlarge", 1).visible_cores == "0"


def test_auto_picks_largest_documented_count_that_fits() -> None:
    assert resolve_count("auto", "trn1.32xlarge") == 32
    assert resolve_count("auto", "trn1.32xlarge", range(8, 32)) == 8
    assert resolve_count("auto", "trn2.48xlarge") == 64
    assert resolve_count("4", "trn1.32xlarge") == 4
    with pytest.raises(ValueError):
        resolve_count("many", "trn1.32xlarge")
    with pytest.raises(ValueError):
        resolve_count(0, "trn1.32xlarge")


def test_status_shape(store: LeaseStore) -> None:
    store.acquire("a", "trn1.32xlarge", 8, notebook="x.ipynb")
    body = status(Machine("trn1.32xlarge", True), store, [8, 9])
    assert set(body) == {"instance_type", "simulated", "total", "leases", "free", "busy_outside"}
    assert body["leases"] == [
        {
            "kernel_id": "a",
            "pid": None,
            "cores": list(range(8)),
            "visible_cores": "0-7",
            "notebook": "x.ipynb",
        }
    ]
    assert body["free"] == list(range(10, 32)) and body["busy_outside"] == [8, 9]


def test_processes_under_a_leased_kernel_are_not_outside(store: LeaseStore) -> None:
    store.acquire("a", "trn1.32xlarge", 8)
    store.set_pid("a", os.getppid())  # this test process runs under its parent
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    snapshot = {
        "processes": [
            {"pid": os.getpid(), "cores": [0, 1]},  # under the leased kernel
            {"pid": 1, "cores": [20]},  # outside
            {"pid": ended.pid, "cores": [21]},  # ended since the report
            {"pid": 5_000_123, "cores": [22]},  # a simulated runtime
        ]
    }
    assert busy_outside_leases(snapshot, store.leases()) == [20, 22]


def _take(path: str, kernel_id: str, results: multiprocessing.Queue) -> None:
    try:
        # Owned by the test process, as a server owns a starting kernel's lease:
        # the short-lived taker ending must not free it.
        lease = LeaseStore(path).acquire(kernel_id, "trn1.32xlarge", 2, owner_pid=os.getppid())
        results.put((kernel_id, lease.first, lease.last))
    except NoFreeRange:
        results.put((kernel_id, None, None))


def _check_disjoint(ranges: list[tuple[int, int]]) -> None:
    taken: set[int] = set()
    for first, last in ranges:
        cores = set(range(first, last + 1))
        assert not cores & taken, f"overlap at {sorted(cores & taken)}"
        assert first % (last - first + 1) == 0
        taken |= cores


def test_twenty_processes_at_once_never_overlap(store: LeaseStore) -> None:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [
        context.Process(target=_take, args=(str(store.path), f"p{i}", results)) for i in range(20)
    ]
    for process in processes:
        process.start()
    got = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    granted = [(first, last) for _, first, last in got if first is not None]
    assert len(granted) == 16 and len(got) == 20  # 32 cores, 2 each
    _check_disjoint(granted)


def test_twenty_threads_at_once_never_overlap(store: LeaseStore) -> None:
    granted: list[tuple[int, int]] = []
    refused: list[str] = []
    barrier = threading.Barrier(20)

    def take(i: int) -> None:
        barrier.wait()
        try:
            lease = LeaseStore(store.path).acquire(f"t{i}", "trn1.32xlarge", 1 if i % 2 else 4)
            granted.append((lease.first, lease.last))
        except NoFreeRange:
            refused.append(f"t{i}")

    threads = [threading.Thread(target=take, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(granted) + len(refused) == 20
    _check_disjoint(granted)
    assert len(store.leases()) == len(granted)
