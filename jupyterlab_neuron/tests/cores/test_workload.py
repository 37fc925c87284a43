"""The simulated workload loads only the cores of its NEURON_RT_VISIBLE_CORES, and the
simulated neuron-monitor shows it there with its real pid."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jupyterlab_neuron.simulator.neuron_monitor import MonitorSimulation
from neuron_kernel_helpers.instances import INSTANCE_TYPES


def start_workload(folder: Path, visible: str | None, seconds: float = 30) -> subprocess.Popen:
    env = {**os.environ, "JUPYTERLAB_NEURON_SIMULATED_WORKLOADS": str(folder)}
    env.pop("NEURON_RT_VISIBLE_CORES", None)
    if visible:
        env["NEURON_RT_VISIBLE_CORES"] = visible
    argv = [sys.executable, "-m", "jupyterlab_neuron.simulator", "workload"]
    argv += ["--seconds", str(seconds), "--instance", "trn1.32xlarge", "--lang", "en"]
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert f"pid {process.pid}" in line
    return process


def cores_by_pid(simulation: MonitorSimulation) -> dict[int, list[int]]:
    report = simulation.report()
    found = {}
    for runtime in report["neuron_runtime_data"]:
        counters = runtime["report"]["neuroncore_counters"]["neuroncores_in_use"]
        busy = [
            int(core) for core, value in counters.items() if value["neuroncore_utilization"] > 0
        ]
        found[runtime["pid"]] = sorted(busy)
    return found


def test_two_workloads_side_by_side_on_their_own_cores(tmp_path: Path) -> None:
    simulation = MonitorSimulation(
        INSTANCE_TYPES["trn1.32xlarge"], "idle", seed=1, period=0.01, watch_workloads=tmp_path
    )
    assert cores_by_pid(simulation) == {}
    left = start_workload(tmp_path, "0-7")
    right = start_workload(tmp_path, "8-15")
    try:
        seen = cores_by_pid(simulation)
        assert seen == {left.pid: list(range(8)), right.pid: list(range(8, 16))}
    finally:
        left.kill()
        left.wait()
    assert cores_by_pid(simulation) == {right.pid: list(range(8, 16))}
    right.terminate()
    right.wait(timeout=10)
    assert list(tmp_path.glob("*.json")) == []  # unregistered on SIGTERM
    assert cores_by_pid(simulation) == {}


def test_without_a_range_it_loads_the_whole_instance(tmp_path: Path) -> None:
    process = start_workload(tmp_path, None, seconds=0.2)
    entries = [json.loads(p.read_text()) for p in tmp_path.glob("*.json")]
    assert entries == [{"pid": process.pid, "cores": list(range(32))}]
    assert process.wait(timeout=10) == 0
    deadline = time.monotonic() + 5
    while list(tmp_path.glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp_path.glob("*.json")) == []


def test_no_cores_known_is_refused(tmp_path: Path) -> None:
    env = {**os.environ, "JUPYTERLAB_NEURON_SIMULATED_WORKLOADS": str(tmp_path)}
    for name in ("NEURON_RT_VISIBLE_CORES", "JUPYTERLAB_NEURON_SIMULATE"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "jupyterlab_neuron.simulator", "workload", "--lang", "ja"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "NEURON_RT_VISIBLE_CORES" in result.stderr


@pytest.fixture(autouse=True)
def _no_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEURON_RT_VISIBLE_CORES", raising=False)
