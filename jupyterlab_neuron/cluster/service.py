"""The cluster answer: every Neuron node Prometheus knows, its NeuronCores and memory.

One answer takes :data:`SNAPSHOT_QUERIES`, sent together at one evaluation
time. They use only the names of AWS's ``neuron-monitor-prometheus.py``
(``neuron_hardware_info``, ``neuroncore_utilization_ratio``,
``neuron_runtime_memory_used_bytes``, ``execution_errors_total``) and
Prometheus's own ``up``; ``jupyterlab_neuron_monitor_*`` series of
``jupyter neuron exporter`` add the stale state when present.

A node is a distinct ``instance_id``. It is known while its
``neuron_hardware_info`` has a sample within :data:`LOOKBACK`; it is ``up``
when its scrape target is up and its series are current; ``stale`` when its
exporter says neuron-monitor stopped or its last report is older than
``stale_after``. Its NeuronCores come from ``neuron_hardware_info`` (devices x
cores per device), so a node with no runtime still shows every core, at 0.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from typing import Any

from neuron_kernel_helpers.i18n import Lang, Messages

from .prometheus import PrometheusClient, PrometheusConfig, PrometheusError

#: How long a node that stopped answering stays in the list (marked down).
LOOKBACK = "10m"

#: Instant queries of one cluster answer, by name.
SNAPSHOT_QUERIES: dict[str, str] = {
    "known": f"last_over_time(neuron_hardware_info[{LOOKBACK}])",
    "current": "neuron_hardware_info",
    "up": "up",
    "cores": "sum by (instance_id, neuroncore) (neuroncore_utilization_ratio)",
    "memory": "sum by (instance_id, memory_location) (neuron_runtime_memory_used_bytes)",
    "errors": "sum by (instance_id) (increase(execution_errors_total[5m]))",
    "monitor_up": "min by (instance_id) (jupyterlab_neuron_monitor_up)",
    "simulated": "max by (instance_id) (jupyterlab_neuron_monitor_simulated)",
    "report_age": (
        "time() - max by (instance_id) (jupyterlab_neuron_monitor_last_report_timestamp_seconds)"
    ),
}

#: Labels that describe the node itself (the rest are offered for grouping).
NODE_LABELS = frozenset(
    {
        "__name__",
        "instance_id",
        "instance_type",
        "instance_name",
        "availability_zone",
        "region",
        "subnet_id",
        "neuron_device_count",
        "neuroncore_per_device_count",
        "neuron_device_type",
        "logical_neuroncore_config",
    }
)

#: Highest NeuronCore index accepted from Prometheus (a bound on bad labels).
MAX_CORES = 4096

#: Points of a history answer at most.
HISTORY_POINTS = 240

#: Longest history asked for, in minutes.
MAX_HISTORY_MINUTES = 24 * 60

MESSAGES = Messages(
    {
        "not_configured": {
            "ja": "Prometheus の URL が設定されていません。サーバーの設定 "
            "c.JupyterLabNeuron.prometheus_url（または環境変数 "
            "JUPYTERLAB_NEURON_PROMETHEUS_URL）に指定してください。",
            "en": "No Prometheus URL is set. Set c.JupyterLabNeuron.prometheus_url (or the "
            "JUPYTERLAB_NEURON_PROMETHEUS_URL environment variable) on the server.",
        },
        "unreachable": {
            "ja": "Prometheus（{url}）に接続できません: {detail}",
            "en": "Cannot connect to Prometheus ({url}): {detail}",
        },
        "timeout": {
            "ja": "Prometheus（{url}）が {seconds} 秒以内に応答しませんでした。",
            "en": "Prometheus ({url}) did not answer within {seconds} s.",
        },
        "http_error": {
            "ja": "Prometheus（{url}）がエラー {status} を返しました: {detail}",
            "en": "Prometheus ({url}) answered with error {status}: {detail}",
        },
        "bad_response": {
            "ja": "{url} の応答は Prometheus の API の形式ではありません。"
            "URL が Prometheus を指しているか確認してください。",
            "en": "The answer of {url} is not Prometheus's API format. Check that the URL "
            "points at Prometheus.",
        },
        "no_series": {
            "ja": "Prometheus（{url}）に Neuron のメトリクスがありません。各ノードで "
            "neuron-monitor-prometheus.py か jupyter neuron exporter を動かし、"
            "Prometheus にスクレイプさせてください。",
            "en": "Prometheus ({url}) has no Neuron metrics. Run neuron-monitor-prometheus.py "
            "or jupyter neuron exporter on every node and let Prometheus scrape them.",
        },
        "unknown_node": {
            "ja": "ノード {instance_id} は Prometheus にありません。",
            "en": "Node {instance_id} is not in Prometheus.",
        },
    }
)


def config_from_settings(settings: Any) -> PrometheusConfig | None:
    """The Prometheus configuration of the server settings (``None``: not set)."""
    url = (settings.prometheus_url or "").strip()
    if not url:
        return None
    return PrometheusConfig(
        url=url,
        timeout=settings.prometheus_timeout,
        bearer_token=settings.prometheus_bearer_token,
        username=settings.prometheus_username,
        password=settings.prometheus_password,
        headers=dict(settings.prometheus_headers),
        verify_tls=settings.prometheus_verify_tls,
    )


def promql_string(value: str) -> str:
    """``value`` as a double-quoted PromQL string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _value(sample: dict[str, Any]) -> float:
    try:
        value = float(sample["value"][1])
    except (KeyError, IndexError, TypeError, ValueError):
        return math.nan
    return value


