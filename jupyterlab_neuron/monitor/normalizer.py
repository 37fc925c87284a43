"""Turn one raw neuron-monitor report (a parsed JSON object) into a :class:`Snapshot`.

Accepts every variant listed in the project's Neuron reference: ``flops`` /
``effective_flops`` / neither; trn2 ``v3d`` per-physical-core utilization and
``logical_neuroncore_config``; ``device`` instead of ``neuron_device``; null
latency statistics; runtime ``error`` strings; an empty runtime list; missing
groups; three-key ``neuron_hardware_info``; unknown keys (ignored). Values of
the wrong type become zero / ``None`` rather than errors: one odd field must
not hide the rest of the report.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from .snapshot import (
    CORE_MEMORY_KEYS,
    ECC_KEYS,
    EXECUTION_ERROR_KEYS,
    EXECUTION_STATUS_KEYS,
    HOST_MEMORY_KEYS,
    LATENCY_PERCENTILES,
    VCPU_USAGE_KEYS,
    CoreSample,
    DeviceSample,
    GroupError,
    HardwareInfo,
    InstanceInfo,
    LoadedModel,
    PhysicalCoreSample,
    ProcessCoreSample,
    ProcessSample,
    Snapshot,
    SystemSample,
)

#: Top-level keys of a report; a JSON object with none of them is not a report.
REPORT_KEYS = frozenset(
    {
        "neuron_runtime_data",
        "system_data",
        "instance_info",
        "neuron_hardware_info",
        "neuron_k8s_info",
    }
)


class ReportShapeError(ValueError):
    """The JSON document is not a neuron-monitor report at all."""


@dataclass(frozen=True, slots=True)
class InstanceShape:
    """Device layout used when a report lacks ``neuron_hardware_info``
    (for example from the instance catalogue of the simulated instance)."""

    device_count: int
    cores_per_device: int
    device_memory_bytes: int | None = None


def normalize_report(
    raw: Any,
    *,
    seq: int = 0,
    timestamp: float | None = None,
    simulated: bool = False,
    skipped_lines: int = 0,
    fallback_shape: InstanceShape | None = None,
) -> Snapshot:
    """Normalize one parsed report.

    ``timestamp`` is when the line was read (seconds since the epoch; reports
    carry no time of their own). Raises :class:`ReportShapeError` when ``raw`` is
    not a JSON object with at least one known top-level key.
    """
    if not isinstance(raw, dict):
        raise ReportShapeError(f"expected a JSON object, got {type(raw).__name__}")
    if REPORT_KEYS.isdisjoint(raw):
        raise ReportShapeError("no neuron-monitor report keys in the object")

    errors: list[GroupError] = []
    periods: list[float] = []
    instance = _instance_info(raw.get("instance_info"), errors)
    hardware = _hardware_info(raw.get("neuron_hardware_info"), errors)

    runtimes = raw.get("neuron_runtime_data")
    parsed: list[_ParsedRuntime] = []
    if isinstance(runtimes, list):
        for entry in runtimes:
            if isinstance(entry, dict):
                parsed.append(_runtime(entry, errors, periods))

    flops_field: str | None = None
    highest_core = -1
    for runtime in parsed:
        if runtime.flops_field and flops_field is None:
            flops_field = runtime.flops_field
        if runtime.highest_core > highest_core:
            highest_core = runtime.highest_core

    layout = _layout(hardware, fallback_shape, highest_core + 1)
    processes = [_finish_process(runtime, layout) for runtime in parsed]
    processes.sort(key=_process_order)

    cores = [CoreSample(index=i, device=layout.device_of(i)) for i in range(layout.core_count)]
    device_memory: dict[int, int] = {}
    for runtime in parsed:
        _accumulate_cores(runtime, runtime.process, cores, layout, device_memory)
    if flops_field is not None:
        for core in cores:
            if core.flops is None:
                core.flops = 0

    system, ecc = _system_data(raw.get("system_data"), errors, periods)
    devices = _devices(layout, device_memory, ecc)

    return Snapshot(
        seq=seq,
        timestamp=time.time() if timestamp is None else timestamp,
        period=max(periods) if periods else None,
        # The bundled simulator marks its reports; a recorded file keeps the mark.
        simulated=simulated or raw.get("simulated") is True,
        instance=instance,
        hardware=hardware,
        cores=cores,
        devices=devices,
        processes=processes,
        system=system,
        errors=errors,
        flops_field=flops_field,
        skipped_lines=skipped_lines,
    )


# --- small value readers -----------------------------------------------------


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _float(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return 0.0
    else:
        return 0.0
    return number if math.isfinite(number) else 0.0


def _int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(_float(value))


def _opt_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            return int(float(value))
        except (ValueError, OverflowError):
            return None
    return None


def _opt_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text or None


def _error(group: dict[str, Any]) -> str:
    value = group.get("error")
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _core_index(key: Any) -> int | None:
    try:
        index = int(key)
    except (TypeError, ValueError):
        return None
    return index if index >= 0 else None


def _device_bytes(used: dict[str, Any]) -> int:
    # One capture spells it "device" instead of "neuron_device".
    if "neuron_device" in used:
        return _int(used["neuron_device"])
    return _int(used.get("device"))


def _note_period(group: dict[str, Any], periods: list[float]) -> None:
    period = group.get("period")
    if period is not None:
        value = _float(period)
        if value > 0:
            periods.append(value)


def _metric_group(
    parent: dict[str, Any],
    name: str,
    errors: list[GroupError],
    periods: list[float],
    pid: int | None = None,
) -> tuple[dict[str, Any] | None, str]:
    """A metric group of a report (``None`` unless an object) and its error message;
    its period goes to ``periods``, its error to ``errors``."""
    group = parent.get(name)
    if not isinstance(group, dict):
        return None, ""
    _note_period(group, periods)
    message = _error(group)
    if message:
        errors.append(GroupError(name, message, pid))
    return group, message


# --- instance and hardware ----------------------------------------------------


def _instance_info(value: Any, errors: list[GroupError]) -> InstanceInfo:
    info = _dict(value)
    error = _error(info)
    if error:
        errors.append(GroupError("instance_info", error))
    return InstanceInfo(
        instance_type=_opt_str(info.get("instance_type")),
        instance_id=_opt_str(info.get("instance_id")),
        instance_name=_opt_str(info.get("instance_name")),
        region=_opt_str(info.get("instance_region")),
        availability_zone=_opt_str(info.get("instance_availability_zone")),
        availability_zone_id=_opt_str(info.get("instance_availability_zone_id")),
        ami_id=_opt_str(info.get("ami_id")),
        subnet_id=_opt_str(info.get("subnet_id")),
        error=error,
    )


def _hardware_info(value: Any, errors: list[GroupError]) -> HardwareInfo:
    info = _dict(value)
    error = _error(info)
    if error:
        errors.append(GroupError("neuron_hardware_info", error))
    lnc = _opt_int(info.get("logical_neuroncore_config"))
    return HardwareInfo(
        device_count=_opt_int(info.get("neuron_device_count")),
        cores_per_device=_opt_int(info.get("neuroncore_per_device_count")),
        logical_neuroncore_config=lnc if lnc and lnc > 0 else None,
        device_type=_opt_str(info.get("neuron_device_type")),
        device_version=_opt_str(info.get("neuron_device_version")),
        core_version=_opt_str(info.get("neuroncore_version")),
        device_memory_bytes=_opt_int(info.get("neuron_device_memory_size")),
        error=error,
    )


@dataclass(slots=True)
class _Layout:
    core_count: int
    cores_per_device: int | None
    device_count: int | None
    device_memory_bytes: int | None

    def device_of(self, core: int) -> int | None:
        if not self.cores_per_device:
            return None
        return core // self.cores_per_device


def _layout(hardware: HardwareInfo, fallback: InstanceShape | None, seen: int) -> _Layout:
    """Core count and cores per device, from the hardware info, else the fallback
    shape (the instance catalogue), else the highest core key seen. Core k sits on
    device k // cores-per-device."""
    device_count = hardware.device_count
    per_device = hardware.cores_per_device
    memory = hardware.device_memory_bytes
    if not (device_count and per_device) and fallback is not None:
        device_count, per_device = fallback.device_count, fallback.cores_per_device
        memory = memory or fallback.device_memory_bytes
    if device_count and per_device:
        # ``neuroncore_per_device_count`` is already the logical count on trn2, and a
        # runtime lists only the cores it uses: the listed keys never shrink the layout.
        count = max(device_count * per_device, seen)
        return _Layout(count, per_device, device_count, memory)
    return _Layout(max(seen, 0), None, None, memory)


