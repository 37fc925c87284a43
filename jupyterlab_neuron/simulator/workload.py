"""``python -m jupyterlab_neuron.simulator workload --seconds 30``: a simulated Neuron job.

Run from a notebook (``!python -m jupyterlab_neuron.simulator workload``), it
"loads" only the NeuronCores in its ``NEURON_RT_VISIBLE_CORES`` (the kernel's
lease, see the ``neuron-cores`` kernel provisioner), or every core of the
simulated instance when the variable is unset. It registers itself in a folder
the simulated neuron-monitor reads at every report, so the monitor shows a
training runtime with this process's real pid on exactly those cores, which the
server attributes to the notebook's kernel. Two notebooks on their own ranges
thus show side by side. Nothing runs on real hardware: it only sleeps.

The folder: ``$JUPYTERLAB_NEURON_SIMULATED_WORKLOADS``, else
``<temp dir>/jupyterlab-neuron-simulated-workloads-<uid>``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from neuron_kernel_helpers.i18n import Messages, resolve_lang
from neuron_kernel_helpers.instances import INSTANCE_TYPES, visible_cores
from neuron_kernel_helpers.kernel_cores import kernel_cores

from .arguments import INSTANCE_ENV, one_of

NAME = "workload"
FOLDER_ENV = "JUPYTERLAB_NEURON_SIMULATED_WORKLOADS"

TEXT = Messages(
    {
        "running": {
            "ja": "シミュレーションのワークロード（pid {pid}）が NeuronCore {cores} を "
            "{seconds} 秒使います。実際のハードウェアでは何も動きません。",
            "en": "Simulated workload (pid {pid}) uses NeuronCores {cores} for {seconds} s. "
            "Nothing runs on real hardware.",
        },
        "no_cores": {
            "ja": "使う NeuronCore が分かりません。NEURON_RT_VISIBLE_CORES を設定するか、"
            "--instance（または JUPYTERLAB_NEURON_SIMULATE）で"
            "インスタンスタイプを指定してください。",
            "en": "No NeuronCores to use: set NEURON_RT_VISIBLE_CORES, or name the instance "
            "type with --instance (or JUPYTERLAB_NEURON_SIMULATE).",
        },
        "done": {"ja": "ワークロードが終わりました。", "en": "The workload has ended."},
    }
)


def workloads_folder() -> Path:
    """Where running simulated workloads register (shared by the monitor)."""
    given = os.environ.get(FOLDER_ENV, "").strip()
    if given:
        return Path(given)
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"jupyterlab-neuron-simulated-workloads-{uid}"


def _pid_alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, ended but not yet reaped, holds no cores)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:
        return True


def running_workloads(folder: Path | None = None) -> list[dict[str, Any]]:
    """The registered workloads whose process still runs: ``{"pid", "cores"}``, by pid."""
    found = []
    for path in sorted((folder or workloads_folder()).glob("*.json")):
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            pid, cores = int(entry["pid"]), [int(core) for core in entry["cores"]]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if _pid_alive(pid):
            found.append({"pid": pid, "cores": cores})
        else:
            path.unlink(missing_ok=True)
    return found


def run(args: argparse.Namespace) -> int:
    """Register, sleep ``--seconds``, unregister."""
    lang = resolve_lang(args.lang)
    cores = kernel_cores()
    if cores is None:
        spec = INSTANCE_TYPES.get(args.instance or "")
        cores = tuple(range(spec.neuroncores)) if spec else None
    if not cores:
        print(TEXT("no_cores", lang), file=sys.stderr)
        return 2
    folder = workloads_folder()
    folder.mkdir(parents=True, exist_ok=True)
    entry = folder / f"{os.getpid()}.json"
    entry.write_text(json.dumps({"pid": os.getpid(), "cores": list(cores)}), encoding="utf-8")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        shown = (
            visible_cores(range(cores[0], cores[-1] + 1))
            if list(cores) == list(range(cores[0], cores[-1] + 1))
            else ",".join(map(str, cores))
        )
        print(TEXT("running", lang, pid=os.getpid(), cores=shown, seconds=f"{args.seconds:g}"))
        sys.stdout.flush()
        time.sleep(args.seconds)
        print(TEXT("done", lang))
    finally:
        entry.unlink(missing_ok=True)
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``workload`` sub-command."""
    parser = subparsers.add_parser(
        NAME,
        help="simulated Neuron job on the cores of NEURON_RT_VISIBLE_CORES",
        description=(
            "Pretend to run a Neuron job for some seconds on the NeuronCores of "
            "NEURON_RT_VISIBLE_CORES (all cores of the instance when unset); the simulated "
            "neuron-monitor shows it with this process's pid."
        ),
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="how long (default: 30)")
    parser.add_argument(
        "--instance",
        type=one_of("instance type", INSTANCE_TYPES),
        default=os.environ.get(INSTANCE_ENV) or None,
        help=f"instance type when NEURON_RT_VISIBLE_CORES is unset (default: ${INSTANCE_ENV})",
    )
    parser.add_argument("--lang", choices=("ja", "en"), help="language of the text")
    parser.set_defaults(func=run)
