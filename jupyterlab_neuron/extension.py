"""Assembles the server extension: one settings object, one service per
capability, and one route table under ``<base_url>/jupyterlab-neuron/``."""

from __future__ import annotations

from typing import Any

from jupyter_server.utils import url_path_join

from .capabilities import CAPABILITIES, ExtensionContext
from .settings import JupyterLabNeuron

#: Every route of the extension lives under this prefix (after base_url).
URL_PREFIX = "jupyterlab-neuron"


def load(server_app: Any) -> None:
    """Build the services of every capability and register their routes."""
    settings = JupyterLabNeuron(parent=server_app)
    context = ExtensionContext(settings=settings, server_app=server_app, log=server_app.log)
    web_app = server_app.web_app
    base_url = web_app.settings["base_url"]
    handlers: list[tuple[str, Any, dict[str, Any]]] = []
    for capability in CAPABILITIES:
        for path, handler, kwargs in capability(context):
            handlers.append((url_path_join(base_url, URL_PREFIX, path), handler, kwargs))
    web_app.add_handlers(".*$", handlers)
    web_app.settings["jupyterlab_neuron"] = context
    server_app.log.info(
        "jupyterlab-neuron %s loaded%s",
        _version(),
        f" (simulating {settings.simulate})" if settings.simulate else "",
    )


def _version() -> str:
    from . import __version__

    return __version__
