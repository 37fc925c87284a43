"""NeuronCores per kernel: which instance, which cores are busy outside Jupyter, the status.

Shared by the kernel provisioner, the ``GET cores`` handler and ``jupyter
neuron cores``; no tornado. The instance type comes from the same settings as
the server (``JupyterLabNeuron.simulate`` / ``JUPYTERLAB_NEURON_SIMULATE``),
else from ``neuron-ls`` (and DMI).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psutil

from neuron_kernel_helpers.i18n import Lang, Messages
from neuron_kernel_helpers.instances import lookup_instance, plan_workers

from .store import Lease, LeaseStore, NoFreeRange

MESSAGES = Messages(
    {
        "no_range": {
            "en": (
                "No free range of {count} NeuronCores on {instance_type}: the kernel was not "
                "started. Held now: {holders}. Shut down a kernel you no longer need, or ask "
                "for fewer cores."
            ),
            "ja": (
                "{instance_type} に空いている NeuronCore {count} 個の範囲がないため、"
                "カーネルを起動しませんでした。使用中: {holders}。不要なカーネルを停止するか、"
                "コア数を減らしてください。"
            ),
        },
        "holder": {
            "en": "cores {cores} by kernel {kernel_id} (notebook {notebook}, pid {pid})",
            "ja": "コア {cores}: カーネル {kernel_id}（ノートブック {notebook}、pid {pid}）",
        },
        "outside": {
            "en": "cores {cores} by processes outside Jupyter",
            "ja": "コア {cores}: Jupyter 外のプロセス",
        },
        "none": {"en": "nothing", "ja": "なし"},
        "unknown": {"en": "unknown", "ja": "不明"},
        "no_instance": {
            "en": (
                "The Neuron instance type is unknown (neuron-ls found no device), so no "
                "NeuronCores can be leased: the kernel was not started."
            ),
            "ja": (
                "Neuron のインスタンスタイプが分からない（neuron-ls がデバイスを見つけられない）"
                "ため、NeuronCore を割り当てられず、カーネルを起動しませんでした。"
            ),
        },
        "no_workers": {
            "en": "{instance_type} has no documented worker count, so 'auto' cannot choose one.",
            "ja": "{instance_type} には文書化されたワーカー数がないため、auto では選べません。",
        },
    }
)


@dataclass(frozen=True)
class Machine:
    """The instance the cores belong to."""

    instance_type: str | None
    simulated: bool

    @property
    def total(self) -> int:
        return lookup_instance(self.instance_type).neuroncores if self.instance_type else 0


def detect_machine(settings: Any) -> Machine:
    """The simulated instance from the settings, else what ``neuron-ls`` or DMI say."""
    if getattr(settings, "simulate", ""):
        return Machine(settings.simulate, True)
    from neuron_kernel_helpers.environment import instance_identity_from_dmi
    from neuron_kernel_helpers.neuron_ls import find_tool, read_neuron_ls

    tool = find_tool(
        "neuron-ls", list(settings.tools_path), search_system_path=settings.search_system_path
    )
    instance_type = None
    if tool.path is not None:
        instance_type = read_neuron_ls(tool, timeout=settings.tool_timeout).header.instance_type
    if not instance_type:
        instance_type = instance_identity_from_dmi()[0]
    try:
        lookup_instance(instance_type or "")
    except ValueError:
        instance_type = None
    return Machine(instance_type, False)


def _descends_from(pid: int, ancestors: set[int]) -> bool:
    try:
        process = psutil.Process(pid)
        chain = [process.pid] + [parent.pid for parent in process.parents()]
    except (psutil.Error, OSError):
        return False
    return any(p in ancestors for p in chain)


def busy_outside_leases(snapshot: dict[str, Any] | None, leases: Iterable[Lease]) -> list[int]:
    """Cores that processes of a neuron-monitor snapshot use outside every kernel's lease.

    A process is inside a lease when it is a leased kernel or runs under one
    (a ``torchrun`` started from the notebook); a process that has ended since
    the report holds nothing.
    """
    if not snapshot:
        return []
    from ..simulator.neuron_monitor import SIMULATED_PID_BASE

    kernel_pids = {lease.pid for lease in leases if lease.pid is not None}
    busy: set[int] = set()
    for process in snapshot.get("processes") or []:
        pid = process.get("pid")
        if isinstance(pid, int) and _descends_from(pid, kernel_pids):
            continue
        if isinstance(pid, int) and pid < SIMULATED_PID_BASE and not psutil.pid_exists(pid):
            # Ended since the report (the monitor may have stopped): holds nothing.
            # Simulated runtimes have pids no process can have, and still count.
            continue
        busy.update(core for core in process.get("cores") or [] if isinstance(core, int))
    return sorted(busy)


def busy_from_neuron_ls(settings: Any, leases: Iterable[Lease]) -> list[int]:
    """Cores of the devices where ``neuron-ls`` lists a process outside every lease.

    ``neuron-ls`` names processes per device, not per core, so the whole
    device counts as busy. Used where no neuron-monitor snapshot is at hand
    (the CLI, a kernel started by nbconvert). The simulator's ``neuron-ls``
    lists no processes.
    """
    if getattr(settings, "simulate", ""):
        return []
    from neuron_kernel_helpers.neuron_ls import find_tool, read_neuron_ls

    tool = find_tool(
        "neuron-ls", list(settings.tools_path), search_system_path=settings.search_system_path
    )
    if tool.path is None:
        return []
    kernel_pids = {lease.pid for lease in leases if lease.pid is not None}
    busy: set[int] = set()
    for device in read_neuron_ls(tool, timeout=settings.tool_timeout).devices:
        for process in device.processes:
            if process.pid is None or not _descends_from(process.pid, kernel_pids):
                busy.update(device.neuroncore_ids)
    return sorted(busy)


def snapshot_from_json(text: str | None) -> dict[str, Any] | None:
    """The monitor's latest snapshot JSON as a dict (``None`` when none yet)."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def resolve_count(cores: int | str, instance_type: str, free: Iterable[int] | None = None) -> int:
    """The number of cores to lease: ``cores`` itself, or for ``"auto"`` the largest
    documented worker count that fits in a free aligned range (the whole instance's
    largest when none fits, so the refusal names the holders)."""
    if isinstance(cores, int) or str(cores).strip().isdigit():
        count = int(cores)
        if count < 1:
            raise ValueError(f"cores must be at least 1, got {count}")
        return count
    if str(cores).strip().lower() != "auto":
        raise ValueError(f"cores must be a number or 'auto', got {cores!r}")
    spec = lookup_instance(instance_type)
    plan = plan_workers(spec, free)
    if plan is not None:
        return plan.workers
    if spec.worker_counts:
        return min(spec.worker_counts)
    raise ValueError(MESSAGES("no_workers", "en", instance_type=instance_type))


