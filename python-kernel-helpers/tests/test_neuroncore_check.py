"""Tests of the NeuronCore check shown before training."""

from __future__ import annotations

import io
from typing import Any

from neuron_kernel_helpers.neuroncore_check import (
    check_neuroncores,
    free_neuroncore_ids,
    worker_plan_for_report,
)


def report(processes_by_device: list[list[dict[str, Any]]], **extra: Any) -> dict[str, Any]:
    devices = [
        {
            "index": index,
            "neuroncore_ids": [2 * index, 2 * index + 1],
            "nc_count": 2,
            "processes": processes,
        }
        for index, processes in enumerate(processes_by_device)
    ]
    data: dict[str, Any] = {
        "state": "ok",
        "simulated": False,
        "instance_type": "trn1.32xlarge" if len(devices) == 16 else "inf2.xlarge",
        "devices": devices,
        "neuroncores": 2 * len(devices),
    }
    data.update(extra)
    return data


def run(data: dict[str, Any], lang: str = "en", own_pid: int = 4242) -> tuple[dict, str]:
    out = io.StringIO()
    result = check_neuroncores(data, lang=lang, own_pid=own_pid, stream=out)  # type: ignore[arg-type]
    return result, out.getvalue()


def test_all_free() -> None:
    result, text = run(report([[]]))
    assert result["free"] == 2 and result["busy"] == [] and result["recommended_workers"] == 2
    assert result["visible_cores"] == "0-1"
    assert "NeuronCores: 2 (inf2.xlarge). Free NeuronCores: 2." in text
    assert "No other process is using NeuronCores." in text


def test_another_process_holds_a_device_in_japanese() -> None:
    busy = {"pid": 1234, "command": "python3", "runtime_version": "2.21.41.0"}
    result, text = run(report([[busy]]), lang="ja")
    assert result["free"] == 0 and result["recommended_workers"] == 0
    assert result["busy"] == [
        {"pid": 1234, "command": "python3", "device": 0, "neuroncore_ids": [0, 1]}
    ]
    assert "プロセス 1234（python3）がデバイス 0（NeuronCore 0-1）を使用中です。" in text
    assert "不要なカーネルを停止してから" in text


def test_free_cores_decide_the_recommended_workers_on_trn1_32xlarge() -> None:
    devices: list[list[dict[str, Any]]] = [[] for _ in range(16)]
    devices[3] = [{"pid": 99, "command": "neuron-top"}]
    result, text = run(report(devices))
    # 30 free cores, 6-7 busy: 32 does not fit and 16 is not documented on trn1,
    # so 8 workers on the first free aligned block of 8.
    assert result["free"] == 30 and result["recommended_workers"] == 8
    assert result["visible_cores"] == "8-15"
    assert "workers for the free NeuronCores: 8 (on NeuronCores 8-15" in text
    assert "Process 99 (neuron-top) is using device 3 (NeuronCores 6-7)." in text


def test_this_kernel_holding_cores_is_told_apart() -> None:
    result, text = run(report([[{"pid": 4242, "command": "python"}]]), own_pid=4242)
    assert result["busy"] == [] and len(result["own"]) == 1
    assert "This kernel itself (process 4242)" in text
    assert "Restart the kernel" in text


def test_no_device_says_smoke_mode_is_fine() -> None:
    result, text = run({"state": "tools_not_found", "devices": [], "neuroncores": 0}, lang="ja")
    assert result["total"] == 0 and result["free"] == 0
    assert "CPU スモークモードで" in text


def test_simulated_environment_is_flagged() -> None:
    _, text = run(report([[]], simulated=True))
    assert "simulated environment" in text


def test_unknown_instance_gets_no_recommendation() -> None:
    result, text = run(report([[]], instance_type="trn9.huge"))
    assert result["free"] == 2 and result["recommended_workers"] == 0
    assert result["visible_cores"] is None
    assert "Recommended" not in text


def test_inference_only_instance_gets_no_recommendation() -> None:
    devices = [
        {"index": i, "neuroncore_ids": [2 * i, 2 * i + 1], "nc_count": 2, "processes": []}
        for i in range(12)
    ]
    data = {"state": "ok", "instance_type": "inf2.48xlarge", "devices": devices, "neuroncores": 24}
    result, _ = run(data)
    assert result["free"] == 24 and result["recommended_workers"] == 0


def test_free_ids_and_worker_plan_from_a_trn2_report() -> None:
    # trn2.48xlarge, LNC=2: 16 devices of 4 logical cores; a job holds devices 0 and 9.
    devices = [
        {
            "index": i,
            "neuroncore_ids": [4 * i + k for k in range(4)],
            "nc_count": 4,
            "processes": [{"pid": 7, "command": "torchrun"}] if i in (0, 9) else [],
        }
        for i in range(16)
    ]
    data = {"state": "ok", "instance_type": "trn2.48xlarge", "devices": devices, "neuroncores": 64}
    free = free_neuroncore_ids(data)
    assert len(free) == 56 and 0 not in free and 36 not in free and 4 in free
    plan = worker_plan_for_report(data)
    # 0-15 holds device 0, 32-47 holds device 9: 16 workers on 16-31.
    assert plan is not None and (plan.workers, plan.visible_cores) == (16, "16-31")
    assert worker_plan_for_report({**data, "instance_type": None}) is None
