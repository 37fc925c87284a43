"""Which Jupyter kernel (and notebook) each Neuron runtime process belongs to.

A runtime belongs to a kernel when its pid is the kernel's process or any
descendant of it (``!torchrun ...`` from a cell starts grandchildren). The
parent chain is read from ``/proc/<pid>/stat`` (Linux); no third-party
dependency. The Jupyter side (kernel pids, notebook paths) is supplied by the
caller as plain :class:`KernelProcess` records, keeping this module free of
server imports.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

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


class ProcFileSystem:
    """:class:`ProcessTable` backed by Linux ``/proc`` (``root`` for tests)."""

    def __init__(self, root: str = "/proc") -> None:
        self.root = root

    def parent_of(self, pid: int) -> int | None:
        """Parent pid from ``/proc/<pid>/stat`` (field 4, after the command)."""
        try:
            with open(os.path.join(self.root, str(pid), "stat"), "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        # The command (field 2) may contain spaces and parentheses: split after
        # the LAST closing parenthesis.
        _, _, rest = data.rpartition(b")")
        fields = rest.split()
        if len(fields) < 2:
            return None
        try:
            return int(fields[1])
        except ValueError:
            return None

    def command_of(self, pid: int, limit: int = 200) -> str | None:
        """The command line (arguments joined by spaces), else the process name."""
        base = os.path.join(self.root, str(pid))
        try:
            with open(os.path.join(base, "cmdline"), "rb") as handle:
                raw = handle.read(limit * 4)
        except OSError:
            raw = b""
        text = raw.replace(b"\0", b" ").decode("utf-8", "replace").strip()
        if not text:
            try:
                with open(os.path.join(base, "comm"), "rb") as handle:
                    text = handle.read(256).decode("utf-8", "replace").strip()
            except OSError:
                return None
        if len(text) > limit:
            text = text[: limit - 1] + "…"
        return text or None


class KernelOwnership:
    """Annotates snapshot processes with their kernel and command line."""

    def __init__(self, table: ProcessTable | None = None) -> None:
        self.table: ProcessTable = table if table is not None else ProcFileSystem()

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
