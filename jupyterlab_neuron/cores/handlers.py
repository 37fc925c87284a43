"""HTTP face of NeuronCores per kernel (thin: the work is in ``core`` and ``store``).

Route, under ``<base_url>/jupyterlab-neuron/``:

- ``GET cores``: ``{"instance_type", "simulated", "total", "leases", "free",
  "busy_outside"}``, the same JSON as ``jupyter neuron cores --json``, with each
  lease's notebook named from the server's sessions.
- ``POST cores/<kernel_id>`` ``{"cores": N}``: the kernel gets N cores at its
  next restart (``{"kernel_id", "cores", "visible_cores", "restart_required"}``).

Payload: openapi.yaml (``/jupyterlab-neuron/cores``).
"""

from __future__ import annotations

from typing import Any

import anyio
from jupyter_server.auth.decorator import authorized
from tornado import web
from tornado.web import OutputTransform

from neuron_kernel_helpers.i18n import Messages, lang_from_accept_language

from ..context import ExtensionContext, Route
from ..http import NeuronAPIHandler
from ..untrusted import echo
from . import provisioner
from .core import Machine, busy_outside_leases, detect_machine, snapshot_from_json, status
from .store import LeaseStore


class CoresService:
    """The machine (detected once) and the lease store the server uses."""

    def __init__(self, context: ExtensionContext, store: LeaseStore | None = None) -> None:
        self.context = context
        self.store = store or LeaseStore()
        self._machine: Machine | None = None

    def machine(self) -> Machine:
        if self._machine is None:
            self._machine = detect_machine(self.context.settings)
        return self._machine

    def snapshot_json(self) -> str | None:
        monitor = self.context.monitor
        return monitor.snapshot_json() if monitor is not None else None

    def status(self) -> dict[str, Any]:
        leases = self.store.leases()
        outside = busy_outside_leases(snapshot_from_json(self.snapshot_json()), leases)
        return status(self.machine(), self.store, outside)


class CoresHandler(NeuronAPIHandler):
    """``GET cores``."""

    def initialize(self, service: CoresService) -> None:
        self.service = service

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply the leases of the machine, with their notebooks."""
        sessions = await self.serverapp.session_manager.list_sessions()
        notebooks = {
            session["kernel"]["id"]: session.get("path") or ""
            for session in sessions
            if session.get("kernel")
        }
        self.service.store.set_notebooks(notebooks)
        self.write_json(await anyio.to_thread.run_sync(self.service.status))


MESSAGES = Messages(
    {
        "no_lease": {
            "en": "Kernel {kernel_id} holds no NeuronCores (its kernelspec does not use the "
            "neuron-cores provisioner, or it has ended).",
            "ja": "カーネル {kernel_id} には NeuronCore が割り当てられていません"
            "（カーネル仕様が neuron-cores を使っていないか、すでに終了しています）。",
        },
        "bad_count": {
            "en": "cores must be a whole number from 1 to {total}.",
            "ja": "cores には 1 から {total} までの整数を指定してください。",
        },
    }
)


class KernelCoresHandler(NeuronAPIHandler):
    """``POST cores/<kernel_id>``."""

    def initialize(self, service: CoresService) -> None:
        self.service = service

    @web.authenticated
    @authorized
    async def post(self, kernel_id: str) -> None:
        """Ask for another core count, taken when the kernel restarts."""
        body = await self.read_json()
        total = (await anyio.to_thread.run_sync(self.service.machine)).total
        count = body.get("cores") if isinstance(body, dict) else None
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= total:
            raise web.HTTPError(400, MESSAGES("bad_count", self.lang, total=total))
        lease = await anyio.to_thread.run_sync(self.service.store.want, kernel_id, count)
        if lease is None:
            raise web.HTTPError(404, MESSAGES("no_lease", self.lang, kernel_id=echo(kernel_id, 80)))
        self.write_json(
            {
                "kernel_id": kernel_id,
                "cores": count,
                "visible_cores": lease.visible_cores,
                "restart_required": count != len(lease.cores),
            }
        )


class RequestLanguage(OutputTransform):
    """Notes each request's ``Accept-Language`` for the kernel provisioner.

    A tornado output transform is created for every request before its
    handler runs, in the context the handler's task inherits; the task that
    starts a kernel inherits it in turn, so a refusal is told in the language
    of the request that started the kernel. The output passes unchanged.
    """

    def __init__(self, request: Any) -> None:
        super().__init__(request)
        header = request.headers.get("Accept-Language") if request is not None else None
        provisioner.request_lang.set(lang_from_accept_language(header) if header else None)


def setup(context: ExtensionContext) -> list[Route]:
    """Create the cores service, store it as ``context.cores``, return the route.

    Also points the provisioner at the monitor's snapshot, so kernels started
    by this server never get cores a process outside Jupyter holds.
    """
    service = CoresService(context)
    context.cores = service
    web_app = getattr(context.server_app, "web_app", None)
    if web_app is not None and RequestLanguage not in web_app.transforms:
        web_app.add_transform(RequestLanguage)
    provisioner.snapshot_source = service.snapshot_json

    def forget() -> None:
        if provisioner.snapshot_source == service.snapshot_json:
            provisioner.snapshot_source = None

    context.on_close(forget)
    kwargs = {"service": service}
    return [
        ("cores", CoresHandler, kwargs),
        (r"cores/(?P<kernel_id>[^/]{1,128})", KernelCoresHandler, kwargs),
    ]
