from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from neuron_kernel_helpers.environment import collect_environment, instance_identity_from_dmi
from neuron_kernel_helpers.packages import NEURON_PACKAGES

from .conftest import GIB, FakeTool, device, write_script

CONTRACT_KEYS = {
    "state",
    "simulated",
    "simulated_instance",
    "instance_type",
    "instance_id",
    "devices",
    "neuroncores",
    "neuroncores_per_device",
    "logical_neuroncore_config",
    "device_memory_bytes",
    "packages",
    "packages_python",
    "sdk",
    "workers",
    "compile_cache_root",
    "compile_cache",
    "tools",
    "error",
    "problems",
    "collected_at",
}
DEVICE_KEYS = {
    "index",
    "neuroncore_ids",
    "nc_count",
    "memory_bytes",
    "bdf",
    "numa_node",
    "cpu_affinity",
    "connected_to",
    "logical_neuroncore_config",
    "processes",
}
HEADER = "instance-type: trn1.2xlarge\ninstance-id: i-0123456789abcdef0\n"


def _collect(tmp_path: Path, **options: Any) -> dict[str, Any]:
    lang = options.pop("lang", "en")
    options.setdefault("dmi_dir", None)
    # Only PATH from the real environment (the fake tools call sleep, printf...).
    options.setdefault("environ", {"PATH": os.environ.get("PATH", os.defpath)})
    report = collect_environment(
        tools_path=[str(tmp_path / "bin")], search_system_path=False, **options
    )
    data = report.to_dict(lang)
    json.dumps(data)  # Always serializable.
    return data


def test_ok_report_has_exactly_the_contract_shape(tmp_path: Path, fake_tool: FakeTool) -> None:
    process = {"pid": 123, "command": "python3", "neuron_runtime_version": "2.21.41.0"}
    fake_tool(json_out=[device(0, neuron_processes=[process])], table_out=HEADER)
    data = _collect(tmp_path)
    assert set(data) == CONTRACT_KEYS
    assert set(data["devices"][0]) == DEVICE_KEYS
    assert set(data["tools"]) == {"searched", "neuron_ls", "neuron_monitor"}
    assert set(data["compile_cache"]) == {"root", "source", "remote", "disabled"}
    assert data["state"] == "ok"
    assert data["error"] is None
    assert data["simulated"] is False and data["simulated_instance"] is None
    assert (data["instance_type"], data["instance_id"]) == ("trn1.2xlarge", "i-0123456789abcdef0")
    assert data["devices"][0]["processes"] == [
        {"pid": 123, "command": "python3", "runtime_version": "2.21.41.0"}
    ]
    assert (data["neuroncores"], data["neuroncores_per_device"]) == (2, 2)
    assert data["device_memory_bytes"] == 32 * GIB
    assert data["compile_cache_root"] == data["compile_cache"]["root"]
    assert data["tools"]["neuron_ls"] == str(tmp_path / "bin" / "neuron-ls")
    assert data["tools"]["searched"] == [str(tmp_path / "bin")]
    assert data["packages_python"] == sys.executable
    assert list(data["packages"]) == list(NEURON_PACKAGES)  # every one, in report order


