"""``jupyter neuron``: the command-line face of jupyterlab-neuron.

Each sub-command lives in its own module exposing
``register(subparsers) -> None``, which adds its parser and sets
``func(args) -> int`` as the handler. The CLI calls the same core as the
server extension; it never duplicates core logic. Options several sub-commands
share (``--lang``, ``--tools-path``, instance types, durations, ``--json``
output) come from :mod:`.arguments`, neuron-monitor's sources from
:mod:`.monitor_source`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import __version__


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every sub-command registered."""
    from . import (
        cache,
        cluster,
        cores,
        diagnose,
        doctor,
        exporter,
        kernelspec,
        monitor,
        simulate,
        templates,
    )

    parser = argparse.ArgumentParser(
        prog="jupyter neuron",
        description=(
            "AWS Neuron (Inferentia2 / Trainium) tools of jupyterlab-neuron: "
            "environment report, simulator, monitoring, Prometheus exporter, cluster view, "
            "compile cache, templates, NeuronCores per kernel."
        ),
    )
    parser.add_argument("--version", action="version", version=f"jupyterlab-neuron {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (
        doctor,
        simulate,
        monitor,
        exporter,
        cluster,
        diagnose,
        templates,
        cache,
        cores,
        kernelspec,
    ):
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``jupyter-neuron`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and similar: not an error of ours.
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
