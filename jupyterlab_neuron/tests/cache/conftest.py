"""Fixtures of the cache tests: a cache root in ``tmp_path``, a fake process
table, a scanner, a folder outside every root that must stay intact, and
``jupyter neuron cache`` run in the test's process on chosen roots."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_neuron.cache.processes import StaticCompilerProbe
from jupyterlab_neuron.cache.scanner import CompileCacheScanner
from jupyterlab_neuron.cli import main

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


@pytest.fixture
def cli_isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No cache root from the environment, and ``tmp_path`` as the working folder."""
    for name in ("NEURON_CC_FLAGS", "NEURON_COMPILE_CACHE_URL", "JUPYTERLAB_NEURON_CACHE_ROOTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


class CacheCommand:
    """``jupyter neuron cache <command> --root ...`` in this process, on fixed roots."""

    def __init__(self, capsys: pytest.CaptureFixture[str], *roots: str | Path) -> None:
        self.capsys = capsys
        self.root_options = [option for root in roots for option in ("--root", str(root))]

    def __call__(self, command: str, *argv: str) -> int:
        """The exit status; the output stays in ``capsys`` for :meth:`out` and :meth:`err`."""
        return main(["cache", command, *self.root_options, *argv])

    def json(self, command: str, *argv: str) -> Any:
        """The parsed output of a ``--json`` run, which must succeed."""
        assert self(command, *argv, "--json") == 0
        return json.loads(self.out())

    def out(self) -> str:
        """What was printed since the last read."""
        return self.capsys.readouterr().out

    def err(self) -> str:
        """What went to stderr since the last read."""
        return self.capsys.readouterr().err
