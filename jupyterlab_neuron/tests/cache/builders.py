"""Builders of small compile-cache trees for the cache tests.

Each builder writes what the Neuron SDK writes for one entry state and naming
generation (see the Neuron reference, section 5), with controlled times.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from jupyterlab_neuron.cache.processes import CompilerProcess, StaticCompilerProbe
from jupyterlab_neuron.cache.roots import CacheRoot, describe_root
from jupyterlab_neuron.cache.scanner import CacheSnapshot, CompileCacheScanner

V2024 = "neuronxcc-2.15.128.0+56dc5a86"
V2023 = "neuronxcc-2.8.0.25+a3ad0f342"
V2022 = "USER_neuroncc-2.4.0.21+b7621be18"

#: Entry (module) folder names: 2024 naming (``+`` hash), 2023, 2022 and its inner folder.
M1 = "MODULE_11111111111111111111+d41d8cd9"
M2 = "MODULE_22222222222222222222+d41d8cd9"
M3 = "MODULE_33333333333333333333+d41d8cd9"
M4 = "MODULE_44444444444444444444+d41d8cd9"
M24 = "MODULE_98ba4c9111d5882d2331+39f12043"
M24B = "MODULE_0123456789abcdef0123+d41d8cd9"
M23 = "MODULE_10344627350939427397+39f12043"
M22 = "MODULE_10344627350939427397"
INNER = "MODULE_0_SyncTensorsGraph.314_10344627350939427397_ip-172-31-60-112-3ba6bb0f"

#: A long time ago, so every lock written at this time is stale.
OLD = time.time() - 7 * 86400


def write(path: Path, data: bytes | str = b"", when: float = OLD) -> Path:
    """Write a file and set its times."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    os.utime(path, (when, when))
    return path


@dataclass
class CacheTree:
    """A cache root under construction."""

    root: Path
    made: dict[str, Path] = field(default_factory=dict)

    def entry(
        self,
        version: str,
        module: str,
        state: str,
        *,
        size: int = 1000,
        when: float = OLD,
        flags: list[str] | None = None,
        log: str = "ERROR [neuronx-cc]: compilation failed\n",
        lock_when: float | None = None,
        inner: str | None = None,
    ) -> Path:
        """Write an entry in ``state`` (success, failed, locked, empty).

        ``inner`` puts the files one folder deeper (2022 layout).
        """
        entry_dir = self.root / version / module
        files_dir = entry_dir / inner if inner else entry_dir
        graph = "model.hlo_module.pb" if version == V2024 else "model.hlo.pb"
        write(files_dir / graph, b"g" * size, when)
        if flags is not None:
            write(files_dir / "compile_flags.json", json.dumps(flags), when)
        if state == "success":
            write(files_dir / "model.neff", b"n" * size * 2, when)
            write(files_dir / "model.done", b"", when)
        elif state == "failed":
            write(files_dir / "model.log", log, when)
        elif state == "locked":
            write(files_dir / (graph + ".lock"), b"", lock_when if lock_when else when)
        elif state != "empty":
            raise ValueError(state)
        os.utime(files_dir, (when, when))
        os.utime(entry_dir, (when, when))
        self.made[module] = entry_dir
        return entry_dir

    def describe(self) -> CacheRoot:
        """The root as discovery would describe it."""
        return describe_root(str(self.root), ["cli"])


def running(probe: StaticCompilerProbe) -> None:
    """Pretend a neuronx-cc process runs."""
    probe.processes = [CompilerProcess(pid=4242, name="neuronx-cc", command="neuronx-cc compile")]


def scan(scanner: CompileCacheScanner, tree: CacheTree, **options: object) -> CacheSnapshot:
    """Scan one tree."""
    return scanner.scan([tree.describe()], **options)  # type: ignore[arg-type]
