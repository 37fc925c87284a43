"""How long other requests wait while ten clients fetch one hour of monitor history.

    (from the repository root) .venv/bin/python bench/monitor/bench_history.py [--rounds 3]

Starts a real Jupyter server with the extension (simulating trn2.48xlarge, in
temporary Jupyter folders), fills the monitor history with 3,600 points of the
simulator's full-load reports (64 cores, 8 runtimes: about 5 MB of JSON), then,
from other processes, has ten clients fetch ``monitor/history`` at once while
one more client requests ``monitor/status`` every 10 ms. Prints the longest
time the server's event loop was held (a 5 ms timer's lateness) and the status
latencies (median, p99, worst; these include the client processes' own
scheduling on a busy machine) during the fetches, and without them for
comparison. Target: other requests stay under 50 ms. This is a benchmark, not a
test: it prints figures and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

TOKEN = "bench-history-token"
FETCHERS = 10
POINTS = 3600


def fetch_history(port: int) -> tuple[int, float]:
    """One client: the whole history; its size and how long it took."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request(
        "GET",
        "/jupyterlab-neuron/monitor/history",
        headers={"Authorization": f"token {TOKEN}"},
    )
    body = connection.getresponse().read()
    connection.close()
    return len(body), time.perf_counter() - started


def probe_status(port: int, seconds: float) -> list[float]:
    """``monitor/status`` every 10 ms for ``seconds``; each request's latency."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies = []
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        started = time.perf_counter()
        connection.request(
            "GET", "/jupyterlab-neuron/monitor/status", headers={"Authorization": f"token {TOKEN}"}
        )
        connection.getresponse().read()
        latencies.append(time.perf_counter() - started)
        time.sleep(0.01)
    connection.close()
    return latencies


def describe(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"median {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
        f"worst {ordered[-1] * 1000:.1f} ms ({len(ordered)} requests)"
    )


def fill_history(service: object) -> None:
    from jupyterlab_neuron.monitor.history import HistoryPoint
    from jupyterlab_neuron.monitor.normalizer import normalize_report
    from jupyterlab_neuron.simulator.neuron_monitor import MonitorSimulation
    from neuron_kernel_helpers.instances import INSTANCE_TYPES

    simulation = MonitorSimulation(INSTANCE_TYPES["trn2.48xlarge"], "full-load", seed=5)
    snapshots = [normalize_report(simulation.report()) for _ in range(20)]
    start = time.time() - POINTS
    for n in range(POINTS):
        snapshot = snapshots[n % len(snapshots)]
        snapshot.seq, snapshot.timestamp = n + 1, start + n
        service.history.append(snapshot.timestamp, HistoryPoint.from_snapshot(snapshot))  # type: ignore[attr-defined]


class LoopLag:
    """How late the server's event loop wakes a 5 ms timer: the time the loop was
    held, and of that the CPU time the server's thread used (the rest is the
    machine giving the CPU to other processes)."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.worst_cpu = 0.0

    def reset(self) -> None:
        self.worst = self.worst_cpu = 0.0

    def text(self) -> str:
        return (
            f"server loop held at most {self.worst * 1000:.1f} ms "
            f"({self.worst_cpu * 1000:.1f} ms of it on the server's CPU time)"
        )

    async def run(self) -> None:
        while True:
            started, cpu = time.perf_counter(), time.thread_time()
            await asyncio.sleep(0.005)
            late = time.perf_counter() - started - 0.005
            if late > self.worst:
                self.worst, self.worst_cpu = late, time.thread_time() - cpu


async def measure(port: int, rounds: int) -> None:
    loop = asyncio.get_running_loop()
    lag = LoopLag()
    lag_task = loop.create_task(lag.run())
    with ProcessPoolExecutor(max_workers=FETCHERS + 1) as pool:
        quiet = await loop.run_in_executor(pool, probe_status, port, 2.0)
        print(f"status without history fetches: {describe(quiet)}; {lag.text()}")
        for number in range(1, rounds + 1):
            prober = loop.run_in_executor(pool, probe_status, port, 4.0)
            await asyncio.sleep(0.3)
            lag.reset()
            fetches = [loop.run_in_executor(pool, fetch_history, port) for _ in range(FETCHERS)]
            sizes = [await fetch for fetch in fetches]
            busy = await prober
            mean_size = statistics.mean(size for size, _ in sizes) / 1e6
            slowest = max(seconds for _, seconds in sizes)
            print(
                f"round {number}: {FETCHERS} history fetches of {mean_size:.1f} MB, all done in "
                f"{slowest * 1000:.0f} ms; {lag.text()}; status meanwhile: {describe(busy)}"
            )
    lag_task.cancel()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-history-"))
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR"):
        path = folder / name.lower()
        path.mkdir()
        os.environ[name] = str(path)

    from jupyter_server.serverapp import ServerApp
    from tornado.ioloop import IOLoop

    app = ServerApp()
    app.initialize(
        argv=[
            "--port=0",
            "--ip=127.0.0.1",
            "--no-browser",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={folder}",
            "--ServerApp.jpserver_extensions=jupyterlab_neuron=True",
            "--JupyterLabNeuron.simulate=trn2.48xlarge",
            "--JupyterLabNeuron.monitor_scenario=idle",
            "--ServerApp.log_level=WARN",
            *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        ]
    )
    app.start_app()
    service = app.web_app.settings["jupyterlab_neuron"].context.monitor
    fill_history(service)
    print(f"history: {len(service.history)} points of trn2.48xlarge full-load reports")

    async def run() -> None:
        try:
            await measure(app.port, args.rounds)
        finally:
            await service.close()

    IOLoop.current().run_sync(run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
