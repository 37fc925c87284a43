"""The NeuronCores this kernel holds, and the torchrun workers that fit in them.

A kernel started from a kernelspec using jupyterlab-neuron's ``neuron-cores``
provisioner has its own range in ``NEURON_RT_VISIBLE_CORES`` (``"8-15"``).
Templates start ``torchrun`` within that range, with a documented worker count
of the instance (see :mod:`neuron_kernel_helpers.instances`) that fits in it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from .instances import INSTANCE_TYPES, WorkerPlan, aligned_core_range, plan_workers

VARIABLE = "NEURON_RT_VISIBLE_CORES"


def parse_visible_cores(value: str) -> tuple[int, ...]:
    """``"8-15"``, ``"3"`` or ``"0,2-3"`` as core indexes, ascending.

    Raises:
        ValueError: not such a list of ranges.
    """
    cores: set[int] = set()
    for part in value.replace(" ", "").split(","):
        first, dash, last = part.partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            raise ValueError(f"Not a NeuronCore list: {value!r}")
        low, high = int(first), int(last) if dash else int(first)
        if high < low:
            raise ValueError(f"Not a NeuronCore list: {value!r}")
        cores.update(range(low, high + 1))
    return tuple(sorted(cores))


def kernel_cores(environ: Mapping[str, str] | None = None) -> tuple[int, ...] | None:
    """The cores in ``NEURON_RT_VISIBLE_CORES``, ``None`` when unset or unreadable."""
    value = (os.environ if environ is None else environ).get(VARIABLE, "").strip()
    if not value:
        return None
    try:
        return parse_visible_cores(value)
    except ValueError:
        return None


def plan_in_kernel_cores(
    instance: str,
    requested: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> WorkerPlan | None:
    """The workers and their cores within this kernel's range; ``None`` without a range.

    ``requested`` is kept when it is a documented count that fits in an aligned
    range inside the kernel's cores; otherwise the largest documented count
    that fits is chosen. ``None`` also for an instance outside the catalogue,
    or when no documented count fits.
    """
    cores = kernel_cores(environ)
    spec = INSTANCE_TYPES.get(instance or "")
    if cores is None or spec is None:
        return None
    inside = [core for core in cores if 0 <= core < spec.neuroncores]
    if requested and requested in spec.worker_counts:
        fits = aligned_core_range(spec, requested, inside)
        if fits is not None:
            return WorkerPlan(spec.name, requested, fits)
    return plan_workers(spec, inside)
