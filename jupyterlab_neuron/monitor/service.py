"""The monitor service: one neuron-monitor per server, shared by every viewer.

Wires the pure pieces together: the supervisor's stdout chunks go through the
NDJSON reader and the normalizer; each snapshot gets its kernel owners, goes
into the history and the Prometheus exporter, is serialized to JSON ONCE and
offered to every subscriber's latest-only slot. The child runs while anyone
watches (WebSocket subscribers, or a lease renewed by polling clients) and is
stopped a grace period after the last one has gone.

No tornado / jupyter_server imports: handlers and the CLI sit on top.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import logging
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

from .history import HistoryBuffer, HistoryPoint
from .kernels import KernelSource
from .normalizer import InstanceShape
from .ownership import KernelOwnership, KernelProcess
from .pipeline import SnapshotPipeline
from .prometheus import PrometheusExporter
from .reader import DEFAULT_MAX_LINE_BYTES
from .snapshot import Snapshot
from .stream import MonitorStream, Subscriber
from .supervisor import MonitorCommand, NeuronMonitorSupervisor

DEFAULT_RUNTIME_METRICS = (
    "neuroncore_counters",
    "memory_used",
    "neuron_runtime_vcpu_usage",
    "execution_stats",
)
DEFAULT_SYSTEM_METRICS = ("vcpu_usage", "memory_info", "neuron_hw_counters")

#: The watchdog always allows at least this many periods of silence.
WATCHDOG_MIN_PERIODS = 3


@dataclass(frozen=True)
class MonitorOptions:
    """The monitor's settings (see the ``monitor`` section of ``settings.py``)."""

    period: float = 1.0
    runtime_metrics: tuple[str, ...] = DEFAULT_RUNTIME_METRICS
    system_metrics: tuple[str, ...] = DEFAULT_SYSTEM_METRICS
    history_length: int = 3600
    grace_period: float = 30.0
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    watchdog_timeout: float = 30.0
    restart_backoff: float = 1.0
    restart_backoff_max: float = 30.0
    max_failures: int = 8
    stderr_lines: int = 20
    crash_loop_restarts: int = 5
    crash_loop_window: float = 60.0
    crash_loop_backoff: float = 300.0

    @classmethod
    def from_settings(cls, settings: Any) -> MonitorOptions:
        """Read the ``monitor_*`` traits of the extension's settings object."""
        return cls(
            period=float(settings.monitor_period),
            runtime_metrics=tuple(settings.monitor_runtime_metrics),
            system_metrics=tuple(settings.monitor_system_metrics),
            history_length=int(settings.monitor_history_length),
            grace_period=float(settings.monitor_grace_period),
            max_line_bytes=int(settings.monitor_max_line_bytes),
            watchdog_timeout=float(settings.monitor_watchdog_timeout),
            restart_backoff=float(settings.monitor_restart_backoff),
            restart_backoff_max=float(settings.monitor_restart_backoff_max),
            max_failures=int(settings.monitor_max_failures),
            crash_loop_restarts=int(settings.monitor_crash_loop_restarts),
            crash_loop_window=float(settings.monitor_crash_loop_window),
            crash_loop_backoff=float(settings.monitor_crash_loop_backoff),
        )

    @property
    def effective_watchdog(self) -> float:
        """The watchdog timeout actually used (never below a few periods)."""
        return max(self.watchdog_timeout, WATCHDOG_MIN_PERIODS * self.period)


def format_period(seconds: float) -> str:
    """A neuron-monitor duration string: ``"1s"``, ``"500ms"``."""
    if seconds >= 1 and float(seconds).is_integer():
        return f"{int(seconds)}s"
    return f"{round(seconds * 1000)}ms"


def monitor_config(options: MonitorOptions) -> dict[str, Any]:
    """The neuron-monitor configuration (``-c``) for ``options``."""
    return {
        "period": format_period(options.period),
        "neuron_runtimes": [
            {
                "tag_filter": ".*",
                "metrics": [{"type": name} for name in options.runtime_metrics],
            }
        ],
        "system_metrics": [{"type": name} for name in options.system_metrics],
    }


@dataclass(frozen=True)
class StreamMessage:
    """What subscribers receive: a status (a dict, localized by the handler) or a
    snapshot message already serialized to JSON text."""

    kind: Literal["status", "snapshot"]
    text: str | None = None
    status: dict[str, Any] | None = None


