"""Benchmark: GET /jupyterlab-neuron/cluster for 64 nodes x 128 NeuronCores from a
real Prometheus, against the raw PromQL HTTP calls the answer needs, in the same run.

What runs (all on 127.0.0.1, everything simulated and marked so):
- this process serves 64 nodes' /metrics on 64 ports, each through the exporter
  of ``jupyter neuron exporter`` (``ExporterState`` + ``make_server``) fed by the
  neuron-monitor simulator for a trn2.48xlarge at LNC=1 (128 NeuronCores), mixed
  workloads; one process instead of 64 keeps two CPU cores free for the measurement;
- Debian's ``prometheus`` scrapes them every 5 s;
- a Jupyter server with jupyterlab-neuron and ``prometheus_url`` pointing at it.

Then, alternately, ROUNDS times: the 8 instant queries of
``jupyterlab_neuron.cluster.service.SNAPSHOT_QUERIES`` sent together straight to
Prometheus and parsed (the raw cost), and one ``GET cluster`` through the Jupyter
server, parsed. The goal is a median ratio of at most 1.5.

    .venv/bin/python bench/cluster/bench_cluster.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import orjson

from jupyterlab_neuron.cli.exporter import ExporterState, make_server
from jupyterlab_neuron.cluster.demo import PROMETHEUS, free_port
from jupyterlab_neuron.cluster.service import SNAPSHOT_QUERIES
from jupyterlab_neuron.monitor.normalizer import normalize_report
from jupyterlab_neuron.simulator.neuron_monitor import MonitorSimulation
from neuron_kernel_helpers.command_runner import stop_process_group
from neuron_kernel_helpers.instances import INSTANCE_TYPES

NODES = 64
SCENARIOS = ("train-dual", "inference", "train-single", "idle")


def serve_nodes(stop: threading.Event) -> list[int]:
    """64 simulated nodes, each on its own port; reports renewed every 2 s."""
    spec = dataclasses.replace(INSTANCE_TYPES["trn2.48xlarge"], logical_neuroncore_config=1)
    assert spec.neuroncores == 128
    nodes = []
    for number in range(NODES):
        state = ExporterState(f"i-0bench{number:012d}")
        simulation = MonitorSimulation(
            spec, SCENARIOS[number % len(SCENARIOS)], seed=number, period=2.0
        )
        server = make_server(state, "127.0.0.1", 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        nodes.append((state, simulation, server))

    def feed() -> None:
        seq = 0
        while not stop.is_set():
            seq += 1
            for state, simulation, _ in nodes:
                report = normalize_report(simulation.report(), seq=seq, simulated=True)
                state.observe(report, 0)
            stop.wait(2.0)

    threading.Thread(target=feed, daemon=True).start()
    return [server.server_address[1] for _, _, server in nodes]


def start_prometheus(folder: Path, ports: list[int]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    targets = ", ".join(f'"127.0.0.1:{p}"' for p in ports)
    config = folder / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 5s\nscrape_configs:\n  - job_name: neuron\n"
        f"    static_configs:\n      - targets: [{targets}]\n"
    )
    process = subprocess.Popen(
        [
            PROMETHEUS,
            f"--config.file={config}",
            f"--storage.tsdb.path={folder / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return process, f"http://127.0.0.1:{port}"


def start_jupyter(folder: Path, prometheus: str) -> tuple[subprocess.Popen, str, str]:
    port = free_port()
    token = secrets.token_hex(16)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={folder}",
            # A head node without Neuron devices: no monitor running beside the measurement.
            "--JupyterLabNeuron.simulate=",
            f"--JupyterLabNeuron.tools_path={folder / 'no-tools'}",
            "--JupyterLabNeuron.search_system_path=False",
            f"--JupyterLabNeuron.prometheus_url={prometheus}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "jupyter.log").open("wb"),
        start_new_session=True,
        env={**os.environ, "JUPYTER_CONFIG_DIR": str(folder / "config")},
    )
    return process, f"http://127.0.0.1:{port}", token


async def measure(prometheus: str, jupyter: str, token: str, rounds: int) -> None:
    headers = {"Authorization": f"token {token}"}
    # The raw calls ask for the same uncompressed answers as the server's client does.
    async with httpx.AsyncClient(timeout=30, headers={"Accept-Encoding": "identity"}) as client:
        # Wait for every node in the REST answer (Prometheus and the server are up).
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(httpx.HTTPError):
                answer = await client.get(f"{jupyter}/jupyterlab-neuron/cluster", headers=headers)
                body = orjson.loads(answer.content) if answer.status_code == 200 else {}
                up = [n for n in body.get("nodes", []) if n["up"]]
                if len(up) == NODES:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out waiting for {NODES} nodes: {str(body)[:300]}")
            await asyncio.sleep(1)
        cores = sum(len(n["cores"]) for n in up)
        print(f"{NODES} nodes, {cores} NeuronCores in the answer ({len(answer.content)} bytes)")

        async def raw() -> float:
            started = time.perf_counter()
            at = f"{time.time():.3f}"
            responses = await asyncio.gather(
                *(
                    client.get(f"{prometheus}/api/v1/query", params={"query": q, "time": at})
                    for q in SNAPSHOT_QUERIES.values()
                )
            )
            for response in responses:
                assert orjson.loads(response.content)["status"] == "success"
            return time.perf_counter() - started

        async def rest() -> float:
            started = time.perf_counter()
            response = await client.get(f"{jupyter}/jupyterlab-neuron/cluster", headers=headers)
            assert orjson.loads(response.content)["state"] == "ok"
            return time.perf_counter() - started

        raw_times, rest_times = [], []
        for number in range(rounds + 3):
            first, second = (raw, rest) if number % 2 else (rest, raw)
            a, b = await first(), await second()
            if number < 3:
                continue  # warm-up
            raw_times.append(a if first is raw else b)
            rest_times.append(b if first is raw else a)
        raw_median = statistics.median(raw_times) * 1000
        rest_median = statistics.median(rest_times) * 1000
        ratio = rest_median / raw_median
        print(f"raw PromQL ({len(SNAPSHOT_QUERIES)} queries): median {raw_median:.1f} ms")
        print(f"GET cluster: median {rest_median:.1f} ms")
        print(f"ratio {ratio:.2f} (goal: at most 1.5) -> {'OK' if ratio <= 1.5 else 'TOO SLOW'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    stop_feeding = threading.Event()
    with tempfile.TemporaryDirectory(prefix="jupyterlab-neuron-bench-cluster-") as name:
        folder = Path(name)
        ports = serve_nodes(stop_feeding)
        prometheus, prometheus_url = start_prometheus(folder, ports)
        jupyter, jupyter_url, token = start_jupyter(folder, prometheus_url)
        try:
            asyncio.run(measure(prometheus_url, jupyter_url, token, args.rounds))
        finally:
            stop_feeding.set()
            stop_process_group(jupyter, grace=10)
            stop_process_group(prometheus, grace=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
