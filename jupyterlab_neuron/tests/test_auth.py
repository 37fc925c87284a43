"""Every route of the extension refuses requests that carry no valid token.

Routes are discovered from the running server's route table, so routes added
later are covered without touching this file. Checked twice:

- by behaviour: a real server with a token; each implemented verb of each route
  under ``<base_url>/jupyterlab-neuron/`` is called without a token and with a
  wrong one (with a matching XSRF cookie/header pair, so that only the route's
  own authentication can reject it) and must answer 401 or 403; WebSocket routes
  must refuse the upgrade;
- by construction: each verb is wrapped by ``@web.authenticated`` (or
  ``@ws_authenticated``) and ``@authorized``.

A self-check registers deliberately open routes and expects them to be caught.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.routing import PathMatches, Router
from tornado.websocket import WebSocketError, WebSocketHandler, websocket_connect

from jupyterlab_neuron.extension import URL_PREFIX

#: Verbs that tornado handlers may implement; OPTIONS is the framework's CORS preflight.
VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
REJECTED = {401, 403}
XSRF = "0123456789abcdef"


def _routes(router: Router) -> Iterator[tuple[PathMatches, type[web.RequestHandler]]]:
    """Every (matcher, handler class) in a tornado router, depth first."""
    for rule in getattr(router, "rules", []):
        if isinstance(rule.target, Router):
            yield from _routes(rule.target)
        elif isinstance(rule.matcher, PathMatches) and isinstance(rule.target, type):
            yield rule.matcher, rule.target


def extension_routes(web_app: web.Application) -> list[tuple[str, type[web.RequestHandler]]]:
    """(concrete path, handler class) of every route under the extension's prefix."""
    base_url = web_app.settings["base_url"]
    prefix = url_path_join(base_url, URL_PREFIX) + "/"
    found = []
    for matcher, handler in _routes(web_app.default_router):
        pattern = matcher.regex.pattern
        if not pattern.startswith(prefix):
            continue
        # Fill every path parameter with a placeholder id. (Not matcher.reverse():
        # it %-formats the whole path, and a base_url may contain "%40".)
        template = matcher._path
        assert template is not None, f"route {pattern} cannot be turned into a URL for testing"
        groups = matcher._group_count
        path = "probe".join(template.rsplit("%s", groups)) if groups else template
        found.append((path, handler))
    return found


def implemented_verbs(handler: type[web.RequestHandler]) -> list[str]:
    """The verbs a handler class really implements."""
    return [
        verb
        for verb in VERBS
        if getattr(handler, verb.lower()) is not getattr(web.RequestHandler, verb.lower())
    ]


def _wrapper_names(method: Any) -> list[str]:
    names = []
    while method is not None:
        code = getattr(method, "__code__", None)
        names.append(getattr(code, "co_qualname", "") if code else "")
        method = getattr(method, "__wrapped__", None)
    return names


def undecorated_verbs(routes: list[tuple[str, type[web.RequestHandler]]]) -> list[str]:
    """Verbs missing ``@web.authenticated`` / ``@ws_authenticated`` or ``@authorized``."""
    problems = []
    for path, handler in routes:
        for verb in implemented_verbs(handler):
            names = _wrapper_names(getattr(handler, verb.lower()))
            authenticated = any(
                name.startswith(("authenticated.", "ws_authenticated.")) for name in names
            )
            authorized = any(name.startswith("authorized.") for name in names)
            if not (authenticated and authorized):
                problems.append(f"{verb} {path} ({handler.__name__})")
    return problems


