"""The running Jupyter kernels, as plain :class:`KernelProcess` records.

Duck-typed over jupyter_server's kernel and session managers (nothing is
imported from Jupyter): the kernel's pid comes from its provisioner's process,
the notebook path from the session that uses the kernel.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from .ownership import KernelProcess


class KernelSource(Protocol):
    """Anything that can list the running kernels."""

    async def kernels(self) -> list[KernelProcess]:
        """The running kernels with their pids (and notebooks, when known)."""


def kernel_pid(kernel_manager: Any) -> int | None:
    """The OS pid of one kernel, from its provisioner (local kernels only)."""
    provisioner = getattr(kernel_manager, "provisioner", None)
    for owner in (provisioner, getattr(provisioner, "process", None)):
        pid = getattr(owner, "pid", None) if owner is not None else None
        if isinstance(pid, int) and pid > 0:
            return pid
    # Older jupyter_client kept the Popen object on the manager itself.
    process = getattr(kernel_manager, "kernel", None)
    pid = getattr(process, "pid", None)
    return pid if isinstance(pid, int) and pid > 0 else None


class JupyterKernelSource:
    """:class:`KernelSource` over a server's ``kernel_manager`` and ``session_manager``."""

    def __init__(
        self,
        kernel_manager: Any,
        session_manager: Any | None,
        log: logging.Logger | logging.LoggerAdapter | None = None,
    ) -> None:
        self.kernel_manager = kernel_manager
        self.session_manager = session_manager
        self.log = log or logging.getLogger(__name__)

    async def kernels(self) -> list[KernelProcess]:
        """The running kernels, each with its notebook path when a session uses it."""
        sessions: dict[str, tuple[str | None, str | None]] = {}
        if self.session_manager is not None:
            try:
                for session in await self.session_manager.list_sessions():
                    kernel_id = (session.get("kernel") or {}).get("id")
                    if kernel_id:
                        path = session.get("path") or (session.get("notebook") or {}).get("path")
                        sessions[kernel_id] = (path, session.get("id"))
            except Exception:  # sessions are a nicety; ownership works without them
                self.log.debug("jupyterlab-neuron: could not list sessions", exc_info=True)
        found: list[KernelProcess] = []
        for kernel_id in list(self.kernel_manager.list_kernel_ids()):
            try:
                manager = self.kernel_manager.get_kernel(kernel_id)
            except KeyError:
                continue  # shut down meanwhile
            pid = kernel_pid(manager)
            if pid is None:
                continue
            path, session_id = sessions.get(kernel_id, (None, None))
            found.append(
                KernelProcess(
                    kernel_id=kernel_id,
                    pid=pid,
                    kernel_name=getattr(manager, "kernel_name", None),
                    notebook_path=path,
                    session_id=session_id,
                )
            )
        return found
