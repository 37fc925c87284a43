"""Where ``jupyter neuron monitor`` and ``exporter`` read neuron-monitor reports from.

One of three sources, chosen by the same options in both sub-commands: a
neuron-monitor found like the other Neuron tools (``--tools-path``,
``--no-system-path``), the bundled simulator (``--simulate INSTANCE
--scenario NAME --seed N``), or recorded NDJSON (``--source FILE``, ``-`` for
stdin). The lines go through the server's own reader and normalizer
(:class:`~jupyterlab_neuron.monitor.pipeline.SnapshotPipeline`).
"""

from __future__ import annotations

import argparse
import json
import os
import selectors
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from neuron_kernel_helpers.command_runner import stop_process_group
from neuron_kernel_helpers.i18n import Lang, Messages
from neuron_kernel_helpers.instances import INSTANCE_TYPES

from ..monitor.launch import find_monitor, simulator_argv
from ..monitor.normalizer import InstanceShape
from ..monitor.pipeline import SnapshotPipeline
from ..monitor.reader import CHUNK_BYTES, DEFAULT_MAX_LINE_BYTES
from ..monitor.service import MonitorOptions, monitor_config
from ..monitor.snapshot import Snapshot
from ..simulator.neuron_monitor import SCENARIOS
from .arguments import add_tools_path_arguments, instance_type_argument, positive_seconds

#: The simulated workload when ``--simulate`` comes without ``--scenario``.
DEFAULT_SCENARIO = "train-dual"

#: A live stream's seconds between reports when ``--period`` is not given.
DEFAULT_PERIOD = 1.0

MESSAGES = Messages(
    {
        "not_found": {
            "ja": "neuron-monitor が見つかりません（検索場所: {searched}）。"
            "--simulate でシミュレーターを使うか、--source で記録したファイルを読み込めます。",
            "en": "neuron-monitor was not found (searched: {searched}). Use --simulate for "
            "the simulator, or --source to read a recorded file.",
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


def add_monitor_source_arguments(parser: argparse.ArgumentParser) -> None:
    """The options choosing the source: ``--source``, ``--simulate``, ``--scenario``,
    ``--seed``, ``--period``, ``--tools-path`` and ``--no-system-path``."""
    parser.add_argument(
        "--source", metavar="FILE", help="read neuron-monitor NDJSON from FILE ('-': stdin)"
    )
    parser.add_argument(
        "--simulate",
        metavar="INSTANCE",
        type=instance_type_argument,
        help="run the bundled neuron-monitor simulator for this instance type",
    )
    parser.add_argument(
        "--scenario",
        choices=tuple(SCENARIOS),
        help=f"simulated workload (with --simulate; default: {DEFAULT_SCENARIO}): "
        + "; ".join(f"{name}: {what}" for name, what in SCENARIOS.items()),
    )
    parser.add_argument("--seed", type=int, help="simulator random seed (with --simulate)")
    parser.add_argument(
        "--period",
        type=positive_seconds,
        metavar="SECONDS",
        help="seconds between reports of a live stream (default: 1)",
    )
    add_tools_path_arguments(parser, "neuron-monitor")


def source_argument_error(args: argparse.Namespace, lang: Lang) -> str | None:
    """The message for options that do not go together (exit status 2), else ``None``."""
    if args.source and args.simulate:
        return MESSAGES("source_and_simulate", lang)
    if (args.scenario or args.seed is not None) and not args.simulate:
        return MESSAGES("scenario_without_simulate", lang)
    return None


def snapshot_pipeline(args: argparse.Namespace) -> SnapshotPipeline:
    """A new reader and normalizer for the source (simulated reports marked so)."""
    shape = None
    if args.simulate:
        spec = INSTANCE_TYPES[args.simulate]
        shape = InstanceShape(
            spec.devices, spec.logical_cores_per_device, spec.memory_per_device_bytes
        )
    return SnapshotPipeline(
        DEFAULT_MAX_LINE_BYTES, simulated=bool(args.simulate), fallback_shape=shape
    )


def monitor_snapshots(
    args: argparse.Namespace,
    pipeline: SnapshotPipeline,
    lang: Lang,
    first_report_timeout: float | None = None,
) -> Iterator[Snapshot]:
    """The snapshots of the source until it ends (or the caller closes the iterator,
    which stops a live child). A live source raises :class:`MonitorFailed` when it
    cannot start, exits with an error, or sends no report within
    ``first_report_timeout`` seconds (at least three periods)."""
    if args.source:
        return _file_snapshots(args.source, pipeline, lang)
    return _live_snapshots(args, pipeline, lang, first_report_timeout)


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
    args: argparse.Namespace,
    pipeline: SnapshotPipeline,
    lang: Lang,
    first_report_timeout: float | None,
) -> Iterator[Snapshot]:
    options = MonitorOptions(period=args.period or DEFAULT_PERIOD)
    with tempfile.TemporaryDirectory(prefix="jupyterlab-neuron-monitor-") as folder:
        config = Path(folder) / "neuron-monitor.json"
        config.write_text(json.dumps(monitor_config(options)), encoding="utf-8")
        if args.simulate:
            extra = ["--scenario", args.scenario or DEFAULT_SCENARIO, "-c", str(config)]
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
        timeout = None
        if first_report_timeout is not None:
            timeout = max(first_report_timeout, 3 * options.period)
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
        stop_process_group(process, grace=3)


def _drain_stderr(stream: BinaryIO, tail: deque[str]) -> None:
    for raw in iter(stream.readline, b""):
        text = raw.decode("utf-8", "replace").strip()
        if text:
            tail.append(text[:300])
