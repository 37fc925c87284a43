"""The README's two commands: `make demo` needs no apt, `make test` says what it misses."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MAKE = shutil.which("make")

pytestmark = pytest.mark.skipif(MAKE is None, reason="needs GNU make")


def bare_path(tmp_path: Path) -> str:
    """A PATH with only the shell tools the Makefile itself uses: no apt-get, sudo, chromium."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("bash", "sh", "id", "find"):
        found = shutil.which(tool)
        assert found is not None, tool
        (folder / tool).symlink_to(found)
    return str(folder)


def test_make_test_names_the_missing_debian_packages_without_apt(tmp_path: Path) -> None:
    assert MAKE is not None
    result = subprocess.run(
        [MAKE, "--no-print-directory", "system-deps"],
        cwd=REPO,
        env={**os.environ, "PATH": bare_path(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    out = result.stdout
    missing = "chromium prometheus"
    if not Path("/usr/share/fonts/opentype/noto").is_dir():
        missing += " fonts-noto-cjk"
    assert f"make test needs these Debian packages, which are not installed: {missing}\n" in out
    assert "  chromium        the browser for the Galata tests" in out
    assert "  prometheus      'promtool'" in out
    assert f"sudo apt-get install {missing}\n" in out
    assert "make demo needs none of them" in out
    assert "Installing" not in out


def test_make_test_checks_debian_packages_first_and_demo_not_at_all() -> None:
    assert MAKE is not None
    database = subprocess.run(
        [MAKE, "-pn", "--no-print-directory", "demo"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    rules = {
        line.split(":", 1)[0]: line.split(":", 1)[1].split()
        for line in database.splitlines()
        if line.startswith(("test:", "demo:"))
    }
    assert rules["test"][0] == "system-deps"
    assert "system-deps" not in rules["demo"]
    assert "kernel-env" not in rules["demo"]


def test_set_up_names_a_missing_python_or_npm(tmp_path: Path) -> None:
    assert MAKE is not None
    work = tmp_path / "clone"
    (work / "python-kernel-helpers").mkdir(parents=True)
    shutil.copy(REPO / "Makefile", work / "Makefile")
    for name in ("pyproject.toml", "python-kernel-helpers/pyproject.toml", "package.json"):
        (work / name).write_text("")

    def make(target: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [MAKE, "--no-print-directory", target],
            cwd=work,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )

    old = make(".make/python-deps", PYTHON=str(tmp_path / "python3.9"))
    assert old.returncode != 0
    assert old.stdout.splitlines()[:2] == [
        f"Python 3.10 or later is needed; '{tmp_path / 'python3.9'}' is not found.",
        "Name another interpreter, e.g.: make PYTHON=python3.12 .make/python-deps",
    ]
    no_node = make(".make/node-deps", PATH=bare_path(tmp_path))
    assert no_node.returncode != 0
    assert no_node.stdout.startswith(
        "Node.js 20 or later with npm is needed to build the front end (found: none)"
    )
    old_node = tmp_path / "old-node"
    old_node.mkdir()
    # A Node.js 18: answers --version, and its version check (node -e ...) fails.
    node = 'if [ "$1" = --version ]; then echo v18.19.0; else exit 1; fi'
    for name, script in (("node", node), ("npm", "exit 0")):
        (old_node / name).write_text(f"#!/bin/sh\n{script}\n")
        (old_node / name).chmod(0o755)
    too_old = make(".make/node-deps", PATH=f"{old_node}:{tmp_path / 'bin'}")
    assert too_old.returncode != 0
    assert "with npm is needed to build the front end (found: v18.19.0)" in too_old.stdout
    assert not (work / ".venv").exists() and not (work / ".make").exists()