def _int_label(labels: dict[str, str], name: str) -> int:
    try:
        return max(0, int(labels.get(name, "")))
    except ValueError:
        return 0


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value


def build_nodes(
    results: dict[str, list[dict[str, Any]]], stale_after: float
) -> list[dict[str, Any]]:
    """The nodes of one answer from the results of :data:`SNAPSHOT_QUERIES`."""
    known: dict[str, dict[str, str]] = {}
    for sample in results["known"]:
        labels = sample.get("metric", {})
        node_id = labels.get("instance_id", "")
        if node_id:
            known.setdefault(node_id, labels)
    current = {s.get("metric", {}).get("instance_id", "") for s in results["current"]}
    targets = {
        (s["metric"].get("job", ""), s["metric"].get("instance", "")): _value(s) == 1
        for s in results["up"]
        if "metric" in s
    }

    def by_node(name: str) -> dict[str, list[dict[str, Any]]]:
        grouped: dict[str, list[dict[str, Any]]] = {}
        for sample in results[name]:
            grouped.setdefault(sample.get("metric", {}).get("instance_id", ""), []).append(sample)
        return grouped

    cores: dict[str, list[tuple[str, Any]]] = {}
    for sample in results["cores"]:
        labels = sample.get("metric", {})
        value = sample.get("value")
        key = labels.get("instance_id", "")
        entry = (labels.get("neuroncore", ""), value[1] if value and len(value) > 1 else "NaN")
        if key in cores:
            cores[key].append(entry)
        else:
            cores[key] = [entry]
    memory = by_node("memory")
    errors = {k: _value(v[0]) for k, v in by_node("errors").items()}
    monitor_up = {k: _value(v[0]) for k, v in by_node("monitor_up").items()}
    simulated = {k: _value(v[0]) == 1 for k, v in by_node("simulated").items()}
    report_age = {k: _value(v[0]) for k, v in by_node("report_age").items()}

    nodes = []
    for node_id in sorted(known):
        labels = known[node_id]
        count = _int_label(labels, "neuron_device_count") * _int_label(
            labels, "neuroncore_per_device_count"
        )
        utilization = [0.0] * count
        for core, text in cores.get(node_id, ()):
            try:
                index = int(core)
                value = float(text)
            except (TypeError, ValueError):
                continue
            if index < 0 or index > MAX_CORES or not math.isfinite(value):
                continue
            if index >= len(utilization):
                utilization.extend([0.0] * (index + 1 - len(utilization)))
            utilization[index] = round(min(max(value, 0.0), 1.0) * 100.0, 2)
        used = {"host": 0.0, "neuron_device": 0.0}
        for sample in memory.get(node_id, ()):
            location = sample["metric"].get("memory_location", "")
            value = _value(sample)
            if location in used and math.isfinite(value):
                used[location] = value
        target = (labels.get("job", ""), labels.get("instance", ""))
        up = node_id in current and targets.get(target, True)
        age = _finite(report_age.get(node_id))
        stale = up and (monitor_up.get(node_id) == 0 or (age is not None and age > stale_after))
        error_count = _finite(errors.get(node_id))
        nodes.append(
            {
                "instance_id": node_id,
                "instance_type": labels.get("instance_type", ""),
                "up": bool(up),
                "stale": bool(stale),
                # Data from the jupyterlab-neuron simulator, not from Neuron hardware.
                "simulated": simulated.get(node_id, False),
                "utilization": round(sum(utilization) / len(utilization), 2)
                if utilization
                else 0.0,
                "cores": [{"index": i, "utilization": u} for i, u in enumerate(utilization)],
                "device_memory_used_bytes": int(used["neuron_device"]),
                "host_memory_used_bytes": int(used["host"]),
                "errors": round(error_count) if error_count is not None else 0,
                "last_report_age_seconds": round(age, 1) if age is not None else None,
                "labels": {k: v for k, v in sorted(labels.items()) if k not in NODE_LABELS},
            }
        )
    return nodes