def test_multi_device_aggregates(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(json_out=[device(i, cores=4, logical_neuroncore_config=2) for i in range(3)])
    data = _collect(tmp_path)
    assert data["neuroncores"] == 12
    assert data["neuroncores_per_device"] == 4
    assert data["logical_neuroncore_config"] == 2
    assert [d["neuroncore_ids"] for d in data["devices"]][2] == [8, 9, 10, 11]


def test_mixed_devices_have_no_common_value(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(json_out=[device(0, cores=2), device(1, cores=4, memory_size=8 * GIB)])
    data = _collect(tmp_path)
    assert data["neuroncores"] == 6
    assert data["neuroncores_per_device"] is None
    assert data["device_memory_bytes"] is None


@pytest.mark.parametrize(
    ("setup", "state", "code", "en_text", "ja_text"),
    [
        ({}, "tools_not_found", "tools_not_found", "was not found", "見つかりませんでした"),
        ({"exit_status": 127}, "tools_not_found", "tools_not_found", "127", "127"),
        (
            {"exit_status": 1, "stderr": "no device"},
            "no_device",
            "no_device",
            "found no",
            "検出できません",
        ),
        ({"json_out": []}, "no_device", "no_device", "found no", "検出できません"),
        ({"exit_status": 4}, "tool_error", "exit_status", "status 4", "終了ステータス 4"),
        (
            {"json_out": "{oops"},
            "tool_error",
            "malformed_output",
            "could not be read",
            "読み取れません",
        ),
        (
            {"json_out": {"a": 1}},
            "tool_error",
            "malformed_output",
            "could not be read",
            "読み取れません",
        ),
        ({"body": "exec sleep 60\n"}, "tool_error", "timeout", "within 1 seconds", "1 秒以内"),
    ],
)
def test_error_states_are_localized(
    tmp_path: Path,
    fake_tool: FakeTool,
    setup: dict[str, Any],
    state: str,
    code: str,
    en_text: str,
    ja_text: str,
) -> None:
    if setup:
        fake_tool(**setup)
    en = _collect(tmp_path, timeout=1)
    assert (en["state"], en["error"]["code"]) == (state, code)
    assert en_text in en["error"]["message"]
    assert en["problems"][0] == en["error"]["message"]
    assert en["devices"] == [] and en["neuroncores"] == 0
    assert en["device_memory_bytes"] is None
    # The Japanese message is a different, Japanese text.
    ja = _collect(tmp_path, timeout=1, lang="ja")
    assert ja_text in ja["error"]["message"]
    assert ja["error"]["message"] != en["error"]["message"]


def test_tools_not_found_lists_the_searched_places(tmp_path: Path) -> None:
    data = _collect(tmp_path)
    assert str(tmp_path / "bin") in data["error"]["message"]
    assert data["tools"]["neuron_ls"] is None
    assert data["error"]["exit_status"] is None


def test_error_detail_carries_stderr(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(exit_status=3, stderr="nrt: failed to open /dev/neuron0")
    data = _collect(tmp_path)
    assert data["error"]["detail"] == "nrt: failed to open /dev/neuron0"
    assert data["error"]["exit_status"] == 3


def _dmi(tmp_path: Path, product: str, asset: str) -> Path:
    folder = tmp_path / "dmi"
    folder.mkdir()
    (folder / "product_name").write_text(product + "\n")
    (folder / "board_asset_tag").write_text(asset + "\n")
    return folder


def test_dmi_fallback_for_instance_identity(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(json_out=[device(0)])
    dmi = _dmi(tmp_path, "inf2.xlarge", "i-0abcdef1234567890")
    data = _collect(tmp_path, dmi_dir=dmi)
    assert (data["instance_type"], data["instance_id"]) == ("inf2.xlarge", "i-0abcdef1234567890")


def test_table_header_wins_over_dmi(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(json_out=[device(0)], table_out=HEADER)
    data = _collect(tmp_path, dmi_dir=_dmi(tmp_path, "inf2.xlarge", "i-0abcdef1234567890"))
    assert data["instance_type"] == "trn1.2xlarge"


def test_dmi_values_that_are_not_ec2_are_ignored(tmp_path: Path) -> None:
    dmi = _dmi(tmp_path, "Standard PC (i440FX + PIIX, 1996)", "Not Specified")
    assert instance_identity_from_dmi(dmi) == (None, None)
    assert instance_identity_from_dmi(tmp_path / "absent") == (None, None)


def test_dmi_is_not_used_when_simulating(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(exit_status=1)
    dmi = _dmi(tmp_path, "m5.large", "i-0abcdef1234567890")
    data = _collect(tmp_path, dmi_dir=dmi, simulated_instance="trn1.2xlarge")
    assert data["simulated"] is True
    assert data["simulated_instance"] == "trn1.2xlarge"
    assert data["instance_type"] is None


def test_simulated_table_marks_the_report(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(json_out=[device(0)], table_out=HEADER + "simulated: yes\n")
    data = _collect(tmp_path)
    assert data["simulated"] is True
    assert data["simulated_instance"] == "trn1.2xlarge"


def test_device_count_mismatch_is_a_problem(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(json_out=[device(0)], table_out="instance-type: trn1.32xlarge\n")
    data = _collect(tmp_path)
    assert any(
        "trn1.32xlarge has 16 Neuron devices" in p and "reports 1" in p for p in data["problems"]
    )


def test_trn2_at_lnc1_is_a_problem_in_both_languages(tmp_path: Path, fake_tool: FakeTool) -> None:
    devices = [device(i, cores=8, logical_neuroncore_config=1) for i in range(16)]
    fake_tool(json_out=devices, table_out="instance-type: trn2.48xlarge\n")
    english = _collect(tmp_path)
    assert english["neuroncores"] == 128
    assert (
        "trn2.48xlarge has 4 NeuronCores per device at the default LNC=2, but neuron-ls "
        "reports 8." in " ".join(english["problems"])
    )
    japanese = _collect(tmp_path, lang="ja")
    assert (
        "trn2.48xlarge のデバイスあたりの NeuronCore は 4 個（既定の LNC=2 の場合）ですが、"
        "neuron-ls が報告したのは 8 個です。" in " ".join(japanese["problems"])
    )


def test_matching_cores_per_device_is_no_problem(tmp_path: Path, fake_tool: FakeTool) -> None:
    devices = [device(i, cores=4, logical_neuroncore_config=2) for i in range(16)]
    fake_tool(json_out=devices, table_out="instance-type: trn2.48xlarge\n")
    assert not any("per device" in p for p in _collect(tmp_path)["problems"])


def test_disabled_cache_is_a_problem(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(json_out=[device(0)])
    data = _collect(tmp_path, environ={"NEURON_CC_FLAGS": "--no_cache"})
    assert data["compile_cache"]["disabled"] is True
    assert any("--no_cache" in p for p in data["problems"])
    ja = _collect(tmp_path, environ={"NEURON_CC_FLAGS": "--no_cache"}, lang="ja")
    assert any("コンパイルキャッシュが無効" in p for p in ja["problems"])


def test_cache_root_from_environ(tmp_path: Path) -> None:
    data = _collect(tmp_path, environ={"NEURON_COMPILE_CACHE_URL": "s3://b/p"})
    assert data["compile_cache"] == {
        "root": "s3://b/p",
        "source": "NEURON_COMPILE_CACHE_URL",
        "remote": True,
        "disabled": False,
    }


def test_neuron_monitor_is_located(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(json_out=[device(0)])
    missing = _collect(tmp_path)
    assert missing["tools"]["neuron_monitor"] is None
    assert any("neuron-monitor" in p for p in missing["problems"])
    monitor = write_script(tmp_path / "bin" / "neuron-monitor", "exit 0\n")
    found = _collect(tmp_path)
    assert found["tools"]["neuron_monitor"] == str(monitor)
    assert not any("neuron-monitor" in p for p in found["problems"])


def test_missing_torch_neuronx_is_reported_only_with_devices(
    tmp_path: Path, fake_tool: FakeTool
) -> None:
    without_tools = _collect(tmp_path)
    assert not any("torch-neuronx" in p for p in without_tools["problems"])
    fake_tool(json_out=[device(0)])
    with_device = _collect(tmp_path)
    assert any(
        "torch-neuronx is not installed in " + sys.executable in p for p in with_device["problems"]
    )


def test_unreadable_packages_are_a_problem(tmp_path: Path) -> None:
    data = _collect(tmp_path, packages_python=str(tmp_path / "no-python"))
    assert data["packages_python"] == str(tmp_path / "no-python")
    assert all(version is None for version in data["packages"].values())
    assert any("could not be listed" in p for p in data["problems"])


def _fake_python(tmp_path: Path, versions: dict[str, str | None]) -> str:
    """An "interpreter" that answers the package-version query with ``versions``."""
    answer = json.dumps(versions)
    return str(write_script(tmp_path / "kernel-python", f"echo '{answer}'\n"))


@pytest.mark.parametrize(
    ("versions", "generation", "english", "japanese"),
    [
        (
            {"torch-neuronx": "2.9.0.2.11.19912", "torch-xla": "2.9.0", "libneuronxla": "2.2.1"},
            "xla",
            "XLA (torch-neuronx 2.9, training supported)",
            "XLA（torch-neuronx 2.9、学習に対応）",
        ),
        (
            {"torch-neuronx": "2.10.0.2.13.0"},
            "torchneuron",
            "TorchNeuron (torch-neuronx 2.10)",
            "TorchNeuron（torch-neuronx 2.10）",
        ),
        (
            {},
            "none",
            "none (torch-neuronx is not installed)",
            "なし（torch-neuronx がインストールされていません）",
        ),
    ],
)
def test_sdk_generation_of_the_kernel_packages(
    tmp_path: Path, versions: dict[str, str | None], generation: str, english: str, japanese: str
) -> None:
    python = _fake_python(tmp_path, versions)
    data = _collect(tmp_path, packages_python=python)
    assert data["sdk"]["generation"] == generation
    assert data["sdk"]["description"] == english
    assert _collect(tmp_path, packages_python=python, lang="ja")["sdk"]["description"] == japanese


def test_sdk_generation_is_unknown_when_packages_are_unreadable(tmp_path: Path) -> None:
    assert _collect(tmp_path, packages_python=str(tmp_path / "no-python"))["sdk"] is None


def _trn1_32(busy_devices: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    process = {"pid": 9, "command": "python3", "neuron_runtime_version": "2.21.41.0"}
    return [device(i, neuron_processes=[process] if i in busy_devices else []) for i in range(16)]


def test_workers_of_an_idle_trn1_32xlarge(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(json_out=_trn1_32(), table_out="instance-type: trn1.32xlarge\n")
    assert _collect(tmp_path)["workers"] == {
        "counts": [1, 2, 8, 32],
        "basis": "documented",
        "recommended": 32,
        "visible_cores": "0-31",
    }


def test_workers_avoid_a_busy_device(tmp_path: Path, fake_tool: FakeTool) -> None:
    # Device 1 (cores 2-3) busy: 32 does not fit, 16 is not documented, 8 fits at 8-15.
    fake_tool(json_out=_trn1_32(busy_devices=(1,)), table_out="instance-type: trn1.32xlarge\n")
    workers = _collect(tmp_path)["workers"]
    assert (workers["recommended"], workers["visible_cores"]) == (8, "8-15")


def test_workers_when_nothing_fits_or_nothing_is_known(tmp_path: Path, fake_tool: FakeTool) -> None:
    process = {"pid": 9, "command": "python3"}
    fake_tool(json_out=[device(0, neuron_processes=[process])], table_out=HEADER)
    busy = _collect(tmp_path)["workers"]
    assert busy == {
        "counts": [1, 2],
        "basis": "documented",
        "recommended": 0,
        "visible_cores": None,
    }
    fake_tool(json_out=[device(0)])  # no instance type
    assert _collect(tmp_path)["workers"] is None


def test_no_workers_at_lnc1(tmp_path: Path, fake_tool: FakeTool) -> None:
    devices = [device(i, cores=8, logical_neuroncore_config=1) for i in range(16)]
    fake_tool(json_out=devices, table_out="instance-type: trn2.48xlarge\n")
    assert _collect(tmp_path)["workers"] is None
