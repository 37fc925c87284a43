"""Prometheus text: AWS's metric names, real counters, valid for promtool."""

from __future__ import annotations

import copy

import pytest

from jupyterlab_neuron.monitor.normalizer import normalize_report
from jupyterlab_neuron.monitor.prometheus import (
    COUNTER_RETENTION_SECONDS,
    PrometheusExporter,
    escape_label_value,
)
from jupyterlab_neuron.simulator.neuron_monitor import MonitorSimulation
from neuron_kernel_helpers.instances import INSTANCE_TYPES

from .conftest import REPORT_VARIANTS, load_fixture, promtool_check

COMMON = (
    'availability_zone="ap-northeast-1a",instance_id="i-0123456789abcdef0",'
    'instance_name="bert-notebook",instance_type="inf2.xlarge",region="ap-northeast-1",'
    'subnet_id="subnet-0a1b2c3d4e5f67890"'
)


def samples(text: str) -> dict[str, float]:
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            found[name] = float(value)
    return found


def test_metric_names_labels_and_values() -> None:
    exporter = PrometheusExporter()
    exporter.observe(normalize_report(load_fixture("inf2_flops.json"), seq=1))
    found = samples(exporter.render(skipped_lines=2))
    rt = 'runtime_tag="bert-ja"'
    assert found[f'neuroncore_utilization_ratio{{{COMMON},neuroncore="1",{rt}}}'] == 0.755
    # Every core the runtime lists is exported, an idle one at 0, as AWS's exporter does.
    assert found[f'neuroncore_utilization_ratio{{{COMMON},neuroncore="0",{rt}}}'] == 0
    assert (
        found[f'neuron_runtime_memory_used_bytes{{{COMMON},memory_location="host",{rt}}}']
        == 610271232
    )
    assert (
        found[f'neuron_runtime_memory_used_bytes{{{COMMON},memory_location="neuron_device",{rt}}}']
        == 3e9
    )
    assert found[f'neuroncore_memory_usage_constants{{{COMMON},neuroncore="1",{rt}}}'] == 1e9
    assert found[f'neuron_runtime_vcpu_usage_ratio{{{COMMON},usage_type="user",{rt}}}'] == 0.425
    assert found[f'execution_errors_total{{{COMMON},error_type="numerical",{rt}}}'] == 1
    assert found[f'execution_status_total{{{COMMON},status_type="completed",{rt}}}'] == 40
    assert found[f'execution_latency_seconds{{{COMMON},percentile="p50",{rt}}}'] == 0.0042
    assert found[f"system_memory_total_bytes{{{COMMON}}}"] == 16106127360
    assert found[f"system_vcpu_count{{{COMMON}}}"] == 4
    # AWS's two usage types: user (user + nice) and system (system + io_wait + irq + soft_irq).
    vcpu = {key: value for key, value in found.items() if key.startswith("system_vcpu_usage_")}
    assert vcpu == {
        f'system_vcpu_usage_ratio{{{COMMON},usage_type="user"}}': 0.125,
        f'system_vcpu_usage_ratio{{{COMMON},usage_type="system"}}': 0.0275,
    }
    ecc_labels = 'event_type="mem_ecc_corrected",neuron_device_index="0"'
    assert found[f"hardware_ecc_events_total{{{COMMON},{ecc_labels}}}"] == 1
    assert found[f'instance_info{{{COMMON},ami_id="ami-0a1b2c3d4e5f67890"}}'] == 1
    hardware = (
        f'neuron_hardware_info{{{COMMON},neuron_device_count="1",'
        'neuroncore_per_device_count="2",neuron_device_type="inferentia2"}'
    )
    assert found[hardware] == 1
    assert found[f"jupyterlab_neuron_monitor_skipped_lines_total{{{COMMON}}}"] == 2
    assert found[f"jupyterlab_neuron_monitor_up{{{COMMON}}}"] == 1


def test_per_period_counts_accumulate_into_counters() -> None:
    exporter = PrometheusExporter()
    report = load_fixture("inf2_flops.json")
    for seq in (1, 2, 3):
        exporter.observe(normalize_report(report, seq=seq))
    found = samples(exporter.render())
    key = f'execution_status_total{{{COMMON},status_type="completed",runtime_tag="bert-ja"}}'
    assert found[key] == 120
    ecc_labels = 'event_type="mem_ecc_corrected",neuron_device_index="0"'
    assert found[f"hardware_ecc_events_total{{{COMMON},{ecc_labels}}}"] == 3


def test_counters_of_vanished_runtimes_expire() -> None:
    now = [0.0]
    exporter = PrometheusExporter(clock=lambda: now[0])
    exporter.observe(normalize_report(load_fixture("inf2_flops.json"), seq=1))
    now[0] = COUNTER_RETENTION_SECONDS + 1
    exporter.observe(normalize_report(load_fixture("idle_empty_runtimes.json"), seq=2))
    assert "bert-ja" not in exporter.render()


def test_text_is_cached_per_snapshot() -> None:
    exporter = PrometheusExporter()
    exporter.observe(normalize_report(load_fixture("inf2_flops.json"), seq=1))
    first = exporter.render()
    assert exporter.render() is first
    exporter.observe(normalize_report(load_fixture("inf2_flops.json"), seq=2))
    assert exporter.render() is not first


def test_empty_exporter_renders_only_its_own_metrics() -> None:
    text = PrometheusExporter().render(up=False)
    assert "jupyterlab_neuron_monitor_up{} 0" in text
    assert "neuroncore_utilization_ratio" not in text


def test_label_values_are_escaped() -> None:
    assert escape_label_value('a"b\\c\nd') == 'a\\"b\\\\c\\nd'


@pytest.mark.parametrize("fixture", REPORT_VARIANTS)
def test_promtool_accepts_every_variant(fixture: str) -> None:
    exporter = PrometheusExporter()
    exporter.observe(normalize_report(load_fixture(f"{fixture}.json"), seq=1))
    result = promtool_check(exporter.render())
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_accepts_odd_tags_and_duplicate_tags() -> None:
    report = load_fixture("inf2_flops.json")
    report["neuron_runtime_data"][0]["neuron_runtime_tag"] = 'my "tagged"\\run\nname'
    twin = copy.deepcopy(report["neuron_runtime_data"][0])
    twin["pid"] = 4321
    report["neuron_runtime_data"].append(twin)
    exporter = PrometheusExporter()
    exporter.observe(normalize_report(report, seq=1))
    text = exporter.render()
    assert 'runtime_tag="my \\"tagged\\"\\\\run\\nname#4321"' in text
    result = promtool_check(text)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_accepts_a_large_trn2_report() -> None:
    simulation = MonitorSimulation(INSTANCE_TYPES["trn2.48xlarge"], "full-load", seed=5, period=1.0)
    exporter = PrometheusExporter()
    for seq in (1, 2):
        exporter.observe(normalize_report(simulation.report(), seq=seq, simulated=True))
    text = exporter.render()
    # 8 runtimes, each listing all 64 NeuronCores (the ones it does not use at 0).
    assert text.count("neuroncore_utilization_ratio{") == 8 * 64
    result = promtool_check(text)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_check_can_fail() -> None:
    """The promtool tests above would notice a lint problem."""
    bad = "# TYPE system_vcpu_count gauge\nsystem_vcpu_count 4\n"
    assert promtool_check(bad).returncode != 0
