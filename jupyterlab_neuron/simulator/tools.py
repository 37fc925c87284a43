"""Folders of simulated tool executables, named like the real Neuron tools.

Each file is a tiny shell script that runs this interpreter's simulator module,
so whatever runs the real tools (the server, ``jupyter neuron doctor``) runs
these through the same subprocess and parsing code.
"""

from __future__ import annotations

import atexit
import shlex
import shutil
import site
import stat
import sys
import tempfile
import threading
from pathlib import Path

from neuron_kernel_helpers.instances import INSTANCE_TYPES

from . import FAILURE_MODES

#: Simulated tools: executable name -> simulator sub-command.
SIMULATED_TOOLS: dict[str, str] = {
    "neuron-ls": "neuron-ls",
    "neuron-monitor": "neuron-monitor",
}

_SCRIPT = """#!/bin/sh
# Simulated {tool} for {instance}, written by jupyterlab-neuron.
# Its output does not come from real Neuron hardware.
{pythonpath}exec {python} -W ignore -m jupyterlab_neuron.simulator \\
    {command} --instance {instance}{fail} "$@"
"""


def _import_roots() -> list[str]:
    """Folders that must be on ``sys.path`` for the simulator to import.

    Empty for a normal installation; in a source checkout, the checkout.
    """
    import jupyterlab_neuron
    import neuron_kernel_helpers

    standard = {str(Path(p).resolve()) for p in site.getsitepackages()}
    user_site = site.getusersitepackages()
    if user_site:
        standard.add(str(Path(user_site).resolve()))
    roots: list[str] = []
    for package in (jupyterlab_neuron, neuron_kernel_helpers):
        root = str(Path(package.__file__).resolve().parent.parent)
        if root not in standard and root not in roots:
            roots.append(root)
    return roots


def write_tool_scripts(
    directory: str | Path,
    instance: str,
    *,
    fail: str | None = None,
    python: str | None = None,
) -> dict[str, Path]:
    """Write one executable per simulated tool into ``directory`` (created if needed).

    Args:
        directory: where the executables go.
        instance: the instance type to simulate (a key of ``INSTANCE_TYPES``).
        fail: a failure mode baked into the scripts (see ``FAILURE_MODES``);
            without it the ``JUPYTERLAB_NEURON_SIMULATOR_FAIL`` variable decides
            at run time.
        python: the interpreter the scripts run (default: this one).

    Returns:
        Tool name -> path of its executable.

    Raises:
        ValueError: unknown instance type or failure mode.
    """
    if instance not in INSTANCE_TYPES:
        raise ValueError(f"Unknown instance type: {instance!r}")
    if fail is not None and fail not in FAILURE_MODES:
        raise ValueError(f"Unknown failure mode: {fail!r}")
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    roots = _import_roots()
    pythonpath = ""
    if roots:
        joined = shlex.quote(":".join(roots))
        pythonpath = f'PYTHONPATH={joined}"${{PYTHONPATH:+:$PYTHONPATH}}"\nexport PYTHONPATH\n'
    written: dict[str, Path] = {}
    for tool, command in SIMULATED_TOOLS.items():
        path = folder / tool
        path.write_text(
            _SCRIPT.format(
                tool=tool,
                instance=instance,
                python=shlex.quote(python or sys.executable),
                pythonpath=pythonpath,
                command=shlex.quote(command),
                fail=f" --fail {shlex.quote(fail)}" if fail else "",
            ),
            encoding="utf-8",
        )
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        written[tool] = path
    return written


class SimulatedToolsFolder:
    """A temporary folder of simulated tools, created on first use.

    Removed by :meth:`close`, or when the process exits.
    """

    def __init__(self, instance: str, *, fail: str | None = None) -> None:
        if instance not in INSTANCE_TYPES:
            raise ValueError(f"Unknown instance type: {instance!r}")
        self.instance = instance
        self.fail = fail
        self._path: Path | None = None
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        """The folder, written when first asked for."""
        with self._lock:
            if self._path is None:
                path = Path(tempfile.mkdtemp(prefix="jupyterlab-neuron-simulated-"))
                write_tool_scripts(path, self.instance, fail=self.fail)
                atexit.register(self.close)
                self._path = path
            return self._path

    def close(self) -> None:
        """Remove the folder (safe to call more than once)."""
        with self._lock:
            if self._path is not None:
                shutil.rmtree(self._path, ignore_errors=True)
                atexit.unregister(self.close)
                self._path = None
