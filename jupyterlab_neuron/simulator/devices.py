"""The Neuron devices of a simulated instance, derived from the catalogue."""

from __future__ import annotations

import hashlib
from typing import Any

from neuron_kernel_helpers.instances import InstanceType

#: Host vCPUs assumed when the catalogue does not record them: only used to
#: give ``cpu_affinity`` a realistic shape in simulated output.
_FALLBACK_VCPUS_PER_DEVICE = 8


def simulated_instance_id(spec: InstanceType) -> str:
    """A fixed, obviously fake instance id (``i-0sim`` + 12 hex digits)."""
    digest = hashlib.sha256(spec.name.encode("utf-8")).hexdigest()
    return f"i-0sim{digest[:12]}"


def _bdf(spec: InstanceType, index: int) -> str:
    if spec.devices == 1:
        return "00:1e.0"
    bus, slot = divmod(index, 4)
    return f"{0x10 * (bus + 1):02x}:{0x1B + slot:02x}.0"


def _numa_and_affinity(spec: InstanceType, index: int) -> tuple[str, str]:
    """NUMA node and CPU list: one node for one device, else two halves.

    vCPU numbering follows EC2's layout with hyper-threads: the second thread
    of every core comes after all first threads.
    """
    vcpus = spec.host_vcpus or _FALLBACK_VCPUS_PER_DEVICE * spec.devices
    if spec.devices == 1:
        return "-1", f"0-{vcpus - 1}"
    node = 0 if index < spec.devices / 2 else 1
    quarter, half = vcpus // 4, vcpus // 2
    first = node * quarter
    return str(node), f"{first}-{first + quarter - 1},{half + first}-{half + first + quarter - 1}"


def simulated_devices(spec: InstanceType) -> list[dict[str, Any]]:
    """One ``neuron-ls -j`` object per device of ``spec`` (no processes running)."""
    devices = []
    for index in range(spec.devices):
        numa_node, cpu_affinity = _numa_and_affinity(spec, index)
        connected = spec.connected_to(index)
        device: dict[str, Any] = {
            "neuron_device": index,
            "bdf": _bdf(spec, index),
            "cpu_affinity": cpu_affinity,
            "numa_node": numa_node,
            "connected_to": None if connected is None else list(connected),
            "nc_count": spec.logical_cores_per_device,
        }
        if spec.logical_neuroncore_config is not None:
            device["logical_neuroncore_config"] = spec.logical_neuroncore_config
        device["memory_size"] = spec.memory_per_device_bytes
        device["neuroncore_ids"] = list(spec.neuroncore_ids(index))
        device["neuron_processes"] = []
        devices.append(device)
    return devices
