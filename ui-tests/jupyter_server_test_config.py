"""Jupyter server started by Playwright for the browser tests.

Two servers run side by side: one on the simulated trn1.2xlarge (the
default), and one with no Neuron tools at all (``NEURON_UI_TEST_MODE=no-tools``)
for the "tools not found" state.
"""

import os
import tempfile

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 - `c` is injected by traitlets

# The machines running these tests are containers where everything runs as root.
c.ServerApp.allow_root = True  # noqa: F821

mode = os.environ.get("NEURON_UI_TEST_MODE", "simulated")
if mode == "no-tools":
    c.JupyterLabNeuron.simulate = ""  # noqa: F821
    c.JupyterLabNeuron.tools_path = [tempfile.mkdtemp(prefix="no-neuron-tools-")]  # noqa: F821
    c.JupyterLabNeuron.search_system_path = False  # noqa: F821
else:
    c.JupyterLabNeuron.simulate = os.environ.get("NEURON_UI_TEST_INSTANCE", "trn1.2xlarge")  # noqa: F821
