"""Inference benchmark in the pattern of the Neuron SDK's BERT tutorial.

N copies of a traced model (on Neuron, each copy lands on a NeuronCore), a
pool of threads calling them in turn, a warm-up first, then per-call latency
recorded for a fixed time or number of calls. The result gives p50 / p95 /
p99 latency in milliseconds and throughput in inferences per second (calls
times batch size), as a dict and as a small table for the notebook.

Pure Python: the models are any callables taking the example inputs.
"""

from __future__ import annotations

import html
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .i18n import Lang, Messages, format_table

#: The latency percentiles reported.
PERCENTILES = (50, 95, 99)

MESSAGES = Messages(
    {
        "column.backend": {"ja": "実行先", "en": "backend"},
        "column.batch_size": {"ja": "バッチサイズ", "en": "batch size"},
        "column.models": {"ja": "モデル数", "en": "models"},
        "column.threads": {"ja": "スレッド数", "en": "threads"},
        "column.p50": {"ja": "p50 (ms)", "en": "p50 (ms)"},
        "column.p95": {"ja": "p95 (ms)", "en": "p95 (ms)"},
        "column.p99": {"ja": "p99 (ms)", "en": "p99 (ms)"},
        "column.throughput": {"ja": "スループット（推論/秒）", "en": "throughput (inf/s)"},
        "column.duration": {"ja": "計測時間（秒）", "en": "duration (s)"},
        "cpu_note": {
            "ja": "※ 実行先が cpu の行は CPU で計測した値です。Neuron での性能を表しません。",
            "en": "Note: rows with backend cpu were measured on CPU and say nothing about Neuron.",
        },
        "empty": {"ja": "結果がありません。", "en": "No results."},
    }
)


@dataclass(frozen=True)
class BenchmarkResult:
    """One benchmark run: its setting and what was measured."""

    batch_size: int
    models: int
    threads: int
    calls: int
    inferences: int
    duration_s: float
    throughput: float
    latency_ms: dict[str, float] = field(default_factory=dict)
    backend: str = "unknown"

    def as_dict(self) -> dict[str, Any]:
        """The result as plain JSON-compatible values."""
        return asdict(self)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation between ranks."""
    if not values:
        raise ValueError("No values.")
    if not 0 <= q <= 100:
        raise ValueError(f"Percentile must be within 0..100, got {q}.")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))


def run_benchmark(
    models: Sequence[Callable[..., Any]],
    example_inputs: Sequence[Any],
    *,
    batch_size: int,
    threads: int | None = None,
    warmup: int = 2,
    duration: float | None = 10.0,
    calls_per_thread: int | None = None,
    backend: str | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> BenchmarkResult:
    """Measure latency and throughput of ``models`` called with ``example_inputs``.

    Args:
        models: the model copies; thread ``i`` calls ``models[i % len(models)]``.
        example_inputs: positional arguments of every call (one batch).
        batch_size: inferences per call (the first dimension of the inputs).
        threads: worker threads (default: one per model copy, as in the SDK's BERT
            inference tutorial).
        warmup: calls per model before measuring (the first Neuron call loads the model).
        duration: seconds to measure; the run stops at whichever of ``duration``
            and ``calls_per_thread`` comes first (at least one must be set).
        calls_per_thread: calls each thread makes at most.
        backend: label stored with the result (``"neuron"``, ``"cpu"``); by
            default taken from :func:`neuron_kernel_helpers.tracing.trace_backend`.
        clock: monotonic clock in seconds (injectable for tests).
    """
    if not models:
        raise ValueError("At least one model is needed.")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    if duration is None and calls_per_thread is None:
        raise ValueError("Set duration, calls_per_thread or both.")
    thread_count = threads if threads is not None else len(models)
    if thread_count < 1:
        raise ValueError(f"threads must be at least 1, got {thread_count}.")
    if backend is None:
        from .tracing import trace_backend

        backend = trace_backend()

    inputs = tuple(example_inputs)
    for model in models:
        for _ in range(max(warmup, 0)):
            model(*inputs)

    latencies: list[list[float]] = [[] for _ in range(thread_count)]
    errors: list[BaseException] = []
    start = clock()
    deadline = None if duration is None else start + duration

    def worker(index: int) -> None:
        model = models[index % len(models)]
        record = latencies[index].append
        try:
            while calls_per_thread is None or len(latencies[index]) < calls_per_thread:
                before = clock()
                if deadline is not None and before >= deadline:
                    break
                model(*inputs)
                record(clock() - before)
        except BaseException as error:  # reported in the caller's thread
            errors.append(error)

    pool = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(thread_count)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = clock() - start
    if errors:
        raise errors[0]

    all_latencies = [value for per_thread in latencies for value in per_thread]
    calls = len(all_latencies)
    if calls == 0:
        raise RuntimeError("No call finished during the measurement; increase duration.")
    return BenchmarkResult(
        batch_size=batch_size,
        models=len(models),
        threads=thread_count,
        calls=calls,
        inferences=calls * batch_size,
        duration_s=elapsed,
        throughput=calls * batch_size / elapsed if elapsed > 0 else float("inf"),
        latency_ms={f"p{q}": percentile(all_latencies, q) * 1000.0 for q in PERCENTILES},
        backend=backend,
    )


class BenchmarkTable:
    """Benchmark results shown as a table (HTML in notebooks, text elsewhere)."""

    def __init__(self, results: Sequence[BenchmarkResult], *, lang: Lang = "en") -> None:
        self.results = list(results)
        self.lang = lang

    def _columns(self) -> list[str]:
        keys = ("backend", "batch_size", "models", "threads", "p50", "p95", "p99")
        return [MESSAGES(f"column.{key}", self.lang) for key in keys] + [
            MESSAGES("column.throughput", self.lang),
            MESSAGES("column.duration", self.lang),
        ]

    def rows(self) -> list[list[str]]:
        """The table body as text cells."""
        return [
            [
                result.backend,
                str(result.batch_size),
                str(result.models),
                str(result.threads),
                *(f"{result.latency_ms[f'p{q}']:.2f}" for q in PERCENTILES),
                f"{result.throughput:.1f}",
                f"{result.duration_s:.1f}",
            ]
            for result in self.results
        ]

    def _note(self) -> str | None:
        if any(result.backend == "cpu" for result in self.results):
            return MESSAGES("cpu_note", self.lang)
        return None

    def __str__(self) -> str:
        if not self.results:
            return MESSAGES("empty", self.lang)
        table = [self._columns(), *self.rows()]
        lines = format_table(table, align=("right",) * len(table[0]), indent="")
        note = self._note()
        return "\n".join(lines + ([note] if note else []))

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        if not self.results:
            return f"<p>{html.escape(MESSAGES('empty', self.lang))}</p>"
        head = "".join(f"<th>{html.escape(column)}</th>" for column in self._columns())
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
            for row in self.rows()
        )
        note = self._note()
        note_html = f"<p><small>{html.escape(note)}</small></p>" if note else ""
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note_html}"


def benchmark_table(results: Sequence[BenchmarkResult], *, lang: Lang = "en") -> BenchmarkTable:
    """A displayable table of ``results`` (the last expression of a cell shows it)."""
    return BenchmarkTable(results, lang=lang)
