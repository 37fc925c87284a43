"""Showing the environment report to people: plain text and HTML, ja or en.

The renderers read the report's JSON form (:meth:`EnvironmentReport.to_dict`),
so the same code shows a report collected here, received from the server, or
printed by ``jupyter neuron doctor``. In a notebook::

    from neuron_kernel_helpers.report import show_environment
    show_environment()          # or show_environment(lang="ja")
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .environment import collect_environment
from .i18n import (
    Lang,
    Messages,
    display_width,
    format_table,
    list_separator,
    pad_to_width,
    parenthesized,
    resolve_lang,
)

LABELS = Messages(
    {
        "title": {"en": "Neuron environment", "ja": "Neuron 環境"},
        "simulated": {
            "en": "SIMULATED ({instance}): this is not real Neuron hardware.",
            "ja": "シミュレーション（{instance}）: 実際の Neuron ハードウェアではありません。",
        },
        "state": {"en": "State", "ja": "状態"},
        "state.ok": {"en": "ok: Neuron devices found", "ja": "正常: Neuron デバイスを検出しました"},
        "state.tools_not_found": {
            "en": "Neuron tools not found",
            "ja": "Neuron ツールが見つかりません",
        },
        "state.no_device": {"en": "no Neuron device", "ja": "Neuron デバイスが見つかりません"},
        "state.tool_error": {
            "en": "neuron-ls failed",
            "ja": "neuron-ls でエラーが発生しました",
        },
        "instance_type": {"en": "Instance type", "ja": "インスタンスタイプ"},
        "instance_id": {"en": "Instance ID", "ja": "インスタンス ID"},
        "unknown": {"en": "unknown", "ja": "不明"},
        "neuroncores": {"en": "NeuronCores", "ja": "NeuronCore 数"},
        "neuroncores.value": {
            "en": "{total} ({per_device} per device)",
            "ja": "{total}（デバイスあたり {per_device}）",
        },
        "logical_config": {
            "en": "logical NeuronCores, LNC={config}",
            "ja": "論理 NeuronCore、LNC={config}",
        },
        "device_memory": {"en": "Device memory", "ja": "デバイスメモリ"},
        "device_memory.value": {"en": "{memory} per device", "ja": "デバイスあたり {memory}"},
        "devices": {"en": "Devices", "ja": "デバイス"},
        "device": {"en": "Device", "ja": "デバイス"},
        "cores": {"en": "NeuronCores", "ja": "NeuronCore"},
        "memory": {"en": "Memory", "ja": "メモリ"},
        "bdf": {"en": "PCI BDF", "ja": "PCI BDF"},
        "numa": {"en": "NUMA node", "ja": "NUMA ノード"},
        "cpu_affinity": {"en": "CPU affinity", "ja": "CPU アフィニティ"},
        "connected_to": {"en": "Connected to", "ja": "接続先"},
        "processes": {"en": "Processes", "ja": "プロセス"},
        "none": {"en": "none", "ja": "なし"},
        "sdk": {"en": "Neuron SDK generation", "ja": "Neuron SDK の世代"},
        "workers": {"en": "torchrun workers", "ja": "torchrun のワーカー数"},
        "workers.value": {
            "en": (
                "{workers} on NeuronCores {cores} (NEURON_RT_VISIBLE_CORES={cores}; "
                "valid: {counts})"
            ),
            "ja": (
                "{workers}（NeuronCore {cores} を使用、NEURON_RT_VISIBLE_CORES={cores}。"
                "指定できる値: {counts}）"
            ),
        },
        "workers.none_free": {
            "en": "none fits in the free NeuronCores (valid: {counts})",
            "ja": "空いている NeuronCore に収まる値がありません（指定できる値: {counts}）",
        },
        "workers.inference_only": {
            "en": "none: an inference instance",
            "ja": "なし（推論用のインスタンスです）",
        },
        "packages": {"en": "Packages", "ja": "パッケージ"},
        "packages_of": {"en": "Packages of {python}", "ja": "{python} のパッケージ"},
        "not_installed": {"en": "not installed", "ja": "未インストール"},
        "compile_cache": {"en": "Compile cache", "ja": "コンパイルキャッシュ"},
        "cache.source.default": {"en": "default", "ja": "既定"},
        "cache.source.NEURON_CC_FLAGS": {
            "en": "from NEURON_CC_FLAGS",
            "ja": "NEURON_CC_FLAGS で指定",
        },
        "cache.source.NEURON_COMPILE_CACHE_URL": {
            "en": "from NEURON_COMPILE_CACHE_URL",
            "ja": "NEURON_COMPILE_CACHE_URL で指定",
        },
        "cache.remote": {"en": "remote (S3)", "ja": "リモート（S3）"},
        "cache.disabled": {"en": "disabled (--no_cache)", "ja": "無効（--no_cache）"},
        "tool_not_found": {"en": "not found", "ja": "見つかりません"},
        "searched": {"en": "Searched", "ja": "検索場所"},
        "problems": {"en": "Problems", "ja": "検出された問題"},
        "no_problems": {"en": "No problems found.", "ja": "問題は見つかりませんでした。"},
        "detail": {"en": "Detail", "ja": "詳細"},
    }
)


# --- small formatting pieces -----------------------------------------------------


def format_bytes(size: int | None) -> str:
    """``34359738368`` -> ``"32 GiB"`` (binary units, at most one decimal)."""
    if size is None:
        return "-"
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            text = f"{value:.1f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover - the loop always returns


def format_id_ranges(ids: Iterable[int]) -> str:
    """``[0, 1, 2, 5]`` -> ``"0-2, 5"``."""
    ordered = sorted(set(ids))
    if not ordered:
        return "-"
    ranges: list[str] = []
    start = previous = ordered[0]
    for value in [*ordered[1:], None]:
        if value is not None and value == previous + 1:
            previous = value
            continue
        ranges.append(str(start) if start == previous else f"{start}-{previous}")
        if value is not None:
            start = previous = value
    return ", ".join(ranges)


def _processes_text(processes: Sequence[Mapping[str, Any]], lang: Lang) -> str:
    if not processes:
        return LABELS("none", lang)
    return list_separator(lang).join(
        parenthesized(str(p.get("pid")), p.get("command") or "?", lang) for p in processes
    )


def _cache_text(cache: Mapping[str, Any], lang: Lang) -> str:
    notes = [LABELS(f"cache.source.{cache.get('source', 'default')}", lang)]
    if cache.get("remote"):
        notes.append(LABELS("cache.remote", lang))
    if cache.get("disabled"):
        notes.append(LABELS("cache.disabled", lang))
    return parenthesized(str(cache.get("root")), list_separator(lang).join(notes), lang)


def _workers_text(workers: Mapping[str, Any], lang: Lang) -> str:
    counts = list(workers.get("counts") or [])
    if not counts:
        return LABELS("workers.inference_only", lang)
    shown = list_separator(lang).join(str(count) for count in counts)
    if not workers.get("recommended"):
        return LABELS("workers.none_free", lang, counts=shown)
    return LABELS(
        "workers.value",
        lang,
        workers=workers["recommended"],
        cores=workers.get("visible_cores"),
        counts=shown,
    )


def _simulated_text(data: Mapping[str, Any], lang: Lang) -> str | None:
    """The warning of a simulated report, ``None`` for a real one."""
    if not data.get("simulated"):
        return None
    instance = data.get("simulated_instance") or data.get("instance_type") or "?"
    return LABELS("simulated", lang, instance=instance)


def _summary_rows(data: Mapping[str, Any], lang: Lang) -> list[tuple[str, str]]:
    unknown = LABELS("unknown", lang)
    rows = [
        (LABELS("state", lang), LABELS(f"state.{data['state']}", lang)),
        (LABELS("instance_type", lang), data.get("instance_type") or unknown),
        (LABELS("instance_id", lang), data.get("instance_id") or unknown),
    ]
    devices = data.get("devices") or []
    if devices:
        per_device = data.get("neuroncores_per_device")
        cores = (
            LABELS(
                "neuroncores.value",
                lang,
                total=data.get("neuroncores"),
                per_device=per_device,
            )
            if per_device
            else str(data.get("neuroncores"))
        )
        if data.get("logical_neuroncore_config"):
            config = LABELS("logical_config", lang, config=data["logical_neuroncore_config"])
            cores = list_separator(lang).join((cores, config))
        rows.append((LABELS("neuroncores", lang), cores))
        memory = data.get("device_memory_bytes")
        if memory:
            rows.append(
                (
                    LABELS("device_memory", lang),
                    LABELS("device_memory.value", lang, memory=format_bytes(memory)),
                )
            )
    workers = data.get("workers")
    if workers:
        rows.append((LABELS("workers", lang), _workers_text(workers, lang)))
    sdk = data.get("sdk")
    if sdk and sdk.get("description"):
        rows.append((LABELS("sdk", lang), str(sdk["description"])))
    rows.append((LABELS("compile_cache", lang), _cache_text(data.get("compile_cache") or {}, lang)))
    tools = data.get("tools") or {}
    not_found = LABELS("tool_not_found", lang)
    rows.append(("neuron-ls", tools.get("neuron_ls") or not_found))
    rows.append(("neuron-monitor", tools.get("neuron_monitor") or not_found))
    searched = list_separator(lang).join(tools.get("searched") or [])
    rows.append((LABELS("searched", lang), searched or "-"))
    error = data.get("error")
    if error and error.get("detail"):
        rows.append((LABELS("detail", lang), str(error["detail"])))
    return rows


def _device_rows(data: Mapping[str, Any], lang: Lang) -> list[list[str]]:
    rows = []
    for device in data.get("devices") or []:
        connected = device.get("connected_to")
        rows.append(
            [
                str(device.get("index")),
                format_id_ranges(device.get("neuroncore_ids") or []),
                format_bytes(device.get("memory_bytes")),
                str(device.get("bdf") or "-"),
                str(device.get("numa_node") if device.get("numa_node") is not None else "-"),
                str(device.get("cpu_affinity") or "-"),
                list_separator(lang).join(str(n) for n in connected) if connected else "-",
                _processes_text(device.get("processes") or [], lang),
            ]
        )
    return rows


def _device_headers(lang: Lang) -> list[str]:
    keys = ("device", "cores", "memory", "bdf", "numa", "cpu_affinity", "connected_to", "processes")
    return [LABELS(key, lang) for key in keys]


# --- renderers ------------------------------------------------------------------------


def format_environment_text(data: Mapping[str, Any], lang: Lang = "en") -> str:
    """The report as aligned plain text (for terminals and ``repr``)."""
    lines = [LABELS("title", lang)]
    simulated = _simulated_text(data, lang)
    if simulated:
        lines.append("!! " + simulated)
    summary = _summary_rows(data, lang)
    width = max(display_width(label) for label, _ in summary) + 1
    lines += [f"  {pad_to_width(label, width)}: {value}" for label, value in summary]

    devices = _device_rows(data, lang)
    if devices:
        lines.append(LABELS("devices", lang))
        table = [_device_headers(lang), *devices]
        lines += format_table(table)

    lines.append(LABELS("packages_of", lang, python=data.get("packages_python") or "?"))
    packages = data.get("packages") or {}
    lines += format_table(
        [[name, version or LABELS("not_installed", lang)] for name, version in packages.items()]
    )

    lines.append(LABELS("problems", lang))
    problems = data.get("problems") or []
    lines += [f"  - {problem}" for problem in problems] or [f"  {LABELS('no_problems', lang)}"]
    return "\n".join(lines)


_STYLE = (
    "<style>"
    ".neuron-env table{border-collapse:collapse;margin:0.3em 0 0.8em 0}"
    ".neuron-env th,.neuron-env td{text-align:left;padding:2px 10px 2px 0;vertical-align:top}"
    ".neuron-env .neuron-env-simulated{font-weight:bold;color:#b45309}"
    "</style>"
)


def _cell(tag: str, value: object) -> str:
    return f"<{tag}>{html.escape(str(value))}</{tag}>"


def format_environment_html(data: Mapping[str, Any], lang: Lang = "en") -> str:
    """The report as a small, escaped HTML fragment (for notebooks)."""
    parts = [_STYLE, '<div class="neuron-env">', _cell("h4", LABELS("title", lang))]
    simulated = _simulated_text(data, lang)
    if simulated:
        parts.append(f'<p class="neuron-env-simulated">{html.escape(simulated)}</p>')
    parts.append("<table>")
    for label, value in _summary_rows(data, lang):
        parts.append(f"<tr>{_cell('th', label)}{_cell('td', value)}</tr>")
    parts.append("</table>")

    devices = _device_rows(data, lang)
    if devices:
        parts.append(_cell("h5", LABELS("devices", lang)))
        parts.append("<table><tr>" + "".join(_cell("th", h) for h in _device_headers(lang)))
        parts.append("</tr>")
        for row in devices:
            parts.append("<tr>" + "".join(_cell("td", value) for value in row) + "</tr>")
        parts.append("</table>")

    parts.append(
        _cell("h5", LABELS("packages_of", lang, python=data.get("packages_python") or "?"))
    )
    parts.append("<table>")
    for name, version in (data.get("packages") or {}).items():
        shown = version or LABELS("not_installed", lang)
        parts.append(f"<tr>{_cell('th', name)}{_cell('td', shown)}</tr>")
    parts.append("</table>")

    parts.append(_cell("h5", LABELS("problems", lang)))
    problems = data.get("problems") or []
    if problems:
        parts.append("<ul>" + "".join(_cell("li", problem) for problem in problems) + "</ul>")
    else:
        parts.append(_cell("p", LABELS("no_problems", lang)))
    parts.append("</div>")
    return "".join(parts)


class EnvironmentDisplay:
    """A report that shows itself as HTML in notebooks and as text elsewhere."""

    def __init__(self, data: Mapping[str, Any], lang: Lang = "en") -> None:
        self.data = dict(data)
        self.lang = lang

    def _repr_html_(self) -> str:
        return format_environment_html(self.data, self.lang)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(format_environment_text(self.data, self.lang))

    def __repr__(self) -> str:
        return format_environment_text(self.data, self.lang)


def show_environment(lang: str | None = None, **collect_options: Any) -> EnvironmentDisplay:
    """Collect the Neuron environment and return it ready to display in a cell.

    ``lang`` is ``"ja"`` or ``"en"`` (default: from the locale). Other keyword
    arguments go to :func:`~neuron_kernel_helpers.environment.collect_environment`
    (for example ``tools_path=[...]``). Packages are those of this kernel.
    """
    resolved = resolve_lang(lang)
    report = collect_environment(**collect_options)
    return EnvironmentDisplay(report.to_dict(resolved), resolved)
