"""Are the NeuronCores free? A check to run in the notebook before training.

NeuronCores are reserved per process: a kernel that still holds them (after a
trace, an inference, or a training run left behind) makes the next run fail
with ``nrt_allocate_neuron_cores ... Available:0``. ``neuron-ls`` lists the
processes of each device; this check reads that from the environment report
and says, in the notebook, which other process holds which cores and what
that means for the number of workers.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from .i18n import Lang, Messages
from .instances import INSTANCE_TYPES, WorkerPlan, plan_workers
from .report import format_id_ranges

MESSAGES = Messages(
    {
        "summary": {
            "ja": "NeuronCore: {total} 個{instance}。空いている NeuronCore: {free} 個。",
            "en": "NeuronCores: {total}{instance}. Free NeuronCores: {free}.",
        },
        "summary.instance": {"ja": "（{instance_type}）", "en": " ({instance_type})"},
        "simulated": {
            "ja": "※ シミュレーションの環境です。実際の NeuronCore はありません。",
            "en": "Note: this is a simulated environment; there are no real NeuronCores.",
        },
        "no_device": {
            "ja": (
                "Neuron デバイスが見つかりません（状態: {state}）。CPU スモークモードで"
                "実行する場合は問題ありません。Neuron で実行する場合は、inf2 / trn1 "
                "インスタンスで Neuron ドライバーとツールが使えることを確認してください。"
            ),
            "en": (
                "No Neuron device was found (state: {state}). That is fine in CPU smoke mode. To "
                "run on Neuron, use an inf2 / trn1 instance with the Neuron driver and tools."
            ),
        },
        "all_free": {
            "ja": "✔ NeuronCore を使用中の他のプロセスはありません。",
            "en": "✔ No other process is using NeuronCores.",
        },
        "busy": {
            "ja": (
                "⚠ プロセス {pid}（{command}）がデバイス {device}"
                "（NeuronCore {cores}）を使用中です。"
            ),
            "en": "⚠ Process {pid} ({command}) is using device {device} (NeuronCores {cores}).",
        },
        "busy.advice": {
            "ja": (
                "このままでは学習や推論が NeuronCore を確保できずに失敗します。Neuron パネルで"
                "どのノートブックのカーネルかを確認し、不要なカーネルを停止してから、"
                "このセルをもう一度実行してください。"
            ),
            "en": (
                "Training or inference would fail to allocate these NeuronCores. Find the "
                "notebook kernel in the Neuron panel, stop the kernels you do not need, then "
                "run this cell again."
            ),
        },
        "own": {
            "ja": (
                "⚠ このカーネル自身（プロセス {pid}）がデバイス {device} の NeuronCore を"
                "使用中です（トレースや推論をした後です）。torchrun で学習する前に、"
                "カーネルを再起動してください。"
            ),
            "en": (
                "⚠ This kernel itself (process {pid}) is using NeuronCores of device {device} "
                "(after tracing or inference). Restart the kernel before training with torchrun."
            ),
        },
        "workers": {
            "ja": (
                "空いている NeuronCore で使える torchrun のワーカー数の推奨値: {workers}"
                "（NeuronCore {visible} を使用。NEURON_RT_VISIBLE_CORES={visible}）"
            ),
            "en": (
                "Recommended torchrun workers for the free NeuronCores: {workers} "
                "(on NeuronCores {visible}: NEURON_RT_VISIBLE_CORES={visible})"
            ),
        },
    }
)


def free_neuroncore_ids(report: Mapping[str, Any]) -> list[int]:
    """Global ids of the NeuronCores on devices no process uses, from an environment report.

    ``report`` is the report's JSON form. A device any process uses counts as
    busy as a whole (``neuron-ls`` does not say which of its cores a process holds).
    """
    free: list[int] = []
    for device in report.get("devices") or []:
        if not device.get("processes"):
            free += [int(core) for core in device.get("neuroncore_ids") or []]
    return sorted(free)


def worker_plan_for_report(report: Mapping[str, Any]) -> WorkerPlan | None:
    """The recommended workers and their core range for an environment report's free cores.

    ``None`` when the instance type is not in the catalogue, offers no training
    worker counts, numbers more NeuronCores than the catalogue (a trn2 at LNC=1,
    whose worker counts are not documented), or no documented count fits in one
    free aligned range.
    """
    spec = INSTANCE_TYPES.get(report.get("instance_type") or "")
    free = free_neuroncore_ids(report)
    if spec is None or not free or not all(0 <= core < spec.neuroncores for core in free):
        return None
    return plan_workers(spec, free_cores=free)


def check_neuroncores(
    report: Mapping[str, Any] | None = None,
    *,
    lang: Lang = "en",
    own_pid: int | None = None,
    stream: TextIO | None = None,
) -> dict[str, Any]:
    """Say which NeuronCores are free and warn about processes holding the others.

    Args:
        report: an environment report in its JSON form (``collect_environment().to_dict()``);
            collected now when omitted.
        lang: language of the printed lines.
        own_pid: this kernel's process id (default: ``os.getpid()``).
        stream: where the lines go (default: ``sys.stdout``).

    Returns ``{"total", "free", "busy": [...], "own": [...], "recommended_workers",
    "visible_cores", "simulated", "state"}``. A device used by any process counts
    as busy as a whole, since ``neuron-ls`` does not say which of its cores a
    process holds. The recommendation is the largest worker count the instance
    catalogue lists that fits in one free aligned core range, and
    ``visible_cores`` that range as a ``NEURON_RT_VISIBLE_CORES`` value; both are
    0 / ``None`` when nothing fits or the instance type is not in the catalogue.
    """
    if report is None:
        from .environment import collect_environment

        report = collect_environment().to_dict(lang)
    out = stream if stream is not None else sys.stdout
    pid_self = os.getpid() if own_pid is None else own_pid
    state = report.get("state")
    devices = report.get("devices") or []
    busy: list[dict[str, Any]] = []
    own: list[dict[str, Any]] = []
    for device in devices:
        cores = list(device.get("neuroncore_ids") or [])
        processes = device.get("processes") or []
        for process in processes:
            entry = {
                "pid": process.get("pid"),
                "command": process.get("command") or "?",
                "device": device.get("index"),
                "neuroncore_ids": cores,
            }
            (own if process.get("pid") == pid_self else busy).append(entry)
    total = int(report.get("neuroncores") or 0)
    free = len(free_neuroncore_ids(report))
    instance_type = report.get("instance_type")
    plan = worker_plan_for_report(report)
    workers = plan.workers if plan else 0
    result = {
        "state": state,
        "simulated": bool(report.get("simulated")),
        "total": total,
        "free": free,
        "busy": busy,
        "own": own,
        "recommended_workers": workers,
        "visible_cores": plan.visible_cores if plan else None,
    }

    if state != "ok" or not devices:
        print(MESSAGES("no_device", lang, state=state), file=out)
        return result
    instance = (
        MESSAGES("summary.instance", lang, instance_type=instance_type) if instance_type else ""
    )
    print(MESSAGES("summary", lang, total=total, instance=instance, free=free), file=out)
    if result["simulated"]:
        print(MESSAGES("simulated", lang), file=out)
    for entry in busy:
        print(
            MESSAGES(
                "busy",
                lang,
                pid=entry["pid"],
                command=entry["command"],
                device=entry["device"],
                cores=format_id_ranges(entry["neuroncore_ids"]),
            ),
            file=out,
        )
    if busy:
        print(MESSAGES("busy.advice", lang), file=out)
    for entry in own:
        print(MESSAGES("own", lang, pid=entry["pid"], device=entry["device"]), file=out)
    if not busy and not own:
        print(MESSAGES("all_free", lang), file=out)
    if plan is not None:
        print(MESSAGES("workers", lang, workers=workers, visible=plan.visible_cores), file=out)
    out.flush()
    return result
