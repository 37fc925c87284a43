from __future__ import annotations

import json
from typing import Any

import pytest
from jupyter_server.serverapp import ServerApp

import jupyterlab_neuron
from jupyterlab_neuron.environment.service import EnvironmentService
from jupyterlab_neuron.simulator import FAIL_ENV

pytestmark = pytest.mark.usefixtures("jp_serverapp")


async def _get(jp_fetch: Any, *path: str, **options: Any) -> dict[str, Any]:
    response = await jp_fetch("jupyterlab-neuron", *path, **options)
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return json.loads(response.body.decode("utf-8"))


async def test_version(jp_fetch: Any) -> None:
    payload = await _get(jp_fetch, "version")
    assert payload == {"version": jupyterlab_neuron.__version__, "api": 1}


async def test_environment_is_simulated(jp_fetch: Any) -> None:
    data = await _get(jp_fetch, "environment")
    assert data["state"] == "ok"
    assert (data["simulated"], data["simulated_instance"]) == (True, "trn1.2xlarge")
    assert data["instance_type"] == "trn1.2xlarge"
    assert [device["neuroncore_ids"] for device in data["devices"]] == [[0, 1]]
    assert data["device_memory_bytes"] == 32 * 1024**3
    assert data["workers"] == {
        "counts": [1, 2],
        "basis": "documented",
        "recommended": 2,
        "visible_cores": "0-1",
    }


async def test_environment_is_cached_until_refresh(jp_fetch: Any) -> None:
    first = await _get(jp_fetch, "environment")
    cached = await _get(jp_fetch, "environment")
    assert cached["collected_at"] == first["collected_at"]
    refreshed = await _get(jp_fetch, "environment", params={"refresh": "1"})
    assert refreshed["collected_at"] > first["collected_at"]


async def test_messages_follow_accept_language(
    jp_fetch: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FAIL_ENV, "no-device")
    japanese = await _get(
        jp_fetch, "environment", headers={"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.8"}
    )
    english = await _get(jp_fetch, "environment", headers={"Accept-Language": "en-US,en"})
    assert japanese["state"] == english["state"] == "no_device"
    assert "Neuron デバイスを検出できませんでした" in japanese["error"]["message"]
    assert "found no Neuron device" in english["error"]["message"]
    assert japanese["problems"][0] == japanese["error"]["message"]
    assert english["problems"][0] == english["error"]["message"]


async def test_environment_tells_the_sdk_generation_in_both_languages(jp_fetch: Any) -> None:
    # The server's own interpreter has no Neuron SDK.
    english = await _get(jp_fetch, "environment", headers={"Accept-Language": "en"})
    japanese = await _get(jp_fetch, "environment", headers={"Accept-Language": "ja"})
    assert english["sdk"]["generation"] == "none"
    assert english["sdk"]["can_train"] is False
    assert english["sdk"]["description"] == "none (torch-neuronx is not installed)"
    assert japanese["sdk"]["description"] == "なし（torch-neuronx がインストールされていません）"


async def test_service_is_published_for_other_capabilities(jp_serverapp: ServerApp) -> None:
    context = jp_serverapp.web_app.settings["jupyterlab_neuron"].context
    service = context.environment
    assert isinstance(service, EnvironmentService)
    assert service.simulated_instance == "trn1.2xlarge"
