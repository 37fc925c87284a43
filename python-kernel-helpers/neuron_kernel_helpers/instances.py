"""Catalogue of the EC2 instance types that carry AWS Neuron devices.

Numbers follow the Neuron documentation's instance table: Neuron devices,
NeuronCores per device, device memory, and (where documented) host vCPUs and
memory; the device and NeuronCore versions as ``neuron-monitor`` prints them;
and the ``torchrun`` worker counts the training documentation lists per
instance. This is the one place these facts live: the server, the simulator
and the templates read them from here.

Workers use one contiguous range of NeuronCores. :func:`recommended_workers`
picks the largest listed worker count that fits in one free *aligned* range (a
range whose start is a multiple of its length), and :func:`visible_cores`
writes such a range as a ``NEURON_RT_VISIBLE_CORES`` value::

    >>> plan = plan_workers("trn1.32xlarge", free_cores=range(4, 32))
    >>> plan.workers, plan.visible_cores
    (8, '8-15')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

GIB = 1024**3
TIB = 1024**4

#: How the devices of one instance are linked to each other.
#: ``none``: a single device; ``ring``: each device has two neighbours;
#: ``torus-2d``: a 4 x 4 torus, each device has four neighbours.
Interconnect = Literal["none", "ring", "torus-2d"]

#: Where an instance's worker counts come from (see ``_CATALOGUE`` for each choice).
#: ``documented``: the Neuron training documentation lists them for this instance;
#: ``same-device``: not listed, but the instance has the same single device as one
#: that is; ``inference-only``: no training worker counts (the instance is for inference).
WorkerCountsBasis = Literal["documented", "same-device", "inference-only"]

#: The PyTorch path of each instance family in the current Neuron SDK:
#: ``xla`` (torch-neuronx on PyTorch/XLA, NeuronCore-v2), ``torchneuron`` (the
#: native TorchNeuron backend, Trn2 / Trn3 only), ``torch-neuron`` (the older
#: Inferentia1 package, which this project does not drive).
PyTorchPath = Literal["xla", "torchneuron", "torch-neuron"]

#: Family -> PyTorch path. trn3 has no catalogue entry (its instance table is not
#: in our reference) but its path is documented, so it is listed here.
FAMILY_PYTORCH_PATH: Mapping[str, PyTorchPath] = MappingProxyType(
    {
        "inf1": "torch-neuron",
        "inf2": "xla",
        "trn1": "xla",
        "trn1n": "xla",
        "trn2": "torchneuron",
        "trn3": "torchneuron",
    }
)


@dataclass(frozen=True)
class InstanceType:
    """One instance type: its Neuron devices and what they hold.

    ``cores_per_device`` counts physical NeuronCores. On trn2 the runtime
    groups them into logical NeuronCores (``logical_neuroncore_config``, LNC=2
    by default), and the tools report and number the logical ones.
    ``device_version`` and ``core_version`` are spelled as ``neuron-monitor``
    prints them in ``neuron_hardware_info`` (trn2: ``"v4"`` and ``"v3d"``);
    ``neuroncore_version`` is the documentation's name (``"NC-v2"``).
    ``worker_counts`` are the ``torchrun --nproc_per_node`` values for data
    parallel training with one worker per (logical) NeuronCore, smallest first;
    ``worker_counts_basis`` says where they come from.
    """

    name: str
    family: str
    devices: int
    cores_per_device: int
    neuroncore_version: str
    memory_per_device_bytes: int
    interconnect: Interconnect
    device_type: str
    device_version: str
    core_version: str
    worker_counts: tuple[int, ...]
    worker_counts_basis: WorkerCountsBasis
    logical_neuroncore_config: int | None = None
    host_vcpus: int | None = None
    host_memory_bytes: int | None = None

    @property
    def logical_cores_per_device(self) -> int:
        """NeuronCores per device as the tools number them (logical on trn2)."""
        return self.cores_per_device // (self.logical_neuroncore_config or 1)

    @property
    def neuroncores(self) -> int:
        """NeuronCores of the whole instance as the tools number them."""
        return self.devices * self.logical_cores_per_device

    @property
    def physical_neuroncores(self) -> int:
        """Physical NeuronCores of the whole instance."""
        return self.devices * self.cores_per_device

    @property
    def device_memory_total_bytes(self) -> int:
        """Memory of all Neuron devices together."""
        return self.devices * self.memory_per_device_bytes

    @property
    def pytorch_path(self) -> PyTorchPath:
        """The PyTorch path of this family in the current SDK (see ``FAMILY_PYTORCH_PATH``)."""
        return FAMILY_PYTORCH_PATH[self.family]

    @property
    def trains(self) -> bool:
        """Whether the catalogue offers training worker counts on this instance."""
        return bool(self.worker_counts)

    def device_of_core(self, core: int) -> int:
        """The device holding NeuronCore ``core`` (global index as the tools number it)."""
        if not 0 <= core < self.neuroncores:
            raise IndexError(f"{self.name} has NeuronCores 0..{self.neuroncores - 1}, not {core}")
        return core // self.logical_cores_per_device

    def neuroncore_ids(self, device_index: int) -> tuple[int, ...]:
        """Global NeuronCore indexes of one device (``device * per_device + core``)."""
        self._check_device(device_index)
        per_device = self.logical_cores_per_device
        start = device_index * per_device
        return tuple(range(start, start + per_device))

    def connected_to(self, device_index: int) -> tuple[int, ...] | None:
        """Neighbours of a device over the device interconnect, ``None`` when alone.

        For the 4 x 4 torus the order is up, left, down, right, the order
        ``neuron-ls`` lists them in (device 0 -> 12, 3, 4, 1).
        """
        self._check_device(device_index)
        if self.interconnect == "none":
            return None
        if self.interconnect == "ring":
            count = self.devices
            return ((device_index - 1) % count, (device_index + 1) % count)
        side = 4
        row, column = divmod(device_index, side)
        return (
            ((row - 1) % side) * side + column,
            row * side + (column - 1) % side,
            ((row + 1) % side) * side + column,
            row * side + (column + 1) % side,
        )

    @property
    def recommended_workers(self) -> int:
        """The largest worker count of this instance (all NeuronCores free); 0 if none."""
        return max(self.worker_counts, default=0)

    def _check_device(self, device_index: int) -> None:
        if not 0 <= device_index < self.devices:
            raise IndexError(f"{self.name} has devices 0..{self.devices - 1}, not {device_index}")


# Worker counts. The Neuron training documentation lists, per node (data
# parallel, one worker per NeuronCore): trn1.2xlarge and inf2.xlarge 1 or 2;
# trn1.32xlarge (and trn1n.32xlarge, the same devices with more network) 1, 2,
# 8 or 32; trn2.48xlarge at LNC=2 1, 4, 16 or 64. Other counts are not
# documented (16 on trn1.32xlarge and "any divisor" were wrong), so none are
# offered. Our own choices, not documentation:
# - inf2.8xlarge has the same single Inferentia2 device as inf2.xlarge (a bigger
#   host), so it gets the same 1 or 2 ("same-device").
# - inf2.24xlarge / inf2.48xlarge are inference instances: no training worker
#   count is documented for them, so none is offered ("inference-only").
# - inf1 runs the older torch-neuron package, inference only ("inference-only").
_SINGLE_DEVICE_V2_WORKERS = (1, 2)
_TRN1_32_WORKERS = (1, 2, 8, 32)
_TRN2_48_LNC2_WORKERS = (1, 4, 16, 64)


@dataclass(frozen=True)
class _Device:
    """What every instance carrying this Neuron device has in common."""

    device_type: str
    cores_per_device: int
    neuroncore_version: str
    memory_per_device_bytes: int
    device_version: str
    core_version: str
    #: How two or more of these devices are linked (one device: ``none``).
    links: Interconnect


_INFERENTIA = _Device("inferentia", 4, "NC-v1", 8 * GIB, "v1", "v1", "ring")
_INFERENTIA2 = _Device("inferentia2", 2, "NC-v2", 32 * GIB, "v2", "v2", "ring")
_TRAINIUM = _Device("trainium", 2, "NC-v2", 32 * GIB, "v2", "v2", "torus-2d")
_TRAINIUM2 = _Device("trainium2", 8, "NC-v3", 96 * GIB, "v4", "v3d", "torus-2d")


def _instance(
    name: str,
    device: _Device,
    devices: int,
    workers: tuple[int, ...] = (),
    basis: WorkerCountsBasis = "inference-only",
    *,
    lnc: int | None = None,
    vcpus: int | None = None,
    memory: int | None = None,
) -> InstanceType:
    """One catalogue row: ``devices`` x ``device`` on the instance ``name``."""
    return InstanceType(
        name=name,
        family=name.split(".", 1)[0],
        devices=devices,
        cores_per_device=device.cores_per_device,
        neuroncore_version=device.neuroncore_version,
        memory_per_device_bytes=device.memory_per_device_bytes,
        interconnect="none" if devices == 1 else device.links,
        device_type=device.device_type,
        device_version=device.device_version,
        core_version=device.core_version,
        worker_counts=workers,
        worker_counts_basis=basis,
        logical_neuroncore_config=lnc,
        host_vcpus=vcpus,
        host_memory_bytes=memory,
    )


_CATALOGUE: tuple[InstanceType, ...] = (
    _instance("inf1.xlarge", _INFERENTIA, 1),
    _instance("inf1.2xlarge", _INFERENTIA, 1),
    _instance("inf1.6xlarge", _INFERENTIA, 4),
    _instance("inf1.24xlarge", _INFERENTIA, 16),
    _instance(
        "inf2.xlarge",
        _INFERENTIA2,
        1,
        _SINGLE_DEVICE_V2_WORKERS,
        "documented",
        vcpus=4,
        memory=16 * GIB,
    ),
    _instance("inf2.8xlarge", _INFERENTIA2, 1, _SINGLE_DEVICE_V2_WORKERS, "same-device"),
    _instance("inf2.24xlarge", _INFERENTIA2, 6),
    _instance("inf2.48xlarge", _INFERENTIA2, 12),
    _instance(
        "trn1.2xlarge",
        _TRAINIUM,
        1,
        _SINGLE_DEVICE_V2_WORKERS,
        "documented",
        vcpus=8,
        memory=32 * GIB,
    ),
    _instance(
        "trn1.32xlarge",
        _TRAINIUM,
        16,
        _TRN1_32_WORKERS,
        "documented",
        vcpus=128,
        memory=512 * GIB,
    ),
    _instance("trn1n.32xlarge", _TRAINIUM, 16, _TRN1_32_WORKERS, "documented"),
    _instance(
        "trn2.48xlarge",
        _TRAINIUM2,
        16,
        _TRN2_48_LNC2_WORKERS,
        "documented",
        lnc=2,
        vcpus=192,
        memory=2 * TIB,
    ),
)

#: Every known instance type by name, e.g. ``INSTANCE_TYPES["trn1.2xlarge"]``.
INSTANCE_TYPES: Mapping[str, InstanceType] = MappingProxyType({t.name: t for t in _CATALOGUE})


def lookup_instance(instance: str | InstanceType) -> InstanceType:
    """The catalogue entry of ``instance`` (a name, or an entry returned as is).

    Raises:
        ValueError: the name is not in the catalogue (the message lists the known ones).
    """
    if isinstance(instance, InstanceType):
        return instance
    known = INSTANCE_TYPES.get(instance)
    if known is None:
        names = ", ".join(sorted(INSTANCE_TYPES))
        raise ValueError(f"Unknown instance type {instance!r}. Known: {names}")
    return known


def _free_set(spec: InstanceType, free_cores: Iterable[int] | None) -> frozenset[int]:
    if free_cores is None:
        return frozenset(range(spec.neuroncores))
    free = frozenset(int(core) for core in free_cores)
    outside = sorted(core for core in free if not 0 <= core < spec.neuroncores)
    if outside:
        raise ValueError(
            f"{spec.name} has NeuronCores 0..{spec.neuroncores - 1}; not {outside[0]}."
        )
    return free


def aligned_core_range(
    instance: str | InstanceType, workers: int, free_cores: Iterable[int] | None = None
) -> range | None:
    """The first free aligned range of ``workers`` NeuronCores, ``None`` when none is free.

    An aligned range starts at a multiple of its length (``8-15`` for 8 workers,
    never ``4-11``). ``free_cores`` are the global indexes of the free
    NeuronCores (default: all of them).

    Raises:
        ValueError: unknown instance, ``workers`` below 1, or a core outside the instance.
    """
    spec = lookup_instance(instance)
    if workers < 1:
        raise ValueError(f"At least one worker is needed, got {workers}.")
    free = _free_set(spec, free_cores)
    for start in range(0, spec.neuroncores - workers + 1, workers):
        cores = range(start, start + workers)
        if all(core in free for core in cores):
            return cores
    return None


def recommended_workers(
    instance: str | InstanceType, free_cores: Iterable[int] | None = None
) -> int:
    """The largest worker count of ``instance`` that fits in one free aligned range.

    Only the instance's ``worker_counts`` are considered (the documented sets),
    and the workers must fit in one contiguous range of free NeuronCores whose
    start is a multiple of its length. Returns 0 when none fits, or when the
    instance offers no training worker counts. ``free_cores`` defaults to all.

    Example: trn1.32xlarge with cores 0-3 busy gives 8 (32 does not fit, 16 is
    not documented), on cores 8-15.

    Raises:
        ValueError: unknown instance, or a core outside the instance.
    """
    plan = plan_workers(instance, free_cores)
    return plan.workers if plan else 0


def visible_cores(cores: range) -> str:
    """A contiguous core range as a ``NEURON_RT_VISIBLE_CORES`` value: ``"8-15"`` or ``"3"``.

    Raises:
        ValueError: the range is empty or has a step other than 1.
    """
    if len(cores) == 0 or cores.step != 1:
        raise ValueError(f"Expected a non-empty contiguous range, got {cores!r}.")
    first, last = cores[0], cores[-1]
    return str(first) if first == last else f"{first}-{last}"


@dataclass(frozen=True)
class WorkerPlan:
    """Where ``torchrun`` workers go: how many, on which NeuronCores."""

    instance_type: str
    workers: int
    cores: range

    @property
    def visible_cores(self) -> str:
        """The ``NEURON_RT_VISIBLE_CORES`` value for :attr:`cores` (``"8-15"``)."""
        return visible_cores(self.cores)

    @property
    def uses_whole_instance(self) -> bool:
        """Whether the workers use every NeuronCore (no need to restrict visibility)."""
        return len(self.cores) == INSTANCE_TYPES[self.instance_type].neuroncores

    def to_dict(self) -> dict[str, object]:
        """The plan as JSON-friendly values."""
        return {
            "instance_type": self.instance_type,
            "workers": self.workers,
            "first_core": self.cores[0],
            "last_core": self.cores[-1],
            "visible_cores": self.visible_cores,
        }


def plan_workers(
    instance: str | InstanceType, free_cores: Iterable[int] | None = None
) -> WorkerPlan | None:
    """The recommended worker count and its NeuronCore range, ``None`` when none fits.

    The same choice as :func:`recommended_workers`, with the range it uses (the
    lowest free aligned range of that length).

    Raises:
        ValueError: unknown instance, or a core outside the instance.
    """
    spec = lookup_instance(instance)
    free = _free_set(spec, free_cores)
    for workers in sorted(spec.worker_counts, reverse=True):
        cores = aligned_core_range(spec, workers, free)
        if cores is not None:
            return WorkerPlan(spec.name, workers, cores)
    return None


def instance_family(instance_type: str | None) -> str | None:
    """The family of an instance type: the catalogue's, else the part before the dot.

    ``"trn1n.32xlarge"`` -> ``"trn1n"``; ``"trn3.48xlarge"`` (not catalogued) ->
    ``"trn3"``; ``None`` or a name without a dot -> ``None``.
    """
    if not instance_type:
        return None
    known = INSTANCE_TYPES.get(instance_type)
    if known is not None:
        return known.family
    family, dot, size = instance_type.partition(".")
    return family.lower() if dot and family and size else None
