"""The monitor service and its supervisor, with the simulator as a real child."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from dataclasses import fields
from pathlib import Path
from typing import Any

from jupyterlab_neuron.monitor.normalizer import InstanceShape
from jupyterlab_neuron.monitor.ownership import KernelProcess
from jupyterlab_neuron.monitor.service import MonitorOptions, monitor_config
from jupyterlab_neuron.monitor.supervisor import MonitorCommand
from jupyterlab_neuron.settings import JupyterLabNeuron

from .conftest import (
    Resolver,
    alive,
    fast_options,
    next_snapshot,
    open_service,
    reach_state,
    states_until,
    wait_until,
)

FAST = fast_options(0.05, 0.2, grace_period=0.3)


async def test_one_child_serves_every_subscriber() -> None:
    resolver = Resolver("trn1.2xlarge", "train-dual")
    async with open_service(FAST, resolver, simulated_instance="trn1.2xlarge") as service:
        subscribers = [service.subscribe() for _ in range(3)]
        snapshots = [await next_snapshot(s) for s in subscribers]
        assert len(resolver.configs) == 1
        assert all(s["simulated"] for s in snapshots)
        assert [p["cores"] for p in snapshots[0]["processes"]] == [[0], [1]]
        status = service.status()
        assert status["state"] == "running" and status["subscribers"] == 3
        assert status["pid"] is not None and status["simulated"]
        assert service.history_since(None)
        assert "neuroncore_utilization_ratio" in service.metrics_text()


async def test_child_stops_a_grace_period_after_the_last_viewer_leaves() -> None:
    async with open_service(FAST, Resolver("inf2.xlarge", "idle")) as service:
        subscriber = service.subscribe()
        await next_snapshot(subscriber)
        pid = service.supervisor.pid
        assert pid is not None
        service.unsubscribe(subscriber)
        assert service.supervisor.state == "running"  # not at once: grace period
        await reach_state(service, "stopped")
        assert service.status()["pid"] is None
        await wait_until(lambda: not alive(pid))
        # A new viewer gets the last snapshot at once, and a new child starts.
        last_seq = service.seq
        again = service.subscribe()
        assert (await next_snapshot(again))["seq"] == last_seq
        assert (await next_snapshot(again))["seq"] > last_seq
        assert service.supervisor.pid not in (None, pid)


async def test_polling_lease_keeps_the_child_alive() -> None:
    async with open_service(FAST, Resolver("inf2.xlarge", "idle")) as service:

        def poll() -> bool:
            service.touch()  # a polling client: one request every 20 ms
            return service.latest is not None

        await wait_until(poll)
        pid = service.supervisor.pid
        for _ in range(8):  # 0.8 s of polling, longer than the 0.3 s grace period
            service.touch()
            await asyncio.sleep(0.1)
        assert service.supervisor.pid == pid
        assert service.status()["polling"] is True
        await reach_state(service, "stopped")


async def test_crash_restarts_with_backoff_and_recovers() -> None:
    resolver = Resolver("trn1.2xlarge", "crash", "--crash-after", "2")
    async with open_service(FAST, resolver, simulated_instance="trn1.2xlarge") as service:
        subscriber = service.subscribe()
        seen = await states_until(subscriber, final="running", after="restarting")
        assert seen[:2] == ["starting", "running"]
        status = service.status()
        assert status["restarts"] >= 1
        assert status["last_exit_status"] == 1
        assert status["last_exit_reason"] == "exited"
        assert any("simulated crash" in line for line in status["stderr_tail"])
        assert len(resolver.configs) >= 2
        # Reports kept flowing across the restart, numbered on.
        assert (await next_snapshot(subscriber))["seq"] > 2


async def test_watchdog_restarts_a_silent_child_then_gives_up() -> None:
    options = fast_options(0.05, 0.1, watchdog_timeout=0.4, max_failures=2)
    async with open_service(options, Resolver("inf2.xlarge", "idle", "--fail", "hang")) as service:
        subscriber = service.subscribe()
        seen = await states_until(subscriber, final="failed", after="restarting")
        assert "running" not in seen
        status = service.status()
        assert status["last_exit_reason"] == "watchdog"
        assert status["consecutive_failures"] == 2
        assert status["pid"] is None


async def test_failed_after_repeated_crashes_until_restart() -> None:
    options = fast_options(0.02, 0.05, max_failures=3)
    resolver = Resolver("inf2.xlarge", "idle", "--fail", "crash")
    async with open_service(options, resolver) as service:
        service.subscribe()
        await reach_state(service, "failed")
        assert len(resolver.configs) == 3
        status = service.status()
        assert status["last_exit_status"] == 2 and status["stderr_tail"]
        service.restart()
        await wait_until(lambda: len(resolver.configs) > 3)
        await reach_state(service, "failed")


async def test_not_installed_until_the_tool_appears() -> None:
    found: list[MonitorCommand | None] = [None]
    async with open_service(FAST, lambda config: found[0]) as service:
        service.subscribe()
        await reach_state(service, "not_installed")
        found[0] = MonitorCommand(("/nonexistent/folder/neuron-monitor",))
        service.restart()
        await wait_until(lambda: service.status()["detail"])
        assert service.supervisor.state == "not_installed"
        assert "nonexistent" in service.status()["detail"]


async def test_garbage_lines_are_counted_and_reports_keep_coming() -> None:
    async with open_service(FAST, Resolver("trn1.2xlarge", "garbage")) as service:
        subscriber = service.subscribe()
        snapshot = await next_snapshot(subscriber)
        await wait_until(lambda: service.status()["skipped_lines"] >= 3)
        later = await next_snapshot(subscriber)
        assert later["seq"] > snapshot["seq"]
        assert later["skipped_lines"] >= 1
        assert service.supervisor.state == "running"


async def test_long_polling_waits_for_a_newer_snapshot() -> None:
    async with open_service(FAST, Resolver("inf2.xlarge", "idle")) as service:
        service.touch(at_least=30)  # what a long-polling request does
        assert await service.wait_for_snapshot(0, 0.0) is None  # nothing yet, no wait
        first = await service.wait_for_snapshot(0, 30)
        assert first is not None
        newer = await service.wait_for_snapshot(first.seq, 30)
        assert newer is not None and newer.seq > first.seq


async def test_configuration_file_follows_the_options() -> None:
    options = MonitorOptions(
        period=0.25, runtime_metrics=("neuroncore_counters",), grace_period=0.3
    )
    resolver = Resolver("inf2.xlarge", "train-single")
    async with open_service(options, resolver) as service:
        subscriber = service.subscribe()
        snapshot = await next_snapshot(subscriber)
        config = json.loads(Path(resolver.configs[0]).read_text())
        assert config == monitor_config(options)
        assert config["period"] == "250ms"
        assert config["neuron_runtimes"][0]["metrics"] == [{"type": "neuroncore_counters"}]
        (process,) = snapshot["processes"]
        assert process["execution"] is None and process["models"] == []
    assert not Path(resolver.configs[0]).exists()


class FixedKernels:
    def __init__(self, kernels: list[KernelProcess]) -> None:
        self.result = kernels

    async def kernels(self) -> list[KernelProcess]:
        return self.result


async def test_runtime_processes_get_their_kernel() -> None:
    me = os.getpid()
    kernels = FixedKernels([KernelProcess("k-1", me, "python3", "demo.ipynb", "s-1")])
    resolver = Resolver("trn1.2xlarge", "train-dual", "--runtime-pid", str(me))
    async with open_service(FAST, resolver, kernel_source=kernels) as service:
        snapshot = await next_snapshot(service.subscribe())
        owned = [p for p in snapshot["processes"] if p["kernel"]]
        assert [p["pid"] for p in owned] == [me]
        assert owned[0]["kernel"]["notebook_path"] == "demo.ipynb"
        assert owned[0]["kernel"]["relation"] == "kernel"
        assert owned[0]["command"]  # read through psutil


async def test_long_polling_answers_at_once_when_nothing_will_come() -> None:
    async with open_service(FAST, lambda config: None) as service:
        service.touch(at_least=30)
        started = time.monotonic()
        assert await service.wait_for_snapshot(0, 20) is None
        assert time.monotonic() - started < 10
        assert service.supervisor.state == "not_installed"


async def test_loaded_model_paths_come_from_the_running_monitor_only() -> None:
    resolver = Resolver("inf2.xlarge", "inference")
    async with open_service(FAST, resolver, simulated_instance="inf2.xlarge") as service:
        # Nothing is known before neuron-monitor runs: the cache must not guess.
        try:
            service.loaded_model_paths()
        except LookupError:
            pass
        else:
            raise AssertionError("loaded_model_paths() answered without a running monitor")
        snapshot = await next_snapshot(service.subscribe())
        names = {m["name"] for p in snapshot["processes"] for m in p["models"]}
        assert names, "the inference scenario loads models"
        assert service.loaded_model_paths() == names
        assert any("neuron-compile-cache" in name for name in names)


async def test_layout_from_neuron_ls_when_reports_lack_hardware_info(tmp_path: Path) -> None:
    # A trn2.48xlarge whose reports carry no neuron_hardware_info and list cores 0-15:
    # the layout comes from neuron-ls (16 devices x 4 NeuronCores), read off the loop.
    report = {
        "neuron_runtime_data": [
            {
                "pid": 7,
                "report": {
                    "neuroncore_counters": {
                        "neuroncores_in_use": {
                            str(i): {"neuroncore_utilization": 50.0 if i == 4 else 0.0}
                            for i in range(16)
                        }
                    }
                },
            }
        ]
    }
    script = tmp_path / "monitor.py"
    script.write_text(
        "import json, sys, time\n"
        f"line = json.dumps({report!r})\n"
        "while True:\n"
        "    print(line, flush=True)\n"
        "    time.sleep(0.1)\n",
        encoding="utf-8",
    )
    asked: list[str] = []

    def neuron_ls_shape() -> InstanceShape:
        asked.append("neuron-ls")
        return InstanceShape(16, 4, 96 * 1024**3)

    async with open_service(
        FAST,
        lambda _config: MonitorCommand((sys.executable, str(script))),
        shape_source=neuron_ls_shape,
    ) as service:
        subscriber = service.subscribe()

        async def laid_out() -> dict[str, Any]:
            while True:
                snapshot = await next_snapshot(subscriber)
                if len(snapshot["cores"]) == 64:
                    return snapshot

        snapshot = await asyncio.wait_for(laid_out(), 30)
        assert snapshot["cores"][4]["device"] == 1
        assert snapshot["cores"][4]["utilization"] == 50.0
        assert len(snapshot["devices"]) == 16
        assert asked == ["neuron-ls"]  # once, not per report


def test_the_layout_neuron_ls_reports() -> None:
    from jupyterlab_neuron.environment.service import EnvironmentService
    from jupyterlab_neuron.monitor.handlers import shape_from_environment

    environment = EnvironmentService(simulate="trn2.48xlarge")
    try:
        shape = shape_from_environment(environment)
    finally:
        environment.close()
    assert shape == InstanceShape(16, 4, 96 * 1024**3)


def test_options_follow_every_monitor_setting() -> None:
    defaults = MonitorOptions()
    changed: dict[str, Any] = {}
    for option in fields(MonitorOptions):
        if option.name == "stderr_lines":  # not a setting
            continue
        default = getattr(defaults, option.name)
        if isinstance(default, tuple):
            changed[option.name] = default[:1]
        else:
            changed[option.name] = type(default)(default * 2 + 1)
    settings = JupyterLabNeuron(
        **{f"monitor_{name}": list(v) if isinstance(v, tuple) else v for name, v in changed.items()}
    )
    options = MonitorOptions.from_settings(settings)
    assert {name: getattr(options, name) for name in changed} == changed
    assert options.stderr_lines == defaults.stderr_lines
