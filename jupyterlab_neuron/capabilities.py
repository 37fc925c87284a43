"""The list of capabilities the server extension is made of.

Each capability module exposes ``setup(context) -> list[route]`` where a route
is ``(path relative to <base_url>/jupyterlab-neuron/, handler class, kwargs)``.
Adding a capability means adding one line to :data:`CAPABILITIES`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .settings import JupyterLabNeuron

Route = tuple[str, Any, dict[str, Any]]


@dataclass
class ExtensionContext:
    """What every capability's ``setup`` receives: settings, the server
    application (for its kernel and session managers) and a logger.

    ``services`` lets capabilities find each other's services (for example the
    compile-cache scanner asks the monitor which models are loaded); each
    capability registers its service under its own name.
    """

    settings: JupyterLabNeuron
    server_app: Any
    log: logging.Logger | logging.LoggerAdapter
    services: dict[str, Any] = field(default_factory=dict)


def _environment(context: ExtensionContext) -> list[Route]:
    from .environment.handlers import setup

    return setup(context)


def _diagnose(context: ExtensionContext) -> list[Route]:
    from .diagnose.handlers import setup

    return setup(context)


def _monitor(context: ExtensionContext) -> list[Route]:
    from .monitor.handlers import setup

    return setup(context)


def _cache(context: ExtensionContext) -> list[Route]:
    from .cache.handlers import setup

    return setup(context)


def _templates(context: ExtensionContext) -> list[Route]:
    from .templates.handlers import setup

    return setup(context)


CAPABILITIES: list[Callable[[ExtensionContext], list[Route]]] = [
    _environment,
    _monitor,
    _diagnose,
    _cache,
    _templates,
]
