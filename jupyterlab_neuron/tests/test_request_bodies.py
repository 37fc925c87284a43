"""Abusive request bodies against every JSON endpoint, through a real Jupyter server.

Too-big bodies are refused with 413 before they are read, deeply nested JSON is
a 400 (never a 500), and failing requests leave no parsed body behind.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_neuron.http import DEFAULT_MAX_BODY_BYTES
from jupyterlab_neuron.templates.format import (
    MAX_TEMPLATE_FILE_BYTES,
    TemplateError,
    load_template_file,
)
from jupyterlab_neuron.untrusted import MAX_JSON_DEPTH, echo

pytestmark = pytest.mark.usefixtures("jp_serverapp")

#: (path parts, method) of every endpoint that takes a JSON body.
JSON_ENDPOINTS = [
    (("cache", "clean"), "POST"),
    (("diagnose",), "POST"),
    (("templates", "bert-ja", "render"), "POST"),
]

#: Deep enough to break a recursive parser or printer.
DEEP = 100_000


def deeply_nested(depth: int = DEEP) -> str:
    return "[" * depth + "]" * depth


async def fetch(jp_fetch: Any, parts: tuple[str, ...], method: str, **options: Any) -> Any:
    response = await jp_fetch(
        "jupyterlab-neuron", *parts, method=method, raise_error=False, **options
    )
    return response.code, json.loads(response.body.decode("utf-8"))


@pytest.mark.parametrize(("parts", "method"), JSON_ENDPOINTS)
async def test_deeply_nested_body_is_a_400(
    jp_fetch: Any, parts: tuple[str, ...], method: str
) -> None:
    code, payload = await fetch(jp_fetch, parts, method, body=deeply_nested())
    assert code == 400, payload
    assert "nest" in payload["message"]


@pytest.mark.parametrize(("parts", "method"), JSON_ENDPOINTS)
async def test_moderately_nested_value_inside_an_object_is_a_400(
    jp_fetch: Any, parts: tuple[str, ...], method: str
) -> None:
    # Parses fine, but code after the parser must never see it.
    inner = deeply_nested(MAX_JSON_DEPTH + 5)
    body = '{"text": "x", "entries": ' + inner + ', "params": ' + inner + "}"
    code, payload = await fetch(jp_fetch, parts, method, body=body)
    assert code == 400, payload


async def test_deeply_nested_params_query_is_a_400(jp_fetch: Any) -> None:
    code, payload = await fetch(
        jp_fetch, ("templates", "bert-ja"), "GET", params={"params": deeply_nested(5_000)}
    )
    assert code == 400, payload
    assert "nest" in payload["message"]


@pytest.mark.parametrize(("parts", "method"), JSON_ENDPOINTS)
async def test_body_over_the_limit_is_a_localized_413(
    jp_fetch: Any, parts: tuple[str, ...], method: str
) -> None:
    body = '{"text": "' + "x" * (8 * 1024 * 1024) + '"}'
    code, payload = await fetch(
        jp_fetch, parts, method, body=body, headers={"Accept-Language": "ja"}
    )
    assert code == 413, payload
    assert "大きすぎます" in payload["message"]
    code, payload = await fetch(
        jp_fetch, parts, method, body=body, headers={"Accept-Language": "en"}
    )
    assert code == 413, payload
    assert "too large" in payload["message"]


async def test_get_endpoints_refuse_a_body_over_the_default_limit(jp_fetch: Any) -> None:
    # GET bodies are read by tornado too; nothing needs more than the default.
    body = "x" * (DEFAULT_MAX_BODY_BYTES + 1)
    response = await jp_fetch(
        "jupyterlab-neuron",
        "cache",
        "status",
        method="GET",
        body=body,
        allow_nonstandard_methods=True,
        raise_error=False,
    )
    assert response.code == 413


async def raw_request(
    port: int, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, dict[str, Any]]:
    """Send a request by hand: headers that announce more than is sent."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        writer.write(head.encode("latin-1") + b"\r\n" + body)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout=5)
        response_headers: dict[str, str] = {}
        while (line := await asyncio.wait_for(reader.readline(), timeout=5)) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            response_headers[name.strip().lower()] = value.strip()
        length = int(response_headers.get("content-length", "0"))
        payload = await asyncio.wait_for(reader.readexactly(length), timeout=5)
        return int(status_line.split()[1]), json.loads(payload)
    finally:
        writer.close()


