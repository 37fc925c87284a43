from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jupyterlab_neuron.cli import main
from jupyterlab_neuron.simulator import FAIL_ENV

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_doctor_json_with_simulator(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--simulate", "trn1.2xlarge", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["state"] == "ok"
    assert (data["simulated"], data["simulated_instance"]) == (True, "trn1.2xlarge")
    assert data["neuroncores"] == 2
    # The simulator's temporary folder is gone once the command is done.
    assert not Path(data["tools"]["neuron_ls"]).exists()


def test_doctor_text_in_japanese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--simulate", "inf2.48xlarge", "--lang", "ja"]) == 0
    text = capsys.readouterr().out
    assert "シミュレーション（inf2.48xlarge）" in text
    assert "インスタンスタイプ" in text
    assert "24（デバイスあたり 2）" in text


def test_doctor_text_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--simulate", "trn2.48xlarge", "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "SIMULATED (trn2.48xlarge)" in text
    assert "64 (4 per device), logical NeuronCores, LNC=2" in text


def test_missing_tools_are_reported_not_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["doctor", "--tools-path", str(tmp_path / "empty"), "--no-system-path", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["state"] == "tools_not_found"
    assert data["simulated"] is False
    assert data["tools"]["searched"] == [str(tmp_path / "empty")]


def test_tool_failures_are_reported_not_failed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(FAIL_ENV, "no-device")
    assert main(["doctor", "--simulate", "trn1.2xlarge", "--json", "--lang", "ja"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["state"] == "no_device"
    assert "検出できませんでした" in data["error"]["message"]


def test_several_tools_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["doctor", "--tools-path", "/a", "/b", "--tools-path", "/c", "--no-system-path", "--json"])
    assert json.loads(capsys.readouterr().out)["tools"]["searched"] == ["/a", "/b", "/c"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--simulate", "p5.48xlarge"], "unknown instance type 'p5.48xlarge'"),
        (["--lang", "fr"], "invalid choice: 'fr'"),
        (["--timeout", "-1"], "positive number of seconds"),
    ],
)
def test_bad_arguments_exit_2(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["doctor", *arguments])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "doctor" in capsys.readouterr().out


def test_python_module_entry_point() -> None:
    """``python -m jupyterlab_neuron.cli`` is what the jupyter-neuron script runs."""
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyterlab_neuron.cli",
            "doctor",
            "--simulate",
            "trn1.2xlarge",
            "--json",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["state"] == "ok"
    assert data["simulated_instance"] == "trn1.2xlarge"
    assert data["instance_type"] == "trn1.2xlarge"
