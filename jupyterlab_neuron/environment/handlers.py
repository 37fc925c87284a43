"""HTTP face of the environment capability (thin: all work is in ``service``)."""

from __future__ import annotations

import anyio
from jupyter_server.auth.decorator import authorized
from tornado import web

from ..context import ExtensionContext, Route
from ..http import NeuronAPIHandler
from .service import EnvironmentService

#: Version of the REST API; the front end refuses a server with another one.
API_VERSION = 1

_TRUE_VALUES = frozenset({"1", "true", "yes"})


class VersionHandler(NeuronAPIHandler):
    """``GET /jupyterlab-neuron/version``: the server extension's version."""

    @web.authenticated
    @authorized
    def get(self) -> None:
        """Reply ``{"version": ..., "api": 1}``."""
        from .. import __version__

        self.write_json({"version": __version__, "api": API_VERSION})


class EnvironmentHandler(NeuronAPIHandler):
    """``GET /jupyterlab-neuron/environment[?refresh=1]``: the environment report."""

    def initialize(self, service: EnvironmentService) -> None:
        """Receive the service from the route table."""
        self.service = service

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with the report (cached up to 30 s unless ``refresh=1``)."""
        refresh = self.get_query_argument("refresh", "").strip().lower() in _TRUE_VALUES
        # Running the tools blocks for up to the tool timeout: keep it off the event loop.
        report = await anyio.to_thread.run_sync(lambda: self.service.report(refresh=refresh))
        self.write_json(report.to_dict(self.lang))


def setup(context: ExtensionContext) -> list[Route]:
    """Create the environment service, store it as ``context.environment`` (its
    simulator folder is removed when the server stops), and return the routes."""
    service = EnvironmentService.from_settings(context.settings)
    context.environment = service
    context.on_close(service.close)
    if service.simulated_instance:
        context.log.info(
            "jupyterlab-neuron: simulated Neuron tools for %s", service.simulated_instance
        )
    return [
        ("version", VersionHandler, {}),
        ("environment", EnvironmentHandler, {"service": service}),
    ]
