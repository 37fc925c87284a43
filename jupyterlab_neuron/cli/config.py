"""The settings ``jupyter neuron`` runs with: the same as the server's.

The server reads ``c.JupyterLabNeuron.*`` from ``jupyter_config`` and
``jupyter_server_config`` (``.py`` and ``.json``) in every folder of the Jupyter
config path (``jupyter --paths``, ``JUPYTER_CONFIG_DIR`` first), and the
environment variables of :mod:`jupyterlab_neuron.settings` where no file sets
a value. The CLI reads exactly those, so ``jupyter neuron cache status`` shows
the roots the server shows.
"""

from __future__ import annotations

from jupyter_core.application import JupyterApp

from ..settings import JupyterLabNeuron


class _ServerConfigFiles(JupyterApp):
    """Loads the Jupyter server's configuration files, and nothing else."""

    name = "jupyter-server"  # config file: jupyter_server_config.{py,json}


def server_settings() -> JupyterLabNeuron:
    """The ``JupyterLabNeuron`` settings as a Jupyter server started here would have them."""
    files = _ServerConfigFiles()
    files.load_config_file()
    return JupyterLabNeuron(config=files.config)
