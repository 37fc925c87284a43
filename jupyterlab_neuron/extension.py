"""The server extension application: one settings object, one service per
capability, one route table under ``<base_url>/jupyterlab-neuron/``, and a
shutdown that ends what the capabilities started (the neuron-monitor child,
the simulator's temporary folder) together with the server."""

from __future__ import annotations

from jupyter_server.extension.application import ExtensionApp
from jupyter_server.utils import url_path_join

from .capabilities import CAPABILITIES
from .context import ExtensionContext, Route
from .settings import JupyterLabNeuron

#: Every route of the extension lives under this prefix (after base_url).
URL_PREFIX = "jupyterlab-neuron"


class NeuronExtensionApp(ExtensionApp):
    """jupyterlab-neuron as a Jupyter server extension application.

    The server links it, calls :meth:`initialize_settings` and
    :meth:`initialize_handlers` once, and awaits :meth:`stop_extension` when it
    shuts down. Settings stay in :class:`~jupyterlab_neuron.settings.JupyterLabNeuron`
    (``c.JupyterLabNeuron.*`` in ``jupyter_server_config.py``, or the command line).
    """

    name = "jupyterlab_neuron"
    description = "AWS Neuron (Inferentia2 / Trainium) tools for JupyterLab."
    classes = [JupyterLabNeuron]  # noqa: RUF012 - traitlets' own class attribute
    context: ExtensionContext | None = None
    routes: list[Route] = []  # noqa: RUF012 - replaced per instance

    def initialize_settings(self) -> None:
        """Build the context and set up every capability (services, routes)."""
        assert self.serverapp is not None
        settings = JupyterLabNeuron(parent=self)
        self.context = ExtensionContext(settings=settings, server_app=self.serverapp, log=self.log)
        self.routes = [route for setup in CAPABILITIES for route in setup(self.context)]
        self.log.info(
            "jupyterlab-neuron %s loaded%s",
            _version(),
            f" (simulating {settings.simulate})" if settings.simulate else "",
        )

    def initialize_handlers(self) -> None:
        """Register the capabilities' routes under ``jupyterlab-neuron/``
        (the server prepends its ``base_url``)."""
        for path, handler, kwargs in self.routes:
            self.handlers.append((url_path_join(URL_PREFIX, path), handler, kwargs))

    async def stop_extension(self) -> None:
        """End what the capabilities hold: the monitor child, temporary folders."""
        if self.context is not None:
            await self.context.close()


def _version() -> str:
    from . import __version__

    return __version__
