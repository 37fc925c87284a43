"""Options and argument types that several ``jupyter neuron`` sub-commands share.

A sub-command adds them with these functions rather than spelling them out, so
``--lang``, ``--tools-path``, instance types and durations mean the same thing
(and are checked the same way) everywhere.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from neuron_kernel_helpers.i18n import LANGUAGES
from neuron_kernel_helpers.instances import INSTANCE_TYPES

from ..simulator.arguments import one_of

#: argparse type: a known instance type name (the simulated tools check theirs the same way).
instance_type_argument = one_of("instance type", INSTANCE_TYPES)


def positive_seconds(value: str) -> float:
    """argparse type: a number of seconds greater than zero."""
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {value!r}")
    return seconds


def add_lang_argument(parser: argparse.ArgumentParser, what: str = "text") -> None:
    """``--lang ja|en``: the language of ``what`` (default: from the locale)."""
    parser.add_argument(
        "--lang", choices=LANGUAGES, help=f"language of the {what} (default: from the locale)"
    )


def add_tools_path_arguments(parser: argparse.ArgumentParser, tools: str) -> None:
    """``--tools-path DIR...`` and ``--no-system-path``: where ``tools`` are looked for."""
    parser.add_argument(
        "--tools-path",
        metavar="DIR",
        nargs="+",
        action="extend",
        help=f"folders searched for {tools}, before PATH (default: /opt/aws/neuron/bin)",
    )
    parser.add_argument(
        "--no-system-path", action="store_true", help=f"do not search PATH for {tools}"
    )


def write_json(payload: Any, out: TextIO | None = None) -> None:
    """What ``--json`` prints: indented JSON (UTF-8 text as is) and a newline."""
    stream = out or sys.stdout
    stream.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
