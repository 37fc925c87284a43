"""A small client of Prometheus's HTTP API (instant and range queries).

Every failure becomes a :class:`PrometheusError` with a state name the REST
answer and the UI show as such (never a 500): ``unreachable``, ``timeout``,
``http_error`` (4xx/5xx, with Prometheus's own error text) and
``bad_response`` (not Prometheus's JSON).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

#: Error text quoted back from Prometheus is cut to this many characters.
MAX_ERROR_TEXT = 300


class PrometheusError(Exception):
    """A query that gave no result; ``state`` names why."""

    def __init__(self, state: str, detail: str = "", status: int | None = None) -> None:
        super().__init__(detail or state)
        self.state = state
        self.detail = detail[:MAX_ERROR_TEXT]
        self.status = status


@dataclass(frozen=True)
class PrometheusConfig:
    """Where Prometheus is and how to authenticate."""

    url: str
    timeout: float = 10.0
    bearer_token: str = ""
    username: str = ""
    password: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    verify_tls: bool = True


class PrometheusClient:
    """Instant and range queries against one Prometheus server."""

    def __init__(self, config: PrometheusConfig, transport: httpx.AsyncBaseTransport | None = None):
        self.config = config
        # Uncompressed: a large answer is parsed faster than it is gunzipped, and
        # Prometheus spends no CPU compressing it (it usually sits on the same network).
        headers = {"Accept": "application/json", "Accept-Encoding": "identity", **config.headers}
        if config.bearer_token:
            headers["Authorization"] = f"Bearer {config.bearer_token}"
        auth = None
        if config.username:
            auth = httpx.BasicAuth(config.username, config.password)
        self._client = httpx.AsyncClient(
            base_url=config.url.rstrip("/") + "/",
            headers=headers,
            auth=auth,
            timeout=config.timeout,
            verify=config.verify_tls,
            transport=transport,
            follow_redirects=True,
        )

    async def close(self) -> None:
        """Close the connections."""
        await self._client.aclose()

    async def instant(self, query: str, at: float | None = None) -> list[dict[str, Any]]:
        """``/api/v1/query``: the vector's samples (``metric``, ``value``)."""
        params: dict[str, Any] = {"query": query}
        if at is not None:
            params["time"] = f"{at:.3f}"
        return await self._get("api/v1/query", params)

    async def range(
        self, query: str, start: float, end: float, step: float
    ) -> list[dict[str, Any]]:
        """``/api/v1/query_range``: the matrix's series (``metric``, ``values``)."""
        params = {"query": query, "start": f"{start:.3f}", "end": f"{end:.3f}", "step": f"{step:g}"}
        return await self._get("api/v1/query_range", params)

    async def _get(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            response = await self._client.get(path, params=params)
        except httpx.TimeoutException as error:
            raise PrometheusError("timeout", type(error).__name__) from None
        except httpx.HTTPError as error:
            raise PrometheusError("unreachable", str(error) or type(error).__name__) from None
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            body = None
        if response.status_code >= 400:
            detail = body.get("error", "") if isinstance(body, dict) else response.text
            raise PrometheusError("http_error", str(detail), response.status_code)
        if not isinstance(body, dict) or body.get("status") != "success":
            raise PrometheusError("bad_response", response.text)
        data = body.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("result"), list):
            raise PrometheusError("bad_response", response.text)
        return data["result"]
