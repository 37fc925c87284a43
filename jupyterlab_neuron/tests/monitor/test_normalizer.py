"""Golden and targeted tests of the normalizer, one fixture per schema variant.

Golden files (``fixtures/*.expected.json``) hold the full snapshot JSON; they
were reviewed by hand. Regenerate after a deliberate change with
``JUPYTERLAB_NEURON_UPDATE_GOLDEN=1 pytest jupyterlab_neuron/tests/monitor`` and
review the diff.
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

import pytest

from jupyterlab_neuron.monitor.normalizer import InstanceShape, ReportShapeError, normalize_report
from jupyterlab_neuron.monitor.snapshot import SNAPSHOT_SCHEMA_VERSION

from .conftest import FIXTURES, REPORT_VARIANTS, load_fixture


def normalized(name: str, **options: Any) -> dict[str, Any]:
    return normalize_report(
        load_fixture(f"{name}.json"), seq=1, timestamp=1000.0, **options
    ).to_dict()


@pytest.mark.parametrize("name", REPORT_VARIANTS)
def test_golden(name: str) -> None:
    result = normalized(name)
    golden = FIXTURES / f"{name}.expected.json"
    if os.environ.get("JUPYTERLAB_NEURON_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    assert result == json.loads(golden.read_text(encoding="utf-8"))
    # Whatever the variant, the JSON round-trips and carries the schema version.
    assert json.loads(json.dumps(result)) == result
    assert result["schema_version"] == SNAPSHOT_SCHEMA_VERSION


def test_guide_shape_with_flops() -> None:
    snap = normalized("inf2_flops")
    assert snap["instance_type"] == "inf2.xlarge"
    assert snap["flops_field"] == "flops"
    assert [(c["index"], c["device"], c["utilization"]) for c in snap["cores"]] == [
        (0, 0, 0.0),
        (1, 0, 75.5),
    ]
    assert snap["cores"][1]["flops"] == 21_000_000_000_000
    assert snap["cores"][0]["flops"] == 0
    (process,) = snap["processes"]
    assert (process["pid"], process["tag"], process["cores"]) == (1234, "bert-ja", [1])
    assert process["host_bytes"] == 610_271_232
    assert process["device_bytes"] == 3_000_000_000
    assert process["latency"]["total"]["p50"] == 0.0042
    assert process["latency"]["device"]["p99"] == 0.005
    assert process["execution"]["completed"] == 40
    assert process["execution_errors"]["numerical"] == 1
    assert process["vcpu"] == {"user": 42.5, "system": 3.25}
    (model,) = process["models"]
    # neuroncore_index is device-local: core 1 of device 0 is global core 1.
    assert model["cores"] == [1] and model["devices"] == [0]
    assert model["name"].startswith("/var/tmp/neuron-compile-cache/neuronxcc-")
    (device,) = snap["devices"]
    assert device["memory_used_bytes"] == 3_000_000_000
    assert device["memory_total_bytes"] == 34_359_738_368
    assert device["ecc"]["mem_ecc_corrected"] == 1
    system = snap["system"]
    assert system["vcpu_count"] == 4
    assert system["vcpu_used_percent"] == 15.25
    assert system["memory_used_bytes"] == 4_294_967_296
    assert snap["period"] == pytest.approx(1.000213)


def test_effective_flops_device_key_and_cores_from_models() -> None:
    snap = normalized("effective_flops_device_key")
    assert snap["flops_field"] == "effective_flops"
    by_pid = {p["pid"]: p for p in snap["processes"]}
    # "device" instead of "neuron_device" is read the same way.
    assert by_pid[2001]["device_bytes"] == 1_500_000_000
    # Idle, but its loaded model sits on core 0: it holds core 0.
    assert by_pid[2001]["cores"] == [0]
    # Lists every core with zeros and holds nothing: uses no core.
    assert by_pid[2002]["cores"] == []
    assert by_pid[2003]["cores"] == [1]
    assert snap["cores"][1]["flops"] == 52_000_000_000_000
    # Without a per-core breakdown, device memory comes from the models' devices.
    assert snap["devices"][0]["memory_used_bytes"] == 1_500_000_000
    assert [c["pids"] for c in snap["cores"]] == [[2001], [2003]]


def test_older_capture_without_flops_and_with_errors() -> None:
    snap = normalized("legacy_three_keys")
    assert snap["flops_field"] is None
    assert all(core["flops"] is None for core in snap["cores"])
    assert snap["hardware"]["device_type"] is None
    assert snap["hardware"]["cores_per_device"] == 4
    assert snap["instance_type"] is None  # empty strings become null
    exited, broken = snap["processes"]
    assert exited["cores"] == [2]
    assert exited["latency"] == {"total": None, "device": None}
    assert exited["execution_errors"]["numerical"] == 2  # the prose spelling "numeric"
    assert "no such file" in exited["group_errors"]["neuron_runtime_vcpu_usage"]
    assert broken["error"].startswith("failed to get runtime data")
    assert broken["cores"] == [] and broken["execution"] is None
    groups = {(e["group"], e["pid"]) for e in snap["errors"]}
    assert groups == {
        ("instance_info", None),
        ("neuron_runtime_vcpu_usage", 4242),
        ("neuron_runtime", 4343),
    }


def test_a_system_group_error_is_reported_without_a_pid() -> None:
    report = load_fixture("inf2_flops.json")
    report["system_data"]["memory_info"]["error"] = "cannot read /proc/meminfo"
    snap = normalize_report(report, seq=1, timestamp=1000.0).to_dict()
    errors = {(e["group"], e["pid"]): e["message"] for e in snap["errors"]}
    assert errors[("memory_info", None)] == "cannot read /proc/meminfo"
    assert all(not p["group_errors"] for p in snap["processes"])


def test_trn2_physical_cores_and_logical_config() -> None:
    snap = normalized("trn2_v3d")
    assert snap["hardware"]["logical_neuroncore_config"] == 2
    core0, core1, core2, _ = snap["cores"]
    assert core0["physical"] == [
        {"name": "nc_v3.0", "utilization": 92.0},
        {"name": "nc_v3.1", "utilization": 88.0},
    ]
    # Keys arrive out of order; the physical cores come back in order.
    assert [p["name"] for p in core1["physical"]] == ["nc_v3.0", "nc_v3.1"]
    assert core2["physical"] is None  # idle core
    assert snap["processes"][0]["cores"] == [0, 1]


def trn2_48xlarge_report(listed_cores: range) -> dict[str, Any]:
    """A trn2.48xlarge report (16 devices, 4 logical cores each at LNC=2) whose
    one runtime lists only ``listed_cores``, busy on core 4."""
    raw = load_fixture("trn2_v3d.json")
    raw["neuron_hardware_info"]["neuron_device_count"] = 16
    runtime = raw["neuron_runtime_data"][0]
    in_use = runtime["report"]["neuroncore_counters"]["neuroncores_in_use"]
    template = in_use["2"]
    runtime["report"]["neuroncore_counters"]["neuroncores_in_use"] = {
        str(i): {**copy.deepcopy(template), "neuroncore_utilization": 50.0 if i == 4 else 0.0}
        for i in listed_cores
    }
    return raw


@pytest.mark.parametrize("listed", [range(16), range(8), range(32), range(64)])
def test_trn2_core_count_comes_from_hardware_info_not_from_listed_cores(listed: range) -> None:
    snap = normalize_report(trn2_48xlarge_report(listed)).to_dict()
    assert len(snap["cores"]) == 64
    assert len(snap["devices"]) == 16
    assert snap["cores"][4]["device"] == 1
    assert snap["cores"][4]["utilization"] == 50.0
    assert snap["cores"][63]["device"] == 15
    assert snap["devices"][1]["cores"] == [4, 5, 6, 7]
    assert 4 in snap["processes"][0]["cores"]


def test_trn2_per_device_count_is_taken_as_logical() -> None:
    # The tools already count logical cores (4 per trn2 device at LNC=2): a report
    # listing fewer cores than that never shrinks the layout.
    raw = load_fixture("trn2_v3d.json")
    raw["neuron_hardware_info"]["neuroncore_per_device_count"] = 8
    snap = normalize_report(raw).to_dict()
    assert len(snap["cores"]) == 8
    assert snap["devices"][0]["cores"] == list(range(8))


def test_idle_instance_with_empty_runtime_list() -> None:
    snap = normalized("idle_empty_runtimes")
    assert snap["processes"] == []
    assert len(snap["cores"]) == 32
    assert {c["utilization"] for c in snap["cores"]} == {0.0}
    assert [d["cores"] for d in snap["devices"][:2]] == [[0, 1], [2, 3]]
    assert len(snap["devices"]) == 16
    assert snap["devices"][1]["ecc"]["sram_ecc_corrected"] == 3
    assert snap["devices"][5]["ecc"] is None
    assert snap["system"]["vcpu_count"] == 2


def test_missing_groups_and_unknown_keys() -> None:
    snap = normalized("missing_groups")
    assert snap["system"] is None
    assert snap["instance_type"] is None
    assert [c["index"] for c in snap["cores"]] == [0, 1, 2, 3]  # "total" is not a core
    assert [c["device"] for c in snap["cores"]] == [None] * 4
    assert snap["devices"] == []
    (process,) = snap["processes"]
    assert process["tag"] == "3100"  # no tag: the pid, like neuron-monitor
    assert process["address"] == "unix:/run/neuron/3100.sock"
    assert process["cores"] == [0, 2]
    assert snap["cores"][1]["utilization"] == 0.0  # "not a number"


def test_fallback_shape_fills_in_missing_hardware_info() -> None:
    snap = normalized("missing_groups", fallback_shape=InstanceShape(2, 2, 1024))
    assert [c["device"] for c in snap["cores"]] == [0, 0, 1, 1]
    assert [d["memory_total_bytes"] for d in snap["devices"]] == [1024, 1024]


def test_utilization_is_summed_over_runtimes_and_clamped() -> None:
    raw = load_fixture("inf2_flops.json")
    other = copy.deepcopy(raw["neuron_runtime_data"][0])
    other["pid"] = 999
    other["report"]["neuroncore_counters"]["neuroncores_in_use"]["0"]["neuroncore_utilization"] = (
        20.0
    )
    other["report"]["neuroncore_counters"]["neuroncores_in_use"]["1"]["neuroncore_utilization"] = (
        60.0
    )
    raw["neuron_runtime_data"].append(other)
    snap = normalize_report(raw).to_dict()
    assert snap["cores"][0]["utilization"] == 20.0
    assert snap["cores"][1]["utilization"] == 100.0  # 75.5 + 60 clamped
    assert snap["cores"][1]["pids"] == [1234, 999]


def test_simulated_flag_from_option_or_report_mark() -> None:
    raw = load_fixture("trn2_v3d.json")
    assert normalize_report(raw).simulated is False
    assert normalize_report(raw, simulated=True).simulated is True
    raw["simulated"] = True
    assert normalize_report(raw).simulated is True


@pytest.mark.parametrize("value", [[1, 2, 3], "text", 42, None, {"unexpected": True}, {}])
def test_values_that_are_not_reports_are_refused(value: Any) -> None:
    with pytest.raises(ReportShapeError):
        normalize_report(value)


def test_wrongly_typed_groups_do_not_break_the_rest() -> None:
    raw = load_fixture("inf2_flops.json")
    report = raw["neuron_runtime_data"][0]["report"]
    report["memory_used"] = "broken"
    report["execution_stats"]["latency_stats"] = {"total_latency": "x", "device_latency": None}
    raw["system_data"]["vcpu_usage"] = []
    snap = normalize_report(raw).to_dict()
    (process,) = snap["processes"]
    assert process["cores"] == [1]
    assert process["device_bytes"] == 0
    assert process["latency"] == {"total": None, "device": None}
    assert snap["system"]["vcpu_count"] is None
    assert snap["system"]["memory_total_bytes"] == 16_106_127_360


def _foreign_report(seed: int) -> dict[str, Any]:
    """The benchmark's report built independently of the simulator."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "bench" / "monitor" / "foreign_report.py"
    spec = importlib.util.spec_from_file_location("foreign_report", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.foreign_report(seed)


def test_a_report_we_did_not_write_reads_as_the_instance_it_describes() -> None:
    snap = normalize_report(json.loads(json.dumps(_foreign_report(7)))).to_dict()
    assert len(snap["cores"]) == 64 and len(snap["devices"]) == 16
    assert snap["flops_field"] == "effective_flops"
    assert snap["cores"][9]["device"] == 2
    assert len(snap["processes"]) == 8
    for number, process in enumerate(snap["processes"]):
        assert process["cores"] == list(range(number * 8, number * 8 + 8))
        assert len(process["models"]) == 4
        assert process["latency"]["total"]["p50"] > 0
    busy = snap["cores"][8]
    assert 40.0 <= busy["utilization"] <= 99.0 and busy["pids"] == [40001]
    assert [p["name"] for p in busy["physical"]] == ["nc_v3.0", "nc_v3.1"]
    assert snap["cores"][63]["pids"] == [40007]  # listed idle by the seven others
    assert snap["system"]["vcpu_count"] == 192
    assert snap["hardware"]["device_version"] == "v4"
    assert snap["hardware"]["core_version"] == "v3d"
