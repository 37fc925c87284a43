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
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from neuron_kernel_helpers.i18n import Lang, Messages, resolve_lang
from neuron_kernel_helpers.instances import INSTANCE_TYPES

from ..monitor.launch import find_monitor, simulator_argv
from ..monitor.normalizer import InstanceShape
from ..monitor.ownership import KernelOwnership
from ..monitor.pipeline import SnapshotPipeline
from ..monitor.reader import CHUNK_BYTES, DEFAULT_MAX_LINE_BYTES
from ..monitor.service import MonitorOptions, monitor_config
from ..monitor.snapshot import Snapshot
from ..simulator import neuron_monitor as simulated_monitor
from ..simulator.neuron_monitor import SCENARIOS
from .doctor import instance_type_argument
from .monitor_view import format_snapshot_text

#: How long ``--once`` waits for the first report of a live stream, by default.
DEFAULT_FIRST_REPORT_TIMEOUT = 30.0

#: ANSI: cursor home and clear screen, for the live view on a terminal.
CLEAR_SCREEN = "\x1b[H\x1b[2J"

MESSAGES = Messages(
    {
        "not_found": {
            "ja": "neuron-monitor が見つかりません（検索場所: {searched}）。"
            "--simulate でシミュレーターを使うか、--source で記録したファイルを読み込めます。",
            "en": "neuron-monitor was not found (searched: {searched}). Use --simulate for "
            "the simulator, or --source to read a recorded file.",
        },
        "no_report": {
            "ja": "有効な neuron-monitor レポートがありませんでした（スキップした行: {skipped}）。",
            "en": "No valid neuron-monitor report was read (skipped lines: {skipped}).",
        },
        "exited": {
            "ja": "neuron-monitor が終了ステータス {status} で終了しました。{stderr}",
            "en": "neuron-monitor exited with status {status}. {stderr}",
        },
        "timeout": {
            "ja": "{seconds} 秒待っても neuron-monitor のレポートが届きませんでした。",
            "en": "No neuron-monitor report arrived within {seconds} s.",
        },
        "scenario_without_simulate": {
            "ja": "--scenario と --seed は --simulate と一緒に指定してください。",
            "en": "--scenario and --seed only apply with --simulate.",
        },
        "source_and_simulate": {
            "ja": "--source と --simulate は同時に指定できません。",
            "en": "--source and --simulate cannot be used together.",
        },
        "cannot_open": {
            "ja": "{path} を開けません: {error}",
            "en": "Cannot open {path}: {error}",
        },
    }
)


class MonitorFailed(Exception):
    """The stream ended without what was asked for; the message is for the user."""


