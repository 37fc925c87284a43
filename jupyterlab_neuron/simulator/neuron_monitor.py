"""The simulated ``neuron-monitor``: an endless NDJSON stream of reports.

``python -m jupyterlab_neuron.simulator neuron-monitor --instance trn1.2xlarge
--scenario train-dual [--period 1] [--seed 7] [-c config.json]`` writes one
report per line, the first at once and then one every period, following the
schema of the real tool: every core listed in every runtime (0 for unused
cores), per-period counts, bytes, ``instance_info``, ``neuron_hardware_info``
with the newer-SDK fields (the older three-key form on inf1, whose tools are
older), ``system_data``. Everything it prints is simulated, and its pids
(unless given with ``--runtime-pid``) are above Linux's largest possible pid,
so they can never be mistaken for a real process. Every report also carries a
top-level ``"simulated": true`` (not a neuron-monitor field; readers ignore
unknown keys), so a recorded file stays recognisable as simulated.

With ``--seed`` the output is the same on every run. The scenario, seed and
runtime pids can also come from environment variables, which is how the
server passes them through the simulated tools folder's wrapper script.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from neuron_kernel_helpers.instances import INSTANCE_TYPES, InstanceType

from . import FAIL_ENV, FAILURE_MODES
from .arguments import add_fail_argument, add_instance_argument, one_of
from .devices import simulated_instance_id
from .workload import running_workloads, workloads_folder

#: The sub-command name, which is also the simulated tool's file name.
NAME = "neuron-monitor"

#: Environment variables read when the matching option is not given.
SCENARIO_ENV = "JUPYTERLAB_NEURON_MONITOR_SCENARIO"
SEED_ENV = "JUPYTERLAB_NEURON_MONITOR_SEED"
RUNTIME_PIDS_ENV = "JUPYTERLAB_NEURON_MONITOR_RUNTIME_PIDS"

#: Scenarios and what they show.
SCENARIOS: dict[str, str] = {
    "idle": "no Neuron application running (empty runtime list)",
    "train-single": "one training worker busy on NeuronCore 0 only, as in the BERT tutorial",
    "train-dual": "two training workers (torchrun --nproc_per_node=2) on NeuronCores 0 and 1",
    "inference": "one inference process with a model copy on every core of device 0, "
    "latency statistics, models named by compile-cache paths",
    "full-load": "up to 8 runtimes sharing all cores, 4 loaded models each (benchmarks)",
    "crash": "train-single, then the tool exits with status 1 after a few reports",
    "garbage": "train-single with malformed lines interleaved",
}

DEFAULT_SCENARIO = "idle"
DEFAULT_PERIOD = 5.0

#: Linux pids never exceed 2**22; simulated pids start above that.
SIMULATED_PID_BASE = 5_000_000

COMPILER_VERSION = "neuronxcc-2.15.128.0+56dc5a86"
CACHE_ROOT = "/var/tmp/neuron-compile-cache"

RUNTIME_METRICS = (
    "neuroncore_counters",
    "memory_used",
    "neuron_runtime_vcpu_usage",
    "execution_stats",
)
SYSTEM_METRICS = ("vcpu_usage", "memory_info", "neuron_hw_counters")

MIB = 1024**2
GIB = 1024**3

#: Peak throughput of one (logical) NeuronCore per core version, for ``flops``.
_PEAK_FLOPS = {"NC-v1": 16 * 10**12, "NC-v2": 95 * 10**12, "NC-v3": 166 * 10**12}


@dataclass
class SimulatedModel:
    """A loaded NEFF: a path in the compile cache, and where it sits."""

    name: str
    uuid: str
    model_id: int
    core: int
    device: int
    local_core: int
    device_bytes: int
    host_bytes: int


@dataclass
class SimulatedRuntime:
    """One process holding NeuronCores."""

    pid: int
    tag: str
    cores: list[int]
    kind: str  # "train" or "inference"
    utilization: float
    models: list[SimulatedModel] = field(default_factory=list)
    rate: float = 10.0  # executions per second


@dataclass
class MonitorConfig:
    """What ``-c config.json`` selects: period, metric groups, runtime tag filter."""

    period: float | None = None
    runtime_metrics: tuple[str, ...] = RUNTIME_METRICS
    system_metrics: tuple[str, ...] = SYSTEM_METRICS
    tag_filter: re.Pattern[str] | None = None


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")


def parse_duration(value: Any) -> float | None:
    """``"1s"``, ``"500ms"``, ``"2m"`` or a number of seconds; ``None`` if unusable."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) if value > 0 else None
    if not isinstance(value, str):
        return None
    match = _DURATION.match(value)
    if not match:
        return None
    number = float(match.group(1))
    scale = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}[match.group(2) or "s"]
    seconds = number * scale
    return seconds if seconds > 0 else None