def summarize(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts and the mean utilization of the nodes that are up."""
    up = [n for n in nodes if n["up"]]
    cores = sum(len(n["cores"]) for n in up)
    busy = sum(sum(c["utilization"] for c in n["cores"]) for n in up)
    return {
        "nodes": len(nodes),
        "up": len(up),
        "stale": sum(1 for n in nodes if n["stale"]),
        "simulated": sum(1 for n in nodes if n["simulated"]),
        "cores": cores,
        "utilization": round(busy / cores, 2) if cores else 0.0,
    }


class ClusterService:
    """Answers the cluster view from Prometheus (nothing is cached: Prometheus is the store)."""

    def __init__(
        self,
        config: PrometheusConfig | None,
        *,
        stale_after: float = 60.0,
        clock: Callable[[], float] = time.time,
        client: PrometheusClient | None = None,
    ) -> None:
        self.config = config
        self.stale_after = stale_after
        self._clock = clock
        self._client = client or (PrometheusClient(config) if config else None)

    async def close(self) -> None:
        """Close the HTTP connections."""
        if self._client is not None:
            await self._client.close()

    def _base(self, lang: Lang) -> dict[str, Any]:
        return {
            "state": "ok",
            "message": None,
            "queried_at": self._clock(),
            "prometheus_url": self.config.url if self.config else None,
        }

    def _failed(self, answer: dict[str, Any], error: PrometheusError, lang: Lang) -> None:
        assert self.config is not None
        answer["state"] = error.state
        answer["message"] = MESSAGES(
            error.state,
            lang,
            url=self.config.url,
            detail=error.detail,
            status=error.status,
            seconds=f"{self.config.timeout:g}",
        )

    async def snapshot(self, lang: Lang = "en") -> dict[str, Any]:
        """``{"state", "message", "queried_at", "prometheus_url", "nodes", "summary"}``."""
        answer = self._base(lang)
        answer["nodes"] = []
        answer["summary"] = summarize([])
        if self._client is None:
            answer["state"] = "not_configured"
            answer["message"] = MESSAGES("not_configured", lang)
            return answer
        at = answer["queried_at"]
        try:
            values = await asyncio.gather(
                *(self._client.instant(q, at) for q in SNAPSHOT_QUERIES.values())
            )
        except PrometheusError as error:
            self._failed(answer, error, lang)
            return answer
        results = dict(zip(SNAPSHOT_QUERIES, values, strict=True))
        nodes = build_nodes(results, self.stale_after)
        if not nodes:
            answer["state"] = "no_series"
            answer["message"] = MESSAGES("no_series", lang, url=self.config.url)
            return answer
        answer["nodes"] = nodes
        answer["summary"] = summarize(nodes)
        return answer

    async def history(self, instance_id: str, minutes: float, lang: Lang = "en") -> dict[str, Any]:
        """One node's mean NeuronCore utilization (percent) and device memory over time."""
        answer = self._base(lang)
        end = answer["queried_at"]
        minutes = min(max(minutes, 1.0), MAX_HISTORY_MINUTES)
        start = end - minutes * 60
        step = max(1.0, math.ceil(minutes * 60 / HISTORY_POINTS))
        answer.update(
            instance_id=instance_id, start=start, end=end, step=step, utilization=[], memory=[]
        )
        if self._client is None:
            answer["state"] = "not_configured"
            answer["message"] = MESSAGES("not_configured", lang)
            return answer
        node = promql_string(instance_id)
        queries = (
            f"last_over_time(neuron_hardware_info{{instance_id={node}}}[{LOOKBACK}])",
            f"sum(neuroncore_utilization_ratio{{instance_id={node}}})",
            f"sum(neuron_runtime_memory_used_bytes{{instance_id={node},"
            'memory_location="neuron_device"})',
        )
        try:
            hardware, busy, memory = await asyncio.gather(
                self._client.instant(queries[0], end),
                self._client.range(queries[1], start, end, step),
                self._client.range(queries[2], start, end, step),
            )
        except PrometheusError as error:
            self._failed(answer, error, lang)
            return answer
        if not hardware:
            answer["state"] = "no_series"
            answer["message"] = MESSAGES("unknown_node", lang, instance_id=instance_id)
            return answer
        labels = hardware[0].get("metric", {})
        cores = _int_label(labels, "neuron_device_count") * _int_label(
            labels, "neuroncore_per_device_count"
        )
        answer["utilization"] = [
            [float(t), round(min(float(v) / max(cores, 1), 1.0) * 100.0, 2)]
            for series in busy[:1]
            for t, v in series.get("values", ())
        ]
        answer["memory"] = [
            [float(t), int(float(v))] for series in memory[:1] for t, v in series.get("values", ())
        ]
        return answer
