"""HTTP and WebSocket face of the monitor (thin: the work is in ``service``).

Routes under ``<base_url>/jupyterlab-neuron/`` (documented in
``docs/monitor-api.md``):

- ``monitor/stream``   WebSocket: status and snapshot messages
- ``monitor/snapshot`` GET: status + latest snapshot (``?after=SEQ&timeout=S`` long-polls)
- ``monitor/history``  GET: history points (``?since=TS&limit=N``)
- ``monitor/metrics``  GET: Prometheus text
- ``monitor/status``   GET: the monitor status
- ``monitor/restart``  POST: start neuron-monitor again (after ``failed``)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from jupyter_server.auth.decorator import authorized, ws_authenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.base.websocket import WebSocketMixin
from tornado import web
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from neuron_kernel_helpers.i18n import Lang, lang_from_accept_language, resolve_lang
from neuron_kernel_helpers.instances import INSTANCE_TYPES

from ..context import ExtensionContext, Route
from ..http import AUTH_RESOURCE, NeuronAPIHandler
from ..untrusted import echo
from .kernels import JupyterKernelSource
from .launch import command_resolver
from .messages import state_message
from .normalizer import InstanceShape
from .prometheus import CONTENT_TYPE
from .service import MonitorOptions, MonitorService, StreamMessage

#: Longest wait a long-polling snapshot request may ask for, in seconds.
MAX_POLL_TIMEOUT = 30.0

#: Large replies are written and flushed in pieces of this size.
REPLY_PIECE_BYTES = 256 * 1024

#: Longest message a stream client may send (it only ever needs "ping").
MAX_CLIENT_MESSAGE_BYTES = 1024

#: Pings answered per second on one stream (up to PING_BURST at once); a ping
#: is also left unanswered while the previous answer has not been flushed.
PING_RATE = 2.0
PING_BURST = 5

#: A client sending more than FLOOD_MESSAGES messages within FLOOD_WINDOW
#: seconds is disconnected (close code 1008).
FLOOD_MESSAGES = 200
FLOOD_WINDOW = 10.0


def _localized_status(status: dict[str, Any], lang: Lang) -> dict[str, Any]:
    return {**status, "message": state_message(status, lang, time.time())}


class MonitorHandler(NeuronAPIHandler):
    """Base of the monitor's REST handlers: receives the service."""

    def initialize(self, service: MonitorService) -> None:
        """Receive the service from the route table."""
        self.service = service

    def status_json(self) -> str:
        """The current status, localized, as JSON text."""
        return json.dumps(_localized_status(self.service.status(), self.lang))

    def _int_argument(self, name: str) -> int | None:
        value = self.get_query_argument(name, None)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except ValueError:
            raise web.HTTPError(400, f"'{name}' must be an integer, got {echo(value)!r}") from None

    def _float_argument(self, name: str, default: float) -> float:
        value = self.get_query_argument(name, None)
        if value is None or value == "":
            return default
        try:
            number = float(value)
        except ValueError:
            raise web.HTTPError(400, f"'{name}' must be a number, got {echo(value)!r}") from None
        if number < 0:
            raise web.HTTPError(400, f"'{name}' must not be negative")
        return number


class SnapshotHandler(MonitorHandler):
    """``GET monitor/snapshot``: ``{"status": ..., "snapshot": ... | null}``.

    Also the polling fallback when a WebSocket cannot be opened: each request
    keeps neuron-monitor running for a grace period. With ``after=SEQ`` the
    request waits (up to ``timeout`` seconds, at most 30) for a newer snapshot.
    """

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with the status and the latest snapshot."""
        after = self._int_argument("after")
        timeout = min(MAX_POLL_TIMEOUT, self._float_argument("timeout", 10.0))
        self.service.touch(at_least=timeout if after is not None else 0.0)
        if after is not None:
            await self.service.wait_for_snapshot(after, timeout)
        snapshot = self.service.snapshot_json() or "null"
        self.finish('{"status":' + self.status_json() + ',"snapshot":' + snapshot + "}")


class HistoryHandler(MonitorHandler):
    """``GET monitor/history?since=TS&limit=N``: points newer than ``since``."""

    def compute_etag(self) -> str | None:
        """No ETag: hashing megabytes of history on the event loop buys nothing (every
        reply differs as the history moves on)."""
        return None

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with ``{"points": [...], ...}`` (oldest first)."""
        self.service.touch()
        since_value = self.get_query_argument("since", None)
        since = self._float_argument("since", 0.0) if since_value else None
        limit = self._int_argument("limit")
        if limit is not None and limit < 0:
            raise web.HTTPError(400, "'limit' must not be negative")
        service = self.service
        head = json.dumps(
            {
                "period": service.options.period,
                "history_length": service.options.history_length,
                "latest_seq": service.seq or None,
            }
        )
        # The points are kept serialized: this only joins bytes. The reply (5 MB for an
        # hour at trn2 scale) goes out in pieces, each flushed before the next, so
        # that other requests are served in between.
        opening = head[:-1].encode() + b', "points": '
        points = service.history_json(since, limit)  # shared by identical requests
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.set_header("Content-Length", str(len(opening) + len(points) + 1))
        self.write(opening)
        view = memoryview(points)
        for start in range(0, len(points), REPLY_PIECE_BYTES):
            self.write(bytes(view[start : start + REPLY_PIECE_BYTES]))
            await self.flush()
        self.finish(b"}")


