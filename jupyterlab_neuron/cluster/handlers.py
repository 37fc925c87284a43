"""REST face of the cluster view: thin handlers over :mod:`.service`.

Routes (under ``<base_url>/jupyterlab-neuron/``; contract in openapi.yaml):

- ``GET cluster`` -> every node Prometheus knows, with its NeuronCores;
- ``GET cluster/history?instance_id=ID[&minutes=M]`` -> one node over time.

Prometheus failures come back as a ``state`` with a message (200), never a 500.
"""

from __future__ import annotations

import orjson
from jupyter_server.auth.decorator import authorized
from tornado import web

from neuron_kernel_helpers.i18n import Messages

from ..context import ExtensionContext, Route
from ..http import NeuronAPIHandler
from ..untrusted import echo
from .service import ClusterService, config_from_settings

#: Longest instance id accepted in a history request.
MAX_INSTANCE_ID = 256

MESSAGES = Messages(
    {
        "bad_instance_id": {
            "ja": "instance_id に 1〜{limit} 文字のノード ID を指定してください（{value}）。",
            "en": "instance_id must be a node id of 1 to {limit} characters ({value}).",
        },
        "bad_minutes": {
            "ja": "minutes には正の数を指定してください（{value}）。",
            "en": "minutes must be a positive number ({value}).",
        },
    }
)


class _ClusterHandlerBase(NeuronAPIHandler):
    service: ClusterService

    def initialize(self, service: ClusterService) -> None:
        """Receive the service from the route table."""
        self.service = service


class ClusterHandler(_ClusterHandlerBase):
    """``GET cluster``: every node and its NeuronCores."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """The cluster answer; Prometheus failures are a ``state``, not an HTTP error."""
        answer = await self.service.snapshot(self.lang)
        # 64 nodes x 128 NeuronCores is a few hundred kilobytes: orjson, compact.
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(orjson.dumps(answer))


class ClusterHistoryHandler(_ClusterHandlerBase):
    """``GET cluster/history``: one node's utilization and device memory over time."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """``?instance_id=`` (required) and ``?minutes=`` (default 15)."""
        instance_id = self.get_query_argument("instance_id", "")
        if not instance_id or len(instance_id) > MAX_INSTANCE_ID:
            raise web.HTTPError(
                400,
                MESSAGES(
                    "bad_instance_id", self.lang, limit=MAX_INSTANCE_ID, value=echo(instance_id)
                ),
            )
        raw = self.get_query_argument("minutes", "15")
        try:
            minutes = float(raw)
        except ValueError:
            minutes = -1.0
        if not minutes > 0 or minutes == float("inf"):
            raise web.HTTPError(400, MESSAGES("bad_minutes", self.lang, value=echo(raw)))
        self.write_json(await self.service.history(instance_id, minutes, self.lang))


def setup(context: ExtensionContext) -> list[Route]:
    """Store the service as ``context.cluster`` and return the routes."""
    settings = context.settings
    service = ClusterService(
        config_from_settings(settings), stale_after=settings.cluster_stale_after
    )
    context.cluster = service
    context.on_close(service.close)
    kwargs = {"service": service}
    return [
        ("cluster", ClusterHandler, kwargs),
        ("cluster/history", ClusterHistoryHandler, kwargs),
    ]