def load_config(path: str) -> MonitorConfig:
    """Read a neuron-monitor configuration file (raises ``ValueError`` if invalid)."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict):
        raise ValueError("the configuration must be a JSON object")
    config = MonitorConfig(period=parse_duration(data.get("period")))
    runtimes = data.get("neuron_runtimes")
    if isinstance(runtimes, list) and runtimes and isinstance(runtimes[0], dict):
        first = runtimes[0]
        metrics = first.get("metrics")
        if isinstance(metrics, list):
            config.runtime_metrics = tuple(
                m["type"]
                for m in metrics
                if isinstance(m, dict) and m.get("type") in RUNTIME_METRICS
            )
        if isinstance(first.get("tag_filter"), str):
            config.tag_filter = re.compile(first["tag_filter"])
        config.period = config.period or parse_duration(first.get("period"))
    elif runtimes is not None:
        config.runtime_metrics = ()
    system = data.get("system_metrics")
    if isinstance(system, list):
        config.system_metrics = tuple(
            m["type"] for m in system if isinstance(m, dict) and m.get("type") in SYSTEM_METRICS
        )
    return config


class MonitorSimulation:
    """Builds the reports of one scenario on one instance type, deterministically
    for a given seed."""

    def __init__(
        self,
        spec: InstanceType,
        scenario: str,
        *,
        seed: int | None = None,
        period: float = DEFAULT_PERIOD,
        runtime_pids: Sequence[int] = (),
        config: MonitorConfig | None = None,
        watch_workloads: Path | None = None,
    ) -> None:
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {scenario!r}")
        self.spec = spec
        self.scenario = scenario
        self.period = period
        self.config = config or MonitorConfig()
        self.random = random.Random(seed)
        self.cores = spec.neuroncores
        self.per_device = spec.logical_cores_per_device
        self.vcpus = spec.host_vcpus or 8 * spec.devices
        self.host_memory = spec.host_memory_bytes or 16 * GIB * spec.devices
        self.runtimes = self._runtimes(list(runtime_pids))
        self.reports = 0
        #: The folder of simulated workloads to show (``None``: none are shown).
        self.watch_workloads = watch_workloads
        self._workloads: dict[int, SimulatedRuntime] = {}

    # --- scenario set-up --------------------------------------------------------

    def _pid(self, given: list[int]) -> int:
        if given:
            return given.pop(0)
        return SIMULATED_PID_BASE + self.random.randrange(1, 999_999)

    def _model(self, core: int, model_id: int, device_bytes: int) -> SimulatedModel:
        rng = self.random
        module = f"MODULE_{rng.getrandbits(80):020x}+{rng.getrandbits(32):08x}"
        device, local = divmod(core, self.per_device)
        return SimulatedModel(
            name=f"{CACHE_ROOT}/{COMPILER_VERSION}/{module}/model.neff",
            uuid=f"{rng.getrandbits(128):032x}",
            model_id=model_id,
            core=core,
            device=device,
            local_core=local,
            device_bytes=device_bytes,
            host_bytes=rng.randrange(8, 64) * 1024,
        )

    def _runtimes(self, pids: list[int]) -> list[SimulatedRuntime]:
        scenario = self.scenario
        rng = self.random
        if scenario == "idle":
            return []
        if scenario in ("train-single", "crash", "garbage"):
            return [self._training(self._pid(pids), [0])]
        if scenario == "train-dual":
            workers = [[0], [1]] if self.cores >= 2 else [[0]]
            return [self._training(self._pid(pids), cores) for cores in workers]
        if scenario == "inference":
            pid = self._pid(pids)
            runtime = SimulatedRuntime(
                pid=pid,
                tag="bert-ja-inference",
                cores=list(range(self.per_device)),
                kind="inference",
                utilization=55.0,
                rate=400.0,
            )
            runtime.models = [
                self._model(core, 10001 + n, 420 * MIB + rng.randrange(0, 16) * MIB)
                for n, core in enumerate(runtime.cores)
            ]
            return [runtime]
        # full-load: up to 8 runtimes, each on an equal share of the cores, 4 models each.
        count = min(8, self.cores)
        share = self.cores // count
        runtimes = []
        for number in range(count):
            cores = list(range(number * share, (number + 1) * share))
            runtime = SimulatedRuntime(
                pid=self._pid(pids),
                tag=f"worker-{number}",
                cores=cores,
                kind="inference",
                utilization=70.0,
                rate=200.0,
            )
            runtime.models = [
                self._model(cores[m % len(cores)], 10001 + 4 * number + m, 600 * MIB)
                for m in range(4)
            ]
            runtimes.append(runtime)
        return runtimes

    def _workload_runtimes(self) -> list[SimulatedRuntime]:
        """Training runtimes of the simulated workloads running now (``simulator workload``),
        on their own cores and with their real pids; kept while they run."""
        if self.watch_workloads is None:
            return []
        running = {
            entry["pid"]: [core for core in entry["cores"] if 0 <= core < self.cores]
            for entry in running_workloads(self.watch_workloads)
        }
        self._workloads = {
            pid: self._workloads.get(pid) or self._training(pid, cores)
            for pid, cores in running.items()
            if cores
        }
        return list(self._workloads.values())

    def _training(self, pid: int, cores: list[int]) -> SimulatedRuntime:
        runtime = SimulatedRuntime(
            pid=pid, tag=str(pid), cores=cores, kind="train", utilization=88.0, rate=9.0
        )
        # Forward+backward, optimizer step and evaluation graphs of one worker.
        sizes = (2600 * MIB, 900 * MIB, 700 * MIB)
        runtime.models = [self._model(cores[0], 10001 + n, size) for n, size in enumerate(sizes)]
        return runtime

    # --- reports -------------------------------------------------------------------

    def report(self) -> dict[str, Any]:
        """The next report."""
        self.reports += 1
        period = round(self.period + self.random.uniform(0, 0.0005), 6)
        runtimes = self.runtimes + self._workload_runtimes()
        if self.config.tag_filter is not None:
            runtimes = [r for r in runtimes if self.config.tag_filter.search(r.tag)]
        runtime_data = [self._runtime_report(r, period) for r in runtimes]
        report: dict[str, Any] = {
            "neuron_runtime_data": runtime_data,
            "system_data": self._system_data(period),
            "instance_info": self._instance_info(),
            "neuron_hardware_info": self._hardware_info(),
            # Not a neuron-monitor field (readers ignore unknown keys): marks every
            # report of the simulator, even when it is saved to a file and read later.
            "simulated": True,
        }
        return report

    def _utilization(self, runtime: SimulatedRuntime) -> float:
        value = runtime.utilization + self.random.uniform(-6.0, 6.0)
        if runtime.kind == "train" and self.reports % 12 == 0:
            value *= 0.35  # a periodic evaluation / checkpoint dip
        return round(max(0.0, min(100.0, value)), 4)

    def _runtime_report(self, runtime: SimulatedRuntime, period: float) -> dict[str, Any]:
        rng = self.random
        wanted = self.config.runtime_metrics
        peak = _PEAK_FLOPS.get(self.spec.neuroncore_version, 95 * 10**12)
        newer_sdk = self.spec.family != "inf1"
        lnc = self.spec.logical_neuroncore_config or 1
        report: dict[str, Any] = {}
        busy = {core: self._utilization(runtime) for core in runtime.cores}
        if "neuroncore_counters" in wanted:
            in_use: dict[str, Any] = {}
            for core in range(self.cores):
                value = busy.get(core, 0.0)
                entry: dict[str, Any] = {"neuroncore_utilization": value}
                if newer_sdk:
                    entry["flops"] = (
                        int(peak * value / 100 * rng.uniform(0.55, 0.65)) if value else 0
                    )
                if lnc > 1:
                    entry["v3d"] = {
                        f"nc_v3.{p}": {
                            "neuroncore_utilization": round(
                                max(0.0, min(100.0, value + rng.uniform(-3, 3))) if value else 0.0,
                                4,
                            )
                        }
                        for p in range(lnc)
                    }
                in_use[str(core)] = entry
            report["neuroncore_counters"] = {
                "period": period,
                "neuroncores_in_use": in_use,
                "error": "",
            }
        if "memory_used" in wanted:
            report["memory_used"] = self._memory_used(runtime, period)
        if "neuron_runtime_vcpu_usage" in wanted:
            share = 95.0 if runtime.kind == "train" else 40.0
            report["neuron_runtime_vcpu_usage"] = {
                "period": period,
                "vcpu_usage": {
                    "user": round(share + rng.uniform(-5, 5), 2),
                    "system": round(4.0 + rng.uniform(-2, 2), 2),
                },
                "error": "",
            }
        if "execution_stats" in wanted:
            report["execution_stats"] = self._execution_stats(runtime, period, busy)
        return {
            "pid": runtime.pid,
            "neuron_runtime_tag": runtime.tag,
            "error": "",
            "report": report,
        }

    def _memory_used(self, runtime: SimulatedRuntime, period: float) -> dict[str, Any]:
        rng = self.random
        per_core: dict[str, Any] = {}
        device_total = 0
        model_bytes: dict[int, int] = {}
        for model in runtime.models:
            model_bytes[model.core] = model_bytes.get(model.core, 0) + model.device_bytes
        for core in range(self.cores):
            if core in runtime.cores:
                models = model_bytes.get(core, 0)
                tensors = (1800 if runtime.kind == "train" else 96) * MIB + rng.randrange(
                    0, 8
                ) * MIB
                parts = {
                    "constants": models // 5,
                    "model_code": models // 10,
                    "model_shared_scratchpad": 64 * MIB,
                    "runtime_memory": 48 * MIB,
                    "tensors": tensors,
                }
            else:
                parts = dict.fromkeys(
                    (
                        "constants",
                        "model_code",
                        "model_shared_scratchpad",
                        "runtime_memory",
                        "tensors",
                    ),
                    0,
                )
            device_total += sum(parts.values())
            per_core[str(core)] = parts
        host = {
            "application_memory": 380 * MIB + rng.randrange(0, 4) * MIB,
            "constants": 12 * MIB,
            "dma_buffers": 48 * MIB,
            "tensors": (220 if runtime.kind == "train" else 30) * MIB,
        }
        return {
            "period": period,
            "neuron_runtime_used_bytes": {
                "host": sum(host.values()),
                "neuron_device": device_total,
                "usage_breakdown": {"host": host, "neuroncore_memory_usage": per_core},
            },
            "loaded_models": [self._model_report(model, runtime) for model in runtime.models],
            "error": "",
        }

    def _model_report(self, model: SimulatedModel, runtime: SimulatedRuntime) -> dict[str, Any]:
        return {
            "name": model.name,
            "uuid": model.uuid,
            "model_id": model.model_id,
            "is_running": runtime.kind == "inference" or model.model_id % 3 == 1,
            "subgraphs": {
                "sg_00": {
                    "memory_used_bytes": {
                        "host": model.host_bytes,
                        "neuron_device": model.device_bytes,
                        "usage_breakdown": {
                            "host": {"application_memory": model.host_bytes},
                            "neuron_device": {
                                "constants": model.device_bytes // 5,
                                "model_code": model.device_bytes // 10,
                                "runtime_memory": 0,
                                "tensors": model.device_bytes
                                - model.device_bytes // 5
                                - model.device_bytes // 10,
                            },
                        },
                    },
                    "neuroncore_index": model.local_core,
                    "neuron_device_index": model.device,
                }
            },
        }

    def _execution_stats(
        self, runtime: SimulatedRuntime, period: float, busy: dict[int, float]
    ) -> dict[str, Any]:
        rng = self.random
        load = sum(busy.values()) / (100.0 * max(1, len(busy)))
        completed = round(runtime.rate * period * load * rng.uniform(0.9, 1.1))
        summary = {
            "completed": completed,
            "completed_with_err": 0,
            "completed_with_num_err": 0,
            "timed_out": 0,
            "incorrect_input": 0,
            "failed_to_queue": 0,
        }
        latency: dict[str, Any]
        if completed:
            base = 0.0042 if runtime.kind == "inference" else 0.095
            total = self._percentiles(base * rng.uniform(0.95, 1.05))
            device = {key: round(value * 0.82, 6) for key, value in total.items()}
            latency = {"total_latency": total, "device_latency": device}
        else:
            latency = {"total_latency": None, "device_latency": None}
        return {
            "period": period,
            "error_summary": {
                "generic": 0,
                "numerical": 0,
                "transient": 0,
                "model": 0,
                "runtime": 0,
                "hardware": 0,
            },
            "execution_summary": summary,
            "latency_stats": latency,
            "error": "",
        }

    @staticmethod
    def _percentiles(median: float) -> dict[str, float]:
        factors = {
            "p0": 0.7,
            "p1": 0.78,
            "p25": 0.93,
            "p50": 1.0,
            "p75": 1.08,
            "p99": 1.45,
            "p100": 2.1,
        }
        return {key: round(median * factor, 6) for key, factor in factors.items()}

    def _system_data(self, period: float) -> dict[str, Any]:
        rng = self.random
        wanted = self.config.system_metrics
        data: dict[str, Any] = {}
        if "neuron_hw_counters" in wanted:
            data["neuron_hw_counters"] = {
                "period": period,
                "neuron_devices": [
                    {
                        "neuron_device_index": index,
                        "mem_ecc_corrected": 0,
                        "mem_ecc_uncorrected": 0,
                        "sram_ecc_corrected": 0,
                        "sram_ecc_uncorrected": 0,
                    }
                    for index in range(self.spec.devices)
                ],
                "error": "",
            }
        if "vcpu_usage" in wanted:
            busy_share = min(90.0, 3.0 + 100.0 * len(self.runtimes) / self.vcpus)
            usage_data = {}
            for cpu in range(self.vcpus):
                user = round(max(0.0, busy_share + rng.uniform(-2.5, 2.5)), 2)
                system = round(1.0 + rng.uniform(0, 1.0), 2)
                usage_data[str(cpu)] = _cpu_usage(user, system)
            average_user = round(sum(u["user"] for u in usage_data.values()) / self.vcpus, 2)
            average_system = round(sum(u["system"] for u in usage_data.values()) / self.vcpus, 2)
            data["vcpu_usage"] = {
                "period": period,
                "average_usage": _cpu_usage(average_user, average_system),
                "usage_data": usage_data,
                "context_switch_count": int(period * (900 + 2500 * len(self.runtimes))),
                "error": "",
            }
        if "memory_info" in wanted:
            runtime_host = sum(700 * MIB for _ in self.runtimes)
            used = int(self.host_memory * 0.08) + runtime_host + rng.randrange(0, 64) * MIB
            data["memory_info"] = {
                "period": period,
                "memory_total_bytes": self.host_memory,
                "memory_used_bytes": min(used, self.host_memory),
                "swap_total_bytes": 0,
                "swap_used_bytes": 0,
                "error": "",
            }
        return data

    def _instance_info(self) -> dict[str, Any]:
        return {
            "instance_name": "",
            "instance_id": simulated_instance_id(self.spec),
            "instance_type": self.spec.name,
            "instance_availability_zone": "ap-northeast-1a",
            "instance_availability_zone_id": "apne1-az4",
            "instance_region": "ap-northeast-1",
            "ami_id": "ami-0simulated0000000",
            "subnet_id": "subnet-0simulated000000",
            "error": "",
        }

    def _hardware_info(self) -> dict[str, Any]:
        spec = self.spec
        info: dict[str, Any] = {
            "neuron_device_count": spec.devices,
            "neuroncore_per_device_count": spec.logical_cores_per_device,
            "error": "",
        }
        if spec.family == "inf1":
            return info  # older tools: the three-key form
        # The device type and versions as neuron-monitor spells them, from the catalogue.
        info["neuron_device_type"] = spec.device_type
        info["neuron_device_version"] = spec.device_version
        info["neuroncore_version"] = spec.core_version
        info["neuron_device_memory_size"] = spec.memory_per_device_bytes
        if spec.logical_neuroncore_config:
            info["logical_neuroncore_config"] = spec.logical_neuroncore_config
        return info


def _cpu_usage(user: float, system: float) -> dict[str, float]:
    idle = round(max(0.0, 100.0 - user - system - 0.2), 2)
    return {
        "user": user,
        "nice": 0.0,
        "system": system,
        "idle": idle,
        "io_wait": 0.1,
        "irq": 0.0,
        "soft_irq": 0.1,
    }


def garbage_line(number: int, sample: bytes) -> bytes:
    """The ``number``-th malformed line of the garbage scenario (cycles through kinds)."""
    kinds = (
        sample[: max(1, len(sample) // 3)],  # truncated report
        b"neuron-monitor: warning: skipped a sample (simulated)",  # plain text
        b"[1, 2, 3]",  # JSON, but not a report
        b"\xff\xfe garbage \x00\x81",  # not UTF-8
        b'{"unexpected": true}',  # an object with no report keys
    )
    return kinds[number % len(kinds)]


def stream_lines(simulation: MonitorSimulation, *, crash_after: int | None) -> Iterator[bytes]:
    """The lines the simulated tool writes, one per period (garbage in between)."""
    garbage = 0
    while True:
        line = json.dumps(simulation.report(), separators=(",", ":")).encode("utf-8")
        yield line
        if simulation.scenario == "garbage" and simulation.reports % 2 == 1:
            yield garbage_line(garbage, line)
            garbage += 1
        if crash_after is not None and simulation.reports >= crash_after:
            return


def _write(out: BinaryIO, line: bytes) -> None:
    out.write(line + b"\n")
    out.flush()


def run_failure(mode: str, period: float, out: BinaryIO) -> int:
    """Behave like a broken neuron-monitor in the shared failure modes."""
    if mode == "no-device":
        sys.stderr.write("neuron-monitor: no Neuron devices found (simulated)\n")
        return 1
    if mode == "crash":
        sys.stderr.write("neuron-monitor: fatal error while reading the driver (simulated)\n")
        return 2
    if mode == "hang":
        while True:  # Silent forever: the caller's watchdog must notice.
            time.sleep(3600)
    while True:
        line = b"{not json at all" if mode == "malformed" else b'{"neuron_device": 0}'
        _write(out, line)
        time.sleep(period)


def run(args: argparse.Namespace) -> int:
    """Stream simulated reports until killed (or the scenario ends)."""
    spec = INSTANCE_TYPES[args.instance]
    config = MonitorConfig()
    if args.config:
        try:
            config = load_config(args.config)
        except (OSError, ValueError) as error:
            sys.stderr.write(f"{NAME}: cannot read configuration {args.config}: {error}\n")
            return 1
    period = args.period or config.period or DEFAULT_PERIOD
    out = sys.stdout.buffer
    mode = args.fail or os.environ.get(FAIL_ENV) or None
    if mode:
        if mode not in FAILURE_MODES:
            sys.stderr.write(f"{NAME}: unknown failure mode: {mode!r}\n")
            return 2
        return run_failure(mode, period, out)
    pids = args.runtime_pid
    if pids is None:
        try:
            pids = _pids(os.environ.get(RUNTIME_PIDS_ENV, ""))
        except argparse.ArgumentTypeError as error:
            sys.stderr.write(f"{NAME}: ${RUNTIME_PIDS_ENV}: {error}\n")
            return 2
    simulation = MonitorSimulation(
        spec,
        args.scenario,
        seed=args.seed,
        period=period,
        runtime_pids=pids,
        config=config,
        watch_workloads=workloads_folder(),
    )
    crash_after = args.crash_after if args.scenario == "crash" else None
    started = time.monotonic()
    reports = 0
    for line in stream_lines(simulation, crash_after=crash_after):
        if simulation.reports > reports:
            # A new report: wait for its slot (the first one goes out at once).
            reports = simulation.reports
            if args.count is not None and reports > args.count:
                return 0
            delay = started + (reports - 1) * period - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        _write(out, line)
    if crash_after is not None:
        sys.stderr.write(
            f"{NAME}: lost the connection to the Neuron driver after {crash_after} reports "
            "(simulated crash)\n"
        )
        return 1
    return 0


def _positive(value: str) -> float:
    seconds = parse_duration(value)
    if seconds is None:
        raise argparse.ArgumentTypeError(f"expected a positive duration, got {value!r}")
    return seconds


def _pids(value: str) -> list[int]:
    try:
        pids = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected process ids, got {value!r}") from None
    if any(pid <= 0 for pid in pids):
        raise argparse.ArgumentTypeError(f"process ids must be positive, got {value!r}")
    return pids


def _env_int(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else None
    except ValueError:
        return None


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], name: str = NAME
) -> None:
    """Add the ``neuron-monitor`` sub-command (under another ``name`` if given)."""
    parser = subparsers.add_parser(
        name,
        help="simulated neuron-monitor: one JSON report per line (NDJSON)",
        description="Stream what neuron-monitor streams: one JSON report per line. "
        "The output is simulated, not from real Neuron hardware.",
    )
    add_instance_argument(parser)
    env_scenario = os.environ.get(SCENARIO_ENV, "").strip()
    parser.add_argument(
        "--scenario",
        type=one_of("scenario", SCENARIOS),
        default=env_scenario if env_scenario in SCENARIOS else DEFAULT_SCENARIO,
        help="; ".join(f"{name}: {what}" for name, what in SCENARIOS.items())
        + f" (default: ${SCENARIO_ENV}, else {DEFAULT_SCENARIO})",
    )
    parser.add_argument(
        "-c",
        "--config",
        metavar="CONFIG",
        help="neuron-monitor configuration file (period, metric groups, tag_filter)",
    )
    parser.add_argument(
        "--period",
        type=_positive,
        default=None,
        metavar="SECONDS",
        help=f"seconds between reports (default: the configuration's, else {DEFAULT_PERIOD:g})",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=_env_int(SEED_ENV),
        help=f"random seed: the same seed gives the same output (default: ${SEED_ENV})",
    )
    parser.add_argument(
        "--runtime-pid",
        type=_pids,
        action="extend",
        default=None,
        metavar="PID[,PID...]",
        help="report these pids for the simulated runtimes, in order (to attach simulated "
        f"load to real processes; default: ${RUNTIME_PIDS_ENV})",
    )
    parser.add_argument("--count", type=int, default=None, metavar="N", help="stop after N reports")
    parser.add_argument(
        "--crash-after",
        type=int,
        default=3,
        metavar="N",
        help="crash scenario: reports written before the tool exits with status 1 (default: 3)",
    )
    add_fail_argument(parser)
    parser.set_defaults(func=run)
