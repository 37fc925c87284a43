"""What the capabilities of the server extension share: the context every
``setup(context)`` receives and the route type it returns.

This module imports nothing from the package when it runs (the service types
below are named for type checkers only), so every capability can import it
without an import cycle.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cache.service import CompileCacheService
    from .cluster.service import ClusterService
    from .cores.handlers import CoresService
    from .diagnose.matcher import ErrorCatalogue
    from .environment.service import EnvironmentService
    from .monitor.service import MonitorService
    from .settings import JupyterLabNeuron
    from .templates.service import TemplateService

Route = tuple[str, Any, dict[str, Any]]
"""``(path relative to <base_url>/jupyterlab-neuron/, handler class, handler kwargs)``."""

Closer = Callable[[], "Awaitable[None] | None"]
"""Releases what a capability holds (child processes, temporary files)."""


@dataclass
class ExtensionContext:
    """What every capability's ``setup(context)`` receives and fills in.

    ``settings``, ``server_app`` (for its kernel and session managers and root
    directory) and ``log`` are given. Each capability stores its service in its
    own field, so the capabilities set up after it can use it (the monitor
    finds neuron-monitor through ``environment``; the compile cache asks
    ``monitor`` which models are loaded), and registers with :meth:`on_close`
    what must end with the server.
    """

    settings: JupyterLabNeuron
    server_app: Any
    log: logging.Logger | logging.LoggerAdapter
    environment: EnvironmentService | None = None
    monitor: MonitorService | None = None
    diagnose: ErrorCatalogue | None = None
    cache: CompileCacheService | None = None
    templates: TemplateService | None = None
    cluster: ClusterService | None = None
    cores: CoresService | None = None
    _closers: list[Closer] = field(default_factory=list, repr=False)

    def on_close(self, closer: Closer) -> None:
        """Call ``closer`` (plain or async) when the server stops; closers run in
        the reverse order of registration, so a service closes before the ones it uses."""
        self._closers.append(closer)

    async def close(self) -> None:
        """Run every closer once; a failing one is logged and does not stop the others."""
        while self._closers:
            closer = self._closers.pop()
            try:
                result = closer()
                if inspect.isawaitable(result):
                    await result
            except Exception:  # shutting down: report and go on
                self.log.exception("jupyterlab-neuron: %r failed while closing", closer)
