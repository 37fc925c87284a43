from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from neuron_kernel_helpers.neuron_ls import (
    MalformedOutput,
    find_tool,
    parse_devices_json,
    parse_instance_header,
    read_neuron_ls,
)

from .conftest import GIB, FakeTool, device, write_script

TABLE = """instance-type: trn1.2xlarge
instance-id: i-0123456789abcdef0
+--------+--------+--------+---------+
| NEURON | NEURON | NEURON |   PCI   |
| DEVICE | CORES  | MEMORY |   BDF   |
+--------+--------+--------+---------+
| 0      | 2      | 32 GB  | 00:1e.0 |
+--------+--------+--------+---------+
"""


# --- parsing -------------------------------------------------------------------


def test_parse_single_device() -> None:
    (only,) = parse_devices_json(json.dumps([device(0)]))
    assert only.index == 0
    assert only.neuroncore_ids == (0, 1)
    assert only.nc_count == 2
    assert only.memory_bytes == 32 * GIB
    assert only.numa_node == "-1"
    assert only.connected_to is None
    assert only.logical_neuroncore_config is None
    assert only.processes == ()


def test_parse_tolerates_variants() -> None:
    raw = [
        {
            "neuron_device": "1",
            "numa_node": 0,
            "connected_to": "0, 2",
            "nc_count": 4,
            "logical_neuroncore_config": 2,
            "memory_size": 96 * GIB,
            "neuron_processes": [
                {"pid": "4242", "command": "python3", "neuron_runtime_version": "2.21.41.0"}
            ],
        },
        {"neuron_device": 0, "nc_count": 4, "neuroncore_ids": [0, 1, 2, 3]},
    ]
    first, second = parse_devices_json(json.dumps(raw))
    # Sorted by device index.
    assert (first.index, second.index) == (0, 1)
    assert second.numa_node == "0"
    assert second.connected_to == (0, 2)
    assert second.logical_neuroncore_config == 2
    # Missing neuroncore_ids are numbered after the devices before it.
    assert second.neuroncore_ids == (4, 5, 6, 7)
    assert second.processes[0].pid == 4242
    assert second.processes[0].runtime_version == "2.21.41.0"
    assert first.memory_bytes is None and first.bdf is None


def test_parse_missing_count_uses_ids() -> None:
    (only,) = parse_devices_json(json.dumps([{"neuroncore_ids": [0, 1]}]))
    assert (only.index, only.nc_count) == (0, 2)


def test_parse_skips_a_log_line_before_the_json() -> None:
    text = "WARNING: something noisy\n" + json.dumps([device(0)], indent=4)
    assert len(parse_devices_json(text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        '[{"neuron_device": 0,',
        '{"neuron_device": 0}',
        "[1, 2]",
        '[{"nc_count": "two"}]',
        '[{"nc_count": true}]',
        '[{"connected_to": {"a": 1}}]',
        '[{"neuron_processes": "none"}]',
        '[{"neuron_processes": [3]}]',
        '[{"bdf": ["00:1e.0"]}]',
    ],
)
def test_parse_rejects_malformed_output(text: str) -> None:
    with pytest.raises(MalformedOutput):
        parse_devices_json(text)


def test_parse_instance_header() -> None:
    header = parse_instance_header(TABLE)
    assert header.instance_type == "trn1.2xlarge"
    assert header.instance_id == "i-0123456789abcdef0"
    assert header.simulated is False


def test_parse_instance_header_absent() -> None:
    header = parse_instance_header("+---+\n| 0 |\n")
    assert (header.instance_type, header.instance_id) == (None, None)


# --- finding -------------------------------------------------------------------


def test_tools_path_is_searched_before_path(tmp_path: Path) -> None:
    (tmp_path / "first").mkdir()
    first = write_script(tmp_path / "first" / "neuron-ls", "")
    (tmp_path / "on_path").mkdir()
    write_script(tmp_path / "on_path" / "neuron-ls", "")
    lookup = find_tool(
        "neuron-ls",
        [str(tmp_path / "missing"), str(tmp_path / "first")],
        environ={"PATH": str(tmp_path / "on_path")},
    )
    assert lookup.path == str(first)
    assert lookup.searched == (str(tmp_path / "missing"), str(tmp_path / "first"), "$PATH")


def test_path_is_searched_last(tmp_path: Path) -> None:
    (tmp_path / "on_path").mkdir()
    on_path = write_script(tmp_path / "on_path" / "neuron-ls", "")
    lookup = find_tool(
        "neuron-ls", [str(tmp_path / "empty")], environ={"PATH": str(tmp_path / "on_path")}
    )
    assert lookup.path == str(on_path)


