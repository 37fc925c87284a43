"""Fixtures of the monitor tests: a real server with a fast simulated monitor."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

from jupyterlab_neuron.monitor.service import MonitorService
from jupyterlab_neuron.simulator.neuron_monitor import (
    RUNTIME_PIDS_ENV,
    SCENARIO_ENV,
    SEED_ENV,
)

FIXTURES = Path(__file__).parent / "fixtures"

#: Fast enough for tests, slow enough for a 2-core machine under load.
TEST_PERIOD = 0.2


def load_fixture(name: str) -> Any:
    """A JSON fixture of this folder."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def simulator_argv(instance: str, scenario: str, *extra: str) -> list[str]:
    """The simulated neuron-monitor as a real subprocess."""
    return [
        sys.executable,
        "-W",
        "ignore",
        "-m",
        "jupyterlab_neuron.simulator",
        "neuron-monitor",
        "--instance",
        instance,
        "--scenario",
        scenario,
        *extra,
    ]


@pytest.fixture(autouse=True)
def _clean_monitor_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (RUNTIME_PIDS_ENV, SCENARIO_ENV, SEED_ENV, "JUPYTERLAB_NEURON_MONITOR_PERIOD"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def monitor_scenario() -> str:
    """The simulated workload of the test server (parametrize to change it)."""
    return "train-dual"


@pytest.fixture
def monitor_settings() -> dict[str, Any]:
    """Extra ``JupyterLabNeuron`` settings of the test server."""
    return {}


@pytest.fixture
def jp_server_config(neuron_simulate: str, monitor_scenario: str, monitor_settings: dict) -> Config:
    """The shared server config plus a fast simulated monitor."""
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"jupyterlab_neuron": True}},
            "JupyterLabNeuron": {
                "simulate": neuron_simulate,
                "monitor_scenario": monitor_scenario,
                "monitor_period": TEST_PERIOD,
                "monitor_restart_backoff": 0.2,
                # Generous: a loaded CI machine may take seconds to start a child.
                "monitor_grace_period": 30.0,
                **monitor_settings,
            },
        }
    )


@pytest.fixture
def monitor_service(
    jp_web_app: Any, jp_asyncio_loop: asyncio.AbstractEventLoop
) -> Iterator[MonitorService]:
    """The server's monitor service; its neuron-monitor child is stopped afterwards."""
    service: MonitorService = jp_web_app.settings["jupyterlab_neuron"].context.monitor
    yield service
    jp_asyncio_loop.run_until_complete(service.close())
