"""A real small cluster on loopback: Debian's Prometheus scraping several
``jupyter neuron exporter`` processes (simulated nodes).

Used by the cluster tests (a session fixture), the browser tests' server and
``make demo-cluster`` (``python -m jupyterlab_neuron.cluster.demo [--port P]``).
Everything it serves is simulated. Every process is started in its own
session and killed by :meth:`SimulatedCluster.stop`.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neuron_kernel_helpers.command_runner import stop_process_group

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"


@dataclass(frozen=True)
class Node:
    """One simulated node: its exporter's arguments and its target labels."""

    instance_id: str
    instance_type: str
    scenario: str
    labels: dict[str, str] = field(default_factory=dict)


#: The default cluster: different instance types and workloads, two "teams".
DEFAULT_NODES = (
    Node("i-0train00000000001", "trn1.32xlarge", "full-load", {"team": "llm"}),
    Node("i-0train00000000002", "trn1.2xlarge", "train-dual", {"team": "llm"}),
    Node("i-0infer00000000003", "inf2.xlarge", "inference", {"team": "serving"}),
    Node("i-0idle000000000004", "trn2.48xlarge", "idle", {"team": "serving"}),
)


def _die_with_parent() -> None:
    """In the child before exec: end when the process that started it ends, even
    when that one is killed without a chance to clean up (Linux; elsewhere a no-op)."""
    signal.pthread_sigmask(signal.SIG_SETMASK, set())  # not the parent's blocked signals
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prometheus_query(url: str, query: str, timeout: float = 5.0) -> list[dict[str, Any]]:
    """One instant query (plain HTTP, for set-up and raw checks)."""
    address = f"{url}/api/v1/query?" + urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(address, timeout=timeout) as response:
        return json.load(response)["data"]["result"]


class SimulatedCluster:
    """Prometheus + one exporter per node, all on 127.0.0.1."""

    def __init__(
        self,
        nodes: tuple[Node, ...] = DEFAULT_NODES,
        *,
        scrape_interval: str = "1s",
        prometheus_port: int | None = None,
        folder: str | None = None,
    ) -> None:
        self.nodes = nodes
        self.scrape_interval = scrape_interval
        self.prometheus_port = prometheus_port or free_port()
        self._own_folder = folder is None
        self.folder = Path(folder or tempfile.mkdtemp(prefix="jupyterlab-neuron-cluster-"))
        self.ports: dict[str, int] = {}
        self.exporters: dict[str, subprocess.Popen[bytes]] = {}
        self.prometheus: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Prometheus's base URL."""
        return f"http://127.0.0.1:{self.prometheus_port}"

    def start(self, timeout: float = 60.0) -> SimulatedCluster:
        """Start everything and wait until Prometheus has scraped every node."""
        if not Path(PROMETHEUS).exists():
            raise FileNotFoundError(
                "prometheus is not installed: sudo apt-get install prometheus (Debian/Ubuntu)"
            )
        for node in self.nodes:
            self.start_exporter(node)
        config = self.folder / "prometheus.yml"
        config.write_text(self._config(), encoding="utf-8")
        self.prometheus = subprocess.Popen(
            [
                PROMETHEUS,
                f"--config.file={config}",
                f"--storage.tsdb.path={self.folder / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.prometheus_port}",
                "--storage.tsdb.retention.time=1d",
                "--log.level=warn",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / "prometheus.log").open("wb"),
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        self.wait_for_nodes(len(self.nodes), timeout)
        return self

    def start_exporter(self, node: Node) -> None:
        """Start (or restart) one node's exporter on its port."""
        port = self.ports.setdefault(node.instance_id, free_port())
        self.exporters[node.instance_id] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyterlab_neuron.cli",
                "exporter",
                "--simulate",
                node.instance_type,
                "--scenario",
                node.scenario,
                "--instance-id",
                node.instance_id,
                "--port",
                str(port),
                "--period",
                "1",
                "--seed",
                "7",
                "--lang",
                "en",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / f"exporter-{node.instance_id}.log").open("wb"),
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )

    def stop_exporter(self, instance_id: str) -> None:
        """Kill one node's exporter (the node goes down)."""
        stop_process_group(self.exporters.pop(instance_id))

    def wait_for_nodes(self, count: int, timeout: float = 60.0) -> None:
        """Wait until ``count`` nodes have current ``neuron_hardware_info`` series."""
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError, ValueError, KeyError):
                if len(prometheus_query(self.url, "neuron_hardware_info")) >= count:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"Prometheus did not see {count} nodes in {timeout:g} s")
            time.sleep(0.3)

    def wait_until_down(self, instance_id: str, timeout: float = 30.0) -> None:
        """Wait until Prometheus marks the node's target down."""
        port = self.ports[instance_id]
        query = f'up{{instance="127.0.0.1:{port}"}} == 0'
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError, ValueError, KeyError):
                if prometheus_query(self.url, query):
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{instance_id} was not marked down in {timeout:g} s")
            time.sleep(0.3)

    def stop(self) -> None:
        """Kill every process and remove the folder."""
        for process in self.exporters.values():
            stop_process_group(process)
        self.exporters.clear()
        if self.prometheus is not None:
            stop_process_group(self.prometheus)
            self.prometheus = None
        if self._own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _config(self) -> str:
        groups = []
        for node in self.nodes:
            labels = "".join(f"\n          {k}: {json.dumps(v)}" for k, v in node.labels.items())
            groups.append(
                f'      - targets: ["127.0.0.1:{self.ports[node.instance_id]}"]\n'
                f"        labels:{labels or ' {}'}\n"
            )
        return (
            "global:\n"
            f"  scrape_interval: {self.scrape_interval}\n"
            f"  evaluation_interval: {self.scrape_interval}\n"
            "scrape_configs:\n"
            "  - job_name: neuron\n"
            "    static_configs:\n" + "".join(groups)
        )


def main() -> int:
    """``make demo-cluster``: run the default cluster until interrupted, printing its URL."""
    parser = argparse.ArgumentParser(
        description="Prometheus on 127.0.0.1 scraping simulated Neuron nodes, until stopped."
    )
    parser.add_argument("--port", type=int, default=9090, help="Prometheus port (default 9090)")
    port = parser.parse_args().port
    cluster = SimulatedCluster(prometheus_port=port)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        cluster.start()
    except (FileNotFoundError, TimeoutError) as error:
        print(error, file=sys.stderr)
        cluster.stop()
        return 1
    names = ", ".join(f"{n.instance_id} ({n.instance_type}, {n.scenario})" for n in cluster.nodes)
    print(f"Prometheus: {cluster.url}, simulated nodes: {names}", flush=True)
    try:
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