def refusal_message(error: NoFreeRange, lang: Lang) -> str:
    """Why the kernel did not start, naming every holder, in ``lang``."""
    unknown = MESSAGES("unknown", lang)
    parts = [
        MESSAGES(
            "holder",
            lang,
            cores=lease.visible_cores,
            kernel_id=lease.kernel_id,
            notebook=lease.notebook or unknown,
            pid=lease.pid if lease.pid is not None else unknown,
        )
        for lease in error.holders
    ]
    if error.busy_outside:
        parts.append(MESSAGES("outside", lang, cores=core_ranges(error.busy_outside)))
    holders = "; ".join(parts) if parts else MESSAGES("none", lang)
    return MESSAGES(
        "no_range", lang, count=error.count, instance_type=error.instance_type, holders=holders
    )


def core_ranges(cores: list[int]) -> str:
    """Cores as short ranges: ``[0, 1, 2, 5]`` -> ``"0-2,5"``."""
    out: list[str] = []
    for core in sorted(set(cores)):
        if out and out[-1].split("-")[-1] == str(core - 1):
            out[-1] = f"{out[-1].split('-')[0]}-{core}"
        else:
            out.append(str(core))
    return ",".join(out)


def status(machine: Machine, store: LeaseStore, busy_outside: Iterable[int] = ()) -> dict[str, Any]:
    """``{"instance_type", "simulated", "total", "leases", "free", "busy_outside"}``."""
    leases = store.leases()
    outside = sorted(set(busy_outside))
    taken = set(outside)
    for lease in leases:
        taken.update(lease.cores)
    return {
        "instance_type": machine.instance_type,
        "simulated": machine.simulated,
        "total": machine.total,
        "leases": [lease.to_dict() for lease in leases],
        "free": [core for core in range(machine.total) if core not in taken],
        "busy_outside": outside,
    }
