"""The one base class of every jupyterlab-neuron HTTP handler.

Handlers stay thin: they parse the request, call a core service and write
JSON. Errors always reach the client as ``{"message": ...}`` (tornado's
``HTTPError`` is turned into that shape by ``APIHandler.write_error``).

Request bodies are streamed (``@web.stream_request_body``) so that each handler
refuses a body bigger than its ``max_body_bytes`` with 413 before reading it
(from ``Content-Length``) or while reading it (chunked bodies are dropped past
the limit), instead of tornado buffering up to Jupyter's 512 MB limit. JSON is
parsed off the event loop, nesting is bounded, and work run in threads hands
its errors back without tracebacks, so a failed request leaves nothing of its
body alive in reference cycles.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import anyio
from jupyter_server.base.handlers import APIHandler
from tornado import web

from neuron_kernel_helpers.i18n import Lang, Messages, lang_from_accept_language

from .untrusted import MAX_JSON_DEPTH, echo, nesting_exceeds

#: The authorization resource name checked by ``@authorized`` on every verb.
AUTH_RESOURCE = "neuron"

#: The body limit of handlers that take no body (every ``GET``, ``monitor/restart``).
DEFAULT_MAX_BODY_BYTES = 16 * 1024

T = TypeVar("T")

MESSAGES = Messages(
    {
        "body_too_large": {
            "ja": (
                "リクエストの本文が大きすぎます（{size} バイト、上限は {limit} バイト）。"
                "送る内容を減らしてください。"
            ),
            "en": (
                "The request body is too large ({size} bytes; the limit is {limit} bytes). "
                "Send less at a time."
            ),
        },
        "body.not_json": {
            "ja": "リクエストの本文が正しい JSON ではありません: {detail}",
            "en": "The request body is not valid JSON: {detail}",
        },
        "body.too_deep": {
            "ja": "リクエストの本文の JSON は入れ子が深すぎます（上限は {limit} 段です）。",
            "en": "The request body is nested too deeply (the limit is {limit} levels).",
        },
        "params.not_json": {
            "ja": "params が正しい JSON ではありません: {detail}",
            "en": "params is not valid JSON: {detail}",
        },
        "params.not_object": {
            "ja": "params には JSON オブジェクトを指定してください。",
            "en": "params must be a JSON object.",
        },
        "clean.bad_options": {
            "ja": "dry_run には true か false を、plan_token には文字列を指定してください。",
            "en": "dry_run must be true or false; plan_token a string.",
        },
        "params.too_deep": {
            "ja": "params の JSON は入れ子が深すぎます（上限は {limit} 段です）。",
            "en": "params is nested too deeply (the limit is {limit} levels).",
        },
    }
)


@dataclass(frozen=True)
class JSONProblem:
    """Why a JSON text was refused: ``not_json`` (with the parser's detail) or ``too_deep``."""

    kind: str
    detail: str = ""

    def message(self, lang: Lang, subject: str = "body") -> str:
        """The message in ``lang``; ``subject`` names the refused text (``body``, ``params``)."""
        return MESSAGES(f"{subject}.{self.kind}", lang, detail=self.detail, limit=MAX_JSON_DEPTH)


def parse_json(text: str | bytes) -> tuple[Any, JSONProblem | None]:
    """Parse ``text``: ``(value, None)``, or ``(None, problem)`` for invalid or too
    deeply nested JSON. Never raises, so no traceback keeps ``text`` alive."""
    try:
        value = json.loads(text)
    except RecursionError:
        return None, JSONProblem("too_deep")
    except (ValueError, UnicodeDecodeError) as error:
        return None, JSONProblem("not_json", echo(str(error), 200))
    if nesting_exceeds(value):
        return None, JSONProblem("too_deep")
    return value, None


def _strip(error: BaseException) -> BaseException:
    """``error`` without its traceback and chained errors (their frames hold the
    work's data: request bodies, scans)."""
    error.__traceback__ = None
    error.__cause__ = None
    error.__context__ = None
    return error


@dataclass
class _Outcome(Generic[T]):
    value: T | None = None
    error: Exception | None = None


def _capture(work: Callable[[], T]) -> _Outcome[T]:
    try:
        return _Outcome(value=work())
    except Exception as error:  # handed back to the event loop, then raised there
        return _Outcome(error=_strip(error))


async def run_in_thread(work: Callable[[], T]) -> T:
    """Run blocking ``work`` in a worker thread and return its result; an exception
    it raises is raised here again, stripped of the thread's traceback.

    Exceptions that cross a thread boundary through a future form reference
    cycles (exception -> traceback -> frame -> future -> exception) that keep
    every local of the failed work alive until the cycle collector runs.
    """
    outcome = await anyio.to_thread.run_sync(_capture, work)
    error = outcome.error
    if error is None:
        return outcome.value  # type: ignore[return-value]
    del outcome
    try:
        raise error
    finally:
        del error  # this frame must not hold the exception its traceback holds


@web.stream_request_body
class NeuronAPIHandler(APIHandler):
    """Base handler: JSON helpers, body limits, the client's language, the auth resource.

    Subclasses that take a JSON body raise ``max_body_bytes`` to what their
    purpose needs and read it with :meth:`read_json`.
    """

    auth_resource = AUTH_RESOURCE

    #: Bodies bigger than this are refused with 413.
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    _body_chunks: list[bytes]
    _body_size: int = 0

    @property
    def lang(self) -> Lang:
        """The UI language the client asked for (``Accept-Language``)."""
        return lang_from_accept_language(self.request.headers.get("Accept-Language"))

    def body_too_large_message(self, size: int) -> str:
        """The 413 message (a handler may explain its own limit better)."""
        return MESSAGES("body_too_large", self.lang, size=size, limit=self.max_body_bytes)

    async def prepare(self) -> None:  # type: ignore[override]
        """Authenticate (Jupyter), then refuse an announced body over the limit unread."""
        self._body_chunks = []
        self._body_size = 0
        await super().prepare()
        if self._finished:
            return
        length = self.request.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > self.max_body_bytes:
            # Answered before the body is read; tornado then closes the connection.
            raise web.HTTPError(413, self.body_too_large_message(int(length)))

    def data_received(self, chunk: bytes) -> None:
        """Keep the body while it is within the limit (chunked bodies announce no size)."""
        self._body_size += len(chunk)
        if self._body_size <= self.max_body_bytes:
            self._body_chunks.append(chunk)
        else:
            self._body_chunks = []

    def take_body(self) -> bytes:
        """The request body (once: the handler keeps no copy), or a 413 error."""
        if self._body_size > self.max_body_bytes:
            raise web.HTTPError(413, self.body_too_large_message(self._body_size))
        body = b"".join(self._body_chunks)
        self._body_chunks = []
        return body

    def write_json(self, payload: Any, status: int = 200) -> None:
        """Write ``payload`` as JSON with the given status."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps(payload))

    async def read_json(self) -> Any:
        """The request body as JSON (parsed off the event loop; an empty body is
        ``{}``), or a 413/400 error with a clear message in the client's language."""
        value, problem = await anyio.to_thread.run_sync(parse_json, self.take_body() or b"{}")
        if problem is not None:
            raise web.HTTPError(400, problem.message(self.lang))
        return value
