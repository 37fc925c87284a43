"""``jupyter neuron monitor`` and ``jupyter neuron simulate monitor``."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from jupyterlab_neuron.cli import main
from jupyterlab_neuron.simulator.tools import write_tool_scripts
from neuron_kernel_helpers.i18n import display_width

from .conftest import load_fixture


def recorded(tmp_path: Path, *lines: bytes) -> Path:
    path = tmp_path / "monitor.ndjson"
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


def fixture_line(name: str) -> bytes:
    return json.dumps(load_fixture(f"{name}.json")).encode()


def test_once_json_from_a_file_prints_the_last_valid_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = recorded(
        tmp_path,
        fixture_line("effective_flops_device_key"),
        b"not json",
        fixture_line("inf2_flops"),
        b'{"truncated": ',
    )
    assert main(["monitor", "--source", str(path), "--once", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["instance_type"] == "inf2.xlarge"
    assert [{k: c[k] for k in ("index", "device", "utilization")} for c in data["cores"]] == [
        {"index": 0, "device": 0, "utilization": 0.0},
        {"index": 1, "device": 0, "utilization": 75.5},
    ]
    assert [{k: d[k] for k in ("index", "memory_used_bytes")} for d in data["devices"]] == [
        {"index": 0, "memory_used_bytes": 3_000_000_000}
    ]
    assert [
        {k: p[k] for k in ("pid", "tag", "cores", "host_bytes", "device_bytes")}
        for p in data["processes"]
    ] == [
        {
            "pid": 1234,
            "tag": "bert-ja",
            "cores": [1],
            "host_bytes": 610_271_232,
            "device_bytes": 3_000_000_000,
        }
    ]
    assert data["skipped_lines"] == 2  # including the line after the last report
    assert data["seq"] == 2


def test_text_view_in_both_languages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = recorded(tmp_path, fixture_line("inf2_flops"))
    assert main(["monitor", "--source", str(path), "--once", "--lang", "ja"]) == 0
    ja = capsys.readouterr().out
    assert "NeuronCore 使用率" in ja and "プロセス" in ja and "スキップした行: 0" in ja
    assert "NC1" in ja and "75.5%" in ja and "bert-ja" in ja
    assert main(["monitor", "--source", str(path), "--once", "--lang", "en"]) == 0
    en = capsys.readouterr().out
    assert "NeuronCore utilization" in en and "Processes" in en and "4.2 / 6.1 ms" in en


def _cell_starts(line: str) -> list[int]:
    """Display columns where the cells of a table line start (cells are two spaces apart)."""
    return [display_width(line[: m.start()]) for m in re.finditer(r"\S+(?: \S+)*", line)]


def _columns_line_up(lines: list[str], marker: str) -> bool:
    """Whether ``marker`` starts at the same display column on every line."""
    return len({display_width(line[: line.index(marker)]) for line in lines}) == 1


def test_japanese_text_view_lines_up_by_display_width(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = recorded(tmp_path, fixture_line("idle_empty_runtimes"))
    assert main(["monitor", "--source", str(path), "--once", "--lang", "ja"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "NeuronCore 32 個" in lines[0]
    memory = lines[lines.index("デバイスメモリ") + 1 :]
    memory = memory[: next(i for i, line in enumerate(memory) if not line.startswith("  "))]
    assert len(memory) > 10  # devices 0-9 and 10 and up: labels of two widths
    assert _columns_line_up(memory, "/ ")
    path = recorded(tmp_path, fixture_line("inf2_flops"))
    assert main(["monitor", "--source", str(path), "--once", "--lang", "ja"]) == 0
    lines = capsys.readouterr().out.splitlines()
    bars = [line for line in lines if line.startswith("  NC")]
    assert len(bars) >= 2 and _columns_line_up(bars, "%")
    header, *rows = [line for line in lines[lines.index("プロセス") + 1 :] if line.startswith("  ")]
    assert header.split()[:3] == ["PID", "タグ", "NeuronCore"] and rows
    for row in rows:  # every cell starts where its Japanese header starts
        assert _cell_starts(row) == _cell_starts(header)


def test_large_instances_get_a_grid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = recorded(tmp_path, fixture_line("idle_empty_runtimes"))
    assert main(["monitor", "--source", str(path), "--once", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "NC0-7" in out and "NC24-31" in out
    assert "No process is using NeuronCores." in out


def test_every_report_of_a_file_without_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = recorded(tmp_path, fixture_line("inf2_flops"), fixture_line("trn2_v3d"))
    assert main(["monitor", "--source", str(path), "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["instance_type"] for line in lines] == ["inf2.xlarge", "trn2.3xlarge"]


def test_stdin_source(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(fixture_line("trn2_v3d") + b"\n"))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["monitor", "--source", "-", "--once", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["hardware"]["logical_neuroncore_config"] == 2


def test_no_valid_report_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = recorded(tmp_path, b"garbage", b"[1, 2]")
    assert main(["monitor", "--source", str(path), "--once", "--lang", "en"]) == 1
    assert "skipped lines: 2" in capsys.readouterr().err
    assert main(["monitor", "--source", str(tmp_path / "missing.ndjson"), "--lang", "ja"]) == 1
    assert "開けません" in capsys.readouterr().err


def test_simulated_live_stream_once(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["monitor", "--simulate", "trn1.2xlarge", "--scenario", "train-dual", "--seed", "4"]
    assert main([*argv, "--once", "--json", "--period", "0.1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["simulated"] is True
    assert [p["cores"] for p in data["processes"]] == [[0], [1]]
    assert all(p["pid"] > 2**22 for p in data["processes"])


def test_live_stream_until_the_tool_exits(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "monitor",
        "--simulate",
        "inf2.xlarge",
        "--scenario",
        "crash",
        "--json",
        "--period",
        "0.05",
    ]
    assert main([*argv, "--lang", "en"]) == 1
    captured = capsys.readouterr()
    assert [json.loads(line)["seq"] for line in captured.out.splitlines()] == [1, 2, 3]
    assert "exited with status 1" in captured.err and "simulated crash" in captured.err


def test_tools_folder_is_searched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tool_scripts(tmp_path, "inf2.xlarge")
    argv = ["monitor", "--tools-path", str(tmp_path), "--no-system-path", "--once", "--json"]
    assert main([*argv, "--period", "0.1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["instance_type"] == "inf2.xlarge" and data["simulated"] is True


def test_missing_tool(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["monitor", "--tools-path", str(tmp_path), "--no-system-path", "--once", "--lang", "en"]
    assert main(argv) == 1
    assert "neuron-monitor was not found" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["monitor", "--scenario", "idle"],
        ["monitor", "--seed", "1"],
        ["monitor", "--source", "x", "--simulate", "inf2.xlarge"],
    ],
)
def test_inconsistent_options(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--lang", "en"]) == 2
    assert capsys.readouterr().err


def test_simulate_monitor_pipes_into_monitor() -> None:
    produce = [sys.executable, "-W", "ignore", "-m", "jupyterlab_neuron.cli", "simulate", "monitor"]
    produce += [
        "--instance",
        "inf2.xlarge",
        "--scenario",
        "inference",
        "--count",
        "2",
        "--period",
        "0.05",
    ]
    raw = subprocess.run(produce, capture_output=True, timeout=60, check=True).stdout
    assert len(raw.splitlines()) == 2
    consume = [sys.executable, "-W", "ignore", "-m", "jupyterlab_neuron.cli", "monitor"]
    consume += ["--source", "-", "--once", "--json"]
    result = subprocess.run(consume, input=raw, capture_output=True, timeout=60, check=True)
    data = json.loads(result.stdout)
    assert data["seq"] == 2 and data["simulated"] is True
    assert data["processes"][0]["tag"] == "bert-ja-inference"