# --- runtimes -------------------------------------------------------------------


@dataclass(slots=True)
class _ParsedRuntime:
    """A runtime before the core layout is known (it needs every runtime's keys)."""

    process: ProcessSample
    utilization: dict[int, float]
    flops: dict[int, int]
    physical: dict[int, list[PhysicalCoreSample]]
    core_memory: dict[int, dict[str, int]]
    model_subgraphs: list[tuple[int, int | None, int, int]]  # model no, core, device, bytes
    raw_models: list[tuple[str, str | None, int | None, bool, int]]
    flops_field: str | None
    highest_core: int
    has_breakdown: bool


def _runtime(
    entry: dict[str, Any], errors: list[GroupError], periods: list[float]
) -> _ParsedRuntime:
    pid = _opt_int(entry.get("pid"))
    tag_value = entry.get("neuron_runtime_tag")
    tag = str(tag_value) if tag_value not in (None, "") else ("" if pid is None else str(pid))
    process = ProcessSample(pid=pid, tag=tag, address=_opt_str(entry.get("address")))
    runtime_error = _error(entry)
    if runtime_error:
        process.error = runtime_error
        errors.append(GroupError("neuron_runtime", runtime_error, pid))
    report = _dict(entry.get("report"))

    def group(name: str) -> dict[str, Any] | None:
        value, message = _metric_group(report, name, errors, periods, pid)
        if message:
            process.group_errors[name] = message
        return value

    utilization: dict[int, float] = {}
    flops: dict[int, int] = {}
    physical: dict[int, list[PhysicalCoreSample]] = {}
    flops_field: str | None = None
    highest = -1
    counters = group("neuroncore_counters")
    if counters is not None:
        in_use = _dict(counters.get("neuroncores_in_use"))
        # Hot loop (every core of every runtime): idle cores only move ``highest``.
        for key, value in in_use.items():
            try:
                index = int(key)
            except (TypeError, ValueError):
                continue
            if index < 0 or not isinstance(value, dict):
                continue
            if index > highest:
                highest = index
            busy = value.get("neuroncore_utilization")
            if type(busy) is not float or not -1e308 < busy < 1e308:  # NaN, inf too
                busy = _float(busy)
            if "flops" in value:
                count = value["flops"]
                flops_field = flops_field or "flops"
            elif "effective_flops" in value:
                count = value["effective_flops"]
                flops_field = flops_field or "effective_flops"
            else:
                count = 0
            if type(count) is not int:
                count = _int(count)
            if busy:
                utilization[index] = busy
                v3d = value.get("v3d")
                if isinstance(v3d, dict) and v3d:
                    physical[index] = _physical_cores(v3d)
            if count:
                flops[index] = count

    core_memory: dict[int, dict[str, int]] = {}
    subgraphs: list[tuple[int, int | None, int, int]] = []
    raw_models: list[tuple[str, str | None, int | None, bool, int]] = []
    has_breakdown = False
    memory = group("memory_used")
    if memory is not None:
        used = _dict(memory.get("neuron_runtime_used_bytes"))
        process.host_bytes = _int(used.get("host"))
        process.device_bytes = _device_bytes(used)
        breakdown = _dict(used.get("usage_breakdown"))
        host = breakdown.get("host")
        if isinstance(host, dict):
            process.host_breakdown = {k: _int(host.get(k)) for k in HOST_MEMORY_KEYS}
        per_core = breakdown.get("neuroncore_memory_usage")
        if isinstance(per_core, dict):
            has_breakdown = True
            if counters is None:
                # Without counters, the memory keys tell how many cores there are.
                indices = [i for i in map(_core_index, per_core) if i is not None]
                highest = max([highest, *indices])
            for key, value in per_core.items():
                # Unused cores are listed with zeros: skip them cheaply.
                if type(value) is dict and any(value.values()):
                    index = _core_index(key)
                    if index is not None:
                        core_memory[index] = _int_fields(value, CORE_MEMORY_KEYS)
                        highest = max(highest, index)
        models = memory.get("loaded_models")
        if isinstance(models, list):
            for number, model in enumerate(m for m in models if isinstance(m, dict)):
                host_total = 0
                sgs = model.get("subgraphs")
                sg_values = sgs.values() if isinstance(sgs, dict) else (sgs or [])
                for sg in sg_values:
                    if not isinstance(sg, dict):
                        continue
                    sg_used = _dict(sg.get("memory_used_bytes"))
                    host_total += _int(sg_used.get("host"))
                    subgraphs.append(
                        (
                            number,
                            _opt_int(sg.get("neuroncore_index")),
                            _int(sg.get("neuron_device_index")),
                            _device_bytes(sg_used),
                        )
                    )
                raw_models.append(
                    (
                        str(model.get("name") or ""),
                        _opt_str(model.get("uuid")),
                        _opt_int(model.get("model_id")),
                        bool(model.get("is_running")),
                        host_total,
                    )
                )

    vcpu = group("neuron_runtime_vcpu_usage")
    if vcpu is not None:
        usage = _dict(vcpu.get("vcpu_usage"))
        process.vcpu = {"user": _float(usage.get("user")), "system": _float(usage.get("system"))}

    stats = group("execution_stats")
    if stats is not None:
        summary = stats.get("execution_summary")
        if isinstance(summary, dict):
            process.execution = {k: _int(summary.get(k)) for k in EXECUTION_STATUS_KEYS}
        error_summary = stats.get("error_summary")
        if isinstance(error_summary, dict):
            # The guide's prose says "numeric"; the JSON says "numerical". Accept both.
            counts = {k: _int(error_summary.get(k)) for k in EXECUTION_ERROR_KEYS}
            if "numerical" not in error_summary and "numeric" in error_summary:
                counts["numerical"] = _int(error_summary["numeric"])
            process.execution_errors = counts
        latency = _dict(stats.get("latency_stats"))
        process.latency_total = _latency(latency.get("total_latency"))
        process.latency_device = _latency(latency.get("device_latency"))

    return _ParsedRuntime(
        process=process,
        utilization=utilization,
        flops=flops,
        physical=physical,
        core_memory=core_memory,
        model_subgraphs=subgraphs,
        raw_models=raw_models,
        flops_field=flops_field,
        highest_core=highest,
        has_breakdown=has_breakdown,
    )


