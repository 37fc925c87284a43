"""Mapping runtime pids to kernels through the process tree."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import psutil
import pytest

from jupyterlab_neuron.monitor.normalizer import normalize_report
from jupyterlab_neuron.monitor.ownership import KernelOwnership, KernelProcess, PsutilProcessTable

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


def test_process_table_answers_none_for_a_missing_process() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # reaped: its pid is free (and unlikely to be reused this quickly)
    table = PsutilProcessTable()
    assert table.parent_of(child.pid) is None
    assert table.command_of(child.pid) is None
    assert table.parent_of(-5) is None
    assert table.command_of(-5) is None


def test_process_table_names_a_zombie_and_shortens_long_commands() -> None:
    long_argument = "x" * 500
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(0)", long_argument])
    table = PsutilProcessTable()
    try:
        deadline = time.monotonic() + 30
        while psutil.Process(child.pid).status() != psutil.STATUS_ZOMBIE:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        # A zombie has no command line left: its process name stands in.
        command = table.command_of(child.pid)
        assert command is not None and command.startswith("python")
        assert table.parent_of(child.pid) == os.getpid()
    finally:
        child.wait()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", long_argument])
    try:
        deadline = time.monotonic() + 30
        # Right after fork the child still shows this process's command line.
        while "time.sleep(60)" not in (table.command_of(sleeper.pid) or ""):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        command = table.command_of(sleeper.pid)
        assert command is not None and len(command) == 200 and command.endswith("…")
        assert table.command_of(sleeper.pid, limit=20) == command[:19] + "…"
    finally:
        sleeper.kill()
        sleeper.wait()


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


def test_real_process_tree(process_tree: tuple[int, int]) -> None:
    child, grandchild = process_tree
    table = PsutilProcessTable()
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
