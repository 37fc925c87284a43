"""A trn2.48xlarge neuron-monitor report built independently of the simulator.

The simulator's reports are what the project wrote itself; this generator
follows the field list of the neuron-monitor user guide instead, with a
different shape, so that the pipeline is measured on a report it was not
tuned for:

- 8 runtimes, each listing all 64 logical NeuronCores in ``neuroncores_in_use``
  (8 busy, the rest 0.0) with ``effective_flops`` and a ``v3d`` breakdown, and
  all 64 in ``neuroncore_memory_usage`` (non-zero where the runtime has models);
- 4 loaded models per runtime, each with a subgraph keyed by name;
- latencies, periods, utilizations and vCPU figures as full doubles
  (``random.random()`` values, 15-17 significant digits), not rounded;
- the 192 vCPUs of the instance in ``system_data.vcpu_usage.usage_data``;
- groups in a different order, JSON written with the default separators
  (``", "`` and ``": "``), about 193 KB per line.

Used by ``bench_pipeline.py``; the monitor tests read it too (a shape check).
"""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

CORES = 64
DEVICES = 16
CORES_PER_DEVICE = 4
RUNTIMES = 8
MODELS_PER_RUNTIME = 4
VCPUS = 192
GIB = 1024**3


def _double(rng: random.Random, low: float, high: float) -> float:
    return low + (high - low) * rng.random()


def _percentiles(rng: random.Random, median: float) -> dict[str, float]:
    spread = [0.4, 0.6, 0.85, 1.0, 1.2, 2.5, 4.0]
    names = ["p0", "p1", "p25", "p50", "p75", "p99", "p100"]
    return {
        name: median * factor * _double(rng, 0.97, 1.03)
        for name, factor in zip(names, spread, strict=True)
    }


def _runtime(rng: random.Random, number: int) -> dict[str, Any]:
    busy = range(number * 8, number * 8 + 8)
    period = _double(rng, 0.99, 1.01)
    in_use: dict[str, Any] = {}
    memory: dict[str, Any] = {}
    for core in range(CORES):
        used = core in busy
        utilization = _double(rng, 40.0, 99.0) if used else 0.0
        in_use[str(core)] = {
            "v3d": {
                f"nc_v3.{p}": {"neuroncore_utilization": _double(rng, 35.0, 100.0) if used else 0.0}
                for p in (1, 0)
            },
            "effective_flops": rng.randrange(10**13, 10**14) if used else 0,
            "neuroncore_utilization": utilization,
        }
        memory[str(core)] = {
            "tensors": rng.randrange(10**8, 10**9) if used else 0,
            "runtime_memory": rng.randrange(10**6, 10**7) if used else 0,
            "model_shared_scratchpad": rng.randrange(10**7, 10**8) if used else 0,
            "model_code": rng.randrange(10**7, 10**8) if used else 0,
            "constants": rng.randrange(10**6, 10**8) if used else 0,
        }
    models = []
    for m in range(MODELS_PER_RUNTIME):
        core = busy[m * 2]
        models.append(
            {
                "uuid": str(uuid.UUID(int=rng.getrandbits(128))),
                "name": "/var/tmp/neuron-compile-cache/neuronxcc-2.21/"
                f"MODULE_{rng.getrandbits(64):016x}/model.neff",
                "model_id": 20000 + number * 10 + m,
                "is_running": m % 2 == 0,
                "subgraphs": {
                    f"sg_{s:02d}": {
                        "neuron_device_index": (core + s) // CORES_PER_DEVICE,
                        "neuroncore_index": (core + s) % CORES_PER_DEVICE,
                        "memory_used_bytes": {
                            "neuron_device": rng.randrange(10**8, 10**9),
                            "host": rng.randrange(10**6, 10**7),
                        },
                    }
                    for s in range(1)
                },
            }
        )
    return {
        "neuron_runtime_tag": f"llm-serving-{number}",
        "error": "",
        "pid": 40000 + number,
        "report": {
            "neuron_runtime_vcpu_usage": {
                "vcpu_usage": {
                    "user": _double(rng, 5.0, 40.0),
                    "system": _double(rng, 0.5, 5.0),
                },
                "period": period,
                "error": "",
            },
            "memory_used": {
                "loaded_models": models,
                "neuron_runtime_used_bytes": {
                    "usage_breakdown": {
                        "neuroncore_memory_usage": memory,
                        "host": {
                            "tensors": rng.randrange(10**7, 10**8),
                            "dma_buffers": rng.randrange(10**7, 10**8),
                            "constants": rng.randrange(10**6, 10**7),
                            "application_memory": rng.randrange(10**8, 10**9),
                        },
                    },
                    "neuron_device": rng.randrange(10**9, 10**10),
                    "host": rng.randrange(10**8, 10**9),
                },
                "period": period,
                "error": "",
            },
            "execution_stats": {
                "latency_stats": {
                    "total_latency": _percentiles(rng, _double(rng, 0.004, 0.02)),
                    "device_latency": _percentiles(rng, _double(rng, 0.003, 0.015)),
                },
                "execution_summary": {
                    "failed_to_queue": 0,
                    "incorrect_input": 0,
                    "timed_out": 0,
                    "completed_with_num_err": 0,
                    "completed_with_err": rng.randrange(0, 3),
                    "completed": rng.randrange(100, 2000),
                },
                "error_summary": {
                    "hardware": 0,
                    "runtime": 0,
                    "model": 0,
                    "transient": 0,
                    "numerical": 0,
                    "generic": rng.randrange(0, 2),
                },
                "period": period,
                "error": "",
            },
            "neuroncore_counters": {
                "neuroncores_in_use": in_use,
                "period": period,
                "error": "",
            },
        },
    }


