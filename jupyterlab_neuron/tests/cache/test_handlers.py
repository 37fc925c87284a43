"""REST API of the compile cache through a real Jupyter server, checked against openapi.yaml."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from jupyter_server.serverapp import ServerApp
from openapi_spec_validator import validate as validate_spec
from tornado.httpclient import HTTPClientError
from traitlets.config import Config

from jupyterlab_neuron.cache.processes import StaticCompilerProbe
from jupyterlab_neuron.cache.service import CompileCacheService
from jupyterlab_neuron.simulator.cache_tree import generate_cache_tree

from .builders import V2024, write
from .openapi_contract import (
    call,
    clean_as_previewed,
    entries_page,
    post_clean,
    spec,
    validate_request,
    validate_response,
)

pytestmark = pytest.mark.usefixtures("jp_serverapp")


@pytest.fixture
def cache_root(tmp_path: Path) -> Path:
    root = tmp_path / "demo-cache"
    generate_cache_tree(str(root), 60, seed=11, failed_ratio=0.1, locked=2, empty_ratio=0.05)
    return root


@pytest.fixture
def project_cache(jp_root_dir: Path) -> Path:
    """A ViT-style per-project cache (``--cache_dir=./compiler_cache``)."""
    folder = jp_root_dir / "vit-beans" / "compiler_cache"
    write(folder / V2024 / "MODULE_0123456789abcdef0123+d41d8cd9" / "model.hlo_module.pb", b"g")
    return folder


@pytest.fixture
def jp_server_config(cache_root: Path, project_cache: Path) -> Config:
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"jupyterlab_neuron": True}},
            "JupyterLabNeuron": {
                "simulate": "trn1.2xlarge",
                "compile_cache_roots": [str(cache_root)],
            },
        }
    )


@pytest.fixture(autouse=True)
def _no_neuron_cache_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEURON_CC_FLAGS", raising=False)
    monkeypatch.delenv("NEURON_COMPILE_CACHE_URL", raising=False)


def cache_service(server: ServerApp) -> CompileCacheService:
    return server.web_app.settings["jupyterlab_neuron"].context.cache


@pytest.fixture(autouse=True)
def _no_compiler_running(jp_serverapp: ServerApp) -> None:
    """The machine's process table must not decide "compiling" in these tests."""
    cache_service(jp_serverapp).scanner.compiler_probe = StaticCompilerProbe()


def test_the_document_is_valid_openapi() -> None:
    validate_spec(spec())


async def test_roots(jp_fetch: Any, cache_root: Path, project_cache: Path) -> None:
    data = await call(jp_fetch, "GET", "/cache/roots", "roots")
    roots = {root["path"]: root for root in data["roots"]}
    assert roots[str(cache_root)]["sources"] == ["settings"]
    assert roots[str(cache_root)]["simulated"] is True
    assert roots[str(project_cache)]["sources"] == ["project"]
    assert "/var/tmp/neuron-compile-cache" in roots
    assert data["project_search"]["found"] == [str(project_cache)]


async def test_status(jp_fetch: Any, cache_root: Path) -> None:
    data = await call(jp_fetch, "GET", "/cache/status", "status")
    summary = next(root for root in data["roots"] if root["path"] == str(cache_root))
    assert summary["entries"] == 60
    assert summary["counts"] == {
        "success": 49,
        "failed": 6,
        "compiling": 0,
        "stale_lock": 2,
        "empty": 3,
        "link": 0,
    }
    assert [version["naming"] for version in summary["versions"]] == ["2024", "2023", "2022"]
    assert data["simulated"] is True
    again = await call(jp_fetch, "GET", "/cache/status", "status", params={"refresh": "1"})
    assert again["revision"] == data["revision"]  # nothing changed
    assert again["scanned_at"] >= data["scanned_at"]


async def test_entry_pages_filters_and_sort(jp_fetch: Any) -> None:
    first = await entries_page(jp_fetch, limit="25", sort="bytes", order="desc")
    assert first["total"] == 61 and len(first["items"]) == 25  # 60 + the project cache
    sizes = [item["bytes"] for item in first["items"]]
    assert sizes == sorted(sizes, reverse=True)
    second = await entries_page(jp_fetch, limit="25", offset="25", sort="bytes")
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    failed = await entries_page(jp_fetch, state="failed,stale_lock")
    assert failed["total"] == 8
    assert {item["state"] for item in failed["items"]} == {"failed", "stale_lock"}
    error = await entries_page(jp_fetch, state="poisoned", status=400)
    assert "state" in error["message"]


async def test_entry_detail_and_unknown_entry(jp_fetch: Any) -> None:
    failed = await entries_page(jp_fetch, state="failed", limit="1")
    entry_id = failed["items"][0]["id"]
    assert ":" in entry_id
    # jp_fetch URL-encodes path parts, as the front end must (encodeURIComponent).
    detail = await call(jp_fetch, "GET", "/cache/entries/{entry_id}", "entries", entry_id)
    assert detail["id"] == entry_id
    assert "[neuronx-cc]" in detail["log_tail"]
    assert any(item["path"].endswith("model.log") for item in detail["contents"])
    missing = await call(
        jp_fetch,
        "GET",
        "/cache/entries/{entry_id}",
        "entries",
        "nope:MODULE_x",
        status=404,
        lang="ja",
    )
    assert "不明なコンパイルキャッシュのエントリ" in missing["message"]


