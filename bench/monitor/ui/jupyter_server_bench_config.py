"""Jupyter server of the browser benchmark: a simulated trn2.48xlarge under full load.

64 logical NeuronCores (LNC=2, so 128 physical cores, all drawn), 8 runtimes
with 4 loaded models each, one report every BENCH_PERIOD seconds (default 0.5),
through timed_monitor.py, which logs when each report line is written to
BENCH_LOG.
"""

import os
import sys
import tempfile

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 - `c` is injected by traitlets

c.ServerApp.allow_root = True  # noqa: F821

here = os.path.dirname(os.path.abspath(__file__))
instance = os.environ.get("BENCH_INSTANCE", "trn2.48xlarge")
scenario = os.environ.get("BENCH_SCENARIO", "full-load")
c.JupyterLabNeuron.simulate = instance  # noqa: F821
c.JupyterLabNeuron.monitor_period = float(os.environ.get("BENCH_PERIOD", "0.5"))  # noqa: F821
c.JupyterLabNeuron.monitor_command = [  # noqa: F821
    sys.executable,
    os.path.join(here, "timed_monitor.py"),
    "--log",
    os.environ.get("BENCH_LOG")
    or os.path.join(tempfile.gettempdir(), "jupyterlab-neuron-bench-writes.jsonl"),
    "--instance",
    instance,
    "--scenario",
    scenario,
]
# What the monitor status reports as the scenario.
c.JupyterLabNeuron.monitor_scenario = scenario  # noqa: F821
