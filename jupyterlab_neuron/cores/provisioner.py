"""The ``neuron-cores`` kernel provisioner: each kernel gets its own NeuronCores.

Registered under the ``jupyter_client.kernel_provisioners`` entry point group.
A kernelspec uses it with::

    "metadata": {"kernel_provisioner": {"provisioner_name": "neuron-cores",
                                         "config": {"cores": 8}}}

Before the kernel starts, :meth:`pre_launch` leases a free aligned range from
the machine's :class:`~jupyterlab_neuron.cores.store.LeaseStore` and sets
``NEURON_RT_VISIBLE_CORES="a-b"`` in the kernel's environment. A restart keeps
the lease; a shutdown returns it; a crashed kernel's lease is dropped by the
store when its pid is gone. When no range is free the kernel does not start:
the error names who holds what, and reaches JupyterLab's kernel error dialog.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from jupyter_client.provisioning import LocalProvisioner
from tornado import web
from traitlets import Int, Unicode, Union
from traitlets.config import Config

from neuron_kernel_helpers.i18n import Lang

from .core import (
    MESSAGES,
    busy_from_neuron_ls,
    busy_outside_leases,
    detect_machine,
    refusal_message,
    resolve_count,
    snapshot_from_json,
)
from .store import LeaseStore, NoFreeRange

#: The language of the HTTP request that starts the kernel (``None`` outside one):
#: set for every request by the server's cores capability, and inherited by the
#: task that starts the kernel.
request_lang: ContextVar[Lang | None] = ContextVar("jupyterlab_neuron_request_lang", default=None)

#: The server's cores capability points this at the monitor's latest snapshot
#: (JSON text), so cores busy outside Jupyter are never handed out.
snapshot_source: Callable[[], str | None] | None = None


class NoNeuronCores(web.HTTPError):
    """The kernel was not started: no NeuronCores could be leased.

    An HTTP error (503), so the Jupyter server answers the kernel start request
    with this message and JupyterLab shows it in its kernel error dialog.
    """

    def __init__(self, message: str) -> None:
        super().__init__(503, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NeuronCoresProvisioner(LocalProvisioner):  # type: ignore[misc]
    """A local kernel with ``NEURON_RT_VISIBLE_CORES`` set to its own leased range."""

    cores = Union(
        [Int(), Unicode()],
        default_value="auto",
        config=True,
        help="NeuronCores for the kernel: a number, or 'auto' (the largest documented "
        "worker count of the instance that fits in a free aligned range).",
    )
    store_path = Unicode(
        "",
        config=True,
        help="The lease store file (default: jupyterlab-neuron-cores.json in the runtime dir).",
    )

    def _settings(self) -> Any:
        from ..cli.config import _ServerConfigFiles
        from ..settings import JupyterLabNeuron

        files = _ServerConfigFiles()
        files.load_config_file()
        config = Config(files.config)
        config.merge(self.config)
        return JupyterLabNeuron(config=config)

    def _store(self) -> LeaseStore:
        return LeaseStore(self.store_path or None)

    def _server_app(self) -> Any:
        node = self.parent
        while node is not None:
            if hasattr(node, "session_manager") and hasattr(node, "kernel_manager"):
                return node
            node = getattr(node, "parent", None)
        return None

    async def _notebooks(self) -> dict[str, str]:
        """Kernel id -> notebook path, from the server's sessions (empty outside a server)."""
        app = self._server_app()
        if app is None:
            return {}
        try:
            sessions = await app.session_manager.list_sessions()
        except Exception:  # the names are a courtesy; never stop a launch for them
            return {}
        return {
            session["kernel"]["id"]: session.get("path") or session.get("name") or ""
            for session in sessions
            if session.get("kernel")
        }

    def _take_lease(self, settings: Any, instance_type: str, notebooks: dict[str, str]) -> Any:
        store = self._store()
        store.set_notebooks(notebooks)
        source = snapshot_source
        leases = store.leases()
        snapshot = snapshot_from_json(source()) if source is not None else None
        if snapshot is not None:
            outside = busy_outside_leases(snapshot, leases)
        else:
            # No monitor report (outside a server, or the monitor has not run yet).
            outside = busy_from_neuron_ls(settings, leases)
        taken = set(outside)
        for lease in leases:
            if lease.kernel_id != self.kernel_id:
                taken.update(lease.cores)
        free = [core for core in range(_total(instance_type)) if core not in taken]
        count = resolve_count(self.cores, instance_type, free)
        return store.acquire(
            self.kernel_id,
            instance_type,
            count,
            busy_outside=outside,
            notebook=notebooks.get(self.kernel_id),
        )

    def _forget_pending(self) -> None:
        """Drop the refused kernel from the multi-kernel manager's pending kernels.

        jupyter_client keeps a kernel whose start failed among its pending
        kernels, and the server's shutdown then fails on it ("Kernel does not
        exist"); refusals are normal here, so the entry goes once the start has
        failed.
        """
        manager = getattr(self.parent, "parent", None)
        pending = getattr(manager, "_pending_kernels", None)
        if isinstance(pending, dict):
            asyncio.get_running_loop().call_soon(pending.pop, self.kernel_id, None)

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        """Lease the cores, then prepare the launch with ``NEURON_RT_VISIBLE_CORES`` set."""
        settings = await asyncio.to_thread(self._settings)
        machine = await asyncio.to_thread(detect_machine, settings)
        if machine.instance_type is None:
            lang = request_lang.get()
            message = (
                MESSAGES("no_instance", lang)
                if lang is not None
                else MESSAGES("no_instance", "en") + "\n" + MESSAGES("no_instance", "ja")
            )
            self.log.error("jupyterlab-neuron: %s", message)
            self._forget_pending()
            raise NoNeuronCores(message)
        notebooks = await self._notebooks()
        try:
            lease = await asyncio.to_thread(
                self._take_lease, settings, machine.instance_type, notebooks
            )
        except NoFreeRange as error:
            lang = request_lang.get()
            if lang is not None:
                message = refusal_message(error, lang)
            else:  # not started by an HTTP request (nbclient, a script): both languages
                message = refusal_message(error, "en") + "\n" + refusal_message(error, "ja")
            self.log.error("jupyterlab-neuron: kernel %s: %s", self.kernel_id, message)
            self._forget_pending()
            raise NoNeuronCores(message) from None
        self.log.info(
            "jupyterlab-neuron: kernel %s gets NeuronCores %s",
            self.kernel_id,
            lease.visible_cores,
        )
        try:
            kwargs = await super().pre_launch(**kwargs)
        except BaseException:
            await asyncio.to_thread(self._store().release, self.kernel_id)
            raise
        env = kwargs.setdefault("env", dict(os.environ))
        env["NEURON_RT_VISIBLE_CORES"] = lease.visible_cores
        # A core count would contradict the range; the range alone says it.
        env.pop("NEURON_RT_NUM_CORES", None)
        return kwargs

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        """Start the kernel and record its pid with the lease."""
        try:
            info = await super().launch_kernel(cmd, **kwargs)
        except BaseException:
            await asyncio.to_thread(self._store().release, self.kernel_id)
            raise
        await asyncio.to_thread(self._store().set_pid, self.kernel_id, self.pid)
        return info

    async def _hold_for_restart(self) -> None:
        # Before the old process ends: a lease whose kernel pid is gone would be
        # dropped as stale by the next reader of the store.
        await asyncio.to_thread(self._store().set_pid, self.kernel_id, None)

    async def shutdown_requested(self, restart: bool = False) -> None:
        """A restart keeps the lease: the server holds it while the kernel is away."""
        if restart:
            await self._hold_for_restart()
        await super().shutdown_requested(restart=restart)

    async def kill(self, restart: bool = False) -> None:
        """Kill the kernel (a forced restart keeps the lease)."""
        if restart:
            await self._hold_for_restart()
        await super().kill(restart=restart)

    async def terminate(self, restart: bool = False) -> None:
        """Terminate the kernel (a restart keeps the lease)."""
        if restart:
            await self._hold_for_restart()
        await super().terminate(restart=restart)

    async def cleanup(self, restart: bool = False) -> None:
        """A restart keeps the lease (held since the shutdown request); otherwise return it."""
        await super().cleanup(restart=restart)
        if not restart:
            await asyncio.to_thread(self._store().release, self.kernel_id)


def _total(instance_type: str) -> int:
    from neuron_kernel_helpers.instances import lookup_instance

    return lookup_instance(instance_type).neuroncores
