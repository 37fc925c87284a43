"""The simulated neuron-ls, run as a real executable, against the catalogue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_neuron.simulator import FAIL_ENV
from jupyterlab_neuron.simulator.commands import main
from jupyterlab_neuron.simulator.devices import simulated_devices
from jupyterlab_neuron.simulator.tools import SimulatedToolsFolder, write_tool_scripts
from neuron_kernel_helpers.command_runner import run_command
from neuron_kernel_helpers.instances import INSTANCE_TYPES
from neuron_kernel_helpers.neuron_ls import parse_devices_json, parse_instance_header

REQUIRED = ["inf2.xlarge", "inf2.48xlarge", "trn1.2xlarge", "trn1.32xlarge", "trn2.48xlarge"]
TORUS = {"trn1.32xlarge", "trn1n.32xlarge", "trn2.48xlarge"}
DEVICE_KEYS = {
    "neuron_device",
    "bdf",
    "cpu_affinity",
    "numa_node",
    "connected_to",
    "nc_count",
    "memory_size",
    "neuroncore_ids",
    "neuron_processes",
}


def _check_against_catalogue(name: str, devices: list[dict[str, Any]]) -> None:
    spec = INSTANCE_TYPES[name]
    assert len(devices) == spec.devices
    all_ids: list[int] = []
    for position, device in enumerate(devices):
        expected_keys = DEVICE_KEYS | (
            {"logical_neuroncore_config"} if name.startswith("trn2") else set()
        )
        assert set(device) == expected_keys
        assert device["neuron_device"] == position
        assert device["nc_count"] == spec.logical_cores_per_device
        assert device["memory_size"] == spec.memory_per_device_bytes
        assert isinstance(device["numa_node"], str)
        assert device["neuron_processes"] == []
        all_ids += device["neuroncore_ids"]
        neighbours = device["connected_to"]
        if spec.devices == 1:
            assert neighbours is None
            assert device["numa_node"] == "-1"
        elif name in TORUS:
            assert len(set(neighbours)) == 4 and position not in neighbours
            for other in neighbours:
                assert position in devices[other]["connected_to"]
    # Global NeuronCore numbering, device after device.
    assert all_ids == list(range(spec.neuroncores))
    assert len({device["bdf"] for device in devices}) == spec.devices
    if name.startswith("trn2"):
        assert {device["logical_neuroncore_config"] for device in devices} == {2}


@pytest.fixture(scope="module")
def tool_folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folders = {}
    for name in REQUIRED:
        folder = tmp_path_factory.mktemp(name.replace(".", "_"))
        write_tool_scripts(folder, name)
        folders[name] = folder
    return folders


@pytest.mark.parametrize("name", REQUIRED)
def test_json_output_of_the_executable(name: str, tool_folders: dict[str, Path]) -> None:
    run = run_command([str(tool_folders[name] / "neuron-ls"), "-j"], timeout=30)
    assert run.exit_status == 0, run.stderr
    devices = json.loads(run.stdout)
    _check_against_catalogue(name, devices)
    # And the reader of real tools reads it.
    parsed = parse_devices_json(run.stdout)
    assert sum(device.nc_count for device in parsed) == INSTANCE_TYPES[name].neuroncores


@pytest.mark.parametrize("name", REQUIRED)
def test_table_output_of_the_executable(name: str, tool_folders: dict[str, Path]) -> None:
    run = run_command([str(tool_folders[name] / "neuron-ls")], timeout=30)
    assert run.exit_status == 0, run.stderr
    header = parse_instance_header(run.stdout)
    assert header.instance_type == name
    assert header.instance_id is not None and header.instance_id.startswith("i-0sim")
    assert header.simulated is True
    device_rows = [
        line for line in run.stdout.splitlines() if line.startswith("| ") and line[2].isdigit()
    ]
    assert len(device_rows) == INSTANCE_TYPES[name].devices


@pytest.mark.parametrize("name", sorted(INSTANCE_TYPES))
def test_every_catalogue_instance_is_simulated(name: str) -> None:
    _check_against_catalogue(name, simulated_devices(INSTANCE_TYPES[name]))


def test_trn1_32xlarge_torus_matches_neuron_ls() -> None:
    devices = simulated_devices(INSTANCE_TYPES["trn1.32xlarge"])
    assert devices[0]["connected_to"] == [12, 3, 4, 1]
    assert {device["numa_node"] for device in devices} == {"0", "1"}


def test_trn2_lists_logical_neuroncores(tool_folders: dict[str, Path]) -> None:
    # trn2.48xlarge at LNC=2: 16 devices of 4 logical NeuronCores (8 physical), 64 in all.
    run = run_command([str(tool_folders["trn2.48xlarge"] / "neuron-ls"), "-j"], timeout=30)
    devices = json.loads(run.stdout)
    assert len(devices) == 16
    assert {device["nc_count"] for device in devices} == {4}
    assert {device["logical_neuroncore_config"] for device in devices} == {2}
    assert devices[1]["neuroncore_ids"] == [4, 5, 6, 7]
    assert devices[15]["neuroncore_ids"] == [60, 61, 62, 63]
    assert sum(device.nc_count for device in parse_devices_json(run.stdout)) == 64


def test_instance_id_is_fixed_per_instance(tool_folders: dict[str, Path]) -> None:
    def instance_id(name: str) -> str | None:
        run = run_command([str(tool_folders[name] / "neuron-ls")], timeout=30)
        return parse_instance_header(run.stdout).instance_id

    assert instance_id("trn1.2xlarge") == instance_id("trn1.2xlarge")
    assert instance_id("trn1.2xlarge") != instance_id("inf2.xlarge")


# --- failure modes ----------------------------------------------------------------


def test_no_device_mode(tmp_path: Path) -> None:
    write_tool_scripts(tmp_path, "trn1.2xlarge", fail="no-device")
    run = run_command([str(tmp_path / "neuron-ls"), "-j"], timeout=30)
    assert run.exit_status == 1
    assert run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("mode", ["malformed", "wrong-shape"])
def test_unreadable_output_modes(tmp_path: Path, mode: str) -> None:
    write_tool_scripts(tmp_path, "trn1.2xlarge", fail=mode)
    run = run_command([str(tmp_path / "neuron-ls"), "-j"], timeout=30)
    assert run.exit_status == 0
    try:
        document = json.loads(run.stdout)
    except ValueError:
        document = None
    assert not isinstance(document, list)


def test_crash_mode(tmp_path: Path) -> None:
    write_tool_scripts(tmp_path, "trn1.2xlarge", fail="crash")
    run = run_command([str(tmp_path / "neuron-ls"), "-j"], timeout=30)
    assert run.exit_status == 2 and run.stderr.strip()


def test_hang_mode_is_killed_by_the_timeout(tmp_path: Path) -> None:
    write_tool_scripts(tmp_path, "trn1.2xlarge", fail="hang")
    run = run_command([str(tmp_path / "neuron-ls"), "-j"], timeout=1)
    assert run.timed_out


def test_failure_mode_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tool_scripts(tmp_path, "trn1.2xlarge")
    monkeypatch.setenv(FAIL_ENV, "no-device")
    assert run_command([str(tmp_path / "neuron-ls"), "-j"], timeout=30).exit_status == 1
    monkeypatch.setenv(FAIL_ENV, "bogus")
    bogus = run_command([str(tmp_path / "neuron-ls"), "-j"], timeout=30)
    assert bogus.exit_status == 2 and "bogus" in bogus.stderr


def test_module_entry_point_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["neuron-ls", "--instance", "inf2.48xlarge", "-j"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 12


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["neuron-ls", "--instance", "p5.48xlarge"], "unknown instance type 'p5.48xlarge'"),
        (["neuron-monitor", "--instance", "p5.48xlarge"], "unknown instance type 'p5.48xlarge'"),
        (["workload", "--instance", "p5.48xlarge"], "unknown instance type 'p5.48xlarge'"),
        (["neuron-ls", "--instance", "inf2.xlarge", "--fail", "explode"], "unknown failure mode"),
        (
            ["neuron-monitor", "--instance", "inf2.xlarge", "--fail", "explode"],
            "unknown failure mode 'explode' (known: no-device, hang,",
        ),
        (
            ["neuron-monitor", "--instance", "inf2.xlarge", "--scenario", "party"],
            "unknown scenario 'party' (known: ",
        ),
    ],
)
def test_unknown_values_are_usage_errors_naming_the_known_ones(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_write_tool_scripts_validates(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_tool_scripts(tmp_path, "p5.48xlarge")
    with pytest.raises(ValueError):
        write_tool_scripts(tmp_path, "trn1.2xlarge", fail="explode")


def test_scripts_are_executable_and_say_they_are_simulated(tmp_path: Path) -> None:
    written = write_tool_scripts(tmp_path, "trn1.2xlarge")
    script = written["neuron-ls"]
    assert script.stat().st_mode & 0o111
    assert "Simulated neuron-ls for trn1.2xlarge" in script.read_text()


def test_simulated_tools_folder_lifecycle() -> None:
    folder = SimulatedToolsFolder("trn1.2xlarge")
    path = folder.path
    assert folder.path == path  # Created once.
    assert (path / "neuron-ls").is_file()
    folder.close()
    assert not path.exists()
