"""Jupyter server of the cluster view benchmark: a head node without Neuron
devices whose ``prometheus_url`` is the Prometheus of backend.py
(BENCH_PROMETHEUS_URL, set by run.sh)."""

import os
import tempfile

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 - `c` is injected by traitlets

c.ServerApp.allow_root = True  # noqa: F821
# No monitor running beside the measurement.
c.JupyterLabNeuron.simulate = ""  # noqa: F821
c.JupyterLabNeuron.tools_path = os.path.join(tempfile.gettempdir(), "jupyterlab-neuron-no-tools")  # noqa: F821
c.JupyterLabNeuron.search_system_path = False  # noqa: F821
c.JupyterLabNeuron.prometheus_url = os.environ["BENCH_PROMETHEUS_URL"]  # noqa: F821