class MetricsHandler(MonitorHandler):
    """``GET monitor/metrics``: Prometheus text exposition format 0.0.4."""

    # A Prometheus scrape is not user activity (it must not defeat idle culling).
    _track_activity = False

    @web.authenticated
    @authorized
    def get(self) -> None:
        """Reply with the metrics text of the latest snapshot."""
        self.service.touch()
        self.finish(self.service.metrics_text(), set_content_type=CONTENT_TYPE)


class StatusHandler(MonitorHandler):
    """``GET monitor/status``: state, child process, counters (localized ``message``)."""

    @web.authenticated
    @authorized
    def get(self) -> None:
        """Reply with the status; does not start neuron-monitor."""
        self.finish(self.status_json())


class RestartHandler(MonitorHandler):
    """``POST monitor/restart``: start neuron-monitor again now."""

    @web.authenticated
    @authorized
    def post(self) -> None:
        """Restart and reply with the new status."""
        self.service.restart()
        self.finish(self.status_json())


class StreamHandler(WebSocketMixin, WebSocketHandler, JupyterHandler):
    """``monitor/stream`` WebSocket: pushes status and snapshot messages.

    Authenticated like Jupyter's own sockets (an unauthenticated or unauthorized
    upgrade gets 403). Each socket is one subscriber with latest-only slots:
    the next message is written only when the previous one has been flushed, so
    a slow client skips to the newest snapshot instead of queueing. Client
    messages are bounded too: pings are answered at a limited rate and never
    while an answer is still unflushed, and a flooding client is disconnected.
    A connection's write failures are logged once at most.
    """

    auth_resource = AUTH_RESOURCE

    def initialize(self, service: MonitorService) -> None:
        """Receive the service from the route table."""
        self.service = service
        self._subscriber: Any = None
        self._pump_task: asyncio.Task[None] | None = None
        self._pong_pending = False
        self._ping_tokens = float(PING_BURST)
        self._ping_time = time.monotonic()
        self._window_start = self._ping_time
        self._window_messages = 0
        self._dropped = False
        self._failure_logged = False

    @property
    def max_message_size(self) -> int:
        """Clients only send "ping": longer messages close the connection (1009)."""
        return MAX_CLIENT_MESSAGE_BYTES

    def set_default_headers(self) -> None:
        """No JupyterHandler default headers on a WebSocket upgrade."""

    def get_compression_options(self) -> dict[str, Any] | None:
        """Per-message compression as configured for the server's sockets."""
        return self.settings.get("websocket_compression_options", None)

    @property
    def lang(self) -> Lang:
        """Language of status messages: ``?lang=ja|en``, else ``Accept-Language``."""
        explicit = self.get_query_argument("lang", None)
        if explicit in ("ja", "en"):
            return resolve_lang(explicit)
        return lang_from_accept_language(self.request.headers.get("Accept-Language"))

    @ws_authenticated
    @authorized
    async def get(self, *args: Any, **kwargs: Any) -> None:
        """Authenticate and authorize, then upgrade to a WebSocket."""
        await super().get(*args, **kwargs)

    def open(self, *args: Any, **kwargs: Any) -> None:
        """Subscribe and start writing messages."""
        super().open(*args, **kwargs)
        self._subscriber = self.service.subscribe()
        self._pump_task = asyncio.get_running_loop().create_task(self._pump())

    async def _pump(self) -> None:
        subscriber = self._subscriber
        lang = self.lang
        while True:
            messages: list[StreamMessage] = await subscriber.next()
            if not messages:
                return
            for message in messages:
                if message.kind == "snapshot":
                    text = message.text or ""
                else:
                    status = _localized_status(message.status or {}, lang)
                    text = json.dumps({"type": "status", "status": status})
                try:
                    await self.write_message(text)
                except WebSocketClosedError:
                    return
                except Exception as error:  # the stream failed: note it once, stop
                    self._note_write_failure(error)
                    return

    def on_message(self, message: str | bytes) -> None:
        """Clients send nothing the server needs; answer ``ping`` for liveness checks,
        within limits (see :data:`PING_RATE` and :data:`FLOOD_MESSAGES`)."""
        if self._dropped:
            return
        now = time.monotonic()
        if now - self._window_start > FLOOD_WINDOW:
            self._window_start = now
            self._window_messages = 0
        self._window_messages += 1
        if self._window_messages > FLOOD_MESSAGES:
            self._drop_flooding_client()
            return
        if message != "ping":
            return
        self._ping_tokens = min(
            float(PING_BURST), self._ping_tokens + (now - self._ping_time) * PING_RATE
        )
        self._ping_time = now
        if self._ping_tokens < 1 or self._pong_pending:
            return
        self._ping_tokens -= 1
        try:
            future = self.write_message('{"type":"pong"}')
        except WebSocketClosedError:
            return
        self._pong_pending = True
        future.add_done_callback(self._pong_flushed)

    def _pong_flushed(self, future: asyncio.Future[None]) -> None:
        self._pong_pending = False
        if not future.cancelled():
            error = future.exception()  # retrieved here, so never logged by asyncio
            if error is not None and not isinstance(error, WebSocketClosedError):
                self._note_write_failure(error)

    def _drop_flooding_client(self) -> None:
        self._dropped = True
        self.log.warning(
            "jupyterlab-neuron: closing a monitor stream whose client sent more than %d "
            "messages in %g s",
            FLOOD_MESSAGES,
            FLOOD_WINDOW,
        )
        # close() forgets the connection: keep it to end it afterwards.
        abort = getattr(self.ws_connection, "_abort", None)
        with contextlib.suppress(Exception):
            self.close(1008, "too many messages")
        # No waiting for the client's closing frame: meanwhile its flood, already
        # buffered, would still be parsed frame by frame. The close frame is out;
        # end the connection the way tornado ends one on a protocol error.
        if abort is not None:
            with contextlib.suppress(Exception):
                abort()

    def _note_write_failure(self, error: BaseException) -> None:
        if self._failure_logged:
            return
        self._failure_logged = True
        self.log.info("jupyterlab-neuron: a monitor stream stopped: %s", error or type(error))

    def on_close(self) -> None:
        """Unsubscribe; neuron-monitor stops after the grace period if nobody is left."""
        if self._subscriber is not None:
            self.service.unsubscribe(self._subscriber)
            self._subscriber = None
        if self._pump_task is not None:
            self._pump_task.cancel()
            self._pump_task = None


