"""The clients of the monitor soak test, run in their own processes so that their
work does not count against the server they load.

    python -m jupyterlab_neuron.tests.monitor.soak_clients sockets PORT BASE TOKEN SECONDS
    python -m jupyterlab_neuron.tests.monitor.soak_clients probes PORT BASE TOKEN SECONDS

``sockets``: 50 WebSocket viewers reading everything, one client flooding pings
(it reconnects whenever the server drops it), one client that never reads.
``probes``: REST requests one after another (status, snapshot, history,
metrics). Each prints one JSON line of figures on stdout. Every loop is bounded
by ``SECONDS``.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import sys
import time
from typing import Any

from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from .rawws import PING, RawWebSocket

VIEWERS = 50


def stream_path(base: str) -> str:
    return f"{base.rstrip('/')}/jupyterlab-neuron/monitor/stream"


async def viewer(port: int, base: str, token: str, until: float, counts: dict[str, int]) -> None:
    request = HTTPRequest(
        f"ws://127.0.0.1:{port}{stream_path(base)}",
        headers={"Authorization": f"token {token}"},
    )
    ws = await websocket_connect(request)
    try:
        while time.monotonic() < until:
            try:
                message = await asyncio.wait_for(ws.read_message(), until - time.monotonic())
            except asyncio.TimeoutError:
                break
            if message is None:
                counts["viewer_closed"] += 1
                return
            kind = json.loads(message)["type"]
            counts[kind] = counts.get(kind, 0) + 1
    finally:
        ws.close()


async def flooder(port: int, base: str, token: str, until: float, counts: dict[str, int]) -> None:
    chunk = PING * 500
    while time.monotonic() < until:
        ws = await RawWebSocket.connect(port, stream_path(base), token, receive_buffer=4096)
        counts["flood_connections"] += 1
        while time.monotonic() < until:
            if not await ws.send_raw(chunk):
                break  # dropped by the server
            counts["flood_pings"] += 500
            await asyncio.sleep(0.01)
        ws.close()
        await asyncio.sleep(0.5)


async def never_reads(port: int, base: str, token: str, until: float) -> None:
    ws = await RawWebSocket.connect(port, stream_path(base), token, receive_buffer=4096)
    await asyncio.sleep(max(0.0, until - time.monotonic()))
    ws.abort()


async def sockets(port: int, base: str, token: str, seconds: float) -> dict[str, Any]:
    until = time.monotonic() + seconds
    counts: dict[str, int] = {"viewer_closed": 0, "flood_connections": 0, "flood_pings": 0}
    tasks = [never_reads(port, base, token, until), flooder(port, base, token, until, counts)]
    tasks += [viewer(port, base, token, until, counts) for _ in range(VIEWERS)]
    results = await asyncio.gather(*tasks, return_exceptions=True)
    counts["errors"] = sum(isinstance(r, BaseException) for r in results)
    counts["first_error"] = next((repr(r) for r in results if isinstance(r, BaseException)), "")
    return counts


def probes(port: int, base: str, token: str, seconds: float) -> dict[str, Any]:
    paths = ["status", "snapshot", "history?limit=60", "metrics"]
    prefix = f"{base.rstrip('/')}/jupyterlab-neuron/monitor/"
    latencies: dict[str, list[float]] = {path: [] for path in paths}
    failures = 0
    until = time.monotonic() + seconds
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    number = 0
    while time.monotonic() < until:
        path = paths[number % len(paths)]
        number += 1
        started = time.perf_counter()
        try:
            connection.request("GET", prefix + path, headers={"Authorization": f"token {token}"})
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies[path].append(time.perf_counter() - started)
        failures += not ok
        time.sleep(0.02)
    connection.close()
    return {"latencies": latencies, "failures": failures}


def main(argv: list[str]) -> int:
    mode, port, base, token, seconds = argv
    if mode == "sockets":
        result = asyncio.run(sockets(int(port), base, token, float(seconds)))
    else:
        result = probes(int(port), base, token, float(seconds))
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
