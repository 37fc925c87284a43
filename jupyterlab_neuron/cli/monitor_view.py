"""A compact, neuron-top-like text view of one snapshot (Japanese or English).

Used by ``jupyter neuron monitor``. Small instances get one bar per core;
more than :data:`BAR_VIEW_MAX_CORES` cores are shown as a grid of
percentages, eight cores per row, which stays readable at 128 cores.
"""

from __future__ import annotations

from neuron_kernel_helpers.i18n import Lang, Messages, format_table
from neuron_kernel_helpers.report import format_bytes, format_id_ranges

from ..monitor.snapshot import ProcessSample, Snapshot

#: Up to this many cores, one bar line per core.
BAR_VIEW_MAX_CORES = 16
BAR_WIDTH = 20
GRID_COLUMNS = 8

TEXT = Messages(
    {
        "title": {"ja": "NeuronCore モニター", "en": "NeuronCore monitor"},
        "simulated": {"ja": "（シミュレーション）", "en": " (simulated)"},
        "unknown_instance": {"ja": "インスタンス不明", "en": "unknown instance"},
        "cores": {"ja": "NeuronCore {count} 個", "en": "{count} NeuronCores"},
        "period": {"ja": "取得間隔 {seconds} 秒", "en": "period {seconds} s"},
        "utilization": {"ja": "NeuronCore 使用率", "en": "NeuronCore utilization"},
        "device": {"ja": "デバイス {index}", "en": "device {index}"},
        "device_memory": {"ja": "デバイスメモリ", "en": "Device memory"},
        "processes": {"ja": "プロセス", "en": "Processes"},
        "no_processes": {
            "ja": "  NeuronCore を使っているプロセスはありません。",
            "en": "  No process is using NeuronCores.",
        },
        "col_pid": {"ja": "PID", "en": "PID"},
        "col_tag": {"ja": "タグ", "en": "TAG"},
        "col_cores": {"ja": "NeuronCore", "en": "CORES"},
        "col_util": {"ja": "使用率", "en": "UTIL"},
        "col_host": {"ja": "ホストメモリ", "en": "HOST MEM"},
        "col_device": {"ja": "デバイスメモリ", "en": "DEVICE MEM"},
        "col_latency": {"ja": "レイテンシ p50/p99", "en": "LATENCY p50/p99"},
        "col_notebook": {"ja": "ノートブック", "en": "NOTEBOOK"},
        "host": {
            "ja": "ホスト: メモリ {used} / {total} · vCPU {vcpu}",
            "en": "Host: memory {used} / {total} · vCPU {vcpu}",
        },
        "skipped": {"ja": "スキップした行: {count}", "en": "Skipped lines: {count}"},
        "errors": {"ja": "エラー: {text}", "en": "Errors: {text}"},
    }
)


def _bar(percent: float) -> str:
    filled = round(max(0.0, min(100.0, percent)) / 100 * BAR_WIDTH)
    return "█" * filled + "░" * (BAR_WIDTH - filled)


def _latency(process: ProcessSample) -> str:
    latency = process.latency_total
    if not latency:
        return "-"
    return f"{latency['p50'] * 1000:.1f} / {latency['p99'] * 1000:.1f} ms"


def format_snapshot_text(snapshot: Snapshot, lang: Lang = "en") -> str:
    """The text view of ``snapshot``."""
    lines: list[str] = []
    header = [
        TEXT("title", lang),
        (snapshot.instance_type or TEXT("unknown_instance", lang))
        + (TEXT("simulated", lang) if snapshot.simulated else ""),
        TEXT("cores", lang, count=len(snapshot.cores)),
    ]
    if snapshot.period:
        header.append(TEXT("period", lang, seconds=f"{snapshot.period:.1f}"))
    lines.append(" · ".join(header))

    lines.append(TEXT("utilization", lang))
    if len(snapshot.cores) <= BAR_VIEW_MAX_CORES:
        bars = [
            [
                f"NC{core.index}",
                _bar(core.utilization),
                f"{core.utilization:.1f}%",
                "" if core.device is None else TEXT("device", lang, index=core.device),
                format_bytes(core.memory_used_bytes),
            ]
            for core in snapshot.cores
        ]
        lines.extend(format_table(bars, align=("left", "left", "right", "left", "right")))
    else:
        for start in range(0, len(snapshot.cores), GRID_COLUMNS):
            row = snapshot.cores[start : start + GRID_COLUMNS]
            label = f"NC{row[0].index}-{row[-1].index}"
            cells = " ".join(f"{core.utilization:5.1f}" for core in row)
            lines.append(f"  {label:<10}{cells}")

    lines.append(TEXT("device_memory", lang))
    memory = [
        [
            TEXT("device", lang, index=device.index),
            format_bytes(device.memory_used_bytes),
            "/ " + (format_bytes(device.memory_total_bytes) if device.memory_total_bytes else "-"),
        ]
        for device in snapshot.devices
    ]
    lines.extend(format_table(memory, align=("left", "right", "left")))

    lines.append(TEXT("processes", lang))
    if not snapshot.processes:
        lines.append(TEXT("no_processes", lang))
    else:
        with_notebooks = any(p.owner and p.owner.notebook_path for p in snapshot.processes)
        keys = ["col_pid", "col_tag", "col_cores", "col_util", "col_host", "col_device"]
        keys.append("col_latency")
        if with_notebooks:
            keys.append("col_notebook")
        rows = [[TEXT(key, lang) for key in keys]]
        for process in snapshot.processes:
            row = [
                "-" if process.pid is None else str(process.pid),
                process.tag if len(process.tag) <= 24 else process.tag[:23] + "…",
                format_id_ranges(process.core_indices),
                f"{process.utilization:.1f}%",
                format_bytes(process.host_bytes),
                format_bytes(process.device_bytes),
                _latency(process),
            ]
            if with_notebooks:
                owner = process.owner
                row.append(owner.notebook_path or "-" if owner else "-")
            rows.append(row)
        lines.extend(format_table(rows))

    system = snapshot.system
    if system is not None and (system.memory_total_bytes or system.vcpu_usage):
        vcpu = system.vcpu_used_percent
        lines.append(
            TEXT(
                "host",
                lang,
                used=format_bytes(system.memory_used_bytes),
                total=format_bytes(system.memory_total_bytes),
                vcpu="-" if vcpu is None else f"{vcpu:.1f}%",
            )
        )
    if snapshot.errors:
        text = "; ".join(
            f"{e.group}{'' if e.pid is None else f' ({e.pid})'}: {e.message}"
            for e in snapshot.errors[:3]
        )
        lines.append(TEXT("errors", lang, text=text))
    lines.append(TEXT("skipped", lang, count=snapshot.skipped_lines))
    return "\n".join(lines) + "\n"