def _int_fields(group: dict[str, Any], keys: tuple[str, ...]) -> dict[str, int]:
    """``{key: int}`` for ``keys`` of ``group`` (hot: every busy core of every runtime)."""
    result = {}
    for key in keys:
        value = group.get(key)
        result[key] = value if type(value) is int else _int(value)
    return result


def _physical_order(name: str) -> tuple[int, str]:
    tail = name.rsplit(".", 1)[-1]
    return (int(tail), name) if tail.isdigit() else (1 << 30, name)


def _physical_cores(v3d: dict[str, Any]) -> list[PhysicalCoreSample]:
    names = sorted(v3d)
    # "nc_v3.0" .. "nc_v3.9" sort the same as text and as numbers; else sort by number.
    if len(names) > 10 or any(not name[-1:].isdigit() or name[-2:-1] != "." for name in names):
        names.sort(key=_physical_order)
    samples = []
    for name in names:
        entry = v3d[name]
        busy = entry.get("neuroncore_utilization") if type(entry) is dict else None
        if type(busy) is not float or not -1e308 < busy < 1e308:
            busy = _float(busy)
        samples.append(PhysicalCoreSample(name, busy))
    return samples


def _latency(value: Any) -> dict[str, float] | None:
    if not isinstance(value, dict):
        return None
    return {k: _float(value.get(k)) for k in LATENCY_PERCENTILES}


