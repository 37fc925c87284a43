"""Is a Neuron compiler running? Decides "compiling" versus "stale lock".

A lock file in a cache entry means a compile is running there, or that one was
interrupted (Ctrl-C, a crashed kernel) and left the lock behind. The cache
itself cannot tell the two apart; a running ``neuronx-cc`` / ``neuron-cc``
process can. The probe lists processes through psutil (Linux and macOS alike,
no ``ps``), and is injected so tests can stand in a fixed answer.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import psutil

#: Executable names of the Neuron compilers (2.x and the older inf1 one).
COMPILER_NAMES = frozenset({"neuronx-cc", "neuron-cc"})

#: Top-level Python packages of the compilers, for ``python -m <package>...``.
COMPILER_PACKAGES = {"neuronxcc": "neuronx-cc", "neuroncc": "neuron-cc"}

#: Interpreter options that take their value as the next argument.
_PYTHON_OPTIONS_WITH_VALUE = frozenset({"-W", "-X", "-Q"})

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

    ``neuronx-cc`` is a Python console script, so a compile shows up as the
    script itself (``neuronx-cc compile ...``), as ``python .../neuronx-cc ...``,
    or as the module form ``python -m neuronxcc.driver.CommandDriver ...``.
    """
    if not argv:
        return None
    first = os.path.basename(argv[0])
    if first in COMPILER_NAMES:
        return first
    if not first.startswith("python"):
        return None
    position = 1
    while position < len(argv):
        argument = argv[position]
        if argument == "-m" or (argument.startswith("-m") and not argument.startswith("--")):
            module = argument[2:] or (argv[position + 1] if position + 1 < len(argv) else "")
            return COMPILER_PACKAGES.get(module.split(".")[0])
        if argument in ("-c", "-") or argument.startswith("-c"):
            return None  # inline code or standard input: no compiler script
        if argument in _PYTHON_OPTIONS_WITH_VALUE:
            position += 2
            continue
        if argument.startswith("-"):
            position += 1
            continue
        base = os.path.basename(argument)
        return base if base in COMPILER_NAMES else None
    return None


def _all_command_lines() -> Iterable[tuple[int, list[str]]]:
    """``(pid, argv)`` of every process this user may see (psutil, any platform)."""
    for process in psutil.process_iter(["cmdline"], ad_value=None):
        argv = process.info.get("cmdline")
        if argv:  # None: not ours to read; empty: a kernel thread or a zombie
            yield process.pid, list(argv)


class PsutilCompilerProbe:
    """Lists the running compilers from every process's command line."""

    def __init__(
        self, command_lines: Callable[[], Iterable[tuple[int, list[str]]]] | None = None
    ) -> None:
        self.command_lines = command_lines or _all_command_lines

    def running_compilers(self) -> list[CompilerProcess]:
        """The Neuron compiler processes running now (empty if none can be read)."""
        found: list[CompilerProcess] = []
        try:
            for pid, argv in self.command_lines():
                compiler = compiler_name(argv)
                if compiler:
                    command = " ".join(argv)[:_COMMAND_DISPLAY_CHARS]
                    found.append(CompilerProcess(pid=pid, name=compiler, command=command))
        except (psutil.Error, OSError):
            pass  # a process table that cannot be listed at all: nothing is known to run
        found.sort(key=lambda process: process.pid)
        return found


class StaticCompilerProbe:
    """A fixed answer, for tests and for callers that already know."""

    def __init__(self, processes: list[CompilerProcess] | None = None) -> None:
        self.processes = list(processes or [])

    def running_compilers(self) -> list[CompilerProcess]:
        """The processes given at construction (or set later)."""
        return list(self.processes)
