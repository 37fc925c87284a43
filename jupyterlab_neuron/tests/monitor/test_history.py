"""The bounded, time-indexed history."""

from __future__ import annotations

import json

import pytest

from jupyterlab_neuron.monitor.history import HistoryBuffer, HistoryPoint
from jupyterlab_neuron.monitor.normalizer import normalize_report
from jupyterlab_neuron.monitor.service import MonitorOptions, MonitorService

from .conftest import load_fixture


def test_ring_keeps_the_newest_items_in_order() -> None:
    ring: HistoryBuffer[int] = HistoryBuffer(3)
    for t in range(1, 6):
        ring.append(float(t), t * 10)
    assert len(ring) == 3
    assert ring.since() == [30, 40, 50]
    assert ring.latest() == 50


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        (None, [30, 40, 50]),
        (0.0, [30, 40, 50]),
        (3.0, [40, 50]),
        (3.5, [40, 50]),
        (5.0, []),
        (9.0, []),
    ],
)
def test_since_is_strictly_newer(since: float | None, expected: list[int]) -> None:
    ring: HistoryBuffer[int] = HistoryBuffer(3)
    for t in range(1, 6):
        ring.append(float(t), t * 10)
    assert ring.since(since) == expected


def test_since_with_limit_returns_the_newest() -> None:
    ring: HistoryBuffer[int] = HistoryBuffer(10)
    for t in range(10):
        ring.append(float(t), t)
    assert ring.since(2.0, limit=3) == [7, 8, 9]
    assert ring.since(7.0, limit=5) == [8, 9]
    assert ring.since(limit=0) == []


def test_clock_going_backwards_keeps_order() -> None:
    ring: HistoryBuffer[str] = HistoryBuffer(5)
    ring.append(10.0, "a")
    ring.append(9.0, "b")  # a clock step backwards
    ring.append(11.0, "c")
    assert ring.since(9.5) == ["a", "b", "c"]
    assert ring.since(10.0) == ["c"]


def test_clear_and_capacity_checks() -> None:
    ring: HistoryBuffer[int] = HistoryBuffer(2)
    ring.append(1.0, 1)
    ring.clear()
    assert ring.since() == [] and ring.latest() is None
    with pytest.raises(ValueError):
        HistoryBuffer(0)


def test_history_point_keeps_what_charts_need() -> None:
    snapshot = normalize_report(load_fixture("inf2_flops.json"), seq=7, timestamp=123.5)
    point = HistoryPoint.from_snapshot(snapshot).to_dict()
    assert point == {
        "seq": 7,
        "timestamp": 123.5,
        "cores": [0.0, 75.5],
        "device_memory_used_bytes": [3_000_000_000],
        "host_memory_used_bytes": 4_294_967_296,
        "vcpu_used_percent": 15.25,
        "processes": [
            {
                "pid": 1234,
                "tag": "bert-ja",
                "utilization": 75.5,
                "host_bytes": 610_271_232,
                "device_bytes": 3_000_000_000,
            }
        ],
    }


def test_history_point_without_system_data() -> None:
    snapshot = normalize_report(load_fixture("missing_groups.json"), timestamp=1.0)
    point = HistoryPoint.from_snapshot(snapshot).to_dict()
    assert point["host_memory_used_bytes"] is None
    assert point["vcpu_used_percent"] is None
    assert point["cores"] == [10.0, 0.0, 30.5, 0.0]


async def test_history_json_joins_the_points_serialized_when_recorded() -> None:
    service = MonitorService(MonitorOptions(history_length=3), lambda _config: None)
    try:
        raw = load_fixture("inf2_flops.json")
        for seq in range(1, 6):
            service.history.append(
                float(seq), HistoryPoint.from_snapshot(normalize_report(raw, seq=seq))
            )
        points = json.loads(service.history_json())
        assert [p["seq"] for p in points] == [3, 4, 5]
        assert points == service.history_since()
        assert [p["seq"] for p in json.loads(service.history_json(since=3.0))] == [4, 5]
        assert [p["seq"] for p in json.loads(service.history_json(limit=1))] == [5]
        assert json.loads(service.history_json(since=9.0)) == []
        # Asked again, the same text; once the history moves on, the new points.
        assert service.history_json() is service.history_json()
        service.history.append(6.0, HistoryPoint.from_snapshot(normalize_report(raw, seq=6)))
        assert [p["seq"] for p in json.loads(service.history_json())] == [4, 5, 6]
    finally:
        await service.close()
