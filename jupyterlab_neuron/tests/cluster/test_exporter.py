"""jupyter neuron exporter: the server's Prometheus text, served without Jupyter."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import httpx

from jupyterlab_neuron.cluster.demo import free_port
from jupyterlab_neuron.cluster.prometheus import PrometheusClient, PrometheusConfig
from jupyterlab_neuron.cluster.service import ClusterService
from jupyterlab_neuron.monitor.normalizer import normalize_report
from jupyterlab_neuron.monitor.prometheus import PrometheusExporter

from ..monitor.conftest import FIXTURES


def fetch_metrics(port: int, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as answer:
                assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
                text = answer.read().decode()
                if "neuron_hardware_info" in text:
                    return text
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("the exporter did not serve a report")
        time.sleep(0.2)


def without_timestamp(text: str) -> list[str]:
    return [line for line in text.splitlines() if "last_report_timestamp_seconds{" not in line]


def start_exporter(source: str, port: int, *extra: str, **popen: Any) -> subprocess.Popen[bytes]:
    """``jupyter neuron exporter --source SOURCE --port PORT`` (English) as a child."""
    argv = [sys.executable, "-m", "jupyterlab_neuron.cli", "exporter", "--source", source]
    return subprocess.Popen(
        [*argv, "--port", str(port), "--lang", "en", *extra], stdout=subprocess.DEVNULL, **popen
    )


def test_source_file_is_served_as_the_server_renders_it(tmp_path: Path) -> None:
    report = json.loads((FIXTURES / "inf2_flops.json").read_text())
    source = tmp_path / "report.ndjson"
    source.write_text(json.dumps(report) + "\n")
    port = free_port()
    process = start_exporter(
        str(source), port, "--instance-id", "i-0renamed", stderr=subprocess.PIPE
    )
    try:
        served = fetch_metrics(port)
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/metrics" in err.decode()
    snapshot = normalize_report(report, seq=1)
    snapshot.instance.instance_id = "i-0renamed"
    expected = PrometheusExporter()
    expected.observe(snapshot)
    assert without_timestamp(served) == without_timestamp(expected.render())
    assert 'instance_id="i-0renamed"' in served and "i-0123456789abcdef0" not in served


def test_no_neuron_series_is_a_state() -> None:
    """A Prometheus with no Neuron series at all (answered by a mock transport)."""

    def empty(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json={"status": "success", "data": {"resultType": "vector", "result": []}}
        )

    config = PrometheusConfig(url="http://prometheus.invalid")
    client = PrometheusClient(config, transport=httpx.MockTransport(empty))
    answer = asyncio.run(ClusterService(config, client=client).snapshot("ja"))
    assert answer["state"] == "no_series"
    assert "Neuron のメトリクスがありません" in answer["message"]


def test_authentication_and_headers_are_sent() -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status": "success", "data": {"result": []}})

    for config, expected in (
        (PrometheusConfig(url="http://p.invalid/prom", bearer_token="s3cret"), "Bearer s3cret"),
        (PrometheusConfig(url="http://p.invalid/prom", username="u", password="p"), "Basic dTpw"),
    ):
        seen.clear()
        client = PrometheusClient(
            PrometheusConfig(**{**config.__dict__, "headers": {"X-Scope-OrgID": "team"}}),
            transport=httpx.MockTransport(record),
        )
        asyncio.run(client.instant("up"))
        assert seen[0].headers["Authorization"] == expected
        assert seen[0].headers["X-Scope-OrgID"] == "team"
        assert seen[0].url.path == "/prom/api/v1/query"


def monitor_up(text: str) -> str:
    """The value of jupyterlab_neuron_monitor_up in an exposition text."""
    prefix = "jupyterlab_neuron_monitor_up{"
    return next(line for line in text.splitlines() if line.startswith(prefix)).rpartition(" ")[2]


def test_stdin_source_and_monitor_up() -> None:
    """`--source -` serves what arrives on stdin; once stdin ends the monitor is down."""
    report = json.loads((FIXTURES / "inf2_flops.json").read_text())
    port = free_port()
    process = start_exporter("-", port, stdin=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert process.stdin is not None
        process.stdin.write((json.dumps(report) + "\n").encode())
        process.stdin.flush()
        assert monitor_up(fetch_metrics(port)) == "1"
        process.stdin.close()
        deadline = time.monotonic() + 10
        while monitor_up(text := fetch_metrics(port)) != "0":
            assert time.monotonic() < deadline, "the monitor was not marked down"
            time.sleep(0.2)
        # The last report stays served.
        assert "neuroncore_utilization_ratio{" in text
    finally:
        process.terminate()
        process.wait(timeout=10)