#: Builds the command for a configuration file path; ``None``: not installed.
CommandResolver = Callable[[str], MonitorCommand | None]


class MonitorService:
    """One neuron-monitor child per server, its data, and its viewers."""

    def __init__(
        self,
        options: MonitorOptions,
        resolve_command: CommandResolver,
        *,
        kernel_source: KernelSource | None = None,
        ownership: KernelOwnership | None = None,
        simulated_instance: str | None = None,
        scenario: str | None = None,
        fallback_shape: InstanceShape | None = None,
        shape_source: Callable[[], InstanceShape | None] | None = None,
        log: logging.Logger | logging.LoggerAdapter | None = None,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.options = options
        self.log = log or logging.getLogger(__name__)
        self.simulated_instance = simulated_instance
        self.scenario = scenario if simulated_instance else None
        self._resolve = resolve_command
        # Asked once, in a thread, when no fallback shape was given (for example
        # neuron-ls on a real instance): the layout when a report lacks hardware info.
        self._shape_source = shape_source if fallback_shape is None else None
        self._shape_task: asyncio.Task[None] | None = None
        self._kernel_source = kernel_source
        self._ownership = ownership or KernelOwnership()
        self._clock = clock
        self._monotonic = monotonic
        self.pipeline = SnapshotPipeline(
            options.max_line_bytes,
            simulated=bool(simulated_instance),
            fallback_shape=fallback_shape,
            clock=clock,
        )
        self.reader = self.pipeline.reader
        self.history: HistoryBuffer[HistoryPoint] = HistoryBuffer(options.history_length)
        self.prometheus = PrometheusExporter(clock=monotonic)
        self.stream: MonitorStream[StreamMessage] = MonitorStream()
        self.supervisor = NeuronMonitorSupervisor(
            self,
            self._command,
            watchdog_timeout=options.effective_watchdog,
            backoff_initial=options.restart_backoff,
            backoff_max=options.restart_backoff_max,
            max_failures=options.max_failures,
            stderr_lines=options.stderr_lines,
            crash_loop_restarts=options.crash_loop_restarts,
            crash_loop_window=options.crash_loop_window,
            crash_loop_backoff=options.crash_loop_backoff,
            wall_clock=clock,
            log=self.log,
        )
        self.latest: Snapshot | None = None
        self._latest_json: str | None = None
        self._history_json: tuple[tuple[Any, ...], bytes] | None = None
        self._last_report_at: float | None = None
        self._lease_until = 0.0
        self._idle_timer: asyncio.TimerHandle | None = None
        self._stop_task: asyncio.Task[None] | None = None
        self._snapshot_arrived: asyncio.Event | None = None
        self._config_dir: Path | None = None
        self._closed = False
        atexit.register(self._at_exit)

    # --- viewers -------------------------------------------------------------------

    def subscribe(self) -> Subscriber[StreamMessage]:
        """A new stream subscriber; starts neuron-monitor if it is not running."""
        subscriber = self.stream.subscribe()
        subscriber.offer_status(self._status_message())
        self._ensure_running()
        return subscriber

    def unsubscribe(self, subscriber: Subscriber[StreamMessage]) -> None:
        """Remove a subscriber; the child stops a grace period after the last one."""
        self.stream.unsubscribe(subscriber)
        self._extend_lease()

    def touch(self, at_least: float = 0.0) -> None:
        """A polling client was here: keep (or start) the child for the grace period
        (or ``at_least`` seconds, for a long-polling request that is still waiting)."""
        self._extend_lease(at_least)
        self._ensure_running()

    def restart(self) -> None:
        """Start neuron-monitor again now (after ``failed`` / ``not_installed``)."""
        self._extend_lease()
        if self.supervisor.active:
            self.supervisor.restart()
        else:
            self._start()

    # --- data ------------------------------------------------------------------------

    @property
    def seq(self) -> int:
        """Sequence number of the latest snapshot (0 before the first)."""
        return self.pipeline.seq

    def snapshot_json(self) -> str | None:
        """The latest snapshot as JSON text (serialized once per report)."""
        return self._latest_json

    def loaded_model_paths(self) -> set[str]:
        """Names of the models that running Neuron processes have loaded, from the latest
        report (often paths inside the compile cache): what the compile-cache scanner needs
        to mark entries "in use".

        Raises:
            LookupError: neuron-monitor is not running, so nothing current is known.
        """
        if self.latest is None or self.supervisor.state != "running":
            raise LookupError("neuron-monitor is not running")
        return {model.name for process in self.latest.processes for model in process.models}

    def history_since(self, since: float | None = None, limit: int | None = None) -> list[Any]:
        """History points newer than ``since`` as JSON-ready dicts, oldest first."""
        return [point.to_dict() for point in self.history.since(since, limit)]

    def history_json(self, since: float | None = None, limit: int | None = None) -> bytes:
        """The same points as a JSON array, joined from each point's JSON made when it
        was recorded: cheap enough for the event loop even for an hour of history.
        Requests asking the same of the same history (many viewers opening at once)
        share one result."""
        newest = self.history.latest()
        key = (
            len(self.history),
            None if newest is None else (newest.seq, newest.timestamp),
            since,
            limit,
        )
        cached = self._history_json
        if cached is not None and cached[0] == key:
            return cached[1]
        points = self.history.since(since, limit)
        text = b"[" + b",".join(point.encoded for point in points) + b"]"
        self._history_json = (key, text)
        return text

    def metrics_text(self) -> str:
        """Prometheus exposition text of the latest snapshot (cached per snapshot)."""
        return self.prometheus.render(
            up=self.supervisor.state == "running", skipped_lines=self.reader.stats.skipped
        )

    async def wait_for_snapshot(self, after_seq: int, timeout: float) -> Snapshot | None:
        """The latest snapshot once its seq exceeds ``after_seq`` (long polling), or
        the latest one (maybe ``None``) after ``timeout`` seconds."""
        deadline = self._monotonic() + max(0.0, timeout)
        while self.pipeline.seq <= after_seq and not self._closed:
            remaining = deadline - self._monotonic()
            if remaining <= 0 or self.supervisor.state in ("stopped", "not_installed", "failed"):
                break  # nothing will come: answer now
            if self._snapshot_arrived is None:
                self._snapshot_arrived = asyncio.Event()
            event = self._snapshot_arrived
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except asyncio.TimeoutError:
                break
        return self.latest

    def status(self) -> dict[str, Any]:
        """The monitor status documented in ``docs/monitor-api.md``."""
        stats = self.reader.stats
        command = self.supervisor.command
        status = self.supervisor.status()
        status.update(
            {
                "simulated": self.pipeline.simulated or bool(command and command.simulated),
                "simulated_instance": self.simulated_instance,
                "scenario": self.scenario,
                "subscribers": len(self.stream),
                "polling": self._monotonic() < self._lease_until,
                "latest_seq": self.pipeline.seq or None,
                "last_report_at": self._last_report_at,
                "period": self.options.period,
                "history_length": self.options.history_length,
                "history_size": len(self.history),
                "grace_period": self.options.grace_period,
                "watchdog_timeout": self.options.effective_watchdog,
                **stats.to_dict(),
            }
        )
        return status

    async def close(self) -> None:
        """Stop the child, close every subscriber, remove the configuration file."""
        self._closed = True
        if self._shape_task is not None:
            self._shape_task.cancel()
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        await self.supervisor.stop()
        self.stream.close()
        if self._snapshot_arrived is not None:
            self._snapshot_arrived.set()
        self._remove_config()
        atexit.unregister(self._at_exit)

    # --- SupervisorListener ---------------------------------------------------------

    async def child_output(self, chunk: bytes) -> None:
        """Parse stdout bytes of neuron-monitor and publish each report."""
        for snapshot in self.pipeline.feed(chunk):
            await self.accept(snapshot)

    def child_ended(self) -> None:
        """The child is gone: its unterminated last line, if any, is final."""
        for snapshot in self.pipeline.finish():
            # A complete report without its newline; publish without awaiting owners.
            self.supervisor.note_report()
            self._publish(snapshot)

    def state_changed(self) -> None:
        """Tell every subscriber about the new state; wake long-polling requests."""
        self.stream.publish_status(self._status_message())
        self._wake_waiters()

    # --- pipeline ---------------------------------------------------------------------

    async def accept(self, snapshot: Snapshot) -> None:
        """Record that the child is healthy, attach kernel owners, publish."""
        self.supervisor.note_report()
        if snapshot.processes:
            kernels: list[KernelProcess] = []
            if self._kernel_source is not None:
                try:
                    kernels = await self._kernel_source.kernels()
                except Exception:
                    self.log.debug("jupyterlab-neuron: listing kernels failed", exc_info=True)
            self._ownership.annotate(snapshot, kernels)
        self._publish(snapshot)

    def _publish(self, snapshot: Snapshot) -> None:
        self.latest = snapshot
        self._last_report_at = snapshot.timestamp
        self.history.append(snapshot.timestamp, HistoryPoint.from_snapshot(snapshot))
        self._history_json = None
        self.prometheus.observe(snapshot)
        text = orjson.dumps(snapshot.to_dict()).decode()
        self._latest_json = text
        self.stream.publish_snapshot(
            StreamMessage("snapshot", text='{"type":"snapshot","snapshot":' + text + "}")
        )
        self._wake_waiters()

    def _wake_waiters(self) -> None:
        if self._snapshot_arrived is not None:
            self._snapshot_arrived.set()
            self._snapshot_arrived = None

    # --- child lifetime -------------------------------------------------------------------

    def _status_message(self) -> StreamMessage:
        return StreamMessage("status", status=self.status())

    def _command(self) -> MonitorCommand | None:
        command = self._resolve(str(self._write_config()))
        if command is not None and command.simulated:
            self.pipeline.simulated = True
        return command

    def _write_config(self) -> Path:
        if self._config_dir is None or not self._config_dir.exists():
            self._config_dir = Path(tempfile.mkdtemp(prefix="jupyterlab-neuron-monitor-"))
        path = self._config_dir / "neuron-monitor.json"
        path.write_text(json.dumps(monitor_config(self.options), indent=2), encoding="utf-8")
        return path

    def _remove_config(self) -> None:
        if self._config_dir is not None:
            shutil.rmtree(self._config_dir, ignore_errors=True)
            self._config_dir = None

    def _start(self) -> None:
        if self._closed:
            return
        self.supervisor.start()
        self._arm_idle_check(self.options.grace_period)
        if self._shape_source is not None and self._shape_task is None:
            self._shape_task = asyncio.get_running_loop().create_task(self._learn_shape())

    async def _learn_shape(self) -> None:
        source = self._shape_source
        if source is None:
            return
        try:
            shape = await asyncio.to_thread(source)
        except Exception:
            self.log.debug("jupyterlab-neuron: no device layout from neuron-ls", exc_info=True)
            self._shape_task = None  # try again at the next start
            return
        if shape is not None:
            self.pipeline.fallback_shape = shape
            self._shape_source = None
        else:
            self._shape_task = None

    def _ensure_running(self) -> None:
        # A failed / not-installed monitor waits for restart() or for everyone to
        # leave (then the next viewer starts it afresh).
        if not self.supervisor.active and self.supervisor.state == "stopped":
            self._start()

    def _extend_lease(self, at_least: float = 0.0) -> None:
        duration = max(self.options.grace_period, at_least)
        self._lease_until = max(self._lease_until, self._monotonic() + duration)
        self._arm_idle_check(duration)

    def _arm_idle_check(self, delay: float) -> None:
        if self._idle_timer is not None or self._closed:
            return
        loop = asyncio.get_running_loop()
        self._idle_timer = loop.call_later(max(0.01, delay), self._idle_check)

    def _idle_check(self) -> None:
        self._idle_timer = None
        if self._closed or len(self.stream):
            return  # re-armed when the last subscriber leaves
        remaining = self._lease_until - self._monotonic()
        if remaining > 0:
            self._arm_idle_check(remaining)
            return
        if self.supervisor.active or self.supervisor.state != "stopped":
            # Keep a reference: the loop holds tasks only weakly.
            self._stop_task = asyncio.get_running_loop().create_task(self._stop_idle())

    async def _stop_idle(self) -> None:
        # Re-check: someone may have arrived since the timer fired.
        if len(self.stream) or self._monotonic() < self._lease_until:
            return
        self.log.info("jupyterlab-neuron: nobody watches; stopping neuron-monitor")
        await self.supervisor.stop()
        if not self._closed and (len(self.stream) or self._monotonic() < self._lease_until):
            self._start()  # a viewer arrived while it was stopping

    def _at_exit(self) -> None:
        self.supervisor.kill_now()
        self._remove_config()
