"""Prometheus text exposition (format 0.0.4) of the latest snapshot.

Metric names and labels follow AWS's ``neuron-monitor-prometheus.py`` and its
Grafana dashboard, so existing dashboards work against this endpoint (the
server's ``monitor/metrics`` and ``jupyter neuron exporter`` both serve it). The
text is rendered once per snapshot and cached, so scraping every second costs
a dictionary lookup. neuron-monitor's execution and ECC counts are per period;
they are accumulated here into real counters (``*_total``).

Output passes ``promtool check metrics``: every family has HELP and TYPE, and
``system_vcpu_count`` is declared ``untyped`` because the linter reserves the
``_count`` suffix for histograms and summaries.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence

from .snapshot import (
    CORE_MEMORY_KEYS,
    ECC_KEYS,
    EXECUTION_ERROR_KEYS,
    EXECUTION_STATUS_KEYS,
    LATENCY_PERCENTILES,
    ProcessSample,
    Snapshot,
)

#: Content type of the exposition format served by the metrics endpoint.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

#: Labels on every sample, as in AWS's exporter.
COMMON_LABELS = (
    "availability_zone",
    "instance_id",
    "instance_name",
    "instance_type",
    "region",
    "subnet_id",
)

#: ``usage_type`` values of ``system_vcpu_usage_ratio`` and the neuron-monitor
#: fields each one adds up, as AWS's exporter groups them.
VCPU_USAGE_GROUPS = (
    ("user", ("user", "nice")),
    ("system", ("system", "io_wait", "irq", "soft_irq")),
)

#: Counter series of a runtime not seen for this long are dropped.
COUNTER_RETENTION_SECONDS = 600.0

Labels = tuple[tuple[str, str], ...]


def escape_label_value(value: str) -> str:
    """Escape a label value for the text format."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _format_value(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


class _Family:
    """One metric family being written: HELP, TYPE and its samples."""

    __slots__ = ("help", "kind", "name", "samples")

    def __init__(self, name: str, kind: str, help_text: str) -> None:
        self.name = name
        self.kind = kind
        self.help = help_text
        self.samples: list[str] = []

    def add(self, common: str, value: float, labels: Iterable[tuple[str, str]] = ()) -> None:
        extra = ",".join(f'{k}="{escape_label_value(v)}"' for k, v in labels)
        joined = common + ("," + extra if extra and common else extra)
        self.samples.append(f"{self.name}{{{joined}}} {_format_value(value)}")

    def render(self, out: list[str]) -> None:
        out.append(f"# HELP {self.name} {_escape_help(self.help)}")
        out.append(f"# TYPE {self.name} {self.kind}")
        out.extend(self.samples)


_FamilyFactory = Callable[[str, str, str], _Family]


