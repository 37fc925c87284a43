"""Tests of the NeuronCore check shown before training."""

from __future__ import annotations

import io
from typing import Any

from neuron_kernel_helpers.neuroncore_check import check_neuroncores


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
    # 30 free cores: the largest valid trn1 worker count below that is 16.
    assert result["free"] == 30 and result["recommended_workers"] == 16
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
