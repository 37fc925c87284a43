from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from neuron_kernel_helpers.environment import collect_environment
from neuron_kernel_helpers.i18n import display_width
from neuron_kernel_helpers.report import (
    EnvironmentDisplay,
    format_bytes,
    format_environment_html,
    format_environment_text,
    format_id_ranges,
    show_environment,
)

from .conftest import FakeTool, device


def _data(tmp_path: Path, lang: str = "en") -> dict[str, Any]:
    report = collect_environment(
        tools_path=[str(tmp_path / "bin")], search_system_path=False, dmi_dir=None, environ={}
    )
    return report.to_dict(lang)  # type: ignore[arg-type]


def test_format_bytes() -> None:
    assert format_bytes(34359738368) == "32 GiB"
    assert format_bytes(96 * 1024**3) == "96 GiB"
    assert format_bytes(1536) == "1.5 KiB"
    assert format_bytes(12) == "12 B"
    assert format_bytes(None) == "-"


def test_format_id_ranges() -> None:
    assert format_id_ranges([0, 1, 2, 5, 7, 8]) == "0-2, 5, 7-8"
    assert format_id_ranges([3]) == "3"
    assert format_id_ranges([]) == "-"


def test_text_report_in_both_languages(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(
        json_out=[device(0), device(1)],
        table_out="instance-type: inf2.24xlarge\ninstance-id: i-0123456789abcdef0\n",
    )
    english = format_environment_text(_data(tmp_path), "en")
    assert "Instance type" in english and "inf2.24xlarge" in english
    assert "4 (2 per device)" in english
    assert "32 GiB per device" in english
    assert "torch-neuronx   not installed" in english
    japanese = format_environment_text(_data(tmp_path, "ja"), "ja")
    assert "インスタンスタイプ" in japanese
    assert "デバイスあたり 32 GiB" in japanese
    assert "未インストール" in japanese
    assert "Instance type" not in japanese


def test_japanese_text_report_lines_up_and_uses_japanese_punctuation(
    tmp_path: Path, fake_tool: FakeTool
) -> None:
    processes = [{"pid": 41, "command": "python"}, {"pid": 42, "command": "torchrun"}]
    fake_tool(
        json_out=[
            device(0, connected_to=[1], neuron_processes=processes),
            device(1, connected_to=[0, 2]),
            device(2, connected_to=[1]),
        ],
        table_out="instance-type: trn1.32xlarge\n",
    )
    japanese = format_environment_text(_data(tmp_path, "ja"), "ja").splitlines()
    assert any("41（python）、42（torchrun）" in line for line in japanese)
    assert any("0、2" in line for line in japanese)
    # The device table: every column starts at the same display column, header
    # (Japanese, two columns per character) and rows alike.
    table = japanese[japanese.index("デバイス") + 1 : japanese.index("デバイス") + 5]
    starts = {display_width(line[: line.index("00:")]) for line in table[1:]}
    assert starts == {display_width(table[0][: table[0].index("PCI BDF")])}
    # The summary labels end at the same display column.
    summary = [line for line in japanese if line.startswith("  ") and " : " in line]
    assert len({display_width(line[: line.index(" : ")]) for line in summary}) == 1


def test_text_report_shows_problems_and_simulation(tmp_path: Path) -> None:
    data = _data(tmp_path)
    data["simulated"], data["simulated_instance"] = True, "trn1.2xlarge"
    text = format_environment_text(data, "en")
    assert "SIMULATED (trn1.2xlarge)" in text
    assert data["error"]["message"] in text


def test_html_is_escaped(tmp_path: Path, fake_tool: FakeTool) -> None:
    evil = "<script>alert(1)</script>"
    fake_tool(
        json_out=[device(0, neuron_processes=[{"pid": 1, "command": evil}])],
        table_out=f"instance-type: {evil}\n",
    )
    page = format_environment_html(_data(tmp_path), "en")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "<table>" in page


def test_html_lists_problems_in_japanese(tmp_path: Path) -> None:
    page = format_environment_html(_data(tmp_path, "ja"), "ja")
    assert "検出された問題" in page
    assert "<li>neuron-ls が見つかりませんでした" in page


def test_display_object_reprs(tmp_path: Path) -> None:
    display = EnvironmentDisplay(_data(tmp_path), "en")
    assert repr(display).startswith("Neuron environment")
    assert display._repr_html_().startswith("<style>")

    class Printer:
        def __init__(self) -> None:
            self.parts: list[str] = []

        def text(self, value: str) -> None:
            self.parts.append(value)

    printer = Printer()
    display._repr_pretty_(printer, cycle=False)
    assert printer.parts == [repr(display)]


def test_show_environment_collects_with_options(tmp_path: Path, fake_tool: FakeTool) -> None:
    fake_tool(json_out=[device(0)])
    shown = show_environment(
        lang="ja", tools_path=[str(tmp_path / "bin")], search_system_path=False, dmi_dir=None
    )
    assert shown.lang == "ja"
    assert shown.data["state"] == "ok"
    assert "正常" in repr(shown)


def test_show_environment_uses_the_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "ja_JP.UTF-8")
    shown = show_environment(tools_path=[str(tmp_path)], search_system_path=False, dmi_dir=None)
    assert shown.lang == "ja"


