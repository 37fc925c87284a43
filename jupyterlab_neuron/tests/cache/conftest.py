"""Fixtures of the cache tests: a cache root in ``tmp_path``, a fake process
table, a scanner, and a folder outside every root that must stay intact."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyterlab_neuron.cache.processes import StaticCompilerProbe
from jupyterlab_neuron.cache.scanner import CompileCacheScanner

from .builders import CacheTree, write


@pytest.fixture
def tree(tmp_path: Path) -> CacheTree:
    """An empty cache root folder."""
    root = tmp_path / "cache"
    root.mkdir()
    write(root / "lock")
    return CacheTree(root)


@pytest.fixture
def probe() -> StaticCompilerProbe:
    """No compiler running, unless a test adds one."""
    return StaticCompilerProbe()


@pytest.fixture
def scanner(probe: StaticCompilerProbe) -> CompileCacheScanner:
    """A scanner on the fake process table."""
    return CompileCacheScanner(compiler_probe=probe)


@pytest.fixture
def outside(tmp_path: Path) -> Iterator[Path]:
    """A folder outside every cache root, with a file that must never be touched."""
    folder = tmp_path / "outside"
    folder.mkdir()
    write(folder / "precious.bin", b"x" * 5000)
    write(folder / "model.neff", b"y" * 7000)
    write(folder / "model.done", b"")
    yield folder
    # Whatever a test did, the outside world is intact.
    assert (folder / "precious.bin").read_bytes() == b"x" * 5000
    assert (folder / "model.neff").stat().st_size == 7000