async def test_clean_dry_run_then_real_run(jp_fetch: Any, cache_root: Path) -> None:
    roots = await call(jp_fetch, "GET", "/cache/roots", "roots")
    root_id = next(r["id"] for r in roots["roots"] if r["path"] == str(cache_root))
    request = {"failed": True, "roots": [root_id]}
    dry, done = await clean_as_previewed(jp_fetch, request)
    assert dry["dry_run"] is True and len(dry["removed"]) == 6
    assert dry["bytes_freed"] == sum(item["bytes"] for item in dry["items"]) > 0
    assert sorted(done["removed"]) == sorted(dry["removed"])
    assert done["bytes_freed"] == dry["bytes_freed"]
    status = await call(jp_fetch, "GET", "/cache/status", "status")
    summary = next(root for root in status["roots"] if root["id"] == root_id)
    assert summary["counts"]["failed"] == 0 and summary["entries"] == 54


async def test_clean_conflict_when_a_compile_starts(jp_fetch: Any, jp_serverapp: ServerApp) -> None:
    dry = await post_clean(jp_fetch, {"failed": True})
    target = Path(dry["items"][0]["root"]) / dry["items"][0]["path"]
    write(target / "model.hlo_module.pb.lock", b"", time.time())
    conflict = await post_clean(
        jp_fetch,
        {"failed": True, "dry_run": False, "plan_token": dry["plan_token"]},
        status=409,
        lang="ja",
    )
    assert "ドライラン" in conflict["message"]
    assert os.path.isdir(target)


async def test_clean_errors(jp_fetch: Any) -> None:
    await post_clean(jp_fetch, {}, status=422)
    await post_clean(jp_fetch, {"failed": True, "dry_run": False}, status=422)
    await post_clean(jp_fetch, {"wipe": True}, status=422)
    await post_clean(jp_fetch, {"entries": ["../../../etc/passwd"]}, status=404)
    # Malformed bodies are 400 (and not valid requests of the document either).
    response = await call_raw(jp_fetch, "not json")
    assert response[0] == 400 and "message" in response[1]
    response = await call_raw(jp_fetch, json.dumps({"failed": "yes"}))
    assert response[0] == 400
    with pytest.raises(jsonschema.ValidationError):
        validate_request("/cache/clean", "POST", {"failed": "yes"})


async def call_raw(jp_fetch: Any, body: str) -> tuple[int, dict[str, Any]]:
    try:
        response = await jp_fetch("jupyterlab-neuron", "cache", "clean", method="POST", body=body)
        code, raw = response.code, response.body
    except HTTPClientError as error:
        assert error.response is not None
        code, raw = error.code, error.response.body
    payload = json.loads(raw)
    validate_response("/cache/clean", "POST", code, payload)
    return code, payload


async def test_read_only_root_is_a_conflict(
    jp_fetch: Any, jp_serverapp: ServerApp, cache_root: Path
) -> None:
    service = cache_service(jp_serverapp)
    service.config.access = lambda path, mode: not (mode & os.W_OK and path == str(cache_root))
    roots = await call(jp_fetch, "GET", "/cache/roots", "roots", params={"refresh": "1"})
    root = next(r for r in roots["roots"] if r["path"] == str(cache_root))
    assert root["state"] == "read_only" and f"{cache_root}/lock" in root["message"]
    error = await post_clean(jp_fetch, {"failed": True, "roots": [root["id"]]}, status=409)
    assert "read-only" in error["message"].lower()


async def test_service_is_published(jp_serverapp: ServerApp) -> None:
    assert isinstance(cache_service(jp_serverapp), CompileCacheService)


async def test_clean_body_over_the_limit_is_a_documented_413(jp_fetch: Any) -> None:
    body = {"entries": ["x" * (1024 * 1024)], "dry_run": True}
    payload = await post_clean(jp_fetch, body, status=413, lang="ja")
    assert "大きすぎます" in payload["message"]


async def test_links_and_hard_links_are_documented_states(
    jp_fetch: Any, cache_root: Path, tmp_path: Path
) -> None:
    version = next(path for path in sorted(cache_root.iterdir()) if path.is_dir())
    os.symlink(tmp_path, version / "MODULE_99999999999999999999+d41d8cd9")
    entry = next(path for path in sorted(version.iterdir()) if not path.is_symlink())
    os.link(write(tmp_path / "elsewhere.txt", b"secret"), entry / "notes.txt")
    status = await call(jp_fetch, "GET", "/cache/status", "status", params={"refresh": "1"})
    summary = next(root for root in status["roots"] if root["path"] == str(cache_root))
    assert summary["counts"]["link"] == 1 and status["totals"]["counts"]["link"] == 1
    assert summary["entries"] == 60  # a link is not an entry
    page = await entries_page(jp_fetch, state="link")
    (link,) = page["items"]
    assert link["symlink"] is True and link["state"] == "link"
    entry_id = next(
        item["id"]
        for item in (await entries_page(jp_fetch, limit="500"))["items"]
        if item["module"] == entry.name
    )
    detail = await call(jp_fetch, "GET", "/cache/entries/{entry_id}", "entries", entry_id)
    kinds = {item["path"]: item["kind"] for item in detail["contents"]}
    assert kinds["notes.txt"] == "hardlink"