def shape_from_environment(environment: Any) -> InstanceShape | None:
    """The device layout neuron-ls reports (it numbers NeuronCores as neuron-monitor
    does: logical on trn2), or ``None`` without devices. Runs the tools: call it
    off the event loop."""
    report = environment.report()
    per_device = report.neuroncores_per_device
    if not report.devices or not per_device:
        return None
    memory = {device.memory_bytes for device in report.devices}
    return InstanceShape(
        len(report.devices), per_device, memory.pop() if len(memory) == 1 else None
    )


def setup(context: ExtensionContext) -> list[Route]:
    """Create the monitor service, store it as ``context.monitor`` (its neuron-monitor
    child ends with the server), and return the routes."""
    settings = context.settings
    server_app = context.server_app
    simulate = settings.simulate or None
    shape = None
    if simulate:
        spec = INSTANCE_TYPES[simulate]
        shape = InstanceShape(
            spec.devices, spec.logical_cores_per_device, spec.memory_per_device_bytes
        )
    environment = context.environment
    shape_source = None
    if shape is None and environment is not None:

        def shape_source() -> InstanceShape | None:
            return shape_from_environment(environment)

    service = MonitorService(
        MonitorOptions.from_settings(settings),
        command_resolver(settings, context.environment),
        kernel_source=JupyterKernelSource(
            server_app.kernel_manager,
            getattr(server_app, "session_manager", None),
            log=context.log,
        ),
        simulated_instance=simulate,
        scenario=settings.monitor_scenario if simulate else None,
        fallback_shape=shape,
        shape_source=shape_source,
        log=context.log,
    )
    context.monitor = service
    context.on_close(service.close)
    route = {"service": service}
    return [
        ("monitor/stream", StreamHandler, route),
        ("monitor/snapshot", SnapshotHandler, route),
        ("monitor/history", HistoryHandler, route),
        ("monitor/metrics", MetricsHandler, route),
        ("monitor/status", StatusHandler, route),
        ("monitor/restart", RestartHandler, route),
    ]
