"""The simulated neuron-monitor of the browser tests, steered through files.

The test server runs this instead of neuron-monitor (``monitor_command`` in
``jupyter_server_test_config.py``). It starts the Neuron simulator's
neuron-monitor with the scenario named in ``<hooks>/scenario`` (default: the
server's ``monitor_scenario``) and the runtime pids listed in ``<hooks>/pids``
(so a simulated runtime can be a real child process of a notebook's kernel).
When either file changes it stops, as a crashed neuron-monitor would; the
server's supervisor then starts it again and the new files take effect. The
simulator writes to the server directly (inherited stdout): nothing is added
between a report and the server.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

from jupyterlab_neuron.monitor.launch import SCENARIO_ENV, simulator_argv
from jupyterlab_neuron.simulator.neuron_monitor import RUNTIME_PIDS_ENV

#: Exit status when the hook files changed (any non-zero status restarts it).
HOOKS_CHANGED = 3


def read_hook(folder: str, name: str) -> str:
    """The stripped content of a hook file, '' when there is none."""
    try:
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def hooks_state(folder: str) -> tuple[str, str]:
    """The scenario and the runtime pids the hook files ask for."""
    scenario = read_hook(folder, "scenario") or os.environ.get(SCENARIO_ENV) or "train-dual"
    return scenario, read_hook(folder, "pids")


def main() -> int:
    """Run the simulator until it ends or the hook files change."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hooks", required=True, help="folder of the hook files")
    parser.add_argument("--instance", required=True, help="instance type to simulate")
    args, passed_on = parser.parse_known_args()
    os.makedirs(args.hooks, exist_ok=True)

    state = hooks_state(args.hooks)
    scenario, pids = state
    env = dict(os.environ)
    env.pop(RUNTIME_PIDS_ENV, None)
    if pids:
        env[RUNTIME_PIDS_ENV] = pids
    argv = simulator_argv(args.instance, "--scenario", scenario, *passed_on)
    child = subprocess.Popen(argv, env=env)

    def stop(signum: int, _frame: object) -> None:
        child.terminate()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    while True:
        status = child.poll()
        if status is not None:
            return status
        if hooks_state(args.hooks) != state:
            child.terminate()
            child.wait(timeout=5)
            sys.stderr.write("neuron-monitor hooks changed; restarting (simulated)\n")
            return HOOKS_CHANGED
        time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
