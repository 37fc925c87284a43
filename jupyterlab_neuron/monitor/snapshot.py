"""The stable, normalized model of one neuron-monitor report.

neuron-monitor's raw JSON varies between SDK releases; :mod:`.normalizer`
turns every variant into these classes, and everything downstream (history,
stream, Prometheus text, CLI, front end) reads only these. ``to_dict()``
gives the JSON documented in ``docs/monitor-api.md`` (schema version
:data:`SNAPSHOT_SCHEMA_VERSION`); change both together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Bumped when a field of :meth:`Snapshot.to_dict` changes meaning or goes away.
SNAPSHOT_SCHEMA_VERSION = 1

#: Keys of ``execution_summary`` (counts within one period, not cumulative).
EXECUTION_STATUS_KEYS = (
    "completed",
    "completed_with_err",
    "completed_with_num_err",
    "timed_out",
    "incorrect_input",
    "failed_to_queue",
)

#: Keys of ``error_summary`` (counts within one period).
EXECUTION_ERROR_KEYS = ("generic", "numerical", "transient", "model", "runtime", "hardware")

#: Percentile keys of one latency record, in seconds.
LATENCY_PERCENTILES = ("p0", "p1", "p25", "p50", "p75", "p99", "p100")

#: Per-core device memory categories of ``neuroncore_memory_usage``.
CORE_MEMORY_KEYS = (
    "constants",
    "model_code",
    "model_shared_scratchpad",
    "runtime_memory",
    "tensors",
)

#: Host memory categories of ``usage_breakdown.host``.
HOST_MEMORY_KEYS = ("application_memory", "constants", "dma_buffers", "tensors")

#: Host vCPU usage categories of ``vcpu_usage.average_usage``.
VCPU_USAGE_KEYS = ("user", "nice", "system", "idle", "io_wait", "irq", "soft_irq")

#: ECC counters of ``neuron_hw_counters.neuron_devices[]``.
ECC_KEYS = (
    "mem_ecc_corrected",
    "mem_ecc_uncorrected",
    "sram_ecc_corrected",
    "sram_ecc_uncorrected",
)


@dataclass(slots=True)
class PhysicalCoreSample:
    """Utilization of one physical core inside a logical NeuronCore (trn2 ``v3d``)."""

    name: str
    utilization: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"name": self.name, "utilization": round(self.utilization, 2)}


@dataclass(slots=True)
class CoreSample:
    """One (logical) NeuronCore, summed over every runtime that reported it."""

    index: int
    device: int | None
    utilization: float = 0.0
    flops: int | None = None
    memory_used_bytes: int = 0
    pids: list[int] = field(default_factory=list)
    physical: list[PhysicalCoreSample] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "index": self.index,
            "device": self.device,
            "utilization": round(self.utilization, 2),
            "flops": self.flops,
            "memory_used_bytes": self.memory_used_bytes,
            "pids": self.pids,
            "physical": None if self.physical is None else [p.to_dict() for p in self.physical],
        }


@dataclass(slots=True)
class DeviceSample:
    """One Neuron device (chip): its cores, device memory in use and ECC counters."""

    index: int
    cores: list[int]
    memory_used_bytes: int = 0
    memory_total_bytes: int | None = None
    ecc: dict[str, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "index": self.index,
            "cores": self.cores,
            "memory_used_bytes": self.memory_used_bytes,
            "memory_total_bytes": self.memory_total_bytes,
            "ecc": self.ecc,
        }


@dataclass(slots=True)
class ProcessCoreSample:
    """One core a runtime process actually uses. Not in the process JSON: cores
    are held by one process at a time, so the snapshot's ``cores`` list already
    carries these figures."""

    index: int
    utilization: float
    flops: int | None
    memory_used_bytes: int
    #: bytes per category of :data:`CORE_MEMORY_KEYS` (kept for the Prometheus
    #: text; left out of the JSON to keep stream messages small)
    memory: dict[str, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "index": self.index,
            "utilization": round(self.utilization, 2),
            "flops": self.flops,
            "memory_used_bytes": self.memory_used_bytes,
        }


@dataclass(slots=True)
class LoadedModel:
    """A model (NEFF) loaded by a runtime; ``name`` is often a compile-cache path."""

    name: str
    uuid: str | None
    model_id: int | None
    is_running: bool
    cores: list[int]
    devices: list[int]
    host_bytes: int
    device_bytes: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "name": self.name,
            "uuid": self.uuid,
            "model_id": self.model_id,
            "is_running": self.is_running,
            "cores": self.cores,
            "devices": self.devices,
            "host_bytes": self.host_bytes,
            "device_bytes": self.device_bytes,
        }


@dataclass(slots=True)
class KernelOwner:
    """The Jupyter kernel a runtime process belongs to (see :mod:`.ownership`)."""

    kernel_id: str
    kernel_name: str | None
    kernel_pid: int
    notebook_path: str | None
    session_id: str | None
    #: "kernel" when the runtime is the kernel process itself, "descendant" when it
    #: is a child / grandchild (for example ``!torchrun ...`` started from a cell).
    relation: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "kernel_id": self.kernel_id,
            "kernel_name": self.kernel_name,
            "kernel_pid": self.kernel_pid,
            "notebook_path": self.notebook_path,
            "session_id": self.session_id,
            "relation": self.relation,
        }


@dataclass(slots=True)
class ProcessSample:
    """One Neuron runtime (one process holding NeuronCores)."""

    pid: int | None
    tag: str
    address: str | None = None
    error: str = ""
    cores: list[ProcessCoreSample] = field(default_factory=list)
    host_bytes: int = 0
    device_bytes: int = 0
    host_breakdown: dict[str, int] | None = None
    vcpu: dict[str, float] | None = None
    execution: dict[str, int] | None = None
    execution_errors: dict[str, int] | None = None
    latency_total: dict[str, float] | None = None
    latency_device: dict[str, float] | None = None
    models: list[LoadedModel] = field(default_factory=list)
    group_errors: dict[str, str] = field(default_factory=dict)
    command: str | None = None
    owner: KernelOwner | None = None

    @property
    def core_indices(self) -> list[int]:
        """Indices of the cores this process uses, ascending."""
        return [c.index for c in self.cores]

    @property
    def utilization(self) -> float:
        """Mean utilization over the cores in use (0 when none)."""
        if not self.cores:
            return 0.0
        return sum(c.utilization for c in self.cores) / len(self.cores)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "pid": self.pid,
            "tag": self.tag,
            "address": self.address,
            "error": self.error,
            "command": self.command,
            "cores": self.core_indices,
            "utilization": round(self.utilization, 2),
            "host_bytes": self.host_bytes,
            "device_bytes": self.device_bytes,
            "host_breakdown": self.host_breakdown,
            "vcpu": self.vcpu,
            "execution": self.execution,
            "execution_errors": self.execution_errors,
            "latency": {"total": self.latency_total, "device": self.latency_device},
            "models": [m.to_dict() for m in self.models],
            "group_errors": self.group_errors,
            "kernel": None if self.owner is None else self.owner.to_dict(),
        }


@dataclass(slots=True)
class InstanceInfo:
    """``instance_info`` of the report (EC2 facts neuron-monitor looked up)."""

    instance_type: str | None = None
    instance_id: str | None = None
    instance_name: str | None = None
    region: str | None = None
    availability_zone: str | None = None
    availability_zone_id: str | None = None
    ami_id: str | None = None
    subnet_id: str | None = None
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "instance_type": self.instance_type,
            "instance_id": self.instance_id,
            "instance_name": self.instance_name,
            "region": self.region,
            "availability_zone": self.availability_zone,
            "availability_zone_id": self.availability_zone_id,
            "ami_id": self.ami_id,
            "subnet_id": self.subnet_id,
            "error": self.error,
        }


@dataclass(slots=True)
class HardwareInfo:
    """``neuron_hardware_info``; the newer-SDK fields are ``None`` on older reports."""

    device_count: int | None = None
    cores_per_device: int | None = None
    logical_neuroncore_config: int | None = None
    device_type: str | None = None
    device_version: str | None = None
    core_version: str | None = None
    device_memory_bytes: int | None = None
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "device_count": self.device_count,
            "cores_per_device": self.cores_per_device,
            "logical_neuroncore_config": self.logical_neuroncore_config,
            "device_type": self.device_type,
            "device_version": self.device_version,
            "core_version": self.core_version,
            "device_memory_bytes": self.device_memory_bytes,
            "error": self.error,
        }


@dataclass(slots=True)
class SystemSample:
    """Host facts of ``system_data``; a group that was not reported stays ``None``."""

    vcpu_count: int | None = None
    vcpu_usage: dict[str, float] | None = None
    context_switch_count: int | None = None
    memory_total_bytes: int | None = None
    memory_used_bytes: int | None = None
    swap_total_bytes: int | None = None
    swap_used_bytes: int | None = None

    @property
    def vcpu_used_percent(self) -> float | None:
        """Average busy share of all vCPUs (100 - idle), or ``None`` if unknown."""
        if self.vcpu_usage is None:
            return None
        idle = self.vcpu_usage.get("idle")
        if idle is None:
            return None
        return max(0.0, min(100.0, 100.0 - idle))

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        used = self.vcpu_used_percent
        return {
            "vcpu_count": self.vcpu_count,
            "vcpu_usage": self.vcpu_usage,
            "vcpu_used_percent": None if used is None else round(used, 2),
            "context_switch_count": self.context_switch_count,
            "memory_total_bytes": self.memory_total_bytes,
            "memory_used_bytes": self.memory_used_bytes,
            "swap_total_bytes": self.swap_total_bytes,
            "swap_used_bytes": self.swap_used_bytes,
        }


@dataclass(slots=True)
class GroupError:
    """A metric group that reported a non-empty ``error`` string."""

    group: str
    message: str
    pid: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"group": self.group, "message": self.message, "pid": self.pid}


@dataclass(slots=True)
class Snapshot:
    """One normalized neuron-monitor report, plus where and when it was read."""

    seq: int
    timestamp: float
    period: float | None
    simulated: bool
    instance: InstanceInfo
    hardware: HardwareInfo
    cores: list[CoreSample]
    devices: list[DeviceSample]
    processes: list[ProcessSample]
    system: SystemSample | None
    errors: list[GroupError] = field(default_factory=list)
    #: "flops", "effective_flops" or None: which per-core throughput field was found.
    flops_field: str | None = None
    #: Lines of the stream skipped so far (malformed or oversized), set by the reader.
    skipped_lines: int = 0

    @property
    def instance_type(self) -> str | None:
        """The EC2 instance type reported by neuron-monitor, if any."""
        return self.instance.instance_type

    def to_dict(self) -> dict[str, Any]:
        """The snapshot JSON documented in ``docs/monitor-api.md``."""
        return {
            "schema_version": SNAPSHOT_SCHEMA_VERSION,
            "seq": self.seq,
            "timestamp": self.timestamp,
            "period": self.period,
            "simulated": self.simulated,
            "instance_type": self.instance.instance_type,
            "instance": self.instance.to_dict(),
            "hardware": self.hardware.to_dict(),
            "flops_field": self.flops_field,
            "cores": [c.to_dict() for c in self.cores],
            "devices": [d.to_dict() for d in self.devices],
            "processes": [p.to_dict() for p in self.processes],
            "system": None if self.system is None else self.system.to_dict(),
            "errors": [e.to_dict() for e in self.errors],
            "skipped_lines": self.skipped_lines,
        }
