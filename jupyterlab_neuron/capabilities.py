"""The list of capabilities the server extension is made of.

Each capability folder has a ``handlers.setup(context) -> list[Route]`` that
creates its service, stores it in its field of the
:class:`~jupyterlab_neuron.context.ExtensionContext`, registers what must end
with the server (``context.on_close``) and returns its routes (paths relative
to ``<base_url>/jupyterlab-neuron/``). Adding a capability means adding its
``setup`` to :data:`CAPABILITIES`, after the capabilities whose services it uses.
"""

from __future__ import annotations

from collections.abc import Callable

from .cache.handlers import setup as cache
from .cluster.handlers import setup as cluster
from .context import ExtensionContext, Route
from .cores.handlers import setup as cores
from .diagnose.handlers import setup as diagnose
from .environment.handlers import setup as environment
from .monitor.handlers import setup as monitor
from .templates.handlers import setup as templates

#: In set-up order: the monitor uses the environment, the compile cache the monitor,
#: the templates the environment; the cluster view uses none;
#: the NeuronCore leases read the monitor's snapshot.
CAPABILITIES: list[Callable[[ExtensionContext], list[Route]]] = [
    environment,
    monitor,
    diagnose,
    cache,
    templates,
    cluster,
    cores,
]
