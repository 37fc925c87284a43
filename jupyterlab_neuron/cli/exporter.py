"""``jupyter neuron exporter``: neuron-monitor as Prometheus metrics, without Jupyter.

Runs neuron-monitor (or, with ``--simulate INSTANCE --scenario NAME``, the
bundled simulator; with ``--source FILE``, recorded NDJSON, ``-`` for stdin)
and serves ``/metrics`` with the same renderer as the server's
``monitor/metrics`` endpoint, so the names and labels are those of AWS's
``neuron-monitor-prometheus.py`` and its Grafana dashboard works unchanged.
``--instance-id`` sets the ``instance_id`` label (a simulated node's name), so
one machine can pose as several nodes of a cluster.

When the monitor exits or fails, ``jupyterlab_neuron_monitor_up`` turns 0, the
last report stays served and the monitor is started again after a pause.
Exit status: 0 when stopped (Ctrl-C, SIGTERM), 1 when the port cannot be
opened, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TextIO

from neuron_kernel_helpers.i18n import Lang, Messages, resolve_lang

from ..monitor.prometheus import CONTENT_TYPE, PrometheusExporter
from ..monitor.snapshot import Snapshot
from .arguments import add_lang_argument
from .monitor_source import (
    DEFAULT_SCENARIO,
    MonitorFailed,
    add_monitor_source_arguments,
    monitor_snapshots,
    snapshot_pipeline,
    source_argument_error,
)

#: AWS's neuron-monitor-prometheus.py listens on 8000 by default; so do we.
DEFAULT_PORT = 8000

#: Seconds between a monitor that ended and its next start.
RESTART_PAUSE = 5.0

MESSAGES = Messages(
    {
        "serving": {
            "ja": "Prometheus のメトリクスを http://{address}:{port}/metrics で公開しています"
            "（{what}）。Ctrl-C で停止します。",
            "en": "Serving Prometheus metrics on http://{address}:{port}/metrics ({what}). "
            "Press Ctrl-C to stop.",
        },
        "what_simulated": {
            "ja": "シミュレーター: {instance}、シナリオ {scenario}",
            "en": "simulator: {instance}, scenario {scenario}",
        },
        "what_source": {"ja": "ファイル {path}", "en": "file {path}"},
        "what_monitor": {"ja": "neuron-monitor", "en": "neuron-monitor"},
        "cannot_listen": {
            "ja": "{address}:{port} で待ち受けられません: {error}",
            "en": "Cannot listen on {address}:{port}: {error}",
        },
        "restarting": {
            "ja": "{error} {seconds} 秒後にもう一度起動します。",
            "en": "{error} Starting again in {seconds} s.",
        },
    }
)


class ExporterState:
    """The latest snapshot's exposition text, shared by the reader thread and
    the HTTP handlers."""

    def __init__(self, instance_id: str | None = None) -> None:
        self.instance_id = instance_id
        self.exporter = PrometheusExporter()
        self.up = False
        self.skipped_lines = 0
        self._lock = threading.Lock()

    def observe(self, snapshot: Snapshot, skipped_lines: int) -> None:
        """Record one snapshot (its instance renamed when ``instance_id`` is set)."""
        if self.instance_id:
            snapshot.instance.instance_id = self.instance_id
        with self._lock:
            self.exporter.observe(snapshot)
            self.up = True
            self.skipped_lines = skipped_lines

    def set_down(self) -> None:
        """The monitor is not running: ``jupyterlab_neuron_monitor_up`` is 0."""
        with self._lock:
            self.up = False

    def render(self) -> str:
        """The text of ``/metrics``."""
        with self._lock:
            return self.exporter.render(up=self.up, skipped_lines=self.skipped_lines)


def make_server(state: ExporterState, address: str, port: int) -> ThreadingHTTPServer:
    """An HTTP server answering ``GET /metrics`` from ``state`` (not started)."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "jupyterlab-neuron-exporter"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                body, status, kind = state.render().encode("utf-8"), 200, CONTENT_TYPE
            elif path == "/":
                body = b'<html><body><a href="/metrics">/metrics</a></body></html>\n'
                status, kind = 200, "text/html; charset=utf-8"
            else:
                body, status, kind = b"not found\n", 404, "text/plain; charset=utf-8"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # one line per scrape would flood the terminal

    server = ThreadingHTTPServer((address, port), Handler)
    server.daemon_threads = True
    return server


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``exporter`` sub-command."""
    parser = subparsers.add_parser(
        "exporter",
        help="serve neuron-monitor data as Prometheus metrics (AWS's names), without Jupyter",
        description=(
            "Run neuron-monitor (or the simulator, or read a recorded file) and serve "
            "/metrics in Prometheus text format, with the metric names and labels of AWS's "
            "neuron-monitor-prometheus.py, exactly as the Jupyter server's metrics endpoint."
        ),
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--address",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1; 0.0.0.0 for every interface)",
    )
    add_monitor_source_arguments(parser)
    parser.add_argument(
        "--instance-id",
        metavar="ID",
        help="instance_id label of every sample (names a simulated node; default: the "
        "instance id neuron-monitor reports)",
    )
    add_lang_argument(parser, "messages")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, stderr: TextIO | None = None) -> int:
    """Serve until stopped; returns the exit status."""
    err = stderr or sys.stderr
    lang = resolve_lang(args.lang)
    error = source_argument_error(args, lang)
    if error:
        print(error, file=err)
        return 2
    state = ExporterState(args.instance_id)
    try:
        server = make_server(state, args.address, args.port)
    except OSError as error:
        print(
            MESSAGES("cannot_listen", lang, address=args.address, port=args.port, error=error),
            file=err,
        )
        return 1
    stop = threading.Event()
    reader = threading.Thread(
        target=_read_forever, args=(args, state, lang, stop, err), daemon=True
    )
    reader.start()
    if args.simulate:
        what = MESSAGES(
            "what_simulated",
            lang,
            instance=args.simulate,
            scenario=args.scenario or DEFAULT_SCENARIO,
        )
    elif args.source:
        what = MESSAGES("what_source", lang, path=args.source)
    else:
        what = MESSAGES("what_monitor", lang)
    port = server.server_address[1]
    print(MESSAGES("serving", lang, address=args.address, port=port, what=what), file=err)
    err.flush()

    def shut_down(*_: object) -> None:
        stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    with contextlib.suppress(ValueError):  # not in the main thread (tests)
        signal.signal(signal.SIGTERM, shut_down)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    return 0


def _read_forever(
    args: argparse.Namespace,
    state: ExporterState,
    lang: Lang,
    stop: threading.Event,
    err: TextIO,
    pause: float = RESTART_PAUSE,
) -> None:
    """Feed ``state`` from the monitor, starting it again whenever it ends."""
    while not stop.is_set():
        pipeline = snapshot_pipeline(args)
        try:
            snapshots = monitor_snapshots(args, pipeline, lang)
            with contextlib.closing(snapshots):
                for snapshot in snapshots:
                    state.observe(snapshot, pipeline.skipped_lines)
                    if stop.is_set():
                        return
            if args.source:
                # A file keeps its last report served; stdin ended: nothing more will come.
                if args.source == "-":
                    state.set_down()
                return
            message = ""
        except MonitorFailed as failure:
            message = str(failure)
        state.set_down()
        if args.source:
            print(message, file=err)
            return
        print(MESSAGES("restarting", lang, error=message, seconds=f"{pause:g}").strip(), file=err)
        err.flush()
        stop.wait(pause)
