"""Mapping runtime pids to kernels through the process tree."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyterlab_neuron.monitor.normalizer import normalize_report
from jupyterlab_neuron.monitor.ownership import KernelOwnership, KernelProcess, ProcFileSystem

from .conftest import load_fixture


class FakeTable:
    def __init__(self, parents: dict[int, int], commands: dict[int, str] | None = None) -> None:
        self.parents = parents
        self.commands = commands or {}

    def parent_of(self, pid: int) -> int | None:
        return self.parents.get(pid)

    def command_of(self, pid: int) -> str | None:
        return self.commands.get(pid)


KERNEL = KernelProcess("k-1", 300, "python3", "work/bert.ipynb", "s-1")


def test_kernel_itself_and_any_descendant_belong_to_the_kernel() -> None:
    # 1 -> 200 (jupyter) -> 300 (kernel) -> 400 (sh from "!") -> 500 (torchrun) -> 600 (worker)
    table = FakeTable({600: 500, 500: 400, 400: 300, 300: 200, 200: 1, 1: 0})
    ownership = KernelOwnership(table)
    kernels = {KERNEL.pid: KERNEL}
    owner = ownership.owner_of(600, kernels)
    assert owner is not None
    assert (owner.kernel_id, owner.notebook_path, owner.relation) == (
        "k-1",
        "work/bert.ipynb",
        "descendant",
    )
    assert ownership.owner_of(300, kernels).relation == "kernel"
    assert ownership.owner_of(200, kernels) is None  # the server, above the kernel
    assert ownership.owner_of(12345, kernels) is None  # unknown process


def test_parent_loops_and_deep_chains_end() -> None:
    loop = KernelOwnership(FakeTable({10: 11, 11: 10}))
    assert loop.owner_of(10, {KERNEL.pid: KERNEL}) is None
    deep = KernelOwnership(FakeTable({n: n + 1 for n in range(1000, 2000)}))
    assert deep.owner_of(1000, {1999: KERNEL}) is None  # beyond the depth limit


def test_annotate_sets_owner_and_command() -> None:
    snapshot = normalize_report(load_fixture("inf2_flops.json"))  # runtime pid 1234
    ownership = KernelOwnership(FakeTable({1234: 300, 300: 1}, {1234: "python train.py"}))
    ownership.annotate(snapshot, [KERNEL])
    (process,) = snapshot.processes
    assert process.command == "python train.py"
    assert process.owner is not None
    assert process.to_dict()["kernel"] == {
        "kernel_id": "k-1",
        "kernel_name": "python3",
        "kernel_pid": 300,
        "notebook_path": "work/bert.ipynb",
        "session_id": "s-1",
        "relation": "descendant",
    }
    ownership.annotate(snapshot, [])
    assert process.owner is None


def test_proc_stat_parsing_survives_odd_process_names(tmp_path: Path) -> None:
    (tmp_path / "123").mkdir()
    (tmp_path / "123" / "stat").write_bytes(b"123 (a) b (c) d) S 77 123 123 0 -1 4194560\n")
    (tmp_path / "123" / "cmdline").write_bytes(b"python\0-m\0torch.distributed.run\0")
    (tmp_path / "124").mkdir()
    (tmp_path / "124" / "stat").write_bytes(b"garbage")
    (tmp_path / "124" / "comm").write_bytes(b"kworker\n")
    table = ProcFileSystem(str(tmp_path))
    assert table.parent_of(123) == 77
    assert table.parent_of(124) is None
    assert table.parent_of(125) is None
    assert table.command_of(123) == "python -m torch.distributed.run"
    assert table.command_of(124) == "kworker"
    assert table.command_of(125) is None


@pytest.fixture
def process_tree() -> Iterator[tuple[int, int]]:
    """A real child that starts a grandchild: (child pid, grandchild pid)."""
    code = (
        "import subprocess, sys\n"
        "p = subprocess.Popen(['sleep', '120'])\n"
        "print(p.pid, flush=True)\n"
        "sys.stdin.read()\n"
        "p.kill()\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdin is not None
    grandchild = int(child.stdout.readline())
    yield child.pid, grandchild
    child.stdin.close()
    child.wait(timeout=30)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux /proc")
def test_real_process_tree(process_tree: tuple[int, int]) -> None:
    child, grandchild = process_tree
    table = ProcFileSystem()
    assert table.parent_of(grandchild) == child
    assert table.parent_of(child) == os.getpid()
    # Right after fork the grandchild may not have exec'd "sleep" yet.
    deadline = time.monotonic() + 30
    while table.command_of(grandchild) != "sleep 120" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert table.command_of(grandchild) == "sleep 120"
    ownership = KernelOwnership()
    kernel = KernelProcess("k-real", child)
    owner = ownership.owner_of(grandchild, {child: kernel})
    assert owner is not None and owner.relation == "descendant"
    assert ownership.owner_of(os.getpid(), {child: kernel}) is None
