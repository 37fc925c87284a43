"""Fixtures of the cache tests: a cache root in ``tmp_path``, a fake process
table, a scanner, a folder outside every root that must stay intact, a service
on the root and its cleaning, and ``jupyter neuron cache`` run in the test's
process on chosen roots."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_neuron.cache.actions import CleanRequest
from jupyterlab_neuron.cache.processes import StaticCompilerProbe
from jupyterlab_neuron.cache.scanner import CompileCacheScanner
from jupyterlab_neuron.cache.service import CacheServiceConfig, CompileCacheService
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


def mode_bits_access(path: str, mode: int) -> bool:
    """``os.access`` as an unprivileged owner sees it (tests may run as root,
    which ignores permission bits)."""
    bits = stat.S_IMODE(os.stat(path).st_mode)
    wanted = {os.R_OK: 0o400, os.W_OK: 0o200, os.X_OK: 0o100}
    return all(bits & wanted[flag] for flag in wanted if mode & flag)


class FakeMonitor:
    """Stands in for the monitor service: which models are loaded."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths

    def loaded_model_paths(self) -> set[str]:
        return set(self.paths)


def make_service(
    tree: CacheTree,
    probe: StaticCompilerProbe,
    monitor: FakeMonitor | None = None,
    **config: Any,
) -> CompileCacheService:
    """A service on ``tree``'s root only, with the fake process table (and monitor)."""
    return CompileCacheService(
        CacheServiceConfig(cli_roots=[str(tree.root)], only_cli_roots=True, **config),
        compiler_probe=probe,
        loaded_models=(lambda: monitor) if monitor is not None else None,
    )


def ids(service: CompileCacheService, *modules: str) -> tuple[str, ...]:
    """The entry ids of ``modules``, from a fresh scan."""
    by_module = {entry.module: entry.id for entry in service.snapshot(refresh=True).entries}
    return tuple(by_module[module] for module in modules)


def present(tree: CacheTree) -> set[str]:
    """The entry folder names left in ``tree``'s version folders."""
    return {
        path.name
        for version in tree.root.iterdir()
        if version.name.startswith(("neuronxcc-", "USER_"))
        for path in version.iterdir()
    }


def clean_as_planned(service: CompileCacheService, request: CleanRequest) -> dict[str, Any]:
    """The dry run of ``request``, then the cleaning of exactly that plan (English JSON)."""
    plan = service.plan(request)
    return service.clean(request, plan.token).to_dict("en")
