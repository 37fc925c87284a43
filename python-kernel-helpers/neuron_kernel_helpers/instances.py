"""Catalogue of the EC2 instance types that carry AWS Neuron devices.

Numbers follow the Neuron documentation's instance table: Neuron devices,
NeuronCores per device, device memory, and (where documented) host vCPUs and
memory. Other layers use it to check what ``neuron-ls`` reports, to drive the
simulator, and to suggest ``torchrun --nproc_per_node`` values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

GIB = 1024**3
TIB = 1024**4

#: How the devices of one instance are linked to each other.
#: ``none``: a single device; ``ring``: each device has two neighbours;
#: ``torus-2d``: a 4 x 4 torus, each device has four neighbours.
Interconnect = Literal["none", "ring", "torus-2d"]

#: Families whose collective communication only supports some worker counts.
_TRN1_FAMILIES = frozenset({"trn1", "trn1n"})

#: The worker counts below 32 that trn1 collectives support; above that, multiples of 32.
_TRN1_SMALL_WORKER_COUNTS = (1, 2, 8, 16)


@dataclass(frozen=True)
class InstanceType:
    """One instance type: its Neuron devices and what they hold.

    ``cores_per_device`` counts physical NeuronCores. On trn2 the runtime
    groups them into logical NeuronCores (``logical_neuroncore_config``, LNC=2
    by default), and the tools report and number the logical ones.
    """

    name: str
    family: str
    devices: int
    cores_per_device: int
    neuroncore_version: str
    memory_per_device_bytes: int
    interconnect: Interconnect
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
    def worker_counts(self) -> tuple[int, ...]:
        """Valid ``torchrun --nproc_per_node`` values on this instance."""
        return valid_worker_counts(self.neuroncores, self.family)

    @property
    def recommended_workers(self) -> int:
        """The largest valid worker count: one worker per NeuronCore where allowed."""
        return recommended_workers(self.neuroncores, self)

    def _check_device(self, device_index: int) -> None:
        if not 0 <= device_index < self.devices:
            raise IndexError(f"{self.name} has devices 0..{self.devices - 1}, not {device_index}")


def _inf1(name: str, devices: int) -> InstanceType:
    return InstanceType(
        name=name,
        family="inf1",
        devices=devices,
        cores_per_device=4,
        neuroncore_version="NC-v1",
        memory_per_device_bytes=8 * GIB,
        interconnect="none" if devices == 1 else "ring",
    )


def _inf2(
    name: str, devices: int, vcpus: int | None = None, memory: int | None = None
) -> InstanceType:
    return InstanceType(
        name=name,
        family="inf2",
        devices=devices,
        cores_per_device=2,
        neuroncore_version="NC-v2",
        memory_per_device_bytes=32 * GIB,
        interconnect="none" if devices == 1 else "ring",
        host_vcpus=vcpus,
        host_memory_bytes=memory,
    )


def _trn1(
    name: str, family: str, devices: int, vcpus: int | None = None, memory: int | None = None
) -> InstanceType:
    return InstanceType(
        name=name,
        family=family,
        devices=devices,
        cores_per_device=2,
        neuroncore_version="NC-v2",
        memory_per_device_bytes=32 * GIB,
        interconnect="none" if devices == 1 else "torus-2d",
        host_vcpus=vcpus,
        host_memory_bytes=memory,
    )


_CATALOGUE: tuple[InstanceType, ...] = (
    _inf1("inf1.xlarge", 1),
    _inf1("inf1.2xlarge", 1),
    _inf1("inf1.6xlarge", 4),
    _inf1("inf1.24xlarge", 16),
    _inf2("inf2.xlarge", 1, vcpus=4, memory=16 * GIB),
    _inf2("inf2.8xlarge", 1),
    _inf2("inf2.24xlarge", 6),
    _inf2("inf2.48xlarge", 12),
    _trn1("trn1.2xlarge", "trn1", 1, vcpus=8, memory=32 * GIB),
    _trn1("trn1.32xlarge", "trn1", 16, vcpus=128, memory=512 * GIB),
    _trn1("trn1n.32xlarge", "trn1n", 16),
    InstanceType(
        name="trn2.48xlarge",
        family="trn2",
        devices=16,
        cores_per_device=8,
        neuroncore_version="NC-v3",
        memory_per_device_bytes=96 * GIB,
        interconnect="torus-2d",
        logical_neuroncore_config=2,
        host_vcpus=192,
        host_memory_bytes=2 * TIB,
    ),
)

#: Every known instance type by name, e.g. ``INSTANCE_TYPES["trn1.2xlarge"]``.
INSTANCE_TYPES: Mapping[str, InstanceType] = MappingProxyType({t.name: t for t in _CATALOGUE})


def valid_worker_counts(n_cores: int, family: str | None = None) -> tuple[int, ...]:
    """``torchrun`` worker counts that fit ``n_cores`` NeuronCores, smallest first.

    On trn1 / trn1n collectives support 1, 2, 8, 16 or a multiple of 32 workers.
    Elsewhere any count that divides the cores evenly is accepted. Without a
    family the trn1 rule is used: it is the strictest, so its counts work
    everywhere.
    """
    if n_cores < 1:
        return ()
    if family is None or family in _TRN1_FAMILIES:
        small = [count for count in _TRN1_SMALL_WORKER_COUNTS if count <= n_cores]
        large = list(range(32, n_cores + 1, 32))
        return tuple(small + large)
    return tuple(count for count in range(1, n_cores + 1) if n_cores % count == 0)


def recommended_workers(n_cores: int, instance_type: str | InstanceType | None = None) -> int:
    """The ``--nproc_per_node`` to use with ``n_cores`` NeuronCores free.

    The largest valid worker count not above ``n_cores`` (one worker per
    NeuronCore whenever the instance allows it). ``instance_type`` (a name or
    a catalogue entry) selects the rule of its family; unknown names fall back
    to the strictest rule.

    Raises:
        ValueError: ``n_cores`` is below 1.
    """
    if n_cores < 1:
        raise ValueError(f"At least one NeuronCore is needed, got {n_cores}.")
    if isinstance(instance_type, str):
        instance_type = INSTANCE_TYPES.get(instance_type)
    family = instance_type.family if instance_type else None
    return valid_worker_counts(n_cores, family)[-1]