def test_path_search_can_be_disabled(tmp_path: Path) -> None:
    (tmp_path / "on_path").mkdir()
    write_script(tmp_path / "on_path" / "neuron-ls", "")
    lookup = find_tool(
        "neuron-ls",
        [str(tmp_path / "empty")],
        search_system_path=False,
        environ={"PATH": str(tmp_path / "on_path")},
    )
    assert lookup.path is None
    assert lookup.searched == (str(tmp_path / "empty"),)


def test_non_executable_file_is_not_a_tool(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "neuron-ls").write_text("#!/bin/sh\n")
    os.chmod(tmp_path / "bin" / "neuron-ls", 0o644)
    lookup = find_tool("neuron-ls", [str(tmp_path / "bin")], search_system_path=False)
    assert lookup.path is None


# --- running: every outcome of the state rules --------------------------------------


def _read(tmp_path: Path, timeout: float = 10.0):
    lookup = find_tool("neuron-ls", [str(tmp_path / "bin")], search_system_path=False)
    return read_neuron_ls(lookup, timeout=timeout)


def test_ok_single_device_with_header(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(json_out=[device(0)], table_out=TABLE)
    result = _read(tmp_path)
    assert result.state == "ok" and result.error_code is None
    assert len(result.devices) == 1
    assert result.header.instance_type == "trn1.2xlarge"
    assert result.header.instance_id == "i-0123456789abcdef0"


def test_ok_multi_device(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(json_out=[device(i, connected_to=[(i - 1) % 4, (i + 1) % 4]) for i in range(4)])
    result = _read(tmp_path)
    assert result.state == "ok"
    assert [d.neuroncore_ids for d in result.devices] == [(0, 1), (2, 3), (4, 5), (6, 7)]
    assert result.devices[0].connected_to == (3, 1)


def test_ok_trn2_logical_config(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(json_out=[device(i, cores=4, logical_neuroncore_config=2) for i in range(2)])
    result = _read(tmp_path)
    assert result.state == "ok"
    assert {d.logical_neuroncore_config for d in result.devices} == {2}


def test_header_failure_is_not_an_error(tmp_path: Path, fake_tool: FakeTool) -> None:
    body = 'if [ "$1" = "-j" ]; then echo \'[{"nc_count": 2}]\'; exit 0; fi\nexit 5\n'
    fake_tool(body=body)
    result = _read(tmp_path)
    assert result.state == "ok"
    assert result.header.instance_type is None


def test_missing_tool(tmp_path: Path) -> None:
    result = _read(tmp_path)
    assert (result.state, result.error_code) == ("tools_not_found", "tools_not_found")


def test_exit_127_means_tools_not_found(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(exit_status=127, stderr="neuron-ls: command not found")
    result = _read(tmp_path)
    assert (result.state, result.error_code, result.exit_status) == (
        "tools_not_found",
        "tools_not_found",
        127,
    )


def test_exit_1_with_empty_stdout_means_no_device(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(exit_status=1, stderr="ERROR: no neuron device found")
    result = _read(tmp_path)
    assert (result.state, result.error_code, result.exit_status) == ("no_device", "no_device", 1)
    assert result.detail == "ERROR: no neuron device found"


def test_empty_list_means_no_device(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(json_out=[])
    result = _read(tmp_path)
    assert (result.state, result.error_code) == ("no_device", "no_device")


def test_exit_1_with_output_is_a_tool_error(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(json_out=[device(0)], exit_status=1)
    result = _read(tmp_path)
    assert (result.state, result.error_code, result.exit_status) == ("tool_error", "exit_status", 1)


def test_other_exit_status_is_a_tool_error(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(exit_status=2, stderr="driver error")
    result = _read(tmp_path)
    assert (result.state, result.error_code, result.exit_status) == ("tool_error", "exit_status", 2)
    assert result.detail == "driver error"


def test_malformed_json(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(json_out='[{"neuron_device": 0,')
    result = _read(tmp_path)
    assert (result.state, result.error_code) == ("tool_error", "malformed_output")
    assert result.detail and "JSON" in result.detail


def test_wrong_shape(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(json_out={"neuron_device": 0})
    result = _read(tmp_path)
    assert (result.state, result.error_code) == ("tool_error", "malformed_output")


def test_hang_is_a_timeout(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(body="exec sleep 60\n")
    result = _read(tmp_path, timeout=1)
    assert (result.state, result.error_code) == ("tool_error", "timeout")


def test_unstartable_tool_is_a_launch_failure(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    tool = tmp_path / "bin" / "neuron-ls"
    tool.write_bytes(b"\x00\x01 not a program")
    tool.chmod(0o755)
    result = _read(tmp_path)
    assert (result.state, result.error_code) == ("tool_error", "launch_failed")