def foreign_report(seed: int) -> dict[str, Any]:
    """One report (a new one for every seed)."""
    rng = random.Random(seed)
    period = _double(rng, 0.99, 1.01)
    usage_data = {}
    for cpu in range(VCPUS):
        user, system = _double(rng, 0.0, 60.0), _double(rng, 0.0, 8.0)
        usage_data[str(cpu)] = {
            "user": user,
            "nice": 0.0,
            "system": system,
            "idle": max(0.0, 100.0 - user - system),
            "io_wait": _double(rng, 0.0, 0.3),
            "irq": 0.0,
            "soft_irq": _double(rng, 0.0, 0.2),
        }
    return {
        "neuron_hardware_info": {
            "error": "",
            "logical_neuroncore_config": 2,
            "neuron_device_memory_size": 96 * GIB,
            "neuroncore_version": "v3d",
            "neuron_device_version": "v4",
            "neuron_device_type": "trainium2",
            "neuroncore_per_device_count": CORES_PER_DEVICE,
            "neuron_device_count": DEVICES,
        },
        "instance_info": {
            "error": "",
            "subnet_id": "subnet-0123456789abcdef0",
            "ami_id": "ami-0fedcba9876543210",
            "instance_region": "us-east-2",
            "instance_availability_zone_id": "use2-az3",
            "instance_availability_zone": "us-east-2c",
            "instance_type": "trn2.48xlarge",
            "instance_id": "i-0123456789abcdef0",
            "instance_name": "",
        },
        "system_data": {
            "neuron_hw_counters": {
                "neuron_devices": [
                    {
                        "neuron_device_index": d,
                        "mem_ecc_corrected": 0,
                        "mem_ecc_uncorrected": 0,
                        "sram_ecc_corrected": rng.randrange(0, 2),
                        "sram_ecc_uncorrected": 0,
                    }
                    for d in range(DEVICES)
                ],
                "period": period,
                "error": "",
            },
            "memory_info": {
                "memory_total_bytes": 2 * 1024**4,
                "memory_used_bytes": rng.randrange(10**11, 10**12),
                "swap_total_bytes": 0,
                "swap_used_bytes": 0,
                "period": period,
                "error": "",
            },
            "vcpu_usage": {
                "usage_data": usage_data,
                "context_switch_count": rng.randrange(10**5, 10**6),
                "average_usage": {
                    "user": _double(rng, 0.0, 40.0),
                    "nice": 0.0,
                    "system": _double(rng, 0.0, 5.0),
                    "idle": _double(rng, 50.0, 90.0),
                    "io_wait": _double(rng, 0.0, 0.3),
                    "irq": 0.0,
                    "soft_irq": _double(rng, 0.0, 0.2),
                },
                "period": period,
                "error": "",
            },
        },
        "neuron_runtime_data": [_runtime(rng, number) for number in range(RUNTIMES)],
    }


def foreign_lines(count: int) -> list[bytes]:
    """``count`` distinct report lines, as a tool writing JSON with default separators would."""
    return [json.dumps(foreign_report(seed)).encode() + b"\n" for seed in range(count)]