class PrometheusExporter:
    """Accumulates counters from every snapshot and renders the latest one.

    Call :meth:`observe` for every snapshot (counters need every period, scraped
    or not) and :meth:`render` from the endpoint.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._counters: dict[tuple[str, Labels], float] = {}
        self._seen: dict[str, float] = {}
        self._latest: Snapshot | None = None
        self._cache_key: tuple[int, bool, int] | None = None
        self._cache_text = ""

    def observe(self, snapshot: Snapshot) -> None:
        """Fold one snapshot's per-period counts into the counters."""
        now = self._clock()
        tags = _runtime_tags(snapshot.processes)
        for process, tag in zip(snapshot.processes, tags, strict=True):
            self._seen[tag] = now
            if process.execution_errors:
                for key, count in process.execution_errors.items():
                    self._add("execution_errors_total", (("error_type", key),), tag, count)
            if process.execution:
                for key, count in process.execution.items():
                    self._add("execution_status_total", (("status_type", key),), tag, count)
        for device in snapshot.devices:
            if device.ecc:
                for key, count in device.ecc.items():
                    labels = (("event_type", key), ("neuron_device_index", str(device.index)))
                    self._add("hardware_ecc_events_total", labels, None, count)
        self._expire(now)
        self._latest = snapshot

    def render(self, *, up: bool = True, skipped_lines: int = 0) -> str:
        """The exposition text for the latest observed snapshot (cached)."""
        snapshot = self._latest
        key = (snapshot.seq if snapshot else -1, up, skipped_lines)
        if key != self._cache_key:
            self._cache_text = self._render(snapshot, up=up, skipped_lines=skipped_lines)
            self._cache_key = key
        return self._cache_text

    # --- internals ---------------------------------------------------------

    def _add(self, name: str, labels: Labels, tag: str | None, count: int) -> None:
        if tag is not None:
            labels = (*labels, ("runtime_tag", tag))
        series = (name, labels)
        self._counters[series] = self._counters.get(series, 0) + max(count, 0)

    def _expire(self, now: float) -> None:
        stale = {t for t, seen in self._seen.items() if now - seen > COUNTER_RETENTION_SECONDS}
        if not stale:
            return
        for tag in stale:
            del self._seen[tag]
        self._counters = {
            series: value
            for series, value in self._counters.items()
            if dict(series[1]).get("runtime_tag") not in stale
        }

    def _render(self, snapshot: Snapshot | None, *, up: bool, skipped_lines: int) -> str:
        families: list[_Family] = []

        def family(name: str, kind: str, help_text: str) -> _Family:
            created = _Family(name, kind, help_text)
            families.append(created)
            return created

        if snapshot is not None:
            common = _common_labels(snapshot)
            self._render_runtimes(snapshot, common, family)
            self._render_counters(common, family)
            self._render_system(snapshot, common, family)
        else:
            common = ""
        own_up = family(
            "jupyterlab_neuron_monitor_up",
            "gauge",
            "1 when the neuron-monitor child of the Jupyter server is running.",
        )
        own_up.add(common, 1 if up else 0)
        skipped = family(
            "jupyterlab_neuron_monitor_skipped_lines_total",
            "counter",
            "neuron-monitor output lines skipped as malformed or oversized.",
        )
        skipped.add(common, skipped_lines)
        if snapshot is not None:
            simulated = family(
                "jupyterlab_neuron_monitor_simulated",
                "gauge",
                "1 when the data comes from the jupyterlab-neuron simulator, not real hardware.",
            )
            simulated.add(common, 1 if snapshot.simulated else 0)
            stamp = family(
                "jupyterlab_neuron_monitor_last_report_timestamp_seconds",
                "gauge",
                "When the Jupyter server read the latest neuron-monitor report (Unix time).",
            )
            stamp.add(common, float(snapshot.timestamp))
        out: list[str] = []
        for item in families:
            if item.samples:
                item.render(out)
        out.append("")
        return "\n".join(out)

    def _render_runtimes(self, snapshot: Snapshot, common: str, family: _FamilyFactory) -> None:
        utilization = family(
            "neuroncore_utilization_ratio",
            "gauge",
            "NeuronCore utilization as a ratio (0..1), per runtime and core in use.",
        )
        memory = family(
            "neuron_runtime_memory_used_bytes",
            "gauge",
            "Memory used by a Neuron runtime, on the host or on the Neuron device.",
        )
        core_memory = {
            key: family(
                f"neuroncore_memory_usage_{key}",
                "gauge",
                f"Device memory used for {key.replace('_', ' ')} per NeuronCore and runtime.",
            )
            for key in CORE_MEMORY_KEYS
        }
        vcpu = family(
            "neuron_runtime_vcpu_usage_ratio",
            "gauge",
            "Host vCPU usage of a Neuron runtime as a ratio (0..1), user or system.",
        )
        latency = family(
            "execution_latency_seconds",
            "gauge",
            "Total execution latency percentiles of a Neuron runtime over the last period.",
        )
        tags = _runtime_tags(snapshot.processes)
        # A runtime lists every NeuronCore of the instance; the snapshot keeps only
        # the ones it uses, so the others are written here as idle (0), as AWS does.
        all_cores = [core.index for core in snapshot.cores]
        for process, tag in zip(snapshot.processes, tags, strict=True):
            runtime = (("runtime_tag", tag),)
            used = {core.index: core.utilization for core in process.cores}
            for index in sorted(set(all_cores).union(used)):
                labels = (("neuroncore", str(index)), *runtime)
                utilization.add(common, round(used.get(index, 0.0) / 100.0, 6), labels)
            for core in process.cores:
                labels = (("neuroncore", str(core.index)), *runtime)
                if core.memory:
                    for key, value in core.memory.items():
                        core_memory[key].add(common, value, labels)
            memory.add(common, process.host_bytes, (("memory_location", "host"), *runtime))
            memory.add(
                common, process.device_bytes, (("memory_location", "neuron_device"), *runtime)
            )
            if process.vcpu:
                for key in ("user", "system"):
                    share = round(process.vcpu.get(key, 0.0) / 100.0, 6)
                    vcpu.add(common, share, (("usage_type", key), *runtime))
            if process.latency_total:
                for key in LATENCY_PERCENTILES:
                    value = process.latency_total[key]
                    latency.add(common, value, (("percentile", key), *runtime))

    def _render_counters(self, common: str, family: _FamilyFactory) -> None:
        errors = family(
            "execution_errors_total",
            "counter",
            "Neuron runtime execution errors by type, counted since the monitor started.",
        )
        status = family(
            "execution_status_total",
            "counter",
            "Neuron runtime executions by outcome, counted since the monitor started.",
        )
        ecc = family(
            "hardware_ecc_events_total",
            "counter",
            "ECC events of Neuron device memory and SRAM, counted since the monitor started.",
        )
        targets = {
            "execution_errors_total": errors,
            "execution_status_total": status,
            "hardware_ecc_events_total": ecc,
        }
        order = {
            "error_type": {k: i for i, k in enumerate(EXECUTION_ERROR_KEYS)},
            "status_type": {k: i for i, k in enumerate(EXECUTION_STATUS_KEYS)},
            "event_type": {k: i for i, k in enumerate(ECC_KEYS)},
        }

        def sort_key(item: tuple[tuple[str, Labels], float]) -> tuple:
            name, labels = item[0]
            first_key, first_value = labels[0]
            rest = tuple(v for _, v in labels[1:])
            return (name, rest, order.get(first_key, {}).get(first_value, 99))

        for (name, labels), value in sorted(self._counters.items(), key=sort_key):
            targets[name].add(common, value, labels)

    def _render_system(self, snapshot: Snapshot, common: str, family: _FamilyFactory) -> None:
        system = snapshot.system
        if system is not None:
            for name, value, text in (
                ("system_memory_total_bytes", system.memory_total_bytes, "Host memory size."),
                ("system_memory_used_bytes", system.memory_used_bytes, "Host memory in use."),
                ("system_swap_total_bytes", system.swap_total_bytes, "Host swap size."),
                ("system_swap_used_bytes", system.swap_used_bytes, "Host swap in use."),
            ):
                if value is not None:
                    family(name, "gauge", text).add(common, value)
            if system.vcpu_count is not None:
                family("system_vcpu_count", "untyped", "Number of host vCPUs.").add(
                    common, system.vcpu_count
                )
            if system.vcpu_usage:
                usage = family(
                    "system_vcpu_usage_ratio",
                    "gauge",
                    "Average host vCPU usage as a ratio (0..1): user (user and nice) or "
                    "system (system, io_wait, irq and soft_irq).",
                )
                for key, parts in VCPU_USAGE_GROUPS:
                    share = sum(system.vcpu_usage.get(part, 0.0) for part in parts)
                    usage.add(common, round(share / 100.0, 6), (("usage_type", key),))
        instance = snapshot.instance
        family(
            "instance_info", "gauge", "EC2 instance facts reported by neuron-monitor (always 1)."
        ).add(common, 1, (("ami_id", instance.ami_id or ""),))
        hardware = snapshot.hardware
        labels = [
            ("neuron_device_count", _text(hardware.device_count)),
            ("neuroncore_per_device_count", _text(hardware.cores_per_device)),
        ]
        if hardware.device_type:
            labels.append(("neuron_device_type", hardware.device_type))
        if hardware.logical_neuroncore_config:
            labels.append(("logical_neuroncore_config", str(hardware.logical_neuroncore_config)))
        family(
            "neuron_hardware_info", "gauge", "Neuron hardware facts of the instance (always 1)."
        ).add(common, 1, labels)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _common_labels(snapshot: Snapshot) -> str:
    info = snapshot.instance
    values = (
        info.availability_zone,
        info.instance_id,
        info.instance_name,
        info.instance_type,
        info.region,
        info.subnet_id,
    )
    return ",".join(
        f'{name}="{escape_label_value(value or "")}"'
        for name, value in zip(COMMON_LABELS, values, strict=True)
    )


def _runtime_tags(processes: Sequence[ProcessSample]) -> list[str]:
    """Each runtime's tag, made unique (two runtimes may share NEURON_PROCESS_TAG)."""
    seen: set[str] = set()
    tags = []
    for process in processes:
        tag = process.tag
        if tag in seen:
            tag = f"{tag}#{process.pid}"
        seen.add(tag)
        tags.append(tag)
    return tags
