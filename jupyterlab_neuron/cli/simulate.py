"""``jupyter neuron simulate``: the Neuron tools simulator, for demos and tests.

Each sub-command is a ``_register_*`` function listed in :data:`SUBCOMMANDS`;
add yours (for example ``monitor`` or ``cache``) the same way.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from neuron_kernel_helpers.i18n import Messages, resolve_lang

from ..simulator import FAILURE_MODES
from ..simulator.tools import write_tool_scripts
from .arguments import add_lang_argument, instance_type_argument
from .cache import register_simulate_cache
from .monitor import register_simulated_monitor

SubParsers = argparse._SubParsersAction  # type: ignore[type-arg]

TEXT = Messages(
    {
        "tools_written": {
            "en": "Simulated Neuron tools for {instance} written to {folder}. Their output "
            "is not from real hardware. Try: {command}",
            "ja": "{instance} のシミュレーション用の Neuron ツールを {folder} に書き出しました。"
            "出力は実際のハードウェアのものではありません。次のコマンドで試せます: {command}",
        },
        "tools_written_failing": {
            "en": "Simulated Neuron tools for {instance}, failing with '{mode}', written to "
            "{folder}. Their output is not from real hardware. Try: {command}",
            "ja": "{instance} のシミュレーション用の Neuron ツール（失敗モード: {mode}）を "
            "{folder} に書き出しました。出力は実際のハードウェアのものではありません。"
            "次のコマンドで試せます: {command}",
        },
    }
)


def _run_tools(args: argparse.Namespace) -> int:
    written = write_tool_scripts(args.dir, args.instance, fail=args.fail)
    for tool, path in written.items():
        print(f"{tool}: {path}")
    print(
        TEXT(
            "tools_written_failing" if args.fail else "tools_written",
            resolve_lang(args.lang),
            instance=args.instance,
            mode=args.fail,
            folder=args.dir,
            command=f"jupyter neuron doctor --tools-path {args.dir} --no-system-path",
        ),
        file=sys.stderr,
    )
    return 0


def _register_tools(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser(
        "tools",
        help="write simulated neuron-ls (and other tools) into a folder",
        description=(
            "Write executables named like the Neuron tools into DIR. They print what the "
            "real tools print on the given instance type (marked simulated)."
        ),
    )
    parser.add_argument(
        "--instance", required=True, type=instance_type_argument, help="instance type to simulate"
    )
    parser.add_argument("--dir", required=True, help="folder to write the tools into")
    parser.add_argument(
        "--fail",
        choices=tuple(FAILURE_MODES),
        help="make the tools fail: "
        + "; ".join(f"{mode}: {what}" for mode, what in FAILURE_MODES.items()),
    )
    add_lang_argument(parser)
    parser.set_defaults(func=_run_tools)


#: Every ``jupyter neuron simulate`` sub-command.
SUBCOMMANDS: tuple[Callable[[SubParsers], None], ...] = (
    _register_tools,
    register_simulated_monitor,
    register_simulate_cache,
)


def register(subparsers: SubParsers) -> None:
    """Add the ``simulate`` sub-command and its own sub-commands."""
    parser = subparsers.add_parser(
        "simulate",
        help="simulated Neuron tools for demos and tests",
        description="Simulated Neuron tools. Everything they produce is marked simulated.",
    )
    simulate_subparsers = parser.add_subparsers(dest="simulate_command", metavar="WHAT")
    for register_subcommand in SUBCOMMANDS:
        register_subcommand(simulate_subparsers)
    parser.set_defaults(func=lambda args: _missing_subcommand(parser))


def _missing_subcommand(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2
