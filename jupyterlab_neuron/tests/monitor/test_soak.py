"""Soak: the server under every abuse of the monitor at once, for about a minute.

50 WebSocket viewers, one client flooding pings (reconnecting whenever it is
dropped), one client that never reads, REST requests one after another, and a
neuron-monitor that reports twice and dies (a crash loop). The clients run in
their own processes (``soak_clients.py``); the server is this process. Checks:
resident memory grows by less than 100 MB, REST p99 stays under 100 ms, no
piece of the server's own work holds the event loop for 100 ms of CPU, the
server writes less than 1 MB of log, and the monitor is seen in a crash loop.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import sys
import time
from collections.abc import Iterator
from typing import Any

import psutil
import pytest

from jupyterlab_neuron.monitor.service import MonitorService

from .conftest import TEST_PERIOD, simulator_argv, watching

SOAK_SECONDS = 45.0
MB = 1_000_000


class LogVolume(logging.Handler):
    """Counts the characters the server would write to its log at its default level
    (INFO; the test server's loggers also pass DEBUG records)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(logging.Formatter("[%(levelname)s %(asctime)s %(name)s] %(message)s"))
        self.characters = 0
        self.lines = 0
        self._seen: set[int] = set()

    def emit(self, record: logging.LogRecord) -> None:
        if id(record) in self._seen:  # propagated from one watched logger to another
            return
        self._seen.add(id(record))
        self.characters += len(self.format(record)) + 1
        self.lines += 1


@pytest.fixture
def neuron_simulate() -> str:
    return "trn2.48xlarge"


@pytest.fixture
def monitor_scenario() -> str:
    return "crash"


@pytest.fixture
def monitor_settings() -> dict[str, Any]:
    # The simulator as the monitor command: two reports, then a crash, again and again.
    # It stands for a light native tool: its Python start-ups (one per restart) run at
    # a lower priority so that they do not take the CPU from the server it loads.
    return {
        "monitor_command": [
            "nice",
            "-n",
            "10",
            *simulator_argv(
                "trn2.48xlarge", "crash", "--crash-after", "2", "--period", str(TEST_PERIOD)
            ),
        ],
        "monitor_restart_backoff": 0.1,
        "monitor_restart_backoff_max": 0.2,
        "monitor_crash_loop_restarts": 3,
        "monitor_crash_loop_window": 5.0,
        "monitor_crash_loop_backoff": 2.0,
        "monitor_max_failures": 1000,
    }


@pytest.fixture
def log_volume(jp_serverapp: Any) -> Iterator[LogVolume]:
    loggers = [
        jp_serverapp.log,
        logging.getLogger("asyncio"),
        logging.getLogger("tornado"),
        logging.getLogger(),
    ]
    with watching(LogVolume(), *loggers) as handler:
        yield handler


def _lower_priority() -> None:
    os.nice(10)


async def run_clients(mode: str, port: int, base: str, token: str) -> dict[str, Any]:
    # The 52 sockets stand for other machines: on this one they must not starve the
    # server of CPU (the probes, which measure, keep the normal priority).
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "jupyterlab_neuron.tests.monitor.soak_clients",
        mode,
        str(port),
        base,
        token,
        str(SOAK_SECONDS),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        preexec_fn=_lower_priority if mode == "sockets" else None,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), SOAK_SECONDS + 45)
    except asyncio.TimeoutError:
        process.kill()
        raise
    assert process.returncode == 0, err.decode(errors="replace")[-2000:]
    return json.loads(out.decode().strip().splitlines()[-1])


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


@pytest.mark.timeout(150)
async def test_soak_under_every_abuse_at_once(
    jp_fetch: Any,
    jp_http_port: int,
    jp_base_url: str,
    jp_auth_header: dict[str, str],
    monitor_service: MonitorService,
    log_volume: LogVolume,
) -> None:
    token = jp_auth_header["Authorization"].split(" ", 1)[1]
    await jp_fetch("jupyterlab-neuron", "monitor", "status")  # the server is up
    # This process also holds whatever earlier tests left: keep the collector from
    # scanning it again and again, as it would not in a server of its own.
    gc.collect()
    gc.freeze()
    me = psutil.Process()
    rss_before = me.memory_info().rss
    states: set[str] = set()
    held_cpu = 0.0  # the longest the server's own work kept the loop from a 5 ms timer

    async def watch_states() -> None:
        nonlocal held_cpu
        while True:
            states.add(monitor_service.supervisor.state)
            cpu = time.thread_time()
            await asyncio.sleep(0.005)
            held_cpu = max(held_cpu, time.thread_time() - cpu)

    watcher = asyncio.get_running_loop().create_task(watch_states())
    try:
        started = time.monotonic()
        sockets, probes = await asyncio.gather(
            run_clients("sockets", jp_http_port, jp_base_url, token),
            run_clients("probes", jp_http_port, jp_base_url, token),
        )
        elapsed = time.monotonic() - started
    finally:
        watcher.cancel()
        gc.unfreeze()
    await asyncio.sleep(1.0)  # let closed connections go
    rss_growth = me.memory_info().rss - rss_before

    latencies = [value for values in probes["latencies"].values() for value in values]
    summary: dict[str, Any] = {
        "elapsed_s": round(elapsed, 1),
        "rss_growth_mb": round(rss_growth / MB, 1),
        "rest_requests": len(latencies),
        "rest_p99_ms": round(p99(latencies) * 1000, 1),
        "loop_held_cpu_ms": round(held_cpu * 1000, 1),
        "log_bytes": log_volume.characters,
        "log_lines": log_volume.lines,
        "states": sorted(states),
        "sockets": sockets,
        "restarts": monitor_service.status()["restarts"],
        "p50_p99_ms": {
            path: (round(sorted(v)[len(v) // 2] * 1000, 1), round(p99(v) * 1000, 1))
            for path, v in probes["latencies"].items()
        },
    }
    assert sockets["errors"] == 0, summary
    assert sockets["viewer_closed"] == 0, summary  # no viewer was dropped
    assert sockets.get("snapshot", 0) > 0 and sockets.get("status", 0) > 0, summary
    assert sockets["flood_connections"] >= 2, summary  # the flooder was dropped, came back
    assert probes["failures"] == 0, summary
    assert len(latencies) > 200, summary
    assert "crash_loop" in states, summary
    assert rss_growth < 100 * MB, summary
    assert held_cpu < 0.100, summary
    assert p99(latencies) < 0.100, summary
    assert log_volume.characters < 1 * MB, summary
