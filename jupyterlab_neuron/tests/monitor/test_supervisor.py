"""The supervisor against misbehaving monitor commands: children that outlive the
main process, and a monitor that reports once and dies (a crash loop)."""

from __future__ import annotations

import asyncio
import sys
import textwrap
import time
from pathlib import Path

import pytest

from jupyterlab_neuron.monitor.messages import state_message
from jupyterlab_neuron.monitor.supervisor import MonitorCommand

from .conftest import (
    Resolver,
    alive,
    fast_options,
    next_snapshot,
    open_service,
    reach_state,
    wait_until,
)

#: A monitor whose main process starts a helper child, prints one report and
#: exits, leaving the child behind (holding stdout open, or not).
LEAVES_A_CHILD = textwrap.dedent(
    """
    import subprocess, sys
    pids_file, hold_stdout = sys.argv[1], sys.argv[2] == "hold"
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)"],
        stdout=None if hold_stdout else subprocess.DEVNULL,
    )
    with open(pids_file, "a") as out:
        out.write(f"{child.pid}\\n")
    sys.stdout.write('{"neuron_runtime_data": []}\\n')
    sys.stdout.flush()
    sys.exit(3)
    """
)


def leaves_a_child(tmp_path: Path, mode: str) -> tuple[Path, MonitorCommand]:
    script = tmp_path / "monitor.py"
    script.write_text(LEAVES_A_CHILD, encoding="utf-8")
    pids = tmp_path / "children.txt"
    return pids, MonitorCommand((sys.executable, str(script), str(pids), mode))


def child_pids(path: Path) -> list[int]:
    if not path.exists():
        return []
    return [int(line) for line in path.read_text().split()]


@pytest.mark.parametrize("mode", ["hold", "release"])
async def test_children_of_the_monitor_end_with_it(tmp_path: Path, mode: str) -> None:
    pids_file, command = leaves_a_child(tmp_path, mode)
    # A long watchdog: noticing that the main process exited must not wait for it.
    options = fast_options(0.05, watchdog_timeout=30.0, crash_loop_restarts=100)
    async with open_service(options, lambda _config: command) as service:
        service.subscribe()
        started = time.monotonic()
        await wait_until(lambda: len(child_pids(pids_file)) >= 4, timeout=20.0)
        assert time.monotonic() - started < 20.0
        # Every child of an ended run is gone, not just the main process.
        await wait_until(lambda: all(not alive(pid) for pid in child_pids(pids_file)[:-1]))
    await wait_until(lambda: all(not alive(pid) for pid in child_pids(pids_file)), timeout=10.0)
    assert service.status()["state"] == "stopped"


async def test_status_says_starting_only_with_a_pid(tmp_path: Path) -> None:
    _, command = leaves_a_child(tmp_path, "hold")
    options = fast_options(0.3, watchdog_timeout=30.0, crash_loop_restarts=100)
    longest = 0.0  # longest stretch of "starting"/"running" without a pid, in seconds
    since: float | None = None
    async with open_service(options, lambda _config: command) as service:
        service.subscribe()
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline:
            status = service.status()
            now = time.monotonic()
            if status["state"] in ("starting", "running") and status["pid"] is None:
                since = now if since is None else since
                longest = max(longest, now - since)
            else:
                since = None
            await asyncio.sleep(0.01)
        assert service.status()["restarts"] >= 2
    # The moment between the exit and its handling may be seen, never the watchdog time.
    assert longest < 0.5, longest


async def test_a_monitor_that_reports_once_and_dies_is_a_crash_loop() -> None:
    options = fast_options(
        0.02, 0.05, crash_loop_restarts=3, crash_loop_window=30.0, crash_loop_backoff=60.0
    )
    resolver = Resolver("trn1.2xlarge", "crash", "--crash-after", "1")
    async with open_service(options, resolver, simulated_instance="trn1.2xlarge") as service:
        subscriber = service.subscribe()
        await next_snapshot(subscriber)
        await reach_state(service, "crash_loop")
        status = service.status()
        assert status["crash_loop"] == {"exits": 3, "window": 30.0, "backoff": 60.0}
        assert status["next_restart_at"] - time.time() > 50
        assert any("simulated crash" in line for line in status["stderr_tail"])
        assert status["pid"] is None
        started = len(resolver.configs)
        await asyncio.sleep(0.5)  # backing off: no new child
        assert len(resolver.configs) == started
        assert service.supervisor.state == "crash_loop"
        ja = state_message(status, "ja", time.time())
        en = state_message(status, "en", time.time())
        assert "3 回" in ja and "30 秒" in ja
        assert "3 times" in en and "30 s" in en
        # The user's retry starts at once and leaves the crash loop.
        service.restart()
        assert service.status()["crash_loop"] is None
        assert service.supervisor.state != "crash_loop"
        await wait_until(lambda: len(resolver.configs) > started, timeout=5.0)


async def test_a_crash_loop_ends_once_the_monitor_stays_up() -> None:
    options = fast_options(
        0.02, 0.05, crash_loop_restarts=2, crash_loop_window=0.6, crash_loop_backoff=0.1
    )
    # Crashes after 1 report twice, then (after the first crash loop) stays up.
    resolver = Resolver("trn1.2xlarge", "crash", "--crash-after", "1")
    async with open_service(options, resolver) as service:
        subscriber = service.subscribe()
        await reach_state(service, "crash_loop")
        resolver.argv = ("trn1.2xlarge", "idle", ())
        await next_snapshot(subscriber)
        # Healthy reports for less than the window keep the state...
        assert service.supervisor.state == "crash_loop"
        # ...and for longer end it.
        await reach_state(service, "running", timeout=10.0)
        assert service.status()["crash_loop"] is None


KEEPS_A_MONITOR = textwrap.dedent(
    """
    import asyncio
    from jupyterlab_neuron.monitor.supervisor import MonitorCommand, NeuronMonitorSupervisor

    class Listener:
        async def child_output(self, chunk): pass
        def child_ended(self): pass
        def state_changed(self): pass

    async def main():
        supervisor = NeuronMonitorSupervisor(
            Listener(), lambda: MonitorCommand(("sleep", "120")), watchdog_timeout=300
        )
        supervisor.start()
        while supervisor.pid is None:
            await asyncio.sleep(0.01)
        print(supervisor.pid, flush=True)
        await asyncio.sleep(120)

    asyncio.run(main())
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal")
async def test_the_monitor_ends_when_the_server_is_killed() -> None:
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-c", KEEPS_A_MONITOR, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert server.stdout is not None
        child = int(await asyncio.wait_for(server.stdout.readline(), 30))
        assert alive(child)
        server.kill()  # no shutdown hook, no atexit: only the kernel can tell the child
        await server.wait()
        await wait_until(lambda: not alive(child), timeout=10.0)
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
