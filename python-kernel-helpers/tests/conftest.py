"""Fixtures: fake Neuron tools as small shell scripts in a temporary folder."""

from __future__ import annotations

import json
import shlex
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

GIB = 1024**3

FakeTool = Callable[..., Path]


def device(index: int, cores: int = 2, **extra: Any) -> dict[str, Any]:
    """One ``neuron-ls -j`` device object, numbered like the real tool."""
    entry: dict[str, Any] = {
        "neuron_device": index,
        "bdf": f"00:{0x1E + index:02x}.0",
        "cpu_affinity": "0-7",
        "numa_node": "-1",
        "connected_to": None,
        "nc_count": cores,
        "memory_size": 32 * GIB,
        "neuroncore_ids": list(range(index * cores, index * cores + cores)),
        "neuron_processes": [],
    }
    entry.update(extra)
    return entry


def write_script(path: Path, body: str) -> Path:
    """Write an executable ``/bin/sh`` script."""
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def process_alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie (zombies may linger unreaped)."""
    psutil = pytest.importorskip("psutil")
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture
def fake_tool(tmp_path: Path) -> FakeTool:
    """Factory writing a fake ``neuron-ls`` (or another tool) into ``tmp_path/bin``.

    ``json_out`` is printed for ``-j``, ``table_out`` otherwise; ``exit_status``
    and ``stderr`` apply to both; ``body`` replaces the script entirely.
    """

    def make(
        *,
        json_out: Any = None,
        table_out: str = "",
        exit_status: int = 0,
        stderr: str = "",
        body: str | None = None,
        name: str = "neuron-ls",
        folder: str = "bin",
    ) -> Path:
        directory = tmp_path / folder
        directory.mkdir(exist_ok=True)
        if body is None:
            json_text = json_out if isinstance(json_out, str) else json.dumps(json_out)
            if json_out is None:
                json_text = ""
            lines = [
                'if [ "$1" = "-j" ]; then',
                f"  printf '%s' {shlex.quote(json_text)}",
                "else",
                f"  printf '%s' {shlex.quote(table_out)}",
                "fi",
            ]
            if stderr:
                lines.append(f"printf '%s\\n' {shlex.quote(stderr)} >&2")
            lines.append(f"exit {exit_status}")
            body = "\n".join(lines) + "\n"
        return write_script(directory / name, body)

    return make
