"""``jupyter neuron cores``: the NeuronCore leases of this machine's kernels.

The same answer as ``GET <base_url>/jupyterlab-neuron/cores``, from the same
lease store (in the Jupyter runtime directory) and the server's settings
(``jupyter_server_config``, ``JUPYTERLAB_NEURON_SIMULATE``). Without a running
neuron-monitor, cores held outside Jupyter are those of the devices where
``neuron-ls`` lists a process outside every lease.

Exit status: 0, or 1 when the instance type is unknown.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from neuron_kernel_helpers.i18n import Lang, Messages, format_table, resolve_lang

from ..cores.core import busy_from_neuron_ls, core_ranges, detect_machine, status
from ..cores.store import LeaseStore
from .arguments import add_lang_argument, write_json

TEXT = Messages(
    {
        "header": {
            "ja": "{instance_type}{simulated}: NeuronCore {total} 個、空き {free} 個",
            "en": "{instance_type}{simulated}: {total} NeuronCores, {free} free",
        },
        "simulated": {"ja": "（シミュレーション）", "en": " (simulated)"},
        "unknown_instance": {
            "ja": "Neuron のインスタンスタイプが分かりません"
            "（neuron-ls がデバイスを見つけられません）。",
            "en": "The Neuron instance type is unknown (neuron-ls found no device).",
        },
        "no_leases": {"ja": "割り当て中のカーネルはありません。", "en": "No kernel holds cores."},
        "cores": {"ja": "コア", "en": "cores"},
        "kernel": {"ja": "カーネル", "en": "kernel"},
        "pid": {"ja": "pid", "en": "pid"},
        "notebook": {"ja": "ノートブック", "en": "notebook"},
        "outside": {
            "ja": "Jupyter 外のプロセスが使用中のコア: {cores}",
            "en": "Cores used by processes outside Jupyter: {cores}",
        },
        "starting": {"ja": "起動中", "en": "starting"},
    }
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``cores`` sub-command."""
    parser = subparsers.add_parser(
        "cores",
        help="NeuronCore leases of this machine's kernels",
        description=(
            "Show which kernel holds which NeuronCores (kernels whose kernelspec uses the "
            "neuron-cores provisioner), the free cores and those busy outside Jupyter."
        ),
    )
    parser.add_argument("--json", action="store_true", help="print the REST answer's JSON")
    add_lang_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, stdout: TextIO | None = None) -> int:
    """Print the leases; returns the exit status."""
    from .config import server_settings

    out = stdout or sys.stdout
    lang = resolve_lang(getattr(args, "lang", None))
    settings = server_settings()
    machine = detect_machine(settings)
    store = LeaseStore()
    answer = status(machine, store, busy_from_neuron_ls(settings, store.leases()))
    if args.json:
        write_json(answer, out)
    else:
        out.write(format_cores_text(answer, lang))
    if machine.instance_type is None:
        print(TEXT("unknown_instance", lang), file=sys.stderr)
        return 1
    return 0


def format_cores_text(answer: dict[str, Any], lang: Lang) -> str:
    """A summary line, one row per lease, and the cores busy outside Jupyter."""
    lines = [
        TEXT(
            "header",
            lang,
            instance_type=answer["instance_type"] or "?",
            simulated=TEXT("simulated", lang) if answer["simulated"] else "",
            total=answer["total"],
            free=len(answer["free"]),
        )
    ]
    if answer["leases"]:
        rows = [[TEXT(key, lang) for key in ("cores", "kernel", "pid", "notebook")]]
        for lease in answer["leases"]:
            pid = lease["pid"]
            rows.append(
                [
                    lease["visible_cores"],
                    lease["kernel_id"],
                    str(pid) if pid is not None else TEXT("starting", lang),
                    lease["notebook"] or "-",
                ]
            )
        lines.extend(format_table(rows))
    else:
        lines.append(TEXT("no_leases", lang))
    if answer["busy_outside"]:
        lines.append(TEXT("outside", lang, cores=core_ranges(answer["busy_outside"])))
    return "\n".join(lines) + "\n"
