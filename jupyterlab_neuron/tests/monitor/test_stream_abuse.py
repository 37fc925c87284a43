"""Abusive clients of the monitor: a ping flood from a WebSocket client that never
reads, clients that vanish with writes pending, ten clients fetching an hour of
history at once. What one connection may queue is bounded, a connection's write
failures reach the log once at most, and other requests are not held up."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from jupyterlab_neuron.monitor.history import HistoryPoint
from jupyterlab_neuron.monitor.normalizer import normalize_report
from jupyterlab_neuron.monitor.service import MonitorService
from jupyterlab_neuron.simulator.neuron_monitor import MonitorSimulation
from neuron_kernel_helpers.instances import INSTANCE_TYPES

from .conftest import is_snapshot, read_until, watching
from .rawws import PING, RawWebSocket


class Records(logging.Handler):
    """Every record of the loggers it is attached to."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # A record propagating from one attached logger to another arrives twice.
        if not any(r is record for r in self.records):
            self.records.append(record)

    def lines(self, level: int = logging.INFO) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= level]


@pytest.fixture
def server_log(jp_serverapp: Any) -> Iterator[Records]:
    """Records of the server's log, asyncio's and the root logger."""
    loggers = [jp_serverapp.log, logging.getLogger("asyncio"), logging.getLogger()]
    with watching(Records(), *loggers) as handler:
        yield handler


@pytest.fixture
def open_raw(
    jp_http_port: int, jp_base_url: str, jp_auth_header: dict[str, str]
) -> Callable[[], Awaitable[RawWebSocket]]:
    """Opens a raw WebSocket to the server's monitor stream with a 4 KiB receive buffer."""
    path = f"{jp_base_url.rstrip('/')}/jupyterlab-neuron/monitor/stream"
    token = jp_auth_header["Authorization"].split(" ", 1)[1]

    def connect() -> Awaitable[RawWebSocket]:
        return RawWebSocket.connect(jp_http_port, path, token, receive_buffer=4096)

    return connect


async def read_all(ws: RawWebSocket, timeout: float) -> tuple[int, str]:
    """Pongs read until the server ends the connection, and how it ended: ``"1008"``
    (a close frame's code), ``"dropped"`` (end of stream or reset) or ``"timeout"``."""
    pongs = 0
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return pongs, "timeout"
        try:
            frame = await asyncio.wait_for(ws.read_frame(), remaining)
        except asyncio.TimeoutError:
            return pongs, "timeout"
        if frame is None:
            return pongs, "dropped"
        if frame.opcode == 8:
            return pongs, str(int.from_bytes(frame.payload[:2], "big"))
        if frame.opcode == 1 and b'"pong"' in frame.payload:
            pongs += 1


async def test_a_ping_flood_from_a_client_that_never_reads_is_bounded(
    jp_ws_fetch: Any,
    open_raw: Callable[[], Awaitable[RawWebSocket]],
    monitor_service: MonitorService,
    server_log: Records,
) -> None:
    viewer = await jp_ws_fetch("jupyterlab-neuron", "monitor", "stream")
    try:
        await read_until(viewer, is_snapshot)
        flooder = await open_raw()
        sent = 0
        chunk = PING * 1000
        for _ in range(100):  # 100,000 pings (1 MB), as fast as the server takes them
            if not await flooder.send_raw(chunk):
                break
            sent += 1000
        # The other viewer keeps getting fresh snapshots meanwhile.
        seq = monitor_service.seq
        latest = await read_until(viewer, lambda m: is_snapshot(m) and m["snapshot"]["seq"] > seq)
        assert latest[-1]["snapshot"]["seq"] > seq
        pongs, ending = await read_all(flooder, timeout=10.0)
        flooder.close()
        # A handful of answers at most, and the flooding client was dropped (its
        # close frame may be lost to the reset of the unread flood).
        assert pongs <= 20, (pongs, sent)
        assert ending in ("1008", "dropped")
    finally:
        viewer.close()
    gc.collect()
    await asyncio.sleep(0.2)
    lines = server_log.lines()
    assert not [line for line in lines if "never retrieved" in line]
    assert len([line for line in lines if "monitor stream" in line]) <= 1, lines


async def test_clients_that_vanish_with_answers_pending_log_once_at_most(
    jp_ws_fetch: Any,
    open_raw: Callable[[], Awaitable[RawWebSocket]],
    monitor_service: MonitorService,
    server_log: Records,
) -> None:
    clients = 5
    for _ in range(clients):
        ws = await open_raw()
        await ws.send_raw(PING * 150)  # under the flood limit: answered, then reset
        ws.abort()
    viewer = await jp_ws_fetch("jupyterlab-neuron", "monitor", "stream")
    try:
        await read_until(viewer, is_snapshot)
        await read_until(viewer, is_snapshot)
    finally:
        viewer.close()
    gc.collect()
    await asyncio.sleep(0.2)
    lines = server_log.lines(logging.DEBUG)
    assert not [line for line in lines if "never retrieved" in line], lines
    assert len([line for line in lines if "monitor stream" in line]) <= clients, lines


def fill_history(service: MonitorService, points: int) -> None:
    """``points`` history points of a busy trn2.48xlarge (64 cores, 8 runtimes)."""
    simulation = MonitorSimulation(INSTANCE_TYPES["trn2.48xlarge"], "full-load", seed=3)
    snapshots = [normalize_report(simulation.report(), seq=n + 1) for n in range(10)]
    start = time.time() - points
    for n in range(points):
        snapshot = snapshots[n % len(snapshots)]
        snapshot.seq, snapshot.timestamp = n + 1, start + n
        service.history.append(snapshot.timestamp, HistoryPoint.from_snapshot(snapshot))


async def test_history_fetches_do_not_hold_up_other_requests(
    jp_fetch: Any,
    jp_http_port: int,
    jp_base_url: str,
    jp_auth_header: dict[str, str],
    monitor_service: MonitorService,
) -> None:
    fill_history(monitor_service, 3600)
    # What building one hour of history in one go costs on this machine, for scale.
    started = time.perf_counter()
    json.dumps([point.to_dict() for point in monitor_service.history.since()])
    build = time.perf_counter() - started

    url = f"http://127.0.0.1:{jp_http_port}{jp_base_url.rstrip('/')}/jupyterlab-neuron/monitor/history"

    def fetch() -> bytes:
        request = urllib.request.Request(url, headers=jp_auth_header)
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.read()

    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    with ThreadPoolExecutor(max_workers=10) as pool:
        fetches = [loop.run_in_executor(pool, fetch) for _ in range(10)]
        while not all(f.done() for f in fetches):
            started = time.perf_counter()
            await jp_fetch("jupyterlab-neuron", "monitor", "status")
            latencies.append(time.perf_counter() - started)
            await asyncio.sleep(0.005)
        bodies = [await f for f in fetches]
    reply = json.loads(bodies[0])
    assert len(reply["points"]) == 3600
    assert len(reply["points"][0]["cores"]) == 64
    assert all(len(body) > 1_000_000 for body in bodies)
    # Other requests are not queued behind whole history replies.
    worst = max(latencies)
    assert worst < max(0.1, build), (worst, build, len(latencies))
