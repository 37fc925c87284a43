"""The simulated neuron-monitor: faithful schema, scenarios, determinism."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from jupyterlab_neuron.monitor.normalizer import normalize_report
from jupyterlab_neuron.monitor.pipeline import SnapshotPipeline
from jupyterlab_neuron.monitor.snapshot import Snapshot
from jupyterlab_neuron.simulator.neuron_monitor import (
    RUNTIME_PIDS_ENV,
    SCENARIO_ENV,
    SCENARIOS,
    SIMULATED_PID_BASE,
    MonitorSimulation,
    load_config,
    parse_duration,
)
from jupyterlab_neuron.simulator.tools import write_tool_scripts
from neuron_kernel_helpers.instances import INSTANCE_TYPES

from .conftest import simulator_argv

MODEL_PATH = re.compile(
    r"^/var/tmp/neuron-compile-cache/neuronxcc-[0-9.]+\+[0-9a-f]{8}/"
    r"MODULE_[0-9a-f]{20}\+[0-9a-f]{8}/model\.neff$"
)
STEADY = ("idle", "train-single", "train-dual", "inference", "full-load", "garbage")


def run_simulator(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*args], capture_output=True, timeout=timeout, env={**os.environ, **(env or {})}
    )


@pytest.mark.parametrize("instance", sorted(INSTANCE_TYPES))
@pytest.mark.parametrize("scenario", STEADY)
def test_every_runtime_lists_every_core_of_the_instance(instance: str, scenario: str) -> None:
    spec = INSTANCE_TYPES[instance]
    report = MonitorSimulation(spec, scenario, seed=1, period=1.0).report()
    keys = [str(n) for n in range(spec.neuroncores)]
    for runtime in report["neuron_runtime_data"]:
        counters = runtime["report"]["neuroncore_counters"]["neuroncores_in_use"]
        assert list(counters) == keys
        memory = runtime["report"]["memory_used"]["neuron_runtime_used_bytes"]
        assert list(memory["usage_breakdown"]["neuroncore_memory_usage"]) == keys
        assert runtime["pid"] > SIMULATED_PID_BASE > 2**22  # never a real pid
        for group in runtime["report"].values():
            assert group["error"] == "" and group["period"] >= 1.0
    hardware = report["neuron_hardware_info"]
    assert hardware["neuron_device_count"] == spec.devices
    assert hardware["neuroncore_per_device_count"] == spec.logical_cores_per_device
    assert report["instance_info"]["instance_type"] == instance
    assert report["simulated"] is True
    snapshot = normalize_report(report)
    assert len(snapshot.cores) == spec.neuroncores
    assert snapshot.simulated


def test_scenarios_show_what_they_promise() -> None:
    spec = INSTANCE_TYPES["trn1.2xlarge"]

    def snapshot(scenario: str) -> Snapshot:
        return normalize_report(MonitorSimulation(spec, scenario, seed=3, period=1.0).report())

    assert snapshot("idle").processes == []
    single = snapshot("train-single")
    assert [p.core_indices for p in single.processes] == [[0]]
    assert single.cores[0].utilization > 50 and single.cores[1].utilization == 0
    dual = snapshot("train-dual")
    assert sorted(p.core_indices for p in dual.processes) == [[0], [1]]
    inference = snapshot("inference")
    (process,) = inference.processes
    assert process.core_indices == [0, 1]
    assert process.latency_total is not None and process.latency_total["p50"] > 0
    assert process.execution and process.execution["completed"] > 0
    assert all(MODEL_PATH.match(model.name) for model in process.models)
    assert process.tag == "bert-ja-inference"


def test_full_load_on_trn2_has_eight_runtimes_with_four_models() -> None:
    spec = INSTANCE_TYPES["trn2.48xlarge"]
    report = MonitorSimulation(spec, "full-load", seed=1, period=1.0).report()
    snapshot = normalize_report(report)
    assert len(snapshot.cores) == 64
    assert len(snapshot.processes) == 8
    assert all(len(p.models) == 4 for p in snapshot.processes)
    assert {len(p.core_indices) for p in snapshot.processes} == {8}
    assert report["neuron_hardware_info"]["logical_neuroncore_config"] == 2
    core = report["neuron_runtime_data"][0]["report"]["neuroncore_counters"]["neuroncores_in_use"][
        "0"
    ]
    assert sorted(core["v3d"]) == ["nc_v3.0", "nc_v3.1"]


def test_trn2_hardware_info_speaks_like_the_tools() -> None:
    spec = INSTANCE_TYPES["trn2.48xlarge"]
    info = MonitorSimulation(spec, "idle", seed=1).report()["neuron_hardware_info"]
    assert info["neuron_device_version"] == "v4"
    assert info["neuroncore_version"] == "v3d"
    # Already the logical count at LNC=2: 16 devices x 4 = 64 NeuronCores.
    assert info["neuroncore_per_device_count"] == 4
    assert info["neuron_device_count"] == 16


def test_inf1_speaks_the_older_format() -> None:
    report = MonitorSimulation(INSTANCE_TYPES["inf1.xlarge"], "train-single", seed=1).report()
    assert set(report["neuron_hardware_info"]) == {
        "neuron_device_count",
        "neuroncore_per_device_count",
        "error",
    }
    counters = report["neuron_runtime_data"][0]["report"]["neuroncore_counters"]
    assert all("flops" not in core for core in counters["neuroncores_in_use"].values())


def test_same_seed_same_output() -> None:
    argv = simulator_argv(
        "inf2.xlarge", "inference", "--seed", "11", "--period", "0.01", "--count", "3"
    )
    first, second = run_simulator(*argv), run_simulator(*argv)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    lines = first.stdout.decode().splitlines()
    assert len(lines) == 3 and all(json.loads(line) for line in lines)
    other = run_simulator(
        *simulator_argv(
            "inf2.xlarge", "inference", "--seed", "12", "--period", "0.01", "--count", "3"
        )
    )
    assert other.stdout != first.stdout


def test_crash_scenario_exits_nonzero_after_a_few_reports() -> None:
    result = run_simulator(
        *simulator_argv("trn1.2xlarge", "crash", "--period", "0.01", "--crash-after", "4")
    )
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 4
    assert b"simulated crash" in result.stderr


def test_garbage_scenario_interleaves_malformed_lines() -> None:
    result = run_simulator(
        *simulator_argv(
            "trn1.2xlarge", "garbage", "--period", "0.01", "--count", "10", "--seed", "1"
        )
    )
    assert result.returncode == 0
    pipeline = SnapshotPipeline()
    snapshots = pipeline.feed(result.stdout) + pipeline.finish()
    assert len(snapshots) == 10
    assert pipeline.skipped_lines == 5  # after every other report
    assert pipeline.reader.stats.malformed == 5


def test_runtime_pid_option_and_environment(tmp_path: Path) -> None:
    result = run_simulator(
        *simulator_argv("trn1.2xlarge", "train-dual", "--count", "1", "--runtime-pid", "4242")
    )
    pids = [r["pid"] for r in json.loads(result.stdout)["neuron_runtime_data"]]
    assert pids[0] == 4242 and pids[1] > SIMULATED_PID_BASE
    result = run_simulator(
        *simulator_argv("trn1.2xlarge", "train-dual", "--count", "1"),
        env={RUNTIME_PIDS_ENV: "11,12"},
    )
    assert [r["pid"] for r in json.loads(result.stdout)["neuron_runtime_data"]] == [11, 12]
    assert [r["neuron_runtime_tag"] for r in json.loads(result.stdout)["neuron_runtime_data"]] == [
        "11",
        "12",
    ]


def test_configuration_file_selects_period_groups_and_tags(tmp_path: Path) -> None:
    config = tmp_path / "monitor.json"
    config.write_text(
        json.dumps(
            {
                "period": "20ms",
                "neuron_runtimes": [
                    {"tag_filter": "^bert", "metrics": [{"type": "neuroncore_counters"}]}
                ],
                "system_metrics": [{"type": "memory_info"}],
            }
        )
    )
    loaded = load_config(str(config))
    assert loaded.period == pytest.approx(0.02)
    result = run_simulator(
        *simulator_argv("inf2.xlarge", "inference", "-c", str(config), "--count", "2")
    )
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(reports) == 2
    (runtime,) = reports[0]["neuron_runtime_data"]
    assert list(runtime["report"]) == ["neuroncore_counters"]
    assert list(reports[0]["system_data"]) == ["memory_info"]
    config.write_text(json.dumps({"neuron_runtimes": [{"tag_filter": "^nothing$"}]}))
    result = run_simulator(
        *simulator_argv(
            "inf2.xlarge", "inference", "-c", str(config), "--count", "1", "--period", "0.01"
        )
    )
    assert json.loads(result.stdout)["neuron_runtime_data"] == []


def test_bad_configuration_is_reported(tmp_path: Path) -> None:
    config = tmp_path / "broken.json"
    config.write_text("{")
    result = run_simulator(*simulator_argv("inf2.xlarge", "idle", "-c", str(config)))
    assert result.returncode == 1 and b"cannot read configuration" in result.stderr


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1s", 1.0), ("500ms", 0.5), ("2m", 120.0), (3, 3.0), ("0s", None), ("x", None)],
)
def test_durations(text: object, seconds: float | None) -> None:
    assert parse_duration(text) == seconds


def test_failure_modes() -> None:
    crash = run_simulator(*simulator_argv("inf2.xlarge", "idle", "--fail", "crash"))
    assert crash.returncode == 2 and b"simulated" in crash.stderr
    none = run_simulator(*simulator_argv("inf2.xlarge", "idle", "--fail", "no-device"))
    assert none.returncode == 1 and none.stdout == b""
    process = subprocess.Popen(
        simulator_argv("inf2.xlarge", "idle", "--fail", "malformed", "--period", "0.01"),
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    process.kill()
    process.wait()
    with pytest.raises(ValueError):
        json.loads(line)


def test_tools_folder_has_a_neuron_monitor_that_takes_the_scenario_from_env(tmp_path: Path) -> None:
    written = write_tool_scripts(tmp_path, "inf2.xlarge")
    tool = written["neuron-monitor"]
    assert os.access(tool, os.X_OK)
    result = run_simulator(
        str(tool), "--count", "1", "--period", "0.01", env={SCENARIO_ENV: "train-single"}
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["instance_info"]["instance_type"] == "inf2.xlarge"
    assert len(report["neuron_runtime_data"]) == 1


def test_scenarios_are_documented_in_the_help() -> None:
    result = run_simulator(
        sys.executable, "-m", "jupyterlab_neuron.simulator", "neuron-monitor", "--help"
    )
    assert result.returncode == 0
    text = re.sub(r"\s+", "", result.stdout.decode())  # argparse wraps at hyphens
    assert all(name in text for name in SCENARIOS)
