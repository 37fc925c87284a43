"""``jupyter neuron diagnose``: reading, JSON and text output, exit statuses."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_neuron.cli import main

SAMPLES = Path(__file__).with_name("samples")
FAILED_NEFF = SAMPLES / "failed-neff-cached__training_log.txt"
MODULE = "neuronxcc-2.8.0.25+a3ad0f342/MODULE_12486829708343293975+d41d8cd9"


@pytest.fixture(autouse=True)
def _english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose the language themselves; the developer's locale must not leak in."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["diagnose", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_for_a_failed_neff_names_the_cache_entry(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--json", "--lang", "en", str(FAILED_NEFF))
    assert code == 0
    result = json.loads(out)
    assert set(result) == {"match", "details"}
    assert {"id", "title", "explanation", "actions"} <= set(result["match"])
    assert result["match"]["id"] == "failed-neff-cached"
    assert result["match"]["title"] == "A failed compilation is cached"
    assert result["match"]["actions"] == ["delete-failed-cache-entry"]
    assert result["details"]["cache_entry"] == f"/var/tmp/neuron-compile-cache/{MODULE}"
    assert result["details"]["neff_path"] == f"/var/tmp/neuron-compile-cache/{MODULE}/model.neff"


def test_json_for_an_unknown_error_is_exactly_match_null(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    unknown = tmp_path / "error.txt"
    unknown.write_text("ValueError: invalid literal for int() with base 10: 'x'\n")
    code, out, err = _run(capsys, "--json", str(unknown))
    assert (code, out, err) == (0, '{"match": null}\n', "")


@pytest.mark.parametrize("argv", [["-"], []])
def test_reads_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    _stdin(monkeypatch, b"bash: line 1: neuron_parallel_compile: command not found\n")
    code, out, _ = _run(capsys, "--json", *argv)
    assert code == 0
    result = json.loads(out)
    assert result["match"]["id"] == "neuron-packages-missing"
    assert result["details"] == {"command": "neuron_parallel_compile"}


def test_text_output_in_japanese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--lang", "ja", str(FAILED_NEFF))
    assert code == 0
    assert out.startswith(
        "診断: コンパイルキャッシュに失敗したコンパイル結果が残っています  [failed-neff-cached]\n"
    )
    for expected in (
        "意味:",
        "原因:",
        "対処:\n  1. 「失敗したキャッシュエントリを削除」",
        "  - 失敗したキャッシュエントリを削除",
        f"  cache_entry: /var/tmp/neuron-compile-cache/{MODULE}",
        "該当箇所:\n  2023-08-25 21:52:23.000453: INFO ||NCC_WRAPPER||: Got a cached failed neff",
        "参考: AWS Neuron ドキュメント: Neuron Persistent Cache\n  https://",
    ):
        assert expected in out


def test_text_output_follows_the_locale(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    _, out, _ = _run(capsys, str(SAMPLES / "neuroncores-unavailable__requested_one.txt"))
    assert out.startswith("診断: NeuronCore を確保できません")
    _, out, _ = _run(
        capsys, "--lang", "en", str(SAMPLES / "neuroncores-unavailable__requested_one.txt")
    )
    assert out.startswith("Diagnosis: NeuronCores are not available  [neuroncores-unavailable]")
    assert "  requested: 1\n  available: 0" in out
    assert "In the JupyterLab Neuron panel:\n  - Show what holds the NeuronCores" in out


def test_text_output_for_an_unknown_error_points_to_the_reference(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, b"KeyError: 'labels'\n")
    code, out, _ = _run(capsys, "--lang", "ja")
    assert code == 0
    assert out.startswith("このエラーは既知の Neuron のエラーに該当しません\n")
    assert "参考: AWS Neuron ドキュメント: トラブルシューティングガイド" in out
    assert "https://awsdocs-neuron.readthedocs-hosted.com/" in out


def test_undecodable_bytes_do_not_stop_the_diagnosis(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "train.log"
    log.write_bytes(b"\xff\xfe garbage \x80\n" + FAILED_NEFF.read_bytes())
    code, out, _ = _run(capsys, "--json", str(log))
    assert code == 0 and json.loads(out)["match"]["id"] == "failed-neff-cached"


@pytest.mark.parametrize(
    ("make", "lang", "fragment"),
    [
        (lambda tmp: tmp / "missing.txt", "en", "Cannot read {path}: No such file or directory"),
        (lambda tmp: tmp, "en", "Cannot read {path}: Is a directory"),
        (lambda tmp: tmp / "missing.txt", "ja", "{path} を読み込めません"),
    ],
)
def test_unreadable_input_exits_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, make: Any, lang: str, fragment: str
) -> None:
    path = make(tmp_path)
    code, out, err = _run(capsys, "--json", "--lang", lang, str(path))
    assert code == 2
    assert out == ""
    assert fragment.format(path=path) in err


def test_binary_input_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    binary = tmp_path / "model.neff"
    binary.write_bytes(b"NEFF\x00\x01\x02")
    code, out, err = _run(capsys, str(binary))
    assert (code, out) == (2, "")
    assert "does not look like a text file" in err


def test_unknown_language_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["diagnose", "--lang", "fr", str(FAILED_NEFF)])
    assert raised.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_real_process_reads_a_pipe() -> None:
    """The installed entry point, through a real pipe (not a patched sys.stdin)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        "LANG": "C.UTF-8",
    }
    env.pop("LC_ALL", None)
    completed = subprocess.run(
        [sys.executable, "-m", "jupyterlab_neuron.cli", "diagnose", "--json", "-"],
        input=(SAMPLES / "neuroncores-unavailable__notebook_ansi.txt").read_bytes(),
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode()
    result = json.loads(completed.stdout)
    assert result["match"]["id"] == "neuroncores-unavailable"
    assert result["match"]["title"] == "NeuronCores are not available"
