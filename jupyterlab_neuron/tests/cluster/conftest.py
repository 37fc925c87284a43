"""One real cluster for the whole test session: Prometheus and exporters on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyterlab_neuron.cluster.demo import DEFAULT_NODES, PROMETHEUS, Node, SimulatedCluster

#: A node that is scraped, then stops: it must show as down.
GONE = Node("i-0gone000000000005", "trn1.2xlarge", "train-single", {"team": "llm"})


@pytest.fixture(scope="session")
def real_cluster() -> Iterator[SimulatedCluster]:
    """Prometheus scraping every second the exporters of DEFAULT_NODES (up) and GONE (down)."""
    if not Path(PROMETHEUS).exists():
        pytest.skip("prometheus is not installed (Debian package 'prometheus'); CI installs it")
    cluster = SimulatedCluster((*DEFAULT_NODES, GONE))
    try:
        cluster.start()
        cluster.stop_exporter(GONE.instance_id)
        cluster.wait_until_down(GONE.instance_id)
        yield cluster
    finally:
        cluster.stop()
