"""The cluster answer and AWS's dashboard queries against a real Prometheus."""

from __future__ import annotations

import asyncio
import json
import math
import subprocess
import sys

from jupyterlab_neuron.cluster.demo import DEFAULT_NODES, SimulatedCluster, prometheus_query
from jupyterlab_neuron.cluster.prometheus import PrometheusConfig
from jupyterlab_neuron.cluster.service import ClusterService
from neuron_kernel_helpers.instances import INSTANCE_TYPES

from .conftest import GONE


def snapshot(url: str, lang: str = "en") -> dict:
    async def go() -> dict:
        service = ClusterService(PrometheusConfig(url=url, timeout=5.0))
        try:
            return await service.snapshot(lang)  # type: ignore[arg-type]
        finally:
            await service.close()

    return asyncio.run(go())


def test_aws_dashboard_queries_work_on_our_names(real_cluster: SimulatedCluster) -> None:
    """The PromQL of AWS's Grafana dashboard (average utilization, vCPU per instance)."""
    average = prometheus_query(real_cluster.url, "avg(neuroncore_utilization_ratio)")
    assert len(average) == 1 and 0 < float(average[0]["value"][1]) < 1
    vcpu = prometheus_query(real_cluster.url, "sum by (instance_id) (system_vcpu_usage_ratio)")
    assert {s["metric"]["instance_id"] for s in vcpu} == {n.instance_id for n in DEFAULT_NODES}
    assert all(0 < float(s["value"][1]) <= 1 for s in vcpu)
    types = prometheus_query(real_cluster.url, "count by (usage_type) (system_vcpu_usage_ratio)")
    assert {s["metric"]["usage_type"] for s in types} == {"user", "system"}
    per_instance = prometheus_query(
        real_cluster.url,
        "avg by (instance_id, instance_type, availability_zone, region, subnet_id) "
        "(neuroncore_utilization_ratio)",
    )
    labels = {s["metric"]["instance_id"]: s["metric"] for s in per_instance}
    assert labels["i-0train00000000002"]["instance_type"] == "trn1.2xlarge"
    assert labels["i-0train00000000002"]["region"] == "ap-northeast-1"
    memory = prometheus_query(
        real_cluster.url,
        'sum by (instance_id) (neuron_runtime_memory_used_bytes{memory_location="neuron_device"})',
    )
    assert all(float(s["value"][1]) > 0 for s in memory)


def test_cluster_answer_from_real_prometheus(real_cluster: SimulatedCluster) -> None:
    answer = snapshot(real_cluster.url)
    assert answer["state"] == "ok", answer["message"]
    nodes = {n["instance_id"]: n for n in answer["nodes"]}
    assert set(nodes) == {n.instance_id for n in (*DEFAULT_NODES, GONE)}
    for node in DEFAULT_NODES:
        got = nodes[node.instance_id]
        assert got["instance_type"] == node.instance_type
        assert got["up"] is True and got["stale"] is False
        assert got["simulated"] is True  # the simulator's exporters say so
        # Every NeuronCore from neuron_hardware_info, even with no runtime.
        assert len(got["cores"]) == INSTANCE_TYPES[node.instance_type].neuroncores
        assert got["labels"]["team"] == node.labels["team"]
        assert got["labels"]["job"] == "neuron"
    assert nodes[GONE.instance_id]["up"] is False
    idle = nodes["i-0idle000000000004"]
    assert idle["utilization"] == 0 and idle["device_memory_used_bytes"] == 0
    assert {c["utilization"] for c in idle["cores"]} == {0}
    busy = nodes["i-0train00000000001"]  # full-load: every core around 70 %
    assert 50 < busy["utilization"] < 90
    assert min(c["utilization"] for c in busy["cores"]) > 40
    assert busy["device_memory_used_bytes"] > 0 and busy["host_memory_used_bytes"] > 0
    dual = nodes["i-0train00000000002"]  # train-dual: both cores of trn1.2xlarge busy
    assert all(c["utilization"] > 20 for c in dual["cores"])
    # The node's mean is the mean of its cores.
    assert math.isclose(
        dual["utilization"], sum(c["utilization"] for c in dual["cores"]) / 2, abs_tol=0.01
    )
    summary = answer["summary"]
    assert summary["nodes"] == 5 and summary["up"] == 4
    assert summary["cores"] == sum(
        INSTANCE_TYPES[n.instance_type].neuroncores for n in DEFAULT_NODES
    )


def test_cluster_cli_json_and_text(real_cluster: SimulatedCluster) -> None:
    cli = [
        sys.executable,
        "-m",
        "jupyterlab_neuron.cli",
        "cluster",
        "--prometheus",
        real_cluster.url,
    ]
    result = subprocess.run([*cli, "--json"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["prometheus_url"] == real_cluster.url
    assert len(answer["nodes"]) == 5
    text = subprocess.run([*cli, "--lang", "ja"], capture_output=True, text=True, timeout=60)
    assert text.returncode == 0, text.stderr
    assert "ノード 4/5 台が稼働中" in text.stdout
    assert "シミュレーターによるもので、実際の Neuron ハードウェアではありません" in text.stdout
    assert "i-0gone000000000005" in text.stdout and "停止" in text.stdout


def test_history_of_one_node(real_cluster: SimulatedCluster) -> None:
    async def go() -> dict:
        service = ClusterService(PrometheusConfig(url=real_cluster.url))
        try:
            return await service.history("i-0train00000000001", 5, "en")
        finally:
            await service.close()

    answer = asyncio.run(go())
    assert answer["state"] == "ok"
    assert answer["utilization"] and all(0 < v <= 100 for _, v in answer["utilization"])
    assert answer["memory"] and all(v > 0 for _, v in answer["memory"])
