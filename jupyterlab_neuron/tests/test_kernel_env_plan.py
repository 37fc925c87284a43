"""scripts/kernel_env_plan.py: the plan make-kernel-env.sh prints before installing."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "kernel_env_plan.py"


@pytest.fixture(scope="module")
def plan() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kernel_env_plan", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["kernel_env_plan"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def entry(name: str, version: str, url: str) -> dict:
    """One item of pip's installation report (the fields the plan reads)."""
    return {
        "download_info": {"url": url, "archive_info": {"hashes": {"sha256": "0" * 64}}},
        "is_direct": False,
        "requested": name == "torch",
        "metadata": {"metadata_version": "2.1", "name": name, "version": version},
    }


def write_report(path: Path, items: list[dict]) -> Path:
    path.write_text(json.dumps({"version": "1", "pip_version": "26.0", "install": items}))
    return path


def test_torch_build_kind(plan: ModuleType) -> None:
    download = plan.Download
    pypi = "https://files.example.org/t.whl"
    assert plan.torch_kind([download("torch", "2.13.0+cpu", pypi)]) == "cpu"
    assert plan.torch_kind([download("torch", "2.13.0+cu128", pypi)]) == "cuda"
    cuda_deps = [download("torch", "2.13.0", pypi), download("nvidia-cublas", "13.1", pypi)]
    assert plan.torch_kind(cuda_deps, platform="linux") == "cuda"
    assert plan.torch_kind([download("torch", "2.13.0", pypi)], platform="darwin") == "cpu"
    assert plan.torch_kind([download("torch", "2.13.0", pypi)], platform="linux") == "default"
    assert plan.torch_kind([download("numpy", "2.0", pypi)]) == "installed"


def test_sizes_are_read_from_local_files(plan: ModuleType, tmp_path: Path) -> None:
    wheel = tmp_path / "dir with space" / "torch-2.13.0+cpu-cp311-none-any.whl"
    wheel.parent.mkdir()
    wheel.write_bytes(b"x" * 1234)
    assert plan.size_of(wheel.as_uri()) == 1234
    assert plan.size_of((tmp_path / "missing.whl").as_uri()) is None
    assert plan.size_of("git+https://example.org/x") is None
    assert [plan.human(n) for n in (None, 999, 12_345, 191_794_682, 2_900_000_000)] == [
        "?",
        "999 B",
        "12 kB",
        "192 MB",
        "2.9 GB",
    ]


def test_plan_names_the_big_downloads_and_the_local_ones(
    plan: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local = tmp_path / "wheels" / "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl"
    local.parent.mkdir()
    local.write_bytes(b"t" * 2_000_000)
    items = [entry("torch", "2.13.0+cpu", local.as_uri())]
    items += [
        entry(f"pkg{n}", "1.0", f"https://files.example.org/pkg{n}-1.0-py3-none-any.whl")
        for n in range(14)
    ]
    report = write_report(tmp_path / "report.json", items)
    downloads = plan.read_report(str(report))
    for number, download in enumerate(downloads[1:]):
        download.size = 1000 * (number + 1)
    downloads[0].size = plan.size_of(downloads[0].url)
    lines = plan.plan_lines(downloads, plan.torch_kind(downloads))
    assert lines[0] == (
        "About to install 15 packages (2 MB); 14 of them are downloaded (105 kB),"
        " the others come from local folders:"
    )
    assert lines[1].split()[:4] == ["torch", "2.13.0+cpu", "2", "MB"]
    assert lines[1].endswith(str(local.parent))
    assert len(lines) == 1 + plan.LISTED + 2
    assert lines[-2] == "  ... and 3 smaller packages, 6 kB"
    assert lines[-1] == f"torch 2.13.0+cpu is a CPU build, from {local.parent}."

    assert plan.main([str(report), "--no-sizes"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "About to install 15 packages (sizes unknown); 14 of them are downloaded"
        " (size unknown), the others come from local folders:"
    )
    assert out[-1] == f"torch: 2.13.0+cpu cpu {local.parent}"


def test_nothing_to_install(
    plan: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = write_report(tmp_path / "report.json", [])
    assert plan.main([str(report)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Everything is installed already: nothing to download.",
        "torch: installed",
    ]
