"""A Neuron tools simulator: real executables that speak the tools' formats.

``python -m jupyterlab_neuron.simulator neuron-ls --instance trn1.2xlarge -j``
prints what ``neuron-ls -j`` prints on that instance type.
``jupyter neuron simulate tools --dir DIR`` writes executable wrappers named
like the real tools into ``DIR``; the server (``c.JupyterLabNeuron.simulate``)
makes such a folder itself and searches it first, so simulated output goes
through exactly the code that reads real tools. Everything produced this way is
reported as ``simulated``.

Failure modes for tests and demos: ``--fail MODE`` or the environment variable
:data:`FAIL_ENV` (see :data:`FAILURE_MODES`).

This package imports nothing from Jupyter: the wrappers start quickly.
"""

from __future__ import annotations

#: Environment variable selecting a failure mode when ``--fail`` is not given.
FAIL_ENV = "JUPYTERLAB_NEURON_SIMULATOR_FAIL"

#: Failure modes every simulated tool understands.
FAILURE_MODES: dict[str, str] = {
    "no-device": "exit status 1, nothing on stdout, one line on stderr (no Neuron device)",
    "hang": "never answers (to test timeouts)",
    "malformed": "exit status 0 with output that is not valid JSON",
    "wrong-shape": "exit status 0 with valid JSON of the wrong shape",
    "crash": "exit status 2 with an error message on stderr",
}
