"""The routes live under the server's base_url, whatever it is."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError


@pytest.fixture
def jp_base_url() -> str:
    return "/user/someone/lab-prefix/"


async def test_routes_under_a_non_root_base_url(jp_fetch: Any) -> None:
    response = await jp_fetch("jupyterlab-neuron", "version")
    assert response.effective_url.split("?")[0].endswith(
        "/user/someone/lab-prefix/jupyterlab-neuron/version"
    )
    assert json.loads(response.body)["api"] == 1
    environment = await jp_fetch("jupyterlab-neuron", "environment")
    assert json.loads(environment.body)["simulated"] is True


async def test_nothing_is_served_outside_the_base_url(
    http_server_client: Any, jp_auth_header: dict[str, str]
) -> None:
    with pytest.raises(HTTPClientError) as error:
        await http_server_client.fetch("/jupyterlab-neuron/version", headers=jp_auth_header)
    assert error.value.code == 404
