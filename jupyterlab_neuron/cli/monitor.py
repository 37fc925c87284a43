"""``jupyter neuron monitor``: NeuronCore utilization in a terminal.

Without ``--source`` it runs neuron-monitor (found like the other Neuron tools)
or, with ``--simulate INSTANCE --scenario NAME``, the bundled simulator, and
reads its stream; with ``--source FILE`` (``-`` for stdin) it reads recorded
NDJSON. Either way the lines go through the server's own reader and
normalizer. ``--once`` prints one snapshot (the first report of a live
stream, the last valid report of a file); ``--json`` prints the normalized
snapshot JSON (docs/monitor-api.md) instead of the text view.

Exit status: 0 on success, 1 when no valid report could be read (or the tool
is missing or failed), 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import TextIO

from neuron_kernel_helpers.i18n import Lang, Messages, resolve_lang

from ..monitor.ownership import KernelOwnership
from ..monitor.snapshot import Snapshot
from ..simulator import neuron_monitor as simulated_monitor
from .arguments import add_lang_argument, positive_seconds
from .monitor_source import (
    MonitorFailed,
    add_monitor_source_arguments,
    monitor_snapshots,
    snapshot_pipeline,
    source_argument_error,
)
from .monitor_view import format_snapshot_text

#: How long ``--once`` waits for the first report of a live stream, by default.
DEFAULT_FIRST_REPORT_TIMEOUT = 30.0

#: ANSI: cursor home and clear screen, for the live view on a terminal.
CLEAR_SCREEN = "\x1b[H\x1b[2J"

MESSAGES = Messages(
    {
        "no_report": {
            "ja": "有効な neuron-monitor レポートがありませんでした（スキップした行: {skipped}）。",
            "en": "No valid neuron-monitor report was read (skipped lines: {skipped}).",
        },
    }
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``monitor`` sub-command."""
    parser = subparsers.add_parser(
        "monitor",
        help="show NeuronCore utilization, memory and processes (neuron-monitor)",
        description=(
            "Show NeuronCore utilization, device memory and the processes holding "
            "NeuronCores, from neuron-monitor, the simulator (--simulate) or a recorded "
            "NDJSON file (--source)."
        ),
    )
    add_monitor_source_arguments(parser)
    parser.add_argument(
        "--once",
        action="store_true",
        help="print one snapshot and exit (live: the first report; file: the last valid one)",
    )
    parser.add_argument("--json", action="store_true", help="print normalized snapshot JSON")
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=DEFAULT_FIRST_REPORT_TIMEOUT,
        metavar="SECONDS",
        help="with --once: how long to wait for the first report (default: 30)",
    )
    add_lang_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, stdout: TextIO | None = None) -> int:
    """Run the command; returns the exit status."""
    out = stdout or sys.stdout
    lang = resolve_lang(args.lang)
    error = source_argument_error(args, lang)
    if error:
        print(error, file=sys.stderr)
        return 2
    pipeline = snapshot_pipeline(args)
    live = not args.source
    printer = _Printer(out, lang, as_json=args.json, stream=not args.once)
    try:
        snapshots = monitor_snapshots(args, pipeline, lang, args.timeout if args.once else None)
        last: Snapshot | None = None
        with contextlib.closing(snapshots):  # stops a live child on early exit
            for snapshot in snapshots:
                last = snapshot
                if args.once and live:
                    break
                if not args.once:
                    printer.show(snapshot)
        if last is None:
            raise MonitorFailed(MESSAGES("no_report", lang, skipped=pipeline.skipped_lines))
        if args.once:
            # The skipped count includes lines after the last valid report.
            last.skipped_lines = pipeline.skipped_lines
            printer.show(last)
    except MonitorFailed as failure:
        print(str(failure), file=sys.stderr)
        return 1
    return 0


class _Printer:
    """Writes snapshots as text views or JSON: one pretty object with ``--once``,
    else one compact JSON line (NDJSON) or one refreshed text view per report."""

    def __init__(self, out: TextIO, lang: Lang, *, as_json: bool, stream: bool) -> None:
        self.out = out
        self.lang = lang
        self.as_json = as_json
        self.stream = stream
        self.clear = stream and not as_json and out.isatty()
        self._ownership = KernelOwnership()

    def show(self, snapshot: Snapshot) -> None:
        # No Jupyter kernels here, but the command lines of local runtimes help.
        self._ownership.annotate(snapshot, ())
        if self.as_json:
            indent = None if self.stream else 2
            self.out.write(json.dumps(snapshot.to_dict(), ensure_ascii=False, indent=indent))
            self.out.write("\n")
        else:
            if self.clear:
                self.out.write(CLEAR_SCREEN)
            elif self.stream:
                self.out.write("\n")
            self.out.write(format_snapshot_text(snapshot, self.lang))
        self.out.flush()


def register_simulated_monitor(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Add ``jupyter neuron simulate monitor``: the simulated neuron-monitor's raw
    NDJSON on stdout (pipe it into ``jupyter neuron monitor --source -``)."""
    simulated_monitor.register(subparsers, name="monitor")