def _global_core(core: int | None, device: int, layout: _Layout) -> int | None:
    """Subgraph ``neuroncore_index`` looks device-local (the documented example pairs
    core 0 with device 12); an index too large for one device is taken as global."""
    if core is None:
        return None
    per_device = layout.cores_per_device
    if per_device and core < per_device:
        return device * per_device + core
    return core


def _finish_process(runtime: _ParsedRuntime, layout: _Layout) -> ProcessSample:
    """Decide which cores the runtime uses and build its models, now that the
    layout is known. A runtime lists every core of the instance, so a core is
    "in use" only with utilization, throughput, memory or a loaded model on it."""
    process = runtime.process
    model_cores: dict[int, set[int]] = {}
    model_devices: dict[int, set[int]] = {}
    model_bytes: dict[int, int] = {}
    used: set[int] = set()
    for number, core, device, nbytes in runtime.model_subgraphs:
        model_devices.setdefault(number, set()).add(device)
        model_bytes[number] = model_bytes.get(number, 0) + nbytes
        index = _global_core(core, device, layout)
        if index is not None:
            model_cores.setdefault(number, set()).add(index)
            used.add(index)
    for index, value in runtime.utilization.items():
        if value > 0:
            used.add(index)
    for index, value in runtime.flops.items():
        if value > 0:
            used.add(index)
    for index, parts in runtime.core_memory.items():
        if any(parts.values()):
            used.add(index)

    process.cores = [
        ProcessCoreSample(
            index=index,
            utilization=runtime.utilization.get(index, 0.0),
            flops=runtime.flops.get(index, 0 if runtime.flops_field else None),
            memory_used_bytes=sum(runtime.core_memory[index].values())
            if index in runtime.core_memory
            else 0,
            memory=runtime.core_memory.get(index),
        )
        for index in sorted(used)
    ]
    process.models = [
        LoadedModel(
            name=name,
            uuid=uuid,
            model_id=model_id,
            is_running=is_running,
            cores=sorted(model_cores.get(number, ())),
            devices=sorted(model_devices.get(number, ())),
            host_bytes=host_bytes,
            device_bytes=model_bytes.get(number, 0),
        )
        for number, (name, uuid, model_id, is_running, host_bytes) in enumerate(runtime.raw_models)
    ]
    return process


