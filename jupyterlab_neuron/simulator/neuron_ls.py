"""The simulated ``neuron-ls``: JSON (``-j``) and table output, and failure modes."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import TextIO

from neuron_kernel_helpers.instances import INSTANCE_TYPES, InstanceType

from . import FAIL_ENV, FAILURE_MODES
from .arguments import add_fail_argument, add_instance_argument
from .devices import simulated_devices, simulated_instance_id

#: The sub-command name, which is also the simulated tool's file name.
NAME = "neuron-ls"

GIB = 1024**3


def render_json(spec: InstanceType) -> str:
    """``neuron-ls -j`` output for ``spec``."""
    return json.dumps(simulated_devices(spec), indent=4) + "\n"


def _id_ranges(ids: list[int]) -> str:
    return f"{ids[0]}-{ids[-1]}" if len(ids) > 1 else str(ids[0])


def render_table(spec: InstanceType) -> str:
    """The table form of ``neuron-ls`` for ``spec``, with its header lines."""
    devices = simulated_devices(spec)
    multi_device = spec.devices > 1
    columns: list[tuple[str, str]] = [
        ("NEURON", "DEVICE"),
        ("NEURON", "CORES"),
        ("NEURON", "CORE IDS"),
        ("NEURON", "MEMORY"),
    ]
    if multi_device:
        columns.append(("CONNECTED", "DEVICES"))
    columns += [("PCI", "BDF"), ("CPU", "AFFINITY"), ("NUMA", "NODE")]
    rows = []
    for device in devices:
        row = [
            str(device["neuron_device"]),
            str(device["nc_count"]),
            _id_ranges(device["neuroncore_ids"]),
            f"{device['memory_size'] // GIB} GB",
        ]
        if multi_device:
            row.append(", ".join(str(n) for n in device["connected_to"] or []))
        row += [device["bdf"], device["cpu_affinity"], device["numa_node"]]
        rows.append(row)
    widths = [
        max(len(top), len(bottom), *(len(row[i]) for row in rows)) + 2
        for i, (top, bottom) in enumerate(columns)
    ]
    rule = "+" + "+".join("-" * width for width in widths) + "+"

    def line(cells: list[str], center: bool) -> str:
        shaped = [
            (cell.center(width) if center else f" {cell}".ljust(width))
            for cell, width in zip(cells, widths, strict=True)
        ]
        return "|" + "|".join(shaped) + "|"

    lines = [
        f"instance-type: {spec.name}",
        f"instance-id: {simulated_instance_id(spec)}",
        "simulated: yes",
        rule,
        line([top for top, _ in columns], center=True),
        line([bottom for _, bottom in columns], center=True),
        rule,
    ]
    for row in rows:
        lines += [line(row, center=False), rule]
    return "\n".join(lines) + "\n"


def fail(mode: str, json_output: bool, stdout: TextIO, stderr: TextIO) -> int:
    """Behave like a broken ``neuron-ls`` in the given failure mode."""
    if mode == "no-device":
        stderr.write("ERROR: No Neuron devices were found on this instance (simulated).\n")
        return 1
    if mode == "hang":
        while True:  # Killed by the caller's timeout.
            time.sleep(3600)
    if mode == "malformed":
        stdout.write(
            '[{"neuron_device": 0, "bdf": "00:1e.0", "nc_count": ' if json_output else "??\n"
        )
        return 0
    if mode == "wrong-shape":
        stdout.write('{"neuron_device": 0, "nc_count": 2}\n' if json_output else "\n")
        return 0
    if mode == "crash":
        stderr.write("neuron-ls: internal error while reading the driver (simulated).\n")
        return 2
    raise ValueError(f"Unknown failure mode: {mode}")


def run(args: argparse.Namespace) -> int:
    """Print simulated ``neuron-ls`` output for ``args.instance``."""
    spec = INSTANCE_TYPES[args.instance]
    mode = args.fail or os.environ.get(FAIL_ENV) or None
    if mode and mode not in FAILURE_MODES:
        sys.stderr.write(f"{NAME}: unknown failure mode in ${FAIL_ENV}: {mode!r}\n")
        return 2
    if mode:
        return fail(mode, args.json_output, sys.stdout, sys.stderr)
    sys.stdout.write(render_json(spec) if args.json_output else render_table(spec))
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``neuron-ls`` sub-command."""
    parser = subparsers.add_parser(
        NAME, help="simulated neuron-ls", description="Print what neuron-ls prints."
    )
    add_instance_argument(parser)
    parser.add_argument(
        "-j", "--json-output", action="store_true", help="print JSON, one object per device"
    )
    add_fail_argument(parser)
    parser.set_defaults(func=run)
