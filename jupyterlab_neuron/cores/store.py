"""The NeuronCore lease store: one small JSON file for every process of the machine.

The Jupyter server, an ``nbconvert`` or ``nbclient`` run and ``jupyter neuron
cores`` all read and write the same file in the Jupyter runtime directory
(``jupyter --runtime-dir``), under an exclusive ``fcntl.flock`` on a lock file
beside it, so two kernels starting at once never get overlapping ranges.

A lease names its kernel, the process that took it (``owner_pid``: the server
or the CLI) and, once the kernel runs, the kernel's ``pid``. Leases whose
process has ended are dropped on every read: the kernel's pid when it is
known, else the owner's (a kernel that is starting or restarting); a kernel
that ended while its server runs keeps the lease a few seconds (``grace``), so
a restart racing with the old process's exit finds it again. The
process start time is kept with each pid, so a reused pid is not mistaken for
the old process.

No tornado here: the provisioner, the handlers and the CLI call this module.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

from neuron_kernel_helpers.instances import aligned_core_range, lookup_instance, visible_cores

#: File name of the store in the runtime directory; the lock file adds ``.lock``.
STORE_NAME = "jupyterlab-neuron-cores.json"


def default_store_path() -> Path:
    """The store in ``jupyter_core.paths.jupyter_runtime_dir()``."""
    from jupyter_core.paths import jupyter_runtime_dir

    return Path(jupyter_runtime_dir()) / STORE_NAME


def _start_time(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        return psutil.Process(pid).create_time()
    except (psutil.Error, OSError):
        return None


def _alive(pid: int | None, started: float | None) -> bool:
    if pid is None:
        return False
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        # A pid reused by another process is not the lease holder.
        return started is None or abs(process.create_time() - started) < 1.0
    except (psutil.Error, OSError):
        return False


@dataclass
class Lease:
    """NeuronCores ``first``..``last`` held by one kernel."""

    kernel_id: str
    first: int
    last: int
    owner_pid: int
    owner_started: float | None = None
    pid: int | None = None
    pid_started: float | None = None
    notebook: str | None = None
    created: float = field(default_factory=time.time)
    #: A new core count asked for, taken at the kernel's next restart.
    wanted: int | None = None
    #: When the kernel's process was first seen ended (the server still running).
    dead_since: float | None = None

    @property
    def cores(self) -> range:
        return range(self.first, self.last + 1)

    @property
    def visible_cores(self) -> str:
        return visible_cores(self.cores)

    def alive(self) -> bool:
        """Whether the lease's process still runs (the kernel's, else the owner's)."""
        if self.pid is not None:
            return _alive(self.pid, self.pid_started)
        return _alive(self.owner_pid, self.owner_started)

    def to_dict(self) -> dict[str, Any]:
        """The public shape: ``{"kernel_id", "pid", "cores", "visible_cores", "notebook"}``."""
        return {
            "kernel_id": self.kernel_id,
            "pid": self.pid,
            "cores": list(self.cores),
            "visible_cores": self.visible_cores,
            "notebook": self.notebook,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Lease:
        names = cls.__dataclass_fields__
        return cls(**{key: value for key, value in data.items() if key in names})


class NoFreeRange(Exception):
    """No aligned range of the asked size is free; ``holders`` are the live leases."""

    def __init__(
        self,
        instance_type: str,
        count: int,
        holders: list[Lease],
        busy_outside: list[int],
    ) -> None:
        super().__init__(f"No free range of {count} NeuronCores on {instance_type}")
        self.instance_type = instance_type
        self.count = count
        self.holders = holders
        self.busy_outside = busy_outside


class LeaseStore:
    """Leases of one machine's NeuronCores, kept in ``path`` (default: runtime dir)."""

    #: Seconds a lease outlives its ended kernel while the kernel's server runs.
    grace = 5.0

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.lock_path = self.path.with_name(self.path.name + ".lock")

    @contextmanager
    def _locked(self) -> Iterator[list[Lease]]:
        """The live leases under the file lock; what the block leaves in the list is written."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            stored = self._read()
            before = [asdict(lease) for lease in stored]
            leases = self._live(stored)
            yield leases
            if [asdict(lease) for lease in leases] != before or not self.path.exists():
                self._write(leases)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _live(self, leases: list[Lease]) -> list[Lease]:
        """Drop the leases whose process has ended.

        A kernel that ended while its server runs keeps its lease for
        :attr:`grace` seconds: a restart announces itself only around the time
        the old process exits, and must find its lease again.
        """
        now = time.time()
        kept = []
        for lease in leases:
            if lease.alive():
                lease.dead_since = None
                kept.append(lease)
            elif lease.pid is not None and _alive(lease.owner_pid, lease.owner_started):
                if lease.dead_since is None:
                    lease.dead_since = now
                if now - lease.dead_since < self.grace:
                    kept.append(lease)
        return kept

    def _read(self) -> list[Lease]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return [Lease.from_dict(item) for item in data.get("leases", [])]
        except (OSError, ValueError, TypeError, AttributeError):
            # Missing or damaged: no lease survives a damaged file, live
            # kernels get theirs back when they restart.
            return []

    def _write(self, leases: list[Lease]) -> None:
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        payload = {"version": 1, "leases": [asdict(lease) for lease in leases]}
        temporary.write_text(json.dumps(payload, indent=1), encoding="utf-8")
        os.chmod(temporary, 0o600)
        os.replace(temporary, self.path)

    def leases(self) -> list[Lease]:
        """The live leases, lowest range first (stale ones are dropped from the file)."""
        with self._locked() as leases:
            return sorted(leases, key=lambda lease: lease.first)

    def acquire(
        self,
        kernel_id: str,
        instance_type: str,
        count: int,
        *,
        busy_outside: Iterable[int] = (),
        notebook: str | None = None,
        owner_pid: int | None = None,
    ) -> Lease:
        """The kernel's lease: its existing one (restart), else a new free aligned range.

        An existing lease whose kernel asked for another count (:meth:`want`)
        moves to a free range of that count (its own cores count as free).

        Raises:
            NoFreeRange: no aligned range of ``count`` cores is free.
            ValueError: unknown instance type or a count below 1.
        """
        spec = lookup_instance(instance_type)
        owner = os.getpid() if owner_pid is None else owner_pid
        outside = sorted({core for core in busy_outside if 0 <= core < spec.neuroncores})
        with self._locked() as leases:
            own = next((lease for lease in leases if lease.kernel_id == kernel_id), None)
            if own is not None:
                if notebook:
                    own.notebook = notebook
                if own.wanted is None or own.wanted == len(own.cores):
                    own.wanted = None
                    return own
                # A restart after a new count was asked for: the kernel's own
                # range counts as free for its new one.
                count = own.wanted
            taken = set(outside)
            for lease in leases:
                if lease is not own:
                    taken.update(lease.cores)
            free = [core for core in range(spec.neuroncores) if core not in taken]
            cores = aligned_core_range(spec, count, free)
            if cores is None:
                raise NoFreeRange(spec.name, count, sorted(leases, key=lambda x: x.first), outside)
            if own is not None:
                own.first, own.last, own.wanted = cores[0], cores[-1], None
                return own
            lease = Lease(
                kernel_id=kernel_id,
                first=cores[0],
                last=cores[-1],
                owner_pid=owner,
                owner_started=_start_time(owner),
                notebook=notebook,
            )
            leases.append(lease)
            return lease

    def set_pid(self, kernel_id: str, pid: int | None) -> Lease | None:
        """Record the kernel's process (``None`` while it restarts); the lease or ``None``."""
        with self._locked() as leases:
            for lease in leases:
                if lease.kernel_id == kernel_id:
                    lease.pid = pid
                    lease.pid_started = _start_time(pid)
                    if pid is None:
                        # The restarting server keeps the lease alive meanwhile.
                        lease.owner_pid = os.getpid()
                        lease.owner_started = _start_time(lease.owner_pid)
                    return lease
        return None

    def want(self, kernel_id: str, count: int) -> Lease | None:
        """Ask for ``count`` cores at the kernel's next restart; its lease or ``None``."""
        if count < 1:
            raise ValueError(f"At least one NeuronCore is needed, got {count}.")
        with self._locked() as leases:
            for lease in leases:
                if lease.kernel_id == kernel_id:
                    lease.wanted = None if count == len(lease.cores) else count
                    return lease
        return None

    def set_notebooks(self, notebooks: dict[str, str]) -> None:
        """Name the notebook of leases by kernel id (from the server's sessions)."""
        with self._locked() as leases:
            for lease in leases:
                name = notebooks.get(lease.kernel_id)
                if name and lease.notebook != name:
                    lease.notebook = name

    def release(self, kernel_id: str) -> bool:
        """Return the kernel's cores; whether it held any."""
        with self._locked() as leases:
            kept = [lease for lease in leases if lease.kernel_id != kernel_id]
            released = len(kept) != len(leases)
            leases[:] = kept
            return released