def _positive_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {value!r}")
    return seconds


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
    parser.add_argument(
        "--source", metavar="FILE", help="read neuron-monitor NDJSON from FILE ('-': stdin)"
    )
    parser.add_argument(
        "--once",
        action="store_true",
        help="print one snapshot and exit (live: the first report; file: the last valid one)",
    )
    parser.add_argument("--json", action="store_true", help="print normalized snapshot JSON")
    parser.add_argument(
        "--simulate",
        metavar="INSTANCE",
        type=instance_type_argument,
        help="run the bundled neuron-monitor simulator for this instance type",
    )
    parser.add_argument(
        "--scenario",
        choices=tuple(SCENARIOS),
        help="simulated workload (with --simulate; default: train-dual): "
        + "; ".join(f"{name}: {what}" for name, what in SCENARIOS.items()),
    )
    parser.add_argument("--seed", type=int, help="simulator random seed (with --simulate)")
    parser.add_argument(
        "--period",
        type=_positive_seconds,
        metavar="SECONDS",
        help="seconds between reports of a live stream (default: 1)",
    )
    parser.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=DEFAULT_FIRST_REPORT_TIMEOUT,
        metavar="SECONDS",
        help="with --once: how long to wait for the first report (default: 30)",
    )
    parser.add_argument(
        "--tools-path",
        metavar="DIR",
        nargs="+",
        action="extend",
        help="folders searched for neuron-monitor, before PATH (default: /opt/aws/neuron/bin)",
    )
    parser.add_argument(
        "--no-system-path", action="store_true", help="do not search PATH for neuron-monitor"
    )
    parser.add_argument(
        "--lang", choices=("ja", "en"), help="language of the text (default: from the locale)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, stdout: TextIO | None = None) -> int:
    """Run the command; returns the exit status."""
    out = stdout or sys.stdout
    lang = resolve_lang(args.lang)
    if args.source and args.simulate:
        print(MESSAGES("source_and_simulate", lang), file=sys.stderr)
        return 2
    if (args.scenario or args.seed is not None) and not args.simulate:
        print(MESSAGES("scenario_without_simulate", lang), file=sys.stderr)
        return 2
    shape = None
    if args.simulate:
        spec = INSTANCE_TYPES[args.simulate]
        shape = InstanceShape(
            spec.devices, spec.logical_cores_per_device, spec.memory_per_device_bytes
        )
    pipeline = SnapshotPipeline(
        DEFAULT_MAX_LINE_BYTES, simulated=bool(args.simulate), fallback_shape=shape
    )
    live = not args.source
    printer = _Printer(out, lang, as_json=args.json, stream=not args.once)
    try:
        if args.source:
            snapshots = _file_snapshots(args.source, pipeline, lang)
        else:
            snapshots = _live_snapshots(args, pipeline, lang)
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


def _file_snapshots(source: str, pipeline: SnapshotPipeline, lang: Lang) -> Iterator[Snapshot]:
    if source == "-":
        yield from pipeline.read_stream(sys.stdin.buffer)
        return
    try:
        handle = Path(source).open("rb")
    except OSError as error:
        raise MonitorFailed(MESSAGES("cannot_open", lang, path=source, error=error)) from None
    with handle:
        yield from pipeline.read_stream(handle)


def _live_snapshots(
    args: argparse.Namespace, pipeline: SnapshotPipeline, lang: Lang
) -> Iterator[Snapshot]:
    options = MonitorOptions(period=args.period or 1.0)
    with tempfile.TemporaryDirectory(prefix="jupyterlab-neuron-monitor-") as folder:
        config = Path(folder) / "neuron-monitor.json"
        config.write_text(json.dumps(monitor_config(options)), encoding="utf-8")
        if args.simulate:
            extra = ["--scenario", args.scenario or "train-dual", "-c", str(config)]
            if args.seed is not None:
                extra += ["--seed", str(args.seed)]
            argv = list(simulator_argv(args.simulate, *extra))
        else:
            folders = args.tools_path or _default_tools_path()
            path = find_monitor(folders, not args.no_system_path)
            if path is None:
                searched = ", ".join([*folders, *([] if args.no_system_path else ["PATH"])])
                raise MonitorFailed(MESSAGES("not_found", lang, searched=searched))
            argv = [path, "-c", str(config)]
        timeout = max(args.timeout, 3 * options.period) if args.once else None
        yield from _process_snapshots(argv, pipeline, lang, timeout)


def _default_tools_path() -> list[str]:
    from .config import server_settings

    return list(server_settings().tools_path)


def _process_snapshots(
    argv: list[str], pipeline: SnapshotPipeline, lang: Lang, first_report_timeout: float | None
) -> Iterator[Snapshot]:
    """Snapshots from a neuron-monitor child until it exits (or the caller stops)."""
    process = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert process.stdout is not None and process.stderr is not None
    stderr_tail: deque[str] = deque(maxlen=5)
    drain = threading.Thread(target=_drain_stderr, args=(process.stderr, stderr_tail), daemon=True)
    drain.start()
    deadline = None if first_report_timeout is None else time.monotonic() + first_report_timeout
    got_report = False
    fd = process.stdout.fileno()
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while True:
                wait = None
                if deadline is not None and not got_report:
                    wait = deadline - time.monotonic()
                    if wait <= 0:
                        raise MonitorFailed(
                            MESSAGES("timeout", lang, seconds=f"{first_report_timeout:g}")
                        )
                if not selector.select(wait):
                    continue
                chunk = os.read(fd, CHUNK_BYTES)
                if not chunk:
                    break
                for snapshot in pipeline.feed(chunk):
                    got_report = True
                    yield snapshot
        yield from pipeline.finish()
        status = process.wait()
        drain.join(timeout=2)
        if status != 0:
            raise MonitorFailed(
                MESSAGES("exited", lang, status=status, stderr=" ".join(stderr_tail)).strip()
            )
    finally:
        _stop(process)


def _drain_stderr(stream: BinaryIO, tail: deque[str]) -> None:
    for raw in iter(stream.readline, b""):
        text = raw.decode("utf-8", "replace").strip()
        if text:
            tail.append(text[:300])


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def register_simulated_monitor(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Add ``jupyter neuron simulate monitor``: the simulated neuron-monitor's raw
    NDJSON on stdout (pipe it into ``jupyter neuron monitor --source -``)."""
    simulated_monitor.register(subparsers, name="monitor")