def _process_order(process: ProcessSample) -> tuple[int, int]:
    first = process.cores[0].index if process.cores else 1 << 30
    return (first, process.pid if process.pid is not None else 1 << 30)


def _accumulate_cores(
    runtime: _ParsedRuntime,
    process: ProcessSample,
    cores: list[CoreSample],
    layout: _Layout,
    device_memory: dict[int, int],
) -> None:
    count = len(cores)
    for index, value in runtime.utilization.items():
        if index < count and value:
            core = cores[index]
            # Cores are reserved per process, so the sum is in practice one value;
            # clamp so that an odd report cannot draw a bar beyond 100 %.
            core.utilization = min(100.0, core.utilization + value)
    for index, value in runtime.flops.items():
        if index < count:
            core = cores[index]
            core.flops = (core.flops or 0) + value
    for index, samples in runtime.physical.items():
        if index < count:
            cores[index].physical = samples
    for sample in process.cores:
        if sample.index < count:
            if process.pid is not None:
                cores[sample.index].pids.append(process.pid)
            cores[sample.index].memory_used_bytes += sample.memory_used_bytes
    if runtime.has_breakdown:
        for index, parts in runtime.core_memory.items():
            device = layout.device_of(index)
            if device is not None:
                device_memory[device] = device_memory.get(device, 0) + sum(parts.values())
    elif process.device_bytes:
        # No per-core breakdown: place the runtime's bytes on its models' devices,
        # else on the device of its first core.
        by_device: dict[int, int] = {}
        for _number, _core, device, nbytes in runtime.model_subgraphs:
            by_device[device] = by_device.get(device, 0) + nbytes
        if by_device and sum(by_device.values()) > 0:
            for device, nbytes in by_device.items():
                device_memory[device] = device_memory.get(device, 0) + nbytes
        elif process.cores:
            device = layout.device_of(process.cores[0].index)
            if device is not None:
                device_memory[device] = device_memory.get(device, 0) + process.device_bytes


# --- system data ----------------------------------------------------------------


def _system_data(
    value: Any, errors: list[GroupError], periods: list[float]
) -> tuple[SystemSample | None, dict[int, dict[str, int]]]:
    if not isinstance(value, dict):
        return None, {}
    system = SystemSample()
    ecc: dict[int, dict[str, int]] = {}

    def group(name: str) -> dict[str, Any] | None:
        return _metric_group(value, name, errors, periods)[0]

    vcpu = group("vcpu_usage")
    if vcpu is not None:
        average = vcpu.get("average_usage")
        if isinstance(average, dict):
            system.vcpu_usage = {k: _float(average.get(k)) for k in VCPU_USAGE_KEYS}
        per_cpu = vcpu.get("usage_data")
        if isinstance(per_cpu, dict):
            system.vcpu_count = len(per_cpu)
        system.context_switch_count = _opt_int(vcpu.get("context_switch_count"))

    memory = group("memory_info")
    if memory is not None:
        system.memory_total_bytes = _opt_int(memory.get("memory_total_bytes"))
        system.memory_used_bytes = _opt_int(memory.get("memory_used_bytes"))
        system.swap_total_bytes = _opt_int(memory.get("swap_total_bytes"))
        system.swap_used_bytes = _opt_int(memory.get("swap_used_bytes"))

    counters = group("neuron_hw_counters")
    if counters is not None:
        devices = counters.get("neuron_devices")
        if isinstance(devices, list):
            for device in devices:
                if isinstance(device, dict):
                    index = _opt_int(device.get("neuron_device_index"))
                    if index is not None:
                        ecc[index] = {k: _int(device.get(k)) for k in ECC_KEYS}
    return system, ecc


def _devices(
    layout: _Layout, device_memory: dict[int, int], ecc: dict[int, dict[str, int]]
) -> list[DeviceSample]:
    if layout.device_count:
        count = layout.device_count
    else:
        known = set(device_memory) | set(ecc)
        count = max(known) + 1 if known else 0
    per_device = layout.cores_per_device
    devices = []
    for index in range(count):
        if per_device:
            cores = [c for c in range(index * per_device, (index + 1) * per_device)]
            cores = [c for c in cores if c < layout.core_count]
        else:
            cores = []
        devices.append(
            DeviceSample(
                index=index,
                cores=cores,
                memory_used_bytes=device_memory.get(index, 0),
                memory_total_bytes=layout.device_memory_bytes,
                ecc=ecc.get(index),
            )
        )
    return devices
