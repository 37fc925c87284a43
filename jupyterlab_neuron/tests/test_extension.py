"""The server extension application: what it registers and what ends with the server."""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.serverapp import ServerApp
from traitlets.config import Config

from jupyterlab_neuron import _jupyter_server_extension_points
from jupyterlab_neuron.context import ExtensionContext
from jupyterlab_neuron.extension import NeuronExtensionApp


@pytest.fixture
def jp_server_config() -> Config:
    """A simulated server whose monitor reports fast."""
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"jupyterlab_neuron": True}},
            "JupyterLabNeuron": {"simulate": "trn1.2xlarge", "monitor_period": 0.2},
        }
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def _running_monitor(jp_fetch: Any, timeout: float = 30.0) -> dict[str, Any]:
    """Ask for a snapshot (which starts neuron-monitor) and wait for its running status."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await jp_fetch("jupyterlab-neuron", "monitor", "snapshot")
        response = await jp_fetch("jupyterlab-neuron", "monitor", "status")
        status = json.loads(response.body)
        if status["state"] == "running" and status["pid"]:
            return status
        await asyncio.sleep(0.2)
    raise AssertionError(f"neuron-monitor did not start: {status}")


def test_extension_point_is_the_extension_app() -> None:
    (point,) = _jupyter_server_extension_points()
    assert point["module"] == "jupyterlab_neuron"
    assert point["app"] is NeuronExtensionApp
    assert NeuronExtensionApp.name == point["module"]


async def test_context_holds_every_capability(jp_serverapp: ServerApp) -> None:
    app = jp_serverapp.web_app.settings["jupyterlab_neuron"]
    assert isinstance(app, NeuronExtensionApp)
    context = app.context
    assert isinstance(context, ExtensionContext)
    for name in ("environment", "monitor", "diagnose", "cache", "templates"):
        assert getattr(context, name) is not None, name
    assert context.settings.simulate == "trn1.2xlarge"
    assert context.settings.monitor_period == 0.2


async def test_monitor_child_and_temporary_files_end_with_the_server(
    jp_serverapp: ServerApp, jp_fetch: Any
) -> None:
    context = jp_serverapp.web_app.settings["jupyterlab_neuron"].context
    status = await _running_monitor(jp_fetch)
    pid = int(status["pid"])
    config_file = Path(status["command"][-1])  # neuron-monitor ... -c CONFIG
    simulator_folder = Path(context.environment.find_tool("neuron-monitor").path).parent
    assert _alive(pid)
    assert config_file.is_file()
    assert simulator_folder.is_dir()

    # What the server runs when it stops (Ctrl+C, SIGTERM, /api/shutdown).
    await jp_serverapp.cleanup_extensions()

    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert not _alive(pid), "neuron-monitor outlived the server"
    assert not simulator_folder.exists(), "the simulator's folder outlived the server"
    assert not config_file.exists(), "the neuron-monitor configuration outlived the server"


async def test_closing_goes_on_after_a_failing_closer(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    closed: list[str] = []

    async def async_closer() -> None:
        closed.append("async")

    def failing() -> None:
        raise RuntimeError("boom")

    context = ExtensionContext(settings=None, server_app=None, log=logging.getLogger("test"))  # type: ignore[arg-type]
    context.on_close(lambda: closed.append("first"))
    context.on_close(async_closer)
    context.on_close(failing)
    with caplog.at_level(logging.ERROR):
        await context.close()
    await context.close()  # a second call closes nothing twice
    assert closed == ["async", "first"]
    assert "failed while closing" in caplog.text
