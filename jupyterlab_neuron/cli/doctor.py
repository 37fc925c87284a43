"""``jupyter neuron doctor``: the environment report in a terminal.

Prints what the server's ``/jupyterlab-neuron/environment`` endpoint returns,
readable (Japanese or English) or as the same JSON (``--json``). Missing tools
or devices are part of the report, not errors: the exit status is 0 unless the
arguments are wrong.
"""

from __future__ import annotations

import argparse
import json
import sys

from neuron_kernel_helpers.i18n import resolve_lang
from neuron_kernel_helpers.instances import INSTANCE_TYPES
from neuron_kernel_helpers.report import format_environment_text

from ..environment.service import EnvironmentService
from .config import server_settings


def instance_type_argument(value: str) -> str:
    """argparse type: a known instance type name."""
    if value not in INSTANCE_TYPES:
        known = ", ".join(INSTANCE_TYPES)
        raise argparse.ArgumentTypeError(f"unknown instance type {value!r} (known: {known})")
    return value


def _positive_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {value!r}")
    return seconds


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``doctor`` sub-command."""
    parser = subparsers.add_parser(
        "doctor",
        help="report the Neuron devices, tools, packages and compile cache",
        description=(
            "Report the Neuron environment: devices and NeuronCores (neuron-ls), instance "
            "type, Neuron package versions, compile cache root, and problems found. "
            "Settings default to the server's (JUPYTERLAB_NEURON_* variables)."
        ),
    )
    parser.add_argument(
        "--simulate",
        metavar="INSTANCE",
        type=instance_type_argument,
        help="use the bundled simulator for this instance type (e.g. trn1.2xlarge)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--lang", choices=("ja", "en"), help="language of the report (default: from the locale)"
    )
    parser.add_argument(
        "--tools-path",
        metavar="DIR",
        nargs="+",
        action="extend",
        help="folders searched for the Neuron tools, before PATH (default: /opt/aws/neuron/bin)",
    )
    parser.add_argument(
        "--no-system-path", action="store_true", help="do not search PATH for the Neuron tools"
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_positive_seconds,
        help="seconds neuron-ls may take before it is stopped (default: 10)",
    )
    parser.add_argument(
        "--python",
        metavar="PYTHON",
        help="interpreter whose packages are listed, e.g. the kernel's (default: this one)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Collect and print the report."""
    lang = resolve_lang(args.lang)
    settings = server_settings()
    if args.simulate:
        settings.simulate = args.simulate
    if args.tools_path:
        settings.tools_path = list(args.tools_path)
    if args.no_system_path:
        settings.search_system_path = False
    if args.timeout:
        settings.tool_timeout = args.timeout
    if args.python:
        settings.packages_python = args.python
    service = EnvironmentService.from_settings(settings)
    try:
        report = service.refresh()
    finally:
        service.close()
    data = report.to_dict(lang)
    if args.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(format_environment_text(data, lang) + "\n")
    return 0
