from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_neuron.environment.service import EnvironmentService
from jupyterlab_neuron.settings import JupyterLabNeuron
from jupyterlab_neuron.simulator import FAIL_ENV


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingCollector:
    """Stands in for collect_environment and remembers how it was called."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **options: Any) -> Any:
        self.calls.append(options)
        return f"report {len(self.calls)}"


def _service(**options: Any) -> tuple[EnvironmentService, CountingCollector, FakeClock]:
    collector, clock = CountingCollector(), FakeClock()
    service = EnvironmentService(collector=collector, clock=clock, **options)
    return service, collector, clock


def test_report_is_cached_for_30_seconds() -> None:
    service, collector, clock = _service()
    assert service.report() == "report 1"
    clock.now += 30
    assert service.report() == "report 1"
    clock.now += 0.5
    assert service.report() == "report 2"
    assert len(collector.calls) == 2


def test_refresh_collects_again() -> None:
    service, collector, _ = _service()
    service.report()
    assert service.report(refresh=True) == "report 2"
    assert service.refresh() == "report 3"
    assert len(collector.calls) == 3


def test_settings_reach_the_collector() -> None:
    service, collector, _ = _service(
        tools_path=["/opt/x", "/opt/y"],
        search_system_path=False,
        timeout=3.0,
        packages_python="/venv/bin/python",
    )
    service.report()
    assert collector.calls == [
        {
            "tools_path": ["/opt/x", "/opt/y"],
            "search_system_path": False,
            "timeout": 3.0,
            "packages_python": "/venv/bin/python",
            "simulated_instance": None,
        }
    ]


def test_packages_default_to_the_server_interpreter() -> None:
    service, collector, _ = _service()
    service.report()
    assert collector.calls[0]["packages_python"] == sys.executable


def test_from_settings() -> None:
    settings = JupyterLabNeuron(
        tools_path=["/a"], search_system_path=False, tool_timeout=4.0, packages_python="/p"
    )
    service = EnvironmentService.from_settings(settings)
    assert service.tool_search() == (["/a"], False)
    assert service.timeout == 4.0
    assert service.packages_python == "/p"
    assert service.simulated_instance is None


def test_simulation_searches_only_the_simulator_folder() -> None:
    service = EnvironmentService.from_settings(JupyterLabNeuron(simulate="inf2.xlarge"))
    try:
        folders, search_system_path = service.tool_search()
        assert search_system_path is False
        (folder,) = folders
        assert (Path(folder) / "neuron-ls").is_file()
        assert service.find_tool("neuron-ls").path == str(Path(folder) / "neuron-ls")
        missing = service.find_tool("no-such-neuron-tool")
        assert (missing.path, missing.searched) == (None, (folder,))
    finally:
        service.close()
    assert not Path(folder).exists()
    service.close()  # Closing twice is fine.


def test_simulated_report_goes_through_the_real_tools_code() -> None:
    service = EnvironmentService(simulate="trn1.32xlarge")
    try:
        data = service.report().to_dict("en")
    finally:
        service.close()
    assert data["state"] == "ok"
    assert (data["simulated"], data["simulated_instance"]) == (True, "trn1.32xlarge")
    assert data["instance_type"] == "trn1.32xlarge"
    assert data["instance_id"].startswith("i-0sim")
    assert len(data["devices"]) == 16
    assert data["neuroncores"] == 32
    assert data["tools"]["neuron_ls"].endswith("/neuron-ls")


@pytest.mark.parametrize(
    ("mode", "state", "code"),
    [
        ("no-device", "no_device", "no_device"),
        ("malformed", "tool_error", "malformed_output"),
        ("wrong-shape", "tool_error", "malformed_output"),
        ("crash", "tool_error", "exit_status"),
        ("hang", "tool_error", "timeout"),
    ],
)
def test_simulated_failures(
    monkeypatch: pytest.MonkeyPatch, mode: str, state: str, code: str
) -> None:
    monkeypatch.setenv(FAIL_ENV, mode)
    service = EnvironmentService(simulate="trn1.2xlarge", timeout=1.0)
    try:
        data = service.report().to_dict("ja")
    finally:
        service.close()
    assert (data["state"], data["error"]["code"]) == (state, code)
    assert data["simulated"] is True
    # Even when the tool fails, the simulated instance is never taken from the real machine.
    assert data["instance_type"] is None
    assert data["problems"][0] == data["error"]["message"]


def test_unknown_simulated_instance_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown instance type"):
        EnvironmentService(simulate="p4d.24xlarge")
