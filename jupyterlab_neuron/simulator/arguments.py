"""Command-line options every simulated tool shares."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable

from neuron_kernel_helpers.instances import INSTANCE_TYPES

from . import FAIL_ENV, FAILURE_MODES

#: Environment variable naming the simulated instance type (set by the wrappers).
INSTANCE_ENV = "JUPYTERLAB_NEURON_SIMULATE"


def one_of(kind: str, known: Iterable[str]) -> Callable[[str], str]:
    """An argparse ``type`` accepting only ``known`` values, naming them when refused."""
    names = tuple(known)

    def check(value: str) -> str:
        if value not in names:
            raise argparse.ArgumentTypeError(
                f"unknown {kind} {value!r} (known: {', '.join(names)})"
            )
        return value

    return check


def add_instance_argument(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    """``--instance TYPE``: required unless :data:`INSTANCE_ENV` gives it."""
    default = os.environ.get(INSTANCE_ENV) or None
    parser.add_argument(
        "--instance",
        type=one_of("instance type", INSTANCE_TYPES),
        default=default,
        required=required and default is None,
        help=f"instance type to simulate (default: ${INSTANCE_ENV})",
    )


def add_fail_argument(parser: argparse.ArgumentParser) -> None:
    """``--fail MODE``: one of :data:`FAILURE_MODES` (else :data:`FAIL_ENV` decides)."""
    parser.add_argument(
        "--fail",
        type=one_of("failure mode", FAILURE_MODES),
        default=None,
        metavar="MODE",
        help=f"simulate a failure: {', '.join(FAILURE_MODES)} (default: ${FAIL_ENV})",
    )
