"""The simulated neuron-monitor of the browser benchmark, with write times.

Runs the Neuron simulator's neuron-monitor (``--instance``, ``--scenario``, and
whatever the server appends, i.e. ``-c CONFIG``), passes each line on to the
server unchanged, and records in ``--log`` (JSON lines) when each report line
was written to the server (the moment the write starts):
``{"line": n, "written_at": epoch_seconds}``. Line n
is the server's snapshot seq n, as every line of these scenarios is a valid
report and the server numbers reports from 1. A ``{"start": ...}`` record is
written first, so a restart (which would break that numbering) is visible.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time

from jupyterlab_neuron.monitor.launch import simulator_argv


def main() -> int:
    """Relay the simulator's lines, logging when each was written."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--log", required=True, help="JSON lines file of write times")
    parser.add_argument("--instance", required=True)
    parser.add_argument("--scenario", required=True)
    args, passed_on = parser.parse_known_args()
    argv = simulator_argv(args.instance, "--scenario", args.scenario, "--seed", "7", *passed_on)
    child = subprocess.Popen(argv, stdout=subprocess.PIPE)
    signal.signal(signal.SIGTERM, lambda signum, _frame: (child.terminate(), sys.exit(0)))
    out = sys.stdout.buffer
    assert child.stdout is not None
    with open(args.log, "a", encoding="utf-8") as log:
        log.write(json.dumps({"start": time.time()}) + "\n")
        log.flush()
        number = 0
        for line in child.stdout:
            # Taken before the write: taken after, a relay descheduled between the two
            # (on a loaded machine) would log a time later than the paint, a negative latency.
            written_at = time.time()
            out.write(line)
            out.flush()
            number += 1
            log.write(json.dumps({"line": number, "written_at": written_at}) + "\n")
            log.flush()
    return child.wait()


if __name__ == "__main__":
    sys.exit(main())
