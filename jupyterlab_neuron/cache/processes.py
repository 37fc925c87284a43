"""Is a Neuron compiler running? Decides "compiling" versus "stale lock".

A lock file in a cache entry means a compile is running there, or that one was
interrupted (Ctrl-C, a crashed kernel) and left the lock behind. The cache
itself cannot tell the two apart; a running ``neuronx-cc`` / ``neuron-cc``
process can. The probe reads ``/proc`` directly (no ``ps``), and is injected
so tests can stand in a fake process table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Protocol

#: Executable names of the Neuron compilers (2.x and the older inf1 one).
COMPILER_NAMES = frozenset({"neuronx-cc", "neuron-cc"})

#: Longest command line kept for display.
_COMMAND_DISPLAY_CHARS = 200


@dataclass(frozen=True)
class CompilerProcess:
    """One running Neuron compiler process."""

    pid: int
    name: str
    command: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"pid": self.pid, "name": self.name, "command": self.command}


class CompilerProbe(Protocol):
    """Anything that can list the running Neuron compiler processes."""

    def running_compilers(self) -> list[CompilerProcess]:
        """The Neuron compiler processes running now."""
        ...


def compiler_name(argv: list[str]) -> str | None:
    """The compiler name if ``argv`` runs a Neuron compiler, else ``None``.

    ``neuronx-cc`` is a Python console script, so the kernel records either the
    script itself as ``argv[0]`` or ``python .../neuronx-cc`` (``argv[1]``).
    """
    for position, argument in enumerate(argv[:2]):
        base = os.path.basename(argument)
        if base in COMPILER_NAMES:
            return base
        if position == 0 and not base.startswith("python"):
            return None
    return None


class ProcCompilerProbe:
    """Reads ``<proc_root>/<pid>/cmdline`` for every process."""

    def __init__(self, proc_root: str = "/proc") -> None:
        self.proc_root = proc_root

    def running_compilers(self) -> list[CompilerProcess]:
        """The Neuron compiler processes running now (empty if /proc is unreadable)."""
        found: list[CompilerProcess] = []
        try:
            names = os.listdir(self.proc_root)
        except OSError:
            return found
        for name in names:
            if not name.isdigit():
                continue
            try:
                with open(os.path.join(self.proc_root, name, "cmdline"), "rb") as handle:
                    raw = handle.read(4096)
            except OSError:
                continue  # the process ended meanwhile, or belongs to someone we cannot read
            argv = [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]
            compiler = compiler_name(argv)
            if compiler:
                command = " ".join(argv)[:_COMMAND_DISPLAY_CHARS]
                found.append(CompilerProcess(pid=int(name), name=compiler, command=command))
        found.sort(key=lambda process: process.pid)
        return found


class StaticCompilerProbe:
    """A fixed answer, for tests and for callers that already know."""

    def __init__(self, processes: list[CompilerProcess] | None = None) -> None:
        self.processes = list(processes or [])

    def running_compilers(self) -> list[CompilerProcess]:
        """The processes given at construction (or set later)."""
        return list(self.processes)
