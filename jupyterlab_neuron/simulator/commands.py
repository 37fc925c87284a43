"""Command line of the simulator: one sub-command per simulated tool."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import neuron_ls, neuron_monitor, workload

#: Simulated tools, each a module with ``NAME`` and ``register(subparsers)``.
#: A new simulated tool adds its module here and its name to
#: :data:`jupyterlab_neuron.simulator.tools.SIMULATED_TOOLS`.
SIMULATED_COMMANDS = (neuron_ls, neuron_monitor)

#: Helpers that are not tools (no wrapper script): the simulated workload.
OTHER_COMMANDS = (workload,)


def build_parser() -> argparse.ArgumentParser:
    """The simulator's argument parser."""
    parser = argparse.ArgumentParser(
        prog="python -m jupyterlab_neuron.simulator",
        description="Simulated AWS Neuron tools. Their output is not from real hardware.",
    )
    subparsers = parser.add_subparsers(dest="tool", metavar="TOOL", required=True)
    for module in (*SIMULATED_COMMANDS, *OTHER_COMMANDS):
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one simulated tool; returns its exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:
        sys.stderr.close()
        return 0
