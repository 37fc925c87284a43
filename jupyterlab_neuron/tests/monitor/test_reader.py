"""NDJSON reading: chunk boundaries, the line size limit, malformed lines."""

from __future__ import annotations

import io
import json

import pytest

from jupyterlab_neuron.monitor.pipeline import SnapshotPipeline
from jupyterlab_neuron.monitor.reader import NDJSONReader, iter_values

from .conftest import load_fixture


def feed_all(reader: NDJSONReader, data: bytes, size: int) -> list:
    values = []
    for start in range(0, len(data), size):
        values += reader.feed(data[start : start + size])
    return values + reader.finish()


@pytest.mark.parametrize("chunk_size", [1, 2, 7, 64, 10_000])
def test_lines_split_across_any_chunk_boundary(chunk_size: int) -> None:
    data = b'{"a": 1}\n{"b": [1, 2]}\r\n\n   \n{"c": "\xe6\x97\xa5"}\n'
    values = feed_all(NDJSONReader(), data, chunk_size)
    assert values == [{"a": 1}, {"b": [1, 2]}, {"c": "日"}]


def test_unterminated_last_line_is_parsed_at_the_end() -> None:
    reader = NDJSONReader()
    assert reader.feed(b'{"a": 1}\n{"b": 2}') == [{"a": 1}]
    assert reader.finish() == [{"b": 2}]
    assert reader.finish() == []


def test_malformed_lines_are_counted_and_skipped() -> None:
    reader = NDJSONReader()
    data = b'{"ok": 1}\n{"truncated": \nnot json\n\xff\xfe\x00\n{"ok": 2}\n'
    assert feed_all(reader, data, 5) == [{"ok": 1}, {"ok": 2}]
    stats = reader.stats
    assert (stats.lines, stats.reports, stats.malformed, stats.oversized) == (5, 2, 3, 0)
    assert stats.skipped == 3
    assert stats.last_problem and stats.last_problem.startswith("malformed line")


@pytest.mark.parametrize("chunk_size", [3, 16, 100, 1000])
def test_oversized_lines_are_dropped_without_buffering_them(chunk_size: int) -> None:
    reader = NDJSONReader(max_line_bytes=40)
    big = b'{"x": "' + b"y" * 500 + b'"}'
    data = b'{"first": 1}\n' + big + b'\n{"after": 2}\n' + big
    values = feed_all(reader, data, chunk_size)
    assert values == [{"first": 1}, {"after": 2}]
    assert reader.stats.oversized == 2
    assert reader.stats.skipped == 2
    # Never more than the limit (plus one chunk) held while discarding.
    assert reader._pending <= 40


def test_a_line_of_exactly_the_limit_is_accepted() -> None:
    line = b'{"k": "' + b"v" * 31 + b'"}'  # 40 bytes
    assert len(line) == 40
    reader = NDJSONReader(max_line_bytes=40)
    assert reader.feed(line + b"\n") == [{"k": "v" * 31}]
    assert reader.feed(line[:-1] + b" }\n") == []  # 41 bytes
    assert reader.stats.oversized == 1


def test_reject_moves_a_report_to_the_skipped_count() -> None:
    reader = NDJSONReader()
    reader.feed(b"[1, 2]\n")
    reader.reject("not a report")
    assert (reader.stats.reports, reader.stats.malformed) == (0, 1)


def test_limit_must_be_sensible() -> None:
    with pytest.raises(ValueError):
        NDJSONReader(max_line_bytes=1)


def test_iter_values_reads_a_binary_file() -> None:
    stream = io.BytesIO(b'{"a": 1}\n{"b": 2}\n')
    assert list(iter_values(stream, NDJSONReader())) == [{"a": 1}, {"b": 2}]


def test_pipeline_numbers_snapshots_and_counts_non_reports() -> None:
    report = json.dumps(load_fixture("inf2_flops.json")).encode()
    pipeline = SnapshotPipeline(clock=lambda: 5.0)
    chunk = report + b'\n[1, 2, 3]\n{"unexpected": true}\nnot json\n' + report + b"\n"
    snapshots = pipeline.feed(chunk)
    assert [s.seq for s in snapshots] == [1, 2]
    assert pipeline.skipped_lines == 3
    assert snapshots[1].skipped_lines == 3
    assert snapshots[0].timestamp == 5.0


def test_what_the_fast_parser_refuses_the_standard_one_still_reads() -> None:
    reader = NDJSONReader()
    values = reader.feed(
        b'{"neuron_runtime_data": [], "x": NaN, "y": -Infinity}\n'
        b'{"system_data": {}, "big": 123456789012345678901234567890}\n'
        b"{broken\n"
    )
    assert values[0]["x"] != values[0]["x"]  # NaN
    assert values[0]["y"] == float("-inf")
    assert values[1]["big"] == pytest.approx(1.2345678901234568e29)
    assert len(values) == 2
    assert reader.stats.malformed == 1
    assert reader.stats.last_problem.startswith("malformed line: Expecting property name")


def test_a_normalized_report_with_non_finite_numbers_still_serializes() -> None:
    reader = NDJSONReader()
    (value,) = reader.feed(
        b'{"neuron_runtime_data": [{"pid": 1, "report": {"neuroncore_counters": '
        b'{"neuroncores_in_use": {"0": {"neuroncore_utilization": NaN}}}}}]}\n'
    )
    pipeline = SnapshotPipeline()
    snapshot = pipeline.normalize(value)
    assert snapshot is not None
    assert json.loads(json.dumps(snapshot.to_dict()))["cores"][0]["utilization"] == 0.0
