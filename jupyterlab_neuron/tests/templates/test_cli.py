"""``jupyter neuron templates list|render``."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from jupyterlab_neuron.cli import main
from neuron_kernel_helpers.i18n import display_width

from .conftest import SHIPPED_IDS, minimal_document, write_json


@pytest.fixture(autouse=True)
def _isolated_data_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No administrator templates from this machine leak into the tests."""
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "shared"))
    monkeypatch.delenv("JUPYTERLAB_NEURON_TEMPLATE_DIRS", raising=False)


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates", "list", "--json", "--lang", "ja"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [entry["id"] for entry in entries] == list(SHIPPED_IDS)
    assert all(set(entry) == {"id", "title", "languages", "steps"} for entry in entries)
    bert = entries[0]
    assert bert["title"].startswith("日本語 BERT")
    assert bert["languages"] == ["ja", "en"]
    assert [step["id"] for step in bert["steps"]][:3] == ["prepare", "dataset", "tokenize"]
    assert len(entries[1]["steps"]) == 9


def test_list_text_reports_bad_templates_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_json(tmp_path / "extra" / "bad.json", {"id": "bad"})
    write_json(
        tmp_path / "shared" / "jupyterlab_neuron" / "templates" / "ok.json",
        minimal_document("team"),
    )
    assert (
        main(["templates", "list", "--lang", "en", "--template-dir", str(tmp_path / "extra")]) == 0
    )
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].split() == ["ID", "STEPS", "LANGUAGES", "TITLE"]
    assert [line.split()[0] for line in lines[1:]] == [*SHIPPED_IDS, "team"]
    assert lines[1].split()[1] == "11" and "  ja, en  " in lines[1]
    assert f"warning: The template {tmp_path / 'extra' / 'bad.json'} cannot be used" in (
        captured.err
    )


def test_list_text_lines_up_japanese_titles(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates", "list", "--lang", "ja"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "ステップ数", "言語", "タイトル"]
    # The titles start at the same display column on every line, whatever the
    # width of the ids and of the Japanese headers before them.
    starts = {display_width(line[: line.index(line.split(maxsplit=3)[3])]) for line in lines}
    assert len(starts) == 1
    assert all(line.split()[2] == "ja、en" for line in lines[1:])


def test_render_smoke_notebook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "nested" / "bert.ipynb"
    code = main(
        [
            "templates",
            "render",
            "bert-ja",
            "--lang",
            "ja",
            "--smoke",
            "--instance",
            "inf2.xlarge",
            "--kernel",
            "neuron-smoke",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    notebook = nbformat.read(out, as_version=4)
    nbformat.validate(notebook)
    meta = notebook.metadata["jupyterlab_neuron"]
    assert meta["lang"] == "ja" and meta["parameters"]["smoke"] is True
    assert meta["parameters"]["workers"] == 2 and meta["parameters"]["epochs"] == 8
    assert notebook.metadata["kernelspec"]["name"] == "neuron-smoke"
    assert "SMOKE = True" in notebook.cells[1].source
    err = capsys.readouterr().err
    assert f"{out} を書き出しました。セル: " in err and "スモークモード: オン" in err
    assert "環境: inf2.xlarge（NeuronCore 2 個" in err


def test_render_for_trn1_32xlarge_with_parameters(tmp_path: Path) -> None:
    out = tmp_path / "vit.ipynb"
    code = main(
        [
            "templates",
            "render",
            "vit-beans",
            "--lang",
            "en",
            "--instance",
            "trn1.32xlarge",
            "--param",
            "epochs=3",
            "--param",
            "benchmark_batch_sizes=[1,2]",
            "--param",
            "cache_dir=my cache",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    parameters = json.loads(out.read_text())["metadata"]["jupyterlab_neuron"]["parameters"]
    assert parameters["workers"] == 32 and parameters["smoke"] is False
    assert parameters["epochs"] == 3 and parameters["benchmark_batch_sizes"] == [1, 2]
    assert parameters["cache_dir"] == "my cache"


def test_render_one_step_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "templates",
                "render",
                "bert-ja",
                "--lang",
                "en",
                "--instance",
                "trn1.2xlarge",
                "--step",
                "benchmark",
                "--out",
                "-",
            ]
        )
        == 0
    )
    notebook = json.loads(capsys.readouterr().out)
    steps = {cell["metadata"]["jupyterlab_neuron"]["step"] for cell in notebook["cells"]}
    assert steps == {"benchmark"}


def test_render_detects_the_simulated_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JUPYTERLAB_NEURON_SIMULATE", "trn1.2xlarge")
    out = tmp_path / "sim.ipynb"
    assert main(["templates", "render", "bert-ja", "--lang", "en", "--out", str(out)]) == 0
    meta = json.loads(out.read_text())["metadata"]["jupyterlab_neuron"]
    assert meta["environment"]["source"] == "simulated"
    assert meta["parameters"]["smoke"] is True
    assert "trn1.2xlarge (2 NeuronCores, simulated)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["render", "gpt-99", "--lang", "en", "--instance", "inf2.xlarge"],
            "There is no template 'gpt-99'.",
        ),
        (
            [
                "render",
                "bert-ja",
                "--lang",
                "en",
                "--instance",
                "inf2.xlarge",
                "--param",
                "workers=4",
            ],
            "workers must be one of 1, 2 (got 4).",
        ),
        (
            ["render", "bert-ja", "--lang", "en", "--instance", "inf2.xlarge", "--step", "nope"],
            "The template 'bert-ja' has no step 'nope'.",
        ),
    ],
)
def test_render_errors_exit_with_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    out = tmp_path / "x.ipynb"
    assert main(["templates", *arguments, "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_bad_arguments_are_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["templates", "render", "bert-ja", "--out", "x", "--param", "no-equals-sign"])
    with pytest.raises(SystemExit):
        main(["templates", "render", "bert-ja", "--out", "x", "--instance", "p4d.24xlarge"])
    assert main(["templates"]) == 2