@pytest.mark.parametrize(("parts", "method"), JSON_ENDPOINTS)
async def test_announced_huge_body_is_refused_before_it_is_sent(
    http_server: Any,  # serves jp_http_port (jp_fetch needs no such help)
    jp_http_port: int,
    jp_base_url: str,
    jp_auth_header: dict[str, str],
    parts: tuple[str, ...],
    method: str,
) -> None:
    path = jp_base_url + "jupyterlab-neuron/" + "/".join(parts)
    started = time.monotonic()
    code, payload = await raw_request(
        jp_http_port,
        path,
        {
            **jp_auth_header,
            "Content-Type": "application/json",
            "Content-Length": str(60 * 1024 * 1024),
            "Accept-Language": "en",
        },
        body=b'{"text": "',
    )
    assert code == 413
    assert "too large" in payload["message"]
    assert time.monotonic() - started < 3


async def test_failing_big_requests_do_not_keep_their_bodies(jp_fetch: Any) -> None:
    """Without the cycle collector, bodies of failed requests must be freed by
    reference counting alone: nothing may hold them in a reference cycle."""
    big = "e" * (200 * 1024)
    # Each fails at a different stage: the parser, the request's shape, or the
    # work in a worker thread (an unknown entry, an unknown parameter).
    # The client keeps its requests in reference cycles too: bytes objects made
    # once, so that only what the server keeps can grow.
    failing = [
        (("cache", "clean"), ('{"entries": ["' + big + '"]} x').encode(), 400),
        (("cache", "clean"), json.dumps({"entries": [big], "wipe": 1}).encode(), 400),
        (("cache", "clean"), json.dumps({"entries": [big]}).encode(), 404),
        (("templates", "bert-ja", "render"), json.dumps({"params": {big: 1}}).encode(), 400),
        (("diagnose",), json.dumps({"text": 1, "pad": big}).encode(), 400),
        (("diagnose",), deeply_nested(5_000).encode(), 400),
    ]
    for parts, body, status in failing:  # warm up (imports, caches, thread pool)
        code, payload = await fetch(jp_fetch, parts, "POST", body=body)
        assert code == status, payload
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        before = _big_blocks(tracemalloc.take_snapshot())
        for _ in range(10):
            for parts, body, status in failing:
                code, _payload = await fetch(jp_fetch, parts, "POST", body=body)
                assert code == status
        grown = _big_blocks(tracemalloc.take_snapshot()) - before
    finally:
        tracemalloc.stop()
        gc.enable()
    # 50 failed requests of 200 KiB: kept bodies would be ten megabytes and more.
    assert grown < 2 * 1024 * 1024, grown


def _big_blocks(snapshot: tracemalloc.Snapshot) -> int:
    """Bytes in blocks of 100 KiB or more: bodies and their copies, not the small
    allocations of whatever else the server does meanwhile (the monitor's history)."""
    return sum(trace.size for trace in snapshot.traces if trace.size >= 100 * 1024)


async def test_a_deeply_nested_admin_template_is_a_listed_problem(
    jp_fetch: Any, jp_data_dir: Path
) -> None:
    folder = jp_data_dir / "jupyterlab_neuron" / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "deep.json").write_text(deeply_nested(), encoding="utf-8")
    code, payload = await fetch(jp_fetch, ("templates",), "GET", params={"lang": "en"})
    assert code == 200, payload
    assert [t["id"] for t in payload["templates"]][:2] == ["bert-ja", "vit-beans"]
    (problem,) = payload["problems"]
    assert problem["path"] == str(folder / "deep.json")
    assert problem["kind"] == "invalid"
    code, payload = await fetch(jp_fetch, ("templates", "bert-ja"), "GET")
    assert code == 200, payload
    code, payload = await fetch(
        jp_fetch, ("templates", "bert-ja", "render"), "POST", body=json.dumps({"lang": "en"})
    )
    assert code == 200, payload


