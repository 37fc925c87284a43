from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

from neuron_kernel_helpers.packages import NEURON_PACKAGES, installed_versions, package_versions

from .conftest import write_script


def test_names_listed_in_report_order() -> None:
    assert NEURON_PACKAGES == (
        "torch-neuronx",
        "neuronx-cc",
        "libneuronxla",
        "torch-xla",
        "transformers",
        "optimum-neuron",
    )


def test_installed_versions_in_this_interpreter() -> None:
    versions = installed_versions(["pytest", "no-such-package-for-sure"])
    assert versions == {"pytest": metadata.version("pytest"), "no-such-package-for-sure": None}


def test_this_interpreter_is_read_in_process() -> None:
    report = package_versions(sys.executable, ["pytest"])
    assert report.python == sys.executable
    assert report.versions["pytest"] == metadata.version("pytest")
    assert report.error is None


def test_another_interpreter_is_asked_in_a_subprocess(tmp_path: Path) -> None:
    # A wrapper is a different file from sys.executable, so the subprocess path is taken.
    other = write_script(tmp_path / "python", f'exec {sys.executable} "$@"\n')
    report = package_versions(str(other), ["pytest", "no-such-package-for-sure"])
    assert report.error is None
    assert report.python == str(other)
    assert report.versions == {
        "pytest": metadata.version("pytest"),
        "no-such-package-for-sure": None,
    }


def test_missing_interpreter_is_an_error_not_an_exception(tmp_path: Path) -> None:
    report = package_versions(str(tmp_path / "nope" / "python"), ["pytest"])
    assert report.error
    assert report.versions == {"pytest": None}


def test_hanging_interpreter_times_out(tmp_path: Path) -> None:
    hanging = write_script(tmp_path / "python", "exec sleep 30\n")
    report = package_versions(str(hanging), ["pytest"], timeout=1)
    assert report.error is not None and "1 s" in report.error
    assert report.versions == {"pytest": None}


def test_interpreter_printing_garbage(tmp_path: Path) -> None:
    broken = write_script(tmp_path / "python", "echo not json\n")
    report = package_versions(str(broken), ["pytest"])
    assert report.error == "not json"


def test_failing_interpreter_reports_stderr(tmp_path: Path) -> None:
    failing = write_script(tmp_path / "python", "echo boom >&2\nexit 3\n")
    assert package_versions(str(failing), ["pytest"]).error == "boom"
