"""``jupyter neuron doctor``: the environment report in a terminal.

Prints what the server's ``/jupyterlab-neuron/environment`` endpoint returns,
readable (Japanese or English) or as the same JSON (``--json``). Missing tools
or devices are part of the report, not errors: the exit status is 0 unless the
arguments are wrong.
"""

from __future__ import annotations

import argparse
import sys

from neuron_kernel_helpers.i18n import resolve_lang
from neuron_kernel_helpers.report import format_environment_text

from ..environment.service import EnvironmentService
from .arguments import (
    add_lang_argument,
    add_tools_path_arguments,
    instance_type_argument,
    positive_seconds,
    write_json,
)
from .config import server_settings


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
    add_lang_argument(parser, "report")
    add_tools_path_arguments(parser, "the Neuron tools")
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=positive_seconds,
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
        write_json(data)
    else:
        sys.stdout.write(format_environment_text(data, lang) + "\n")
    return 0
