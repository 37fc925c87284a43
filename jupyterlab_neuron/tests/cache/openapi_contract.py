"""Validates REST responses (and request bodies) against jupyterlab_neuron/openapi.yaml,
and calls the compile-cache API through ``jp_fetch`` with every reply validated."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from tornado.httpclient import HTTPClientError

import jupyterlab_neuron

OPENAPI_PATH = Path(jupyterlab_neuron.__file__).parent / "openapi.yaml"
_BASE = "urn:jupyterlab-neuron:openapi"


@cache
def spec() -> dict[str, Any]:
    """The OpenAPI document."""
    return yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))


@cache
def _registry() -> Registry:
    return Registry().with_resource(_BASE, Resource(contents=spec(), specification=DRAFT202012))


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _validate_at(pointer: list[str], instance: Any) -> None:
    reference = f"{_BASE}#/" + "/".join(_escape(part) for part in pointer)
    Draft202012Validator({"$ref": reference}, registry=_registry()).validate(instance)


def validate_response(path: str, method: str, status: int, body: Any) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``body`` is what the document
    promises for ``method path`` answering ``status``."""
    operation = spec()["paths"][path][method.lower()]
    responses = operation["responses"]
    assert str(status) in responses, f"{method} {path} does not document status {status}"
    response = responses[str(status)]
    pointer = ["paths", path, method.lower(), "responses", str(status)]
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[-1]
        pointer = ["components", "responses", name]
    _validate_at([*pointer, "content", "application/json", "schema"], body)


def validate_request(path: str, method: str, body: Any) -> None:
    """Raise unless ``body`` is a valid request body of ``method path``."""
    pointer = [
        "paths",
        path,
        method.lower(),
        "requestBody",
        "content",
        "application/json",
        "schema",
    ]
    _validate_at(pointer, body)


async def call(
    jp_fetch: Any,
    method: str,
    template: str,
    *parts: str,
    status: int = 200,
    body: Any = None,
    params: dict[str, str] | None = None,
    lang: str = "en",
) -> Any:
    """Call the API, check the status and validate the reply against the document."""
    options: dict[str, Any] = {
        "method": method,
        "headers": {"Accept-Language": lang},
        "params": params or {},
    }
    if body is not None:
        validate_request(template, method, body)
        options["body"] = json.dumps(body)
    try:
        response = await jp_fetch("jupyterlab-neuron", "cache", *parts, **options)
        code, raw = response.code, response.body
    except HTTPClientError as error:
        assert error.response is not None
        code, raw = error.code, error.response.body
    payload = json.loads(raw.decode("utf-8"))
    assert code == status, payload
    validate_response(template, method, code, payload)
    return payload


async def entries_page(jp_fetch: Any, *, status: int = 200, **params: str) -> Any:
    """``GET cache/entries?<params>``, the reply checked against the document."""
    return await call(jp_fetch, "GET", "/cache/entries", "entries", params=params, status=status)


async def post_clean(
    jp_fetch: Any, body: dict[str, Any], *, status: int = 200, lang: str = "en"
) -> Any:
    """``POST cache/clean`` with ``body``, the request and the reply checked against the
    document."""
    return await call(
        jp_fetch, "POST", "/cache/clean", "clean", status=status, body=body, lang=lang
    )


async def clean_as_previewed(
    jp_fetch: Any, request: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The dry run of ``request``, then the cleaning of exactly that plan (its token)."""
    dry = await post_clean(jp_fetch, {**request, "dry_run": True})
    done = await post_clean(
        jp_fetch, {**request, "dry_run": False, "plan_token": dry["plan_token"]}
    )
    return dry, done
