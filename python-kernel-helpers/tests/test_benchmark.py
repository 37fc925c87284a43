"""Tests of the benchmark: percentiles, a deterministic clock, threads, the table."""

from __future__ import annotations

import threading

import pytest

from neuron_kernel_helpers.benchmark import (
    BenchmarkResult,
    benchmark_table,
    percentile,
    run_benchmark,
)
from neuron_kernel_helpers.i18n import display_width


def test_percentile_interpolates_between_ranks() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile([3.0, 1.0, 2.0], 0) == 1.0
    assert percentile([3.0, 1.0, 2.0], 100) == 3.0
    assert percentile([7.0], 99) == 7.0
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


class SteppingClock:
    """A clock that only moves when a model call says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_latencies_and_throughput_with_a_deterministic_clock() -> None:
    clock = SteppingClock()
    durations = iter([0.001 * n for n in range(1, 101)])  # 1 ms, 2 ms, ... 100 ms
    warmup_calls: list[int] = []

    def model(x: int) -> int:
        if len(warmup_calls) < 3:
            warmup_calls.append(x)  # warm-up calls do not advance the clock
            return x
        clock.now += next(durations)
        return x

    result = run_benchmark(
        [model],
        (7,),
        batch_size=4,
        threads=1,
        warmup=3,
        duration=None,
        calls_per_thread=100,
        backend="neuron",
        clock=clock,
    )
    assert warmup_calls == [7, 7, 7]
    assert result.calls == 100 and result.inferences == 400
    assert result.latency_ms["p50"] == pytest.approx(50.5)
    assert result.latency_ms["p95"] == pytest.approx(95.05)
    assert result.latency_ms["p99"] == pytest.approx(99.01)
    total_seconds = sum(0.001 * n for n in range(1, 101))
    assert result.duration_s == pytest.approx(total_seconds)
    assert result.throughput == pytest.approx(400 / total_seconds)
    assert result.as_dict()["latency_ms"] == result.latency_ms
    assert result.backend == "neuron"


def test_duration_stops_the_run() -> None:
    clock = SteppingClock()

    def model() -> None:
        clock.now += 0.25

    result = run_benchmark(
        [model], (), batch_size=1, threads=1, warmup=0, duration=1.0, clock=clock, backend="cpu"
    )
    assert result.calls == 4


def test_threads_share_the_model_copies_round_robin() -> None:
    used: dict[int, set[int]] = {}
    lock = threading.Lock()

    def make_model(index: int):  # type: ignore[no-untyped-def]
        def model() -> None:
            with lock:
                used.setdefault(index, set()).add(threading.get_ident())

        return model

    result = run_benchmark(
        [make_model(0), make_model(1)],
        (),
        batch_size=2,
        warmup=1,
        duration=None,
        calls_per_thread=10,
        backend="cpu",
    )
    assert result.threads == 2  # one thread per model copy by default, as the SDK tutorial
    assert result.calls == 20 and result.inferences == 40
    assert set(used) == {0, 1}


def test_each_model_copy_gets_its_own_thread_by_default() -> None:
    callers: dict[int, set[int]] = {}
    lock = threading.Lock()

    def make_model(index: int):  # type: ignore[no-untyped-def]
        def model() -> None:
            with lock:
                callers.setdefault(index, set()).add(threading.get_ident())

        return model

    result = run_benchmark(
        [make_model(i) for i in range(3)],
        (),
        batch_size=1,
        warmup=0,
        duration=None,
        calls_per_thread=5,
        backend="cpu",
    )
    assert result.threads == 3
    assert all(len(threads) == 1 for threads in callers.values()) and len(callers) == 3
    assert result.calls == 15


def test_model_errors_reach_the_caller() -> None:
    def broken() -> None:
        raise RuntimeError("NEFF load failed")

    with pytest.raises(RuntimeError, match="NEFF load failed"):
        run_benchmark([broken], (), batch_size=1, warmup=0, calls_per_thread=1, backend="cpu")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"batch_size": 0},
        {"batch_size": 1, "threads": 0},
        {"batch_size": 1, "duration": None, "calls_per_thread": None},
    ],
)
def test_bad_settings_are_refused(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        run_benchmark([lambda: None], (), backend="cpu", **kwargs)
    with pytest.raises(ValueError):
        run_benchmark([], (), batch_size=1, backend="cpu")


def _result(backend: str, batch_size: int) -> BenchmarkResult:
    return BenchmarkResult(
        batch_size=batch_size,
        models=2,
        threads=4,
        calls=10,
        inferences=10 * batch_size,
        duration_s=1.0,
        throughput=10.0 * batch_size,
        latency_ms={"p50": 1.234, "p95": 2.5, "p99": 3.75},
        backend=backend,
    )


def test_table_in_japanese_with_the_cpu_note() -> None:
    table = benchmark_table([_result("cpu", 1), _result("cpu", 8)], lang="ja")
    text = str(table)
    header, first, second, note = text.splitlines()
    assert header.split() == [
        "実行先",
        "バッチサイズ",
        "モデル数",
        "スレッド数",
        "p50",
        "(ms)",
        "p95",
        "(ms)",
        "p99",
        "(ms)",
        "スループット（推論/秒）",
        "計測時間（秒）",
    ]
    assert first.split() == ["cpu", "1", "2", "4", "1.23", "2.50", "3.75", "10.0", "1.0"]
    assert second.split()[1] == "8"
    # Right-aligned by display width: every line ends at the same column.
    assert len({display_width(line) for line in (header, first, second)}) == 1
    assert "Neuron での性能を表しません" in note
    html = table._repr_html_()
    assert html.count("<tr>") == 3 and "<th>p99 (ms)</th>" in html


def test_table_for_neuron_results_has_no_cpu_note() -> None:
    text = str(benchmark_table([_result("neuron", 1)], lang="en"))
    assert len(text.splitlines()) == 2
    assert "throughput (inf/s)" in text
    assert str(benchmark_table([], lang="en")) == "No results."
