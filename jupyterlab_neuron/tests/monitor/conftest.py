"""Fixtures of the monitor tests: a real server with a fast simulated monitor, and
the steps the service and supervisor tests share (a service that is always closed,
waiting for a state, a snapshot or a process's end)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import psutil
import pytest
from traitlets.config import Config

from jupyterlab_neuron.monitor import launch
from jupyterlab_neuron.monitor.service import MonitorOptions, MonitorService
from jupyterlab_neuron.monitor.stream import Subscriber
from jupyterlab_neuron.monitor.supervisor import MonitorCommand
from jupyterlab_neuron.simulator.neuron_monitor import (
    RUNTIME_PIDS_ENV,
    SCENARIO_ENV,
    SEED_ENV,
)

FIXTURES = Path(__file__).parent / "fixtures"

HandlerT = TypeVar("HandlerT", bound=logging.Handler)

#: Fast enough for tests, slow enough for a 2-core machine under load.
TEST_PERIOD = 0.2


#: The report fixtures of the real tool's format variants (normalizer, Prometheus text).
REPORT_VARIANTS = [
    "inf2_flops",
    "effective_flops_device_key",
    "legacy_three_keys",
    "trn2_v3d",
    "idle_empty_runtimes",
    "missing_groups",
]


def load_fixture(name: str) -> Any:
    """A JSON fixture of this folder."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def promtool_check(text: str) -> subprocess.CompletedProcess[str]:
    """``promtool check metrics`` on ``text``; skips the test without promtool."""
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (Debian package 'prometheus'); CI installs it")
    return subprocess.run(
        [promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60
    )


def simulator_argv(instance: str, scenario: str, *extra: str) -> list[str]:
    """The simulated neuron-monitor as a real subprocess."""
    return list(launch.simulator_argv(instance, "--scenario", scenario, *extra))


def fast_options(
    restart_backoff: float, restart_backoff_max: float | None = None, **options: Any
) -> MonitorOptions:
    """Options of a test service: a report every 0.1 s, restarts after ``restart_backoff``
    seconds (growing to ``restart_backoff_max``, by default the same)."""
    if restart_backoff_max is None:
        restart_backoff_max = restart_backoff
    return MonitorOptions(
        period=0.1,
        restart_backoff=restart_backoff,
        restart_backoff_max=restart_backoff_max,
        **options,
    )


class Resolver:
    """Runs the simulator; remembers every configuration path it was given."""

    def __init__(self, instance: str, scenario: str, *extra: str) -> None:
        self.argv = (instance, scenario, extra)
        self.configs: list[str] = []

    def __call__(self, config: str) -> MonitorCommand:
        self.configs.append(config)
        instance, scenario, extra = self.argv
        argv = simulator_argv(instance, scenario, "-c", config, *extra)
        return MonitorCommand(tuple(argv), simulated=True)


@asynccontextmanager
async def open_service(
    options: MonitorOptions,
    resolve: Callable[[str], MonitorCommand | None],
    **kwargs: Any,
) -> AsyncIterator[MonitorService]:
    """A monitor service of its own (no server), closed with its child at the end."""
    service = MonitorService(options, resolve, **kwargs)
    try:
        yield service
    finally:
        await service.close()


async def wait_until(predicate: Callable[[], Any], timeout: float = 30.0) -> Any:
    """The first true value of ``predicate``, asked every 20 ms until ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


async def reach_state(service: MonitorService, state: str, timeout: float = 30.0) -> None:
    """Wait until the service's supervisor is in ``state``."""
    await wait_until(lambda: service.supervisor.state == state, timeout)


async def next_snapshot(subscriber: Subscriber, timeout: float = 30.0) -> dict[str, Any]:
    """The snapshot of the subscriber's next batch that holds one."""
    deadline = time.monotonic() + timeout
    while True:
        messages = await asyncio.wait_for(subscriber.next(), deadline - time.monotonic())
        for message in reversed(messages):
            if message.kind == "snapshot":
                return json.loads(message.text)["snapshot"]


async def states_until(
    subscriber: Subscriber, final: str, after: str, timeout: float = 30.0
) -> list[str]:
    """Status states seen until ``final`` comes after ``after``."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        messages = await asyncio.wait_for(subscriber.next(), deadline - time.monotonic())
        for message in messages:
            if message.kind == "status":
                seen.append(message.status["state"])
        if after in seen and final in seen[seen.index(after) + 1 :]:
            return seen


#: One message of the monitor's WebSocket stream, parsed.
Message = dict[str, Any]


async def read_until(
    ws: Any, predicate: Callable[[Message], bool], timeout: float = 30.0
) -> list[Message]:
    """Messages of a stream connection read until one satisfies ``predicate``
    (included, last)."""
    seen: list[Message] = []
    deadline = time.monotonic() + timeout
    while True:
        raw = await asyncio.wait_for(ws.read_message(), deadline - time.monotonic())
        assert raw is not None, "the server closed the stream"
        message = json.loads(raw)
        seen.append(message)
        if predicate(message):
            return seen


def is_snapshot(message: Message) -> bool:
    """Whether a stream message carries a snapshot."""
    return message["type"] == "snapshot"


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0): look at its state.
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@contextmanager
def watching(handler: HandlerT, *loggers: logging.Logger) -> Iterator[HandlerT]:
    """``handler`` attached to every one of ``loggers`` for the block."""
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


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
