"""jupyterlab-neuron: AWS Neuron (Inferentia2 / Trainium) tools for JupyterLab.

This module holds the Jupyter extension points only; the server extension is
assembled in :mod:`jupyterlab_neuron.extension`.
"""

from __future__ import annotations

from typing import Any

try:
    from ._version import __version__
except ImportError:  # pragma: no cover - only in a source tree that was never built
    import warnings

    warnings.warn("Importing 'jupyterlab_neuron' outside a proper installation.", stacklevel=2)
    __version__ = "dev"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyterlab-neuron"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    from .extension import NeuronExtensionApp

    return [{"module": "jupyterlab_neuron", "app": NeuronExtensionApp}]
