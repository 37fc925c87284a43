"""GET cluster and cluster/history through the Jupyter server, validated against openapi.yaml."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from tornado.httpclient import HTTPClientError
from traitlets.config import Config

from jupyterlab_neuron.cluster.demo import SimulatedCluster

from ..cache.openapi_contract import validate_response
from .conftest import GONE


@pytest.fixture
def prometheus_url(real_cluster: SimulatedCluster) -> str:
    return real_cluster.url


@pytest.fixture
def jp_server_config(prometheus_url: str) -> Config:
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"jupyterlab_neuron": True}},
            "JupyterLabNeuron": {
                "simulate": "trn1.2xlarge",
                "prometheus_url": prometheus_url,
                "prometheus_timeout": 1.0,
            },
        }
    )


async def get(jp_fetch, path: str, lang: str = "en", **params: str) -> dict:
    response = await jp_fetch(
        "jupyterlab-neuron",
        *path.split("/"),
        params=params,
        headers={"Accept-Language": lang},
    )
    assert response.code == 200
    body = json.loads(response.body)
    validate_response(f"/{path}", "get", 200, body)
    return body


async def test_cluster_from_real_prometheus(jp_fetch, real_cluster: SimulatedCluster) -> None:
    body = await get(jp_fetch, "cluster")
    assert body["state"] == "ok"
    assert body["prometheus_url"] == real_cluster.url
    nodes = {n["instance_id"]: n for n in body["nodes"]}
    assert len(nodes) == 5 and nodes[GONE.instance_id]["up"] is False
    history = await get(jp_fetch, "cluster/history", instance_id="i-0train00000000002", minutes="5")
    assert history["state"] == "ok" and history["utilization"]
    unknown = await get(jp_fetch, "cluster/history", "ja", instance_id='i-"nope"')
    assert unknown["state"] == "no_series"
    assert unknown["message"] == 'ノード i-"nope" は Prometheus にありません。'


async def test_history_rejects_bad_parameters(jp_fetch) -> None:
    for params in ({}, {"instance_id": "x" * 300}, {"instance_id": "i-1", "minutes": "-5"}):
        with pytest.raises(HTTPClientError) as caught:
            await jp_fetch("jupyterlab-neuron", "cluster", "history", params=params)
        assert caught.value.code == 400
        validate_response("/cluster/history", "get", 400, json.loads(caught.value.response.body))


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


@pytest.fixture
def html_port() -> Iterator[int]:
    """A web server that answers every request with 200 and an HTML page."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html><body>not Prometheus</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


class TestErrorStates:
    """Each failure is a state with a message in the asked language, never a 500."""

    @pytest.fixture
    def prometheus_url(self, request: pytest.FixtureRequest) -> str:
        return request.param(request)

    @pytest.mark.parametrize(
        ("prometheus_url", "state", "words"),
        [
            (lambda r: "", "not_configured", "prometheus_url"),
            (lambda r: "http://127.0.0.1:9", "unreachable", "Cannot connect"),
            (
                lambda r: f"http://127.0.0.1:{r.getfixturevalue('silent_port')}",
                "timeout",
                "did not answer within 1 s",
            ),
            (
                lambda r: r.getfixturevalue("real_cluster").url + "/no/such/path",
                "http_error",
                "error 404",
            ),
            (
                lambda r: f"http://127.0.0.1:{r.getfixturevalue('html_port')}",
                "bad_response",
                "not Prometheus's API format",
            ),
        ],
        indirect=["prometheus_url"],
        ids=["not_configured", "unreachable", "timeout", "http_error", "bad_response"],
    )
    async def test_state(self, jp_fetch, state: str, words: str) -> None:
        body = await get(jp_fetch, "cluster")
        assert body["state"] == state and body["nodes"] == []
        assert words in body["message"]
        history = await get(jp_fetch, "cluster/history", instance_id="i-1")
        assert history["state"] == state
