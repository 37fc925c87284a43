"""Versions of the Python packages that matter on a Neuron instance.

The notebook kernel often runs in its own virtual environment (the AMI's
``aws_neuron_venv_pytorch``), not the Jupyter server's. So besides the current
interpreter, another interpreter can be asked, in a subprocess with a timeout.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata

from .command_runner import DETAIL_CHARS, run_command

#: The packages the environment report lists, in display order.
NEURON_PACKAGES: tuple[str, ...] = (
    "torch-neuronx",
    "neuronx-cc",
    "libneuronxla",
    "torch-xla",
    "transformers",
    "optimum-neuron",
)

# Runs in the other interpreter (any Python 3.8+): package names come as
# arguments, the answer is one JSON object on stdout.
_VERSIONS_SCRIPT = """
import json, sys
from importlib import metadata
found = {}
for name in sys.argv[1:]:
    version = None
    for spelling in (name, name.replace("-", "_")):
        try:
            version = metadata.version(spelling)
            break
        except Exception:
            pass
    found[name] = version
print(json.dumps(found))
"""


@dataclass(frozen=True)
class PackageVersions:
    """Versions (``None`` = not installed) of packages in one interpreter."""

    python: str
    versions: dict[str, str | None]
    #: Why the versions could not be read (then every version is ``None``).
    error: str | None = None


def installed_versions(names: Sequence[str] = NEURON_PACKAGES) -> dict[str, str | None]:
    """Versions of ``names`` in the current interpreter, ``None`` when not installed."""
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _is_current_interpreter(python: str) -> bool:
    try:
        return os.path.samefile(python, sys.executable)
    except OSError:
        return False


def package_versions(
    python: str | None = None,
    names: Sequence[str] = NEURON_PACKAGES,
    *,
    timeout: float = 20.0,
) -> PackageVersions:
    """Versions of ``names`` in interpreter ``python`` (default: this one).

    Another interpreter is asked with ``python -c`` under ``timeout``; a failure
    is reported in ``error``, never raised.
    """
    if not python or _is_current_interpreter(python):
        return PackageVersions(python or sys.executable, installed_versions(names))
    nothing: dict[str, str | None] = dict.fromkeys(names)
    run = run_command([python, "-c", _VERSIONS_SCRIPT, *names], timeout=timeout)
    if run.not_found or run.launch_error:
        return PackageVersions(python, nothing, error=run.launch_error or "not found")
    if run.timed_out:
        return PackageVersions(python, nothing, error=f"no answer within {timeout:g} s")
    if run.exit_status != 0:
        detail = run.stderr_tail or f"exit status {run.exit_status}"
        return PackageVersions(python, nothing, error=detail)
    try:
        answer = json.loads(run.stdout)
    except ValueError:
        return PackageVersions(python, nothing, error=run.stdout.strip()[:DETAIL_CHARS])
    if not isinstance(answer, dict):
        return PackageVersions(python, nothing, error="unexpected answer")
    versions = {name: _version_text(answer.get(name)) for name in names}
    return PackageVersions(python, versions)


def _version_text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