async def open_routes(
    routes: list[tuple[str, type[web.RequestHandler]]], client: Any, port: int
) -> list[str]:
    """Requests without a valid token that were not refused."""
    problems = []
    for path, handler in routes:
        for authorization in (None, "token not-the-right-token"):
            headers = {"Cookie": f"_xsrf={XSRF}", "X-XSRFToken": XSRF}
            if authorization:
                headers["Authorization"] = authorization
            if issubclass(handler, WebSocketHandler):
                request = HTTPRequest(
                    f"ws://127.0.0.1:{port}{path}", headers=headers, follow_redirects=False
                )
                try:
                    connection = await websocket_connect(request)
                except HTTPClientError as error:
                    # A redirect to the login page is a refusal too.
                    if error.code not in REJECTED and error.code != 302:
                        problems.append(f"WEBSOCKET {path}: {error.code}")
                except WebSocketError as error:
                    problems.append(f"WEBSOCKET {path}: {error}")
                else:
                    connection.close()
                    problems.append(f"WEBSOCKET {path}: connection accepted")
                continue
            for verb in implemented_verbs(handler):
                response = await client.fetch(
                    path,
                    method=verb,
                    headers=headers,
                    body=b"{}" if verb in {"POST", "PUT", "PATCH"} else None,
                    allow_nonstandard_methods=True,
                    raise_error=False,
                    request_timeout=10,
                )
                if response.code not in REJECTED:
                    problems.append(f"{verb} {path} without a valid token: {response.code}")
    return problems


@pytest.fixture
def routes(jp_web_app: web.Application) -> list[tuple[str, type[web.RequestHandler]]]:
    return extension_routes(jp_web_app)


def test_routes_are_discovered(routes: list[tuple[str, type[web.RequestHandler]]]) -> None:
    paths = {path for path, _ in routes}
    assert "/a%40b/jupyterlab-neuron/version" in paths
    assert "/a%40b/jupyterlab-neuron/environment" in paths


def test_every_verb_is_decorated(routes: list[tuple[str, type[web.RequestHandler]]]) -> None:
    assert undecorated_verbs(routes) == []


async def test_every_route_refuses_requests_without_the_token(
    routes: list[tuple[str, type[web.RequestHandler]]],
    http_server_client: Any,
    jp_http_port: int,
) -> None:
    assert await open_routes(routes, http_server_client, jp_http_port) == []


async def test_the_token_is_accepted(jp_fetch: Any) -> None:
    """The refusals above are about the token, not a route that refuses everyone."""
    for path in ("version", "environment"):
        response = await jp_fetch(URL_PREFIX, path)
        assert response.code == 200


class _OpenProbe(APIHandler):
    """A deliberately unprotected handler, to prove the checks can fail."""

    def get(self) -> None:
        self.finish("{}")

    def post(self) -> None:
        self.finish("{}")


class _OpenSocketProbe(WebSocketHandler):
    def open(self) -> None:  # type: ignore[override]
        pass


async def test_self_check_catches_open_routes(
    jp_web_app: web.Application, http_server_client: Any, jp_http_port: int
) -> None:
    base_url = jp_web_app.settings["base_url"]
    jp_web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base_url, URL_PREFIX, "open-probe"), _OpenProbe),
            (url_path_join(base_url, URL_PREFIX, "open-socket-probe"), _OpenSocketProbe),
        ],
    )
    probes = [
        (path, handler)
        for path, handler in extension_routes(jp_web_app)
        if handler in (_OpenProbe, _OpenSocketProbe)
    ]
    assert len(probes) == 2
    assert sorted(undecorated_verbs(probes)) == [
        "GET /a%40b/jupyterlab-neuron/open-probe (_OpenProbe)",
        "GET /a%40b/jupyterlab-neuron/open-socket-probe (_OpenSocketProbe)",
        "POST /a%40b/jupyterlab-neuron/open-probe (_OpenProbe)",
    ]
    problems = await open_routes(probes, http_server_client, jp_http_port)
    assert sorted(problems) == [
        "GET /a%40b/jupyterlab-neuron/open-probe without a valid token: 200",
        "GET /a%40b/jupyterlab-neuron/open-probe without a valid token: 200",
        "POST /a%40b/jupyterlab-neuron/open-probe without a valid token: 200",
        "POST /a%40b/jupyterlab-neuron/open-probe without a valid token: 200",
        "WEBSOCKET /a%40b/jupyterlab-neuron/open-socket-probe: connection accepted",
        "WEBSOCKET /a%40b/jupyterlab-neuron/open-socket-probe: connection accepted",
    ]