def test_template_files_too_big_or_too_deep_are_template_errors(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_TEMPLATE_FILE_BYTES + 1))
    deep = tmp_path / "deep.json"
    deep.write_text('{"id": ' + deeply_nested(900) + "}", encoding="utf-8")
    for path, words in ((big, "larger than"), (deep, "nested more than")):
        with pytest.raises(TemplateError) as caught:
            load_template_file(path, origin="admin")
        assert words in " ".join(caught.value.errors)


def test_echo_cuts_long_values() -> None:
    assert echo("short") == "short"
    assert echo("x" * 10_000) == "x" * 79 + "…"
    assert echo([[1]] * 10_000) == "(list)"


@pytest.mark.parametrize(
    ("parts", "method", "body", "status"),
    [
        (("cache", "entries", "MODULE_" + "a" * 5000), "GET", None, 404),
        (("cache", "clean"), "POST", {"entries": ["MODULE_" + "a" * 5000]}, 404),
        (("cache", "clean"), "POST", {"roots": ["r" * 5000], "failed": True}, 404),
        (("cache", "clean"), "POST", {"f" * 5000: True}, 400),
        (("diagnose",), "POST", {"text": "x", "lang": "l" * 5000}, 400),
        (("templates", "bert-ja", "render"), "POST", {"step": "s" * 5000}, 404),
        (("templates", "bert-ja", "render"), "POST", {"f" * 5000: 1}, 400),
        (("templates", "bert-ja", "render"), "POST", {"lang": "l" * 5000}, 400),
        (("templates", "bert-ja", "render"), "POST", {"instance": "i" * 5000}, 400),
    ],
)
async def test_unknown_values_are_cut_short_in_error_messages(
    jp_fetch: Any, parts: tuple[str, ...], method: str, body: Any, status: int
) -> None:
    options = {} if body is None else {"body": json.dumps(body)}
    code, payload = await fetch(jp_fetch, parts, method, **options)
    assert code == status, payload
    assert len(payload["message"]) < 700, payload["message"]


@pytest.mark.parametrize("name", ["limit", "since"])
async def test_monitor_query_values_are_cut_short_in_error_messages(
    jp_fetch: Any, name: str
) -> None:
    code, payload = await fetch(jp_fetch, ("monitor", "history"), "GET", params={name: "x" * 5000})
    assert code == 400, payload
    assert name in payload["message"] and len(payload["message"]) < 300


@pytest.mark.parametrize(
    ("parts", "method", "options", "english", "japanese"),
    [
        (
            ("cache", "clean"),
            "POST",
            {"body": json.dumps({"failed": True, "dry_run": "yes"})},
            "dry_run must be true or false",
            "dry_run には true か false を",
        ),
        (
            ("templates", "bert-ja"),
            "GET",
            {"params": {"params": "[1]"}},
            "params must be a JSON object.",
            "params には JSON オブジェクトを指定してください。",
        ),
        (
            ("diagnose",),
            "POST",
            {"body": "{"},
            "The request body is not valid JSON",
            "リクエストの本文が正しい JSON ではありません",
        ),
    ],
)
async def test_bad_request_shapes_are_explained_in_both_languages(
    jp_fetch: Any,
    parts: tuple[str, ...],
    method: str,
    options: dict[str, Any],
    english: str,
    japanese: str,
) -> None:
    for lang, expected in (("en", english), ("ja", japanese)):
        code, payload = await fetch(
            jp_fetch, parts, method, headers={"Accept-Language": lang}, **options
        )
        assert code == 400, payload
        assert expected in payload["message"]
