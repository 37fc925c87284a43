from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from jupyterlab_neuron.cli import main
from neuron_kernel_helpers.command_runner import run_command


def test_simulate_tools_writes_working_executables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "tools"
    assert main(["simulate", "tools", "--instance", "trn2.48xlarge", "--dir", str(folder)]) == 0
    assert f"neuron-ls: {folder / 'neuron-ls'}" in capsys.readouterr().out
    tool = folder / "neuron-ls"
    assert os.access(tool, os.X_OK)
    run = run_command([str(tool), "-j"], timeout=30)
    assert run.exit_status == 0
    assert len(json.loads(run.stdout)) == 16


@pytest.mark.parametrize(
    ("lang", "fail", "expected"),
    [
        (
            "ja",
            None,
            "trn1.2xlarge のシミュレーション用の Neuron ツールを {folder} に書き出しました。",
        ),
        ("ja", "hang", "Neuron ツール（失敗モード: hang）を {folder} に書き出しました。"),
        ("en", None, "Simulated Neuron tools for trn1.2xlarge written to {folder}."),
    ],
)
def test_simulate_tools_speaks_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, fail: str | None, expected: str
) -> None:
    argv = ["simulate", "tools", "--instance", "trn1.2xlarge", "--dir", str(tmp_path)]
    assert main([*argv, "--lang", lang, *(["--fail", fail] if fail else [])]) == 0
    assert expected.format(folder=tmp_path) in capsys.readouterr().err


def test_doctor_on_a_simulated_tools_folder_says_simulated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["simulate", "tools", "--instance", "inf2.xlarge", "--dir", str(tmp_path)])
    capsys.readouterr()
    main(["doctor", "--tools-path", str(tmp_path), "--no-system-path", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["state"] == "ok"
    # Not told to simulate, but the tools' own header says so: never shown as real.
    assert (data["simulated"], data["simulated_instance"]) == (True, "inf2.xlarge")


def test_simulate_tools_with_a_failure_mode(tmp_path: Path) -> None:
    main(
        [
            "simulate",
            "tools",
            "--instance",
            "trn1.2xlarge",
            "--dir",
            str(tmp_path),
            "--fail",
            "no-device",
        ]
    )
    run = run_command([str(tmp_path / "neuron-ls"), "-j"], timeout=30)
    assert (run.exit_status, run.stdout) == (1, "")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--instance", "x1.large", "--dir", "d"], "unknown instance type 'x1.large'"),
        (["--instance", "trn1.2xlarge", "--dir", "d", "--fail", "boom"], "invalid choice"),
        (["--instance", "trn1.2xlarge"], "--dir"),
    ],
)
def test_bad_arguments_exit_2(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["simulate", "tools", *arguments])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_simulate_without_subcommand_shows_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate"]) == 2
    assert "tools" in capsys.readouterr().err
