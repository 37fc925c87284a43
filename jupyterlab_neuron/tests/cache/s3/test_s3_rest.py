"""The REST API with an S3 root (moto on loopback), every reply checked against openapi.yaml."""

from __future__ import annotations

from typing import Any

import pytest
from jupyter_server.serverapp import ServerApp
from traitlets.config import Config

from jupyterlab_neuron.cache.processes import StaticCompilerProbe

from ..openapi_contract import call, clean_as_previewed, entries_page
from .conftest import entry_objects, put_all

pytestmark = pytest.mark.usefixtures("jp_serverapp")

V2 = "neuronxcc-2.15.128.0+56dc5a86"


@pytest.fixture
def s3_root(s3: Any, bucket: str) -> str:
    objects: dict[str, bytes] = {}
    for n in range(30):
        state = "failed" if n % 10 == 0 else "success"
        objects.update(entry_objects("team/cache/", V2, f"MODULE_{n:020x}+d41d8cd9", state))
    objects.update(entry_objects("team/cache-old/", V2, "MODULE_1+d41d8cd9", "failed"))
    put_all(s3, bucket, objects)
    return f"s3://{bucket}/team/cache"


@pytest.fixture
def jp_server_config(s3_root: str) -> Config:
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"jupyterlab_neuron": True}},
            "JupyterLabNeuron": {
                "simulate": "trn1.2xlarge",
                "compile_cache_roots": [s3_root],
                "compile_cache_project_search": False,
            },
        }
    )


@pytest.fixture(autouse=True)
def _setup(jp_serverapp: ServerApp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEURON_CC_FLAGS", raising=False)
    monkeypatch.delenv("NEURON_COMPILE_CACHE_URL", raising=False)
    service = jp_serverapp.web_app.settings["jupyterlab_neuron"].context.cache
    service.scanner.compiler_probe = StaticCompilerProbe()


async def test_s3_root_through_the_rest_api(
    jp_fetch: Any, s3_root: str, s3: Any, bucket: str
) -> None:
    roots = await call(jp_fetch, "GET", "/cache/roots", "roots")
    root = next(root for root in roots["roots"] if root["path"] == s3_root)
    assert root["store"] == "s3" and root["managed"] and root["state"] == "ok"

    status = await call(jp_fetch, "GET", "/cache/status", "status", lang="ja")
    summary = next(item for item in status["roots"] if item["path"] == s3_root)
    assert summary["entries"] == 30 and summary["counts"]["failed"] == 3
    assert summary["free_bytes"] is None

    page = await entries_page(jp_fetch, root=root["id"], state="success", limit="10", offset="20")
    assert page["total"] == 27 and len(page["items"]) == 7

    failed = await entries_page(jp_fetch, state="failed", limit="1")
    entry_id = failed["items"][0]["id"]
    detail = await call(jp_fetch, "GET", "/cache/entries/{entry_id}", "entries", entry_id)
    assert "ERROR: it failed" in detail["log_tail"]

    request = {"roots": [root["id"]], "failed": True}
    dry, done = await clean_as_previewed(jp_fetch, request)
    assert len(dry["removed"]) == 3
    assert sorted(done["removed"]) == sorted(dry["removed"]) and done["failed"] == []
    left = s3.list_objects_v2(Bucket=bucket, Prefix="team/")["Contents"]
    assert not any(
        key["Key"].startswith("team/cache/") and key["Key"].endswith("model.log") for key in left
    )
    assert any(key["Key"].startswith("team/cache-old/") for key in left)