def test_sdk_generation_row_in_both_languages(tmp_path: Path) -> None:
    data = _data(tmp_path)
    data["sdk"] = {
        "generation": "xla",
        "description": "XLA (torch-neuronx 2.9, training supported)",
    }
    text = format_environment_text(data, "en")
    assert "Neuron SDK generation" in text
    assert "XLA (torch-neuronx 2.9, training supported)" in text
    assert "Neuron SDK generation" in format_environment_html(data, "en")
    japanese = _data(tmp_path, "ja")
    japanese["sdk"] = {"generation": "xla", "description": "XLA（torch-neuronx 2.9、学習に対応）"}
    assert "Neuron SDK の世代" in format_environment_text(japanese, "ja")
    data["sdk"] = None
    assert "Neuron SDK generation" not in format_environment_text(data, "en")


@pytest.mark.parametrize(
    ("workers", "english", "japanese"),
    [
        (
            {"counts": [1, 2, 8, 32], "recommended": 8, "visible_cores": "8-15"},
            "8 on NeuronCores 8-15 (NEURON_RT_VISIBLE_CORES=8-15; valid: 1, 2, 8, 32)",
            "8（NeuronCore 8-15 を使用、NEURON_RT_VISIBLE_CORES=8-15。指定できる値: 1、2、8、32）",
        ),
        (
            {"counts": [1, 2], "recommended": 0, "visible_cores": None},
            "none fits in the free NeuronCores (valid: 1, 2)",
            "空いている NeuronCore に収まる値がありません（指定できる値: 1、2）",
        ),
        (
            {"counts": [], "recommended": 0, "visible_cores": None},
            "none: an inference instance",
            "なし（推論用のインスタンスです）",
        ),
    ],
)
def test_workers_row_in_both_languages(
    tmp_path: Path, workers: dict[str, Any], english: str, japanese: str
) -> None:
    data = _data(tmp_path)
    data["workers"] = workers
    assert "torchrun workers" in format_environment_text(data, "en")
    assert english in format_environment_text(data, "en")
    assert english in format_environment_html(data, "en")
    assert japanese in format_environment_text(data, "ja")
    data["workers"] = None
    assert "torchrun workers" not in format_environment_text(data, "en")


def test_compile_cache_and_logical_cores_rows_in_both_languages(
    tmp_path: Path, fake_tool: FakeTool
) -> None:
    fake_tool(json_out=[device(0), device(1)], table_out="instance-type: trn2.3xlarge\n")
    data = _data(tmp_path)
    data["logical_neuroncore_config"] = 2
    data["compile_cache"] = {"root": "s3://team/cache", "source": "NEURON_CC_FLAGS", "remote": True}
    english = format_environment_text(data, "en")
    assert "s3://team/cache (from NEURON_CC_FLAGS, remote (S3))" in english
    assert ", logical NeuronCores, LNC=2" in english
    japanese = format_environment_text(data, "ja")
    assert "s3://team/cache（NEURON_CC_FLAGS で指定、リモート（S3））" in japanese
    assert "）、論理 NeuronCore、LNC=2" in japanese
