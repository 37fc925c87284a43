"""The cluster the browser benchmark looks at: 64 simulated trn2.48xlarge nodes
(128 NeuronCores each, LNC=1), each served by the exporter of ``jupyter neuron
exporter`` on its own loopback port, scraped every 5 s by Debian's
``prometheus``. The same set-up as bench/cluster/bench_cluster.py (everything
simulated and marked so).

    python backend.py URL_FILE

Writes Prometheus' URL to URL_FILE once Prometheus answers, then runs until
SIGTERM or SIGINT and stops Prometheus.
"""

from __future__ import annotations

import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_cluster import serve_nodes, start_prometheus

from neuron_kernel_helpers.command_runner import stop_process_group


def main() -> int:
    url_file = Path(sys.argv[1])
    done = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: done.set())
    with tempfile.TemporaryDirectory(prefix="jupyterlab-neuron-bench-cluster-ui-") as name:
        ports = serve_nodes(done)
        prometheus, url = start_prometheus(Path(name), ports)
        try:
            deadline = time.monotonic() + 60
            while not done.is_set():
                try:
                    if httpx.get(f"{url}/-/ready", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or prometheus.poll() is not None:
                    print("Prometheus did not start", file=sys.stderr)
                    return 1
                time.sleep(0.5)
            url_file.write_text(url)
            print(f"{len(ports)} simulated nodes scraped by Prometheus at {url}", flush=True)
            done.wait()
        finally:
            stop_process_group(prometheus, grace=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
