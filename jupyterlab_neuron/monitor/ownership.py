"""Which Jupyter kernel (and notebook) each Neuron runtime process belongs to.

A runtime belongs to a kernel when its pid is the kernel's process or any
descendant of it (``!torchrun ...`` from a cell starts grandchildren). The
parent chain and command lines come from psutil (Linux and macOS alike). The
Jupyter side (kernel pids, notebook paths) is supplied by the
caller as plain :class:`KernelProcess` records, keeping this module free of
server imports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import psutil

from .snapshot import KernelOwner, Snapshot

#: A parent chain longer than this is treated as broken (guards against loops).
MAX_ANCESTRY_DEPTH = 128


@dataclass(frozen=True, slots=True)
class KernelProcess:
    """A running Jupyter kernel: its id, process id and (if any) its notebook."""

    kernel_id: str
    pid: int
    kernel_name: str | None = None
    notebook_path: str | None = None
    session_id: str | None = None


class ProcessTable(Protocol):
    """Read access to the host's process tree."""

    def parent_of(self, pid: int) -> int | None:
        """The parent pid of ``pid``, or ``None`` if the process does not exist."""

    def command_of(self, pid: int) -> str | None:
        """A short command line of ``pid``, or ``None`` if unknown."""


class PsutilProcessTable:
    """:class:`ProcessTable` of this host, read through psutil."""

    def parent_of(self, pid: int) -> int | None:
        """The parent pid, or ``None`` if the process does not exist (or is hidden)."""
        try:
            return psutil.Process(pid).ppid()
        except (psutil.Error, ValueError):
            return None

    def command_of(self, pid: int, limit: int = 200) -> str | None:
        """The command line (arguments joined by spaces), else the process name."""
        try:
            process = psutil.Process(pid)
        except (psutil.Error, ValueError):
            return None
        try:
            text = " ".join(process.cmdline()).strip()
        except psutil.NoSuchProcess as error:
            if not isinstance(error, psutil.ZombieProcess):
                return None
            text = ""  # an exited child not yet reaped: only its name is left
        except psutil.AccessDenied:
            text = ""
        if not text:
            try:
                text = process.name().strip()
            except psutil.Error:
                return None
        if len(text) > limit:
            text = text[: limit - 1] + "…"
        return text or None


class KernelOwnership:
    """Annotates snapshot processes with their kernel and command line."""

    def __init__(self, table: ProcessTable | None = None) -> None:
        self.table: ProcessTable = table if table is not None else PsutilProcessTable()

    def owner_of(self, pid: int, kernels: dict[int, KernelProcess]) -> KernelOwner | None:
        """The kernel whose process is ``pid`` or one of its ancestors."""
        current: int | None = pid
        depth = 0
        while current is not None and current > 0 and depth <= MAX_ANCESTRY_DEPTH:
            kernel = kernels.get(current)
            if kernel is not None:
                return KernelOwner(
                    kernel_id=kernel.kernel_id,
                    kernel_name=kernel.kernel_name,
                    kernel_pid=kernel.pid,
                    notebook_path=kernel.notebook_path,
                    session_id=kernel.session_id,
                    relation="kernel" if current == pid else "descendant",
                )
            if current == 1:
                break
            parent = self.table.parent_of(current)
            if parent == current:
                break
            current = parent
            depth += 1
        return None

    def annotate(self, snapshot: Snapshot, kernels: Iterable[KernelProcess]) -> None:
        """Set ``owner`` and ``command`` of every process of ``snapshot`` in place.

        Simulated snapshots are annotated too: the simulator can report the pid
        of a real process (``--runtime-pid``), which is how tests and the demo
        attach simulated load to a real kernel.
        """
        by_pid = {kernel.pid: kernel for kernel in kernels}
        for process in snapshot.processes:
            if process.pid is None or process.pid <= 0:
                continue
            process.owner = self.owner_of(process.pid, by_pid) if by_pid else None
            process.command = self.table.command_of(process.pid)
