"""The environment report: Neuron devices, tools, packages and compile cache.

:func:`collect_environment` gathers the facts (running ``neuron-ls`` through
the one command runner) into an :class:`EnvironmentReport`; its
:meth:`~EnvironmentReport.to_dict` produces the JSON document shared by the
server's ``/environment`` endpoint, ``jupyter neuron doctor --json`` and the
notebook display, with messages in the requested language.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache_roots import CompileCacheRoot, resolve_compile_cache
from .i18n import Lang, Messages
from .instances import INSTANCE_TYPES, plan_workers
from .neuron_ls import (
    DEFAULT_TOOLS_DIR,
    NEURON_LS,
    NEURON_MONITOR,
    ErrorCode,
    NeuronDevice,
    NeuronLsResult,
    State,
    ToolLookup,
    find_tool,
    read_neuron_ls,
)
from .packages import NEURON_PACKAGES, PackageVersions, package_versions
from .sdk import SdkGeneration, detect_sdk_generation

#: Where Linux exposes the DMI strings; on EC2 Nitro instances the product
#: name is the instance type and the board asset tag the instance id.
DMI_DIR = "/sys/devices/virtual/dmi/id"

_INSTANCE_TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9-]+$")
_INSTANCE_ID_PATTERN = re.compile(r"^i-[0-9a-f]{8,17}$")

MESSAGES = Messages(
    {
        "error.tools_not_found": {
            "en": (
                "neuron-ls was not found (searched: {searched}). Install the Neuron tools "
                "(aws-neuronx-tools) or add their folder to c.JupyterLabNeuron.tools_path."
            ),
            "ja": (
                "neuron-ls が見つかりませんでした（検索場所: {searched}）。Neuron ツール"
                "（aws-neuronx-tools）をインストールするか、そのフォルダーを "
                "c.JupyterLabNeuron.tools_path に追加してください。"
            ),
        },
        "error.tools_not_found_127": {
            "en": "neuron-ls could not run: exit status 127 (command not found).",
            "ja": (
                "neuron-ls を実行できませんでした（終了ステータス 127: コマンドが見つかりません）。"
            ),
        },
        "error.no_device": {
            "en": (
                "neuron-ls found no Neuron device. Check that this is an Inferentia or "
                "Trainium instance (inf1, inf2, trn1, trn2) and that the Neuron driver is loaded."
            ),
            "ja": (
                "neuron-ls が Neuron デバイスを検出できませんでした。Inferentia または Trainium "
                "のインスタンス（inf1、inf2、trn1、trn2）であること、Neuron ドライバーが"
                "読み込まれていることを確認してください。"
            ),
        },
        "error.timeout": {
            "en": "neuron-ls did not finish within {timeout:g} seconds and was stopped.",
            "ja": "neuron-ls が {timeout:g} 秒以内に終了しなかったため、停止しました。",
        },
        "error.exit_status": {
            "en": "neuron-ls failed with exit status {exit_status}.",
            "ja": "neuron-ls が終了ステータス {exit_status} で失敗しました。",
        },
        "error.malformed_output": {
            "en": (
                "The output of neuron-ls could not be read. The Neuron tools may be a "
                "version this extension does not know."
            ),
            "ja": (
                "neuron-ls の出力を読み取れませんでした。この拡張機能が対応していない"
                "バージョンの Neuron ツールである可能性があります。"
            ),
        },
        "error.launch_failed": {
            "en": "neuron-ls could not be started ({detail}).",
            "ja": "neuron-ls を起動できませんでした（{detail}）。",
        },
        "problem.device_count_mismatch": {
            "en": "{instance_type} has {expected} Neuron devices, but neuron-ls reports {found}.",
            "ja": (
                "{instance_type} には Neuron デバイスが {expected} 個ありますが、"
                "neuron-ls が報告したのは {found} 個です。"
            ),
        },
        "problem.cores_per_device_mismatch": {
            "en": (
                "{instance_type} has {expected} NeuronCores per device{lnc}, but neuron-ls "
                "reports {found}. The Neuron documentation lists worker counts for the "
                "default layout only, so none is recommended here."
            ),
            "ja": (
                "{instance_type} のデバイスあたりの NeuronCore は {expected} 個{lnc}ですが、"
                "neuron-ls が報告したのは {found} 個です。Neuron のドキュメントに記載されている"
                "ワーカー数は既定の構成のものだけのため、ここではワーカー数を推奨しません。"
            ),
        },
        "problem.cores_per_device_mismatch.lnc": {
            "en": " at the default LNC={config}",
            "ja": "（既定の LNC={config} の場合）",
        },
        "problem.torch_neuronx_missing": {
            "en": (
                "torch-neuronx is not installed in {python}. If your notebooks use another "
                "Python environment (kernel), check that environment instead."
            ),
            "ja": (
                "{python} には torch-neuronx がインストールされていません。ノートブックの"
                "カーネルが別の Python 環境を使っている場合は、その環境を確認してください。"
            ),
        },
        "problem.packages_unreadable": {
            "en": "The packages of {python} could not be listed ({detail}).",
            "ja": "{python} のパッケージ一覧を取得できませんでした（{detail}）。",
        },
        "problem.cache_disabled": {
            "en": (
                "NEURON_CC_FLAGS contains --no_cache: the compile cache is disabled and "
                "every run compiles again."
            ),
            "ja": (
                "NEURON_CC_FLAGS に --no_cache が指定されているため、コンパイルキャッシュが"
                "無効です。実行のたびに再コンパイルされます。"
            ),
        },
        "problem.neuron_monitor_missing": {
            "en": "neuron-monitor was not found, so live NeuronCore monitoring is not available.",
            "ja": (
                "neuron-monitor が見つからないため、NeuronCore のリアルタイム監視は利用できません。"
            ),
        },
    }
)


@dataclass(frozen=True)
class Problem:
    """Something the user should know, as a message key and its values."""

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: Lang) -> str:
        """The problem in ``lang``."""
        values = dict(self.values)
        if self.key == "problem.cores_per_device_mismatch":
            config = values.pop("logical_neuroncore_config", None)
            values["lnc"] = (
                MESSAGES("problem.cores_per_device_mismatch.lnc", lang, config=config)
                if config
                else ""
            )
        return MESSAGES(self.key, lang, **values)


@dataclass(frozen=True)
class EnvironmentReport:
    """Everything collected about the Neuron environment at one moment."""

    state: State
    simulated: bool
    simulated_instance: str | None
    instance_type: str | None
    instance_id: str | None
    devices: tuple[NeuronDevice, ...]
    packages: PackageVersions
    compile_cache: CompileCacheRoot
    neuron_ls: ToolLookup
    neuron_monitor: ToolLookup
    error_code: ErrorCode | None
    error_detail: str | None
    error_exit_status: int | None
    problems: tuple[Problem, ...]
    collected_at: float
    timeout: float

    @property
    def neuroncores(self) -> int:
        """NeuronCores of all devices, as the tools number them."""
        return sum(device.nc_count for device in self.devices)

    @property
    def neuroncores_per_device(self) -> int | None:
        """NeuronCores of one device, ``None`` without devices or when they differ."""
        return _common(device.nc_count for device in self.devices)

    @property
    def logical_neuroncore_config(self) -> int | None:
        """The logical NeuronCore config (trn2) shared by all devices, if any."""
        return _common(device.logical_neuroncore_config for device in self.devices)

    @property
    def sdk(self) -> SdkGeneration | None:
        """The Neuron SDK generation of the listed packages; ``None`` when they are unreadable."""
        if self.packages.error:
            return None
        return detect_sdk_generation(self.packages.versions)

    @property
    def device_memory_bytes(self) -> int | None:
        """Memory of one Neuron device, ``None`` without devices or when they differ."""
        return _common(device.memory_bytes for device in self.devices)

    @property
    def free_neuroncore_ids(self) -> tuple[int, ...]:
        """NeuronCores of the devices no process uses (a used device counts as busy as a whole)."""
        return tuple(
            sorted(
                core
                for device in self.devices
                if not device.processes
                for core in device.neuroncore_ids
            )
        )

    def workers(self) -> dict[str, Any] | None:
        """The instance's documented ``torchrun`` worker counts and the recommendation.

        ``{"counts", "basis", "recommended", "visible_cores"}``: the largest count
        that fits in one free aligned NeuronCore range and that range as a
        ``NEURON_RT_VISIBLE_CORES`` value (0 / ``None`` when none fits). ``None``
        when the instance type is not in the catalogue or the tools number other
        NeuronCores than the catalogue (a trn2 at LNC=1).
        """
        known = INSTANCE_TYPES.get(self.instance_type or "")
        if self.state != "ok" or known is None or self.neuroncores != known.neuroncores:
            return None
        free = [core for core in self.free_neuroncore_ids if 0 <= core < known.neuroncores]
        plan = plan_workers(known, free_cores=free) if free else None
        return {
            "counts": list(known.worker_counts),
            "basis": known.worker_counts_basis,
            "recommended": plan.workers if plan else 0,
            "visible_cores": plan.visible_cores if plan else None,
        }

    def error_message(self, lang: Lang) -> str | None:
        """The localized explanation of ``error_code``."""
        if self.error_code is None:
            return None
        if self.error_code == "tools_not_found":
            if self.error_exit_status == 127:
                return MESSAGES("error.tools_not_found_127", lang)
            return MESSAGES(
                "error.tools_not_found", lang, searched=", ".join(self.neuron_ls.searched)
            )
        if self.error_code == "timeout":
            return MESSAGES("error.timeout", lang, timeout=self.timeout)
        if self.error_code == "exit_status":
            return MESSAGES("error.exit_status", lang, exit_status=self.error_exit_status)
        if self.error_code == "launch_failed":
            return MESSAGES("error.launch_failed", lang, detail=self.error_detail or "")
        return MESSAGES(f"error.{self.error_code}", lang)

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        """The environment report as the JSON object of the API contract."""
        error = None
        if self.error_code is not None:
            error = {
                "code": self.error_code,
                "message": self.error_message(lang),
                "detail": self.error_detail,
                "exit_status": self.error_exit_status,
            }
        problems = [problem.text(lang) for problem in self.problems]
        if error is not None:
            problems.insert(0, error["message"])
        return {
            "state": self.state,
            "simulated": self.simulated,
            "simulated_instance": self.simulated_instance,
            "instance_type": self.instance_type,
            "instance_id": self.instance_id,
            "devices": [_device_dict(device) for device in self.devices],
            "neuroncores": self.neuroncores,
            "neuroncores_per_device": self.neuroncores_per_device,
            "logical_neuroncore_config": self.logical_neuroncore_config,
            "device_memory_bytes": self.device_memory_bytes,
            "packages": dict(self.packages.versions),
            "packages_python": self.packages.python,
            "sdk": self.sdk.to_dict(lang) if self.sdk else None,
            "workers": self.workers(),
            "compile_cache_root": self.compile_cache.root,
            "compile_cache": self.compile_cache.to_dict(),
            "tools": {
                "searched": list(self.neuron_ls.searched),
                "neuron_ls": self.neuron_ls.path,
                "neuron_monitor": self.neuron_monitor.path,
            },
            "error": error,
            "problems": problems,
            "collected_at": self.collected_at,
        }


def _common(values: Any) -> Any:
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


def _device_dict(device: NeuronDevice) -> dict[str, Any]:
    return {
        "index": device.index,
        "neuroncore_ids": list(device.neuroncore_ids),
        "nc_count": device.nc_count,
        "memory_bytes": device.memory_bytes,
        "bdf": device.bdf,
        "numa_node": device.numa_node,
        "cpu_affinity": device.cpu_affinity,
        "connected_to": None if device.connected_to is None else list(device.connected_to),
        "logical_neuroncore_config": device.logical_neuroncore_config,
        "processes": [
            {"pid": p.pid, "command": p.command, "runtime_version": p.runtime_version}
            for p in device.processes
        ],
    }


def _read_dmi(dmi_dir: str | os.PathLike[str], name: str, pattern: re.Pattern[str]) -> str | None:
    try:
        value = (Path(dmi_dir) / name).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    return value if pattern.match(value) else None


def instance_identity_from_dmi(
    dmi_dir: str | os.PathLike[str] = DMI_DIR,
) -> tuple[str | None, str | None]:
    """Instance type and id from DMI, when they look like EC2 values (no network)."""
    return (
        _read_dmi(dmi_dir, "product_name", _INSTANCE_TYPE_PATTERN),
        _read_dmi(dmi_dir, "board_asset_tag", _INSTANCE_ID_PATTERN),
    )


def _problems(
    neuron_ls: NeuronLsResult,
    instance_type: str | None,
    packages: PackageVersions,
    cache: CompileCacheRoot,
    neuron_monitor: ToolLookup,
) -> list[Problem]:
    problems: list[Problem] = []
    known = INSTANCE_TYPES.get(instance_type or "")
    if neuron_ls.state == "ok" and known and known.devices != len(neuron_ls.devices):
        problems.append(
            Problem(
                "problem.device_count_mismatch",
                {
                    "instance_type": known.name,
                    "expected": known.devices,
                    "found": len(neuron_ls.devices),
                },
            )
        )
    found_per_device = _common(device.nc_count for device in neuron_ls.devices)
    if (
        neuron_ls.state == "ok"
        and known
        and known.devices == len(neuron_ls.devices)
        and found_per_device is not None
        and found_per_device != known.logical_cores_per_device
    ):
        # For example a trn2 switched to LNC=1 (8 NeuronCores per device instead of 4).
        problems.append(
            Problem(
                "problem.cores_per_device_mismatch",
                {
                    "instance_type": known.name,
                    "expected": known.logical_cores_per_device,
                    "found": found_per_device,
                    "logical_neuroncore_config": known.logical_neuroncore_config,
                },
            )
        )
    if packages.error:
        problems.append(
            Problem(
                "problem.packages_unreadable", {"python": packages.python, "detail": packages.error}
            )
        )
    elif neuron_ls.state == "ok" and not packages.versions.get("torch-neuronx"):
        problems.append(Problem("problem.torch_neuronx_missing", {"python": packages.python}))
    if cache.disabled:
        problems.append(Problem("problem.cache_disabled"))
    if neuron_ls.tool.path is not None and neuron_monitor.path is None:
        problems.append(Problem("problem.neuron_monitor_missing"))
    return problems


def collect_environment(
    *,
    tools_path: Sequence[str] = (DEFAULT_TOOLS_DIR,),
    search_system_path: bool = True,
    timeout: float = 10.0,
    packages_python: str | None = None,
    simulated_instance: str | None = None,
    environ: Mapping[str, str] | None = None,
    dmi_dir: str | os.PathLike[str] | None = DMI_DIR,
) -> EnvironmentReport:
    """Collect the Neuron environment of this machine.

    Args:
        tools_path: folders searched for the Neuron tools before PATH.
        search_system_path: also search ``PATH`` after ``tools_path``.
        timeout: seconds each neuron-ls call may take before it is killed.
        packages_python: interpreter whose packages are listed (default: this one).
        simulated_instance: set when ``tools_path`` holds the simulator's tools;
            marks the report simulated and skips the DMI fallback, whose answer
            would describe the real machine.
        environ: environment for PATH, cache settings and the tools (default:
            ``os.environ``).
        dmi_dir: DMI folder for the instance type / id fallback; ``None`` skips it.

    Blocks while the tools run (up to about ``2 * timeout`` plus the package
    query); never raises for tool problems.
    """
    env = os.environ if environ is None else environ
    child_env = None if environ is None else dict(environ)
    neuron_ls_tool = find_tool(
        NEURON_LS, tools_path, search_system_path=search_system_path, environ=env
    )
    neuron_monitor = find_tool(
        NEURON_MONITOR, tools_path, search_system_path=search_system_path, environ=env
    )
    neuron_ls = read_neuron_ls(neuron_ls_tool, timeout=timeout, env=child_env)
    instance_type = neuron_ls.header.instance_type
    instance_id = neuron_ls.header.instance_id
    if simulated_instance is None and dmi_dir is not None:
        dmi_type, dmi_id = instance_identity_from_dmi(dmi_dir)
        instance_type = instance_type or dmi_type
        instance_id = instance_id or dmi_id
    packages = package_versions(packages_python, NEURON_PACKAGES)
    cache = resolve_compile_cache(env)
    simulated = simulated_instance is not None or neuron_ls.header.simulated
    return EnvironmentReport(
        state=neuron_ls.state,
        simulated=simulated,
        simulated_instance=simulated_instance
        or (instance_type if neuron_ls.header.simulated else None),
        instance_type=instance_type,
        instance_id=instance_id,
        devices=neuron_ls.devices,
        packages=packages,
        compile_cache=cache,
        neuron_ls=neuron_ls_tool,
        neuron_monitor=neuron_monitor,
        error_code=neuron_ls.error_code,
        error_detail=neuron_ls.detail,
        error_exit_status=neuron_ls.exit_status if neuron_ls.error_code else None,
        problems=tuple(_problems(neuron_ls, instance_type, packages, cache, neuron_monitor)),
        collected_at=time.time(),
        timeout=timeout,
    )
