"""``jupyter neuron cluster``: every Neuron node of the cluster, from Prometheus.

The same answer as ``GET <base_url>/jupyterlab-neuron/cluster``, through the
same core (:mod:`jupyterlab_neuron.cluster.service`) and the server's
settings (``prometheus_url`` and its authentication), or ``--prometheus URL``.

Exit status: 0 with nodes, 1 when Prometheus failed or has no Neuron series
(the state is printed), 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
from typing import Any, TextIO

from neuron_kernel_helpers.i18n import Lang, Messages, format_table, resolve_lang
from neuron_kernel_helpers.report import format_bytes

from ..cluster.service import ClusterService, config_from_settings
from .arguments import add_lang_argument, write_json

TEXT = Messages(
    {
        "header": {
            "ja": "クラスター: ノード {up}/{nodes} 台が稼働中、NeuronCore {cores} 個、"
            "平均使用率 {utilization}%（{url}）",
            "en": "Cluster: {up} of {nodes} nodes up, {cores} NeuronCores, "
            "mean utilization {utilization}% ({url})",
        },
        "node": {"ja": "ノード", "en": "node"},
        "type": {"ja": "インスタンスタイプ", "en": "instance type"},
        "state": {"ja": "状態", "en": "state"},
        "utilization": {"ja": "使用率", "en": "utilization"},
        "cores": {"ja": "NeuronCore", "en": "NeuronCores"},
        "device_memory": {"ja": "デバイスメモリ", "en": "device memory"},
        "errors": {"ja": "エラー（5 分）", "en": "errors (5 min)"},
        "up": {"ja": "稼働中", "en": "up"},
        "down": {"ja": "停止", "en": "down"},
        "stale": {"ja": "更新なし", "en": "stale"},
        "simulated": {
            "ja": "シミュレーション: ノード {count} 台のデータはシミュレーターによるもので、"
            "実際の Neuron ハードウェアではありません。",
            "en": "Simulated: the data of {count} nodes comes from the simulator, "
            "not from Neuron hardware.",
        },
    }
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``cluster`` sub-command."""
    parser = subparsers.add_parser(
        "cluster",
        help="every Neuron node of the cluster, from Prometheus",
        description=(
            "Show every Neuron node Prometheus scrapes (its NeuronCore utilization, memory "
            "and state), as the cluster view does. Uses the server's prometheus_url setting "
            "unless --prometheus is given."
        ),
    )
    parser.add_argument("--prometheus", metavar="URL", help="Prometheus base URL")
    parser.add_argument("--json", action="store_true", help="print the REST answer's JSON")
    add_lang_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, stdout: TextIO | None = None) -> int:
    """Query Prometheus once and print the answer; returns the exit status."""
    from .config import server_settings

    out = stdout or sys.stdout
    lang = resolve_lang(args.lang)
    config = config_from_settings(server_settings())
    if args.prometheus:
        config = (
            dataclasses.replace(config, url=args.prometheus)
            if config
            else config_from_settings(_UrlOnly(args.prometheus))
        )
    answer = asyncio.run(_snapshot(ClusterService(config), lang))
    if args.json:
        write_json(answer, out)
    elif answer["state"] != "ok":
        print(answer["message"], file=sys.stderr)
    else:
        out.write(format_cluster_text(answer, lang))
    return 0 if answer["state"] == "ok" else 1


class _UrlOnly:
    """The default settings with only a URL (``--prometheus`` without server settings)."""

    def __init__(self, url: str) -> None:
        from ..settings import JupyterLabNeuron

        defaults = JupyterLabNeuron()
        for name in JupyterLabNeuron.class_trait_names(config=True):
            setattr(self, name, getattr(defaults, name))
        self.prometheus_url = url


async def _snapshot(service: ClusterService, lang: Lang) -> dict[str, Any]:
    try:
        return await service.snapshot(lang)
    finally:
        await service.close()


def format_cluster_text(answer: dict[str, Any], lang: Lang) -> str:
    """The text view: a summary line and one row per node."""
    summary = answer["summary"]
    lines = [
        TEXT(
            "header",
            lang,
            up=summary["up"],
            nodes=summary["nodes"],
            cores=summary["cores"],
            utilization=f"{summary['utilization']:.1f}",
            url=answer["prometheus_url"],
        ),
        "",
    ]
    if summary["simulated"]:
        lines[1:1] = [TEXT("simulated", lang, count=summary["simulated"])]
    rows = [
        [
            TEXT(key, lang)
            for key in ("node", "type", "state", "utilization", "cores", "device_memory", "errors")
        ]
    ]
    for node in answer["nodes"]:
        state = "stale" if node["stale"] else "up" if node["up"] else "down"
        rows.append(
            [
                node["instance_id"],
                node["instance_type"],
                TEXT(state, lang),
                f"{node['utilization']:.1f}%",
                str(len(node["cores"])),
                format_bytes(node["device_memory_used_bytes"]),
                str(node["errors"]),
            ]
        )
    lines += format_table(rows, align=("left", "left", "left", "right", "right", "right", "right"))
    return "\n".join(lines) + "\n"
