"""Rendering: parseable code, both languages, metadata, safe parameters, the bootstrap."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from jupyterlab_neuron.templates.format import Template, parse_template
from jupyterlab_neuron.templates.parameters import (
    facts_for_instance,
    no_environment,
    resolve_parameters,
)
from jupyterlab_neuron.templates.rendering import (
    METADATA_KEY,
    HelpersLocation,
    bootstrap_source,
    display_value,
    installed_helpers,
    python_literal,
    render_cells,
    render_notebook,
    step_dependencies,
)

from .conftest import SHIPPED_IDS, minimal_document, shipped_document

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")
VERSION = "0.1.0-test"


def template_of(template_id: str) -> Template:
    return parse_template(shipped_document(template_id))


def render(
    template: Template,
    lang: str,
    *,
    smoke: bool | None = None,
    instance: str | None = None,
    params: dict[str, Any] | None = None,
    step: str | None = None,
) -> list[dict[str, Any]]:
    facts = facts_for_instance(instance) if instance else no_environment()
    overrides = dict(params or {})
    if smoke is not None:
        overrides["smoke"] = smoke
    resolved = resolve_parameters(template, facts, overrides, lang=lang)  # type: ignore[arg-type]
    return render_cells(
        template,
        resolved,
        facts,
        lang=lang,
        helpers=installed_helpers(),  # type: ignore[arg-type]
        extension_version=VERSION,
        step_id=step,
    )


def python_of(source: str) -> list[str]:
    """The Python sources in a cell: the kernel code, plus a %%writefile body."""
    sources = [TransformerManager().transform_cell(source)]
    if source.startswith("%%writefile"):
        sources.append(source.split("\n", 1)[1])
    return sources


@pytest.mark.parametrize("template_id", SHIPPED_IDS)
@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("smoke", [True, False])
def test_every_code_cell_parses(template_id: str, lang: str, smoke: bool) -> None:
    cells = render(template_of(template_id), lang, smoke=smoke, instance="inf2.xlarge")
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    assert len(code) >= 10
    for cell in code:
        for source in python_of(cell["source"]):
            ast.parse(source)  # raises SyntaxError with the cell's line


@pytest.mark.parametrize("template_id", SHIPPED_IDS)
def test_every_step_has_japanese_and_english_text(template_id: str) -> None:
    template = template_of(template_id)
    for step in template.steps:
        for field in (step.title, step.explanation):
            assert JAPANESE.search(field["ja"]), (step.id, field["ja"][:40])
            assert field["en"].strip() and not JAPANESE.search(field["en"]), (
                step.id,
                JAPANESE.findall(field["en"]),
            )
    for field in (template.title, template.description, template.sdk_note):
        assert JAPANESE.search(field["ja"]) and not JAPANESE.search(field["en"])


@pytest.mark.parametrize("template_id", SHIPPED_IDS)
def test_both_languages_are_equivalent_step_by_step(template_id: str) -> None:
    template = template_of(template_id)
    ja = render(template, "ja", smoke=False)
    en = render(template, "en", smoke=False)
    assert [c[METADATA_KEY] for c in (x["metadata"] for x in ja)] == [
        {**c[METADATA_KEY], "lang": "ja"} for c in (x["metadata"] for x in en)
    ]

    def code_only(source: str) -> list[str]:
        return [line for line in source.splitlines() if not line.strip().startswith("#")]

    for ja_cell, en_cell in zip(ja, en, strict=True):
        assert ja_cell["cell_type"] == en_cell["cell_type"]
        if ja_cell["cell_type"] == "code" and ja_cell["metadata"][METADATA_KEY]["role"] == "code":
            assert code_only(ja_cell["source"]) == code_only(en_cell["source"])
            # English comments are English (the Japanese example sentences are data).
            for line in en_cell["source"].splitlines():
                if line.strip().startswith("#"):
                    assert not JAPANESE.search(line), line


@pytest.mark.parametrize("template_id", SHIPPED_IDS)
def test_cell_metadata_names_template_step_and_role(template_id: str) -> None:
    template = template_of(template_id)
    cells = render(template, "ja")
    metadata = [cell["metadata"][METADATA_KEY] for cell in cells]
    assert all(m["template"] == template_id and m["lang"] == "ja" for m in metadata)
    assert [m["role"] for m in metadata[:3]] == ["title", "parameters", "bootstrap"]
    assert {m["step"] for m in metadata[:3]} == {"setup"}
    assert cells[1]["metadata"]["tags"] == ["parameters"]
    step_order = [m["step"] for m in metadata[3:] if m["role"] == "explanation"]
    assert step_order == [step.id for step in template.steps]
    # Every step starts with its explanation, and its cells follow it.
    seen: list[str] = []
    for m in metadata[3:]:
        if m["role"] == "explanation":
            seen.append(m["step"])
        else:
            assert m["step"] == seen[-1]


@pytest.mark.parametrize("template_id", SHIPPED_IDS)
def test_markdown_has_no_unfilled_placeholders(template_id: str) -> None:
    for lang in ("ja", "en"):
        for cell in render(template_of(template_id), lang, instance="trn1.32xlarge"):
            if cell["cell_type"] == "markdown":
                assert "{{" not in cell["source"], cell["source"][:80]


def test_placeholders_show_the_resolved_values() -> None:
    cells = render(template_of("bert-ja"), "ja", instance="trn1.32xlarge")
    multi = next(
        c["source"]
        for c in cells
        if c["metadata"][METADATA_KEY]
        == {"template": "bert-ja", "step": "train-multi", "role": "explanation", "lang": "ja"}
    )
    assert "`torchrun --nproc_per_node=32` で 32 個のワーカーを起動し" in multi
    assert "*目安の所要時間: inf2.xlarge で約 4.5 分" in multi


def parameters_cell(cells: list[dict[str, Any]]) -> dict[str, Any]:
    (cell,) = [c for c in cells if c["metadata"][METADATA_KEY]["role"] == "parameters"]
    return cell


def assignments(source: str) -> dict[str, Any]:
    values = {}
    for node in ast.parse(source).body:
        assert isinstance(node, ast.Assign), ast.dump(node)
        (target,) = node.targets
        values[target.id] = ast.literal_eval(node.value)  # type: ignore[attr-defined]
    return values


def test_parameters_are_python_literals_of_the_resolved_values() -> None:
    template = template_of("bert-ja")
    cells = render(template, "en", instance="trn1.32xlarge", params={"learning_rate": 3e-5})
    values = assignments(parameters_cell(cells)["source"])
    assert values["LANG"] == "en"
    assert values["WORKERS"] == 32 and values["BENCHMARK_MODELS"] == 32
    assert values["SMOKE"] is False
    assert values["LEARNING_RATE"] == 3e-5
    assert values["BENCHMARK_BATCH_SIZES"] == [1, 4, 8]
    assert set(values) == {"LANG"} | {p.variable for p in template.parameters}


def test_hostile_strings_stay_literals() -> None:
    hostile = "x'); import os; os.system('rm -rf ~')  # \n\"\"\"\\"
    cells = render(
        template_of("bert-ja"), "en", params={"work_dir": hostile, "model_id": "{{epochs}}"}
    )
    values = assignments(parameters_cell(cells)["source"])
    assert values["WORK_DIR"] == hostile
    assert values["MODEL_ID"] == "{{epochs}}"
    for cell in cells:
        if cell["cell_type"] == "code" and "WORK_DIR" in cell["source"]:
            assert "rm -rf" not in cell["source"] or cell is parameters_cell(cells)


def test_display_values_in_markdown() -> None:
    assert [display_value(v) for v in (2e-05, 1e6, 0.5, 3.0, [1, 4], True, "x")] == [
        "2e-5",
        "1e6",
        "0.5",
        "3",
        "1, 4",
        "True",
        "x",
    ]


def test_python_literal_refuses_values_that_are_not_plain() -> None:
    assert python_literal([1, 4]) == "[1, 4]"
    assert python_literal("日本語") == "'日本語'"
    for bad in (float("inf"), {"a": 1}, [1.5], None, object()):
        with pytest.raises(ValueError):
            python_literal(bad)


def test_one_step_comes_with_the_bootstrap_and_the_parameters_it_uses() -> None:
    cells = render(template_of("bert-ja"), "ja", instance="inf2.xlarge", step="benchmark")
    roles = [c["metadata"][METADATA_KEY]["role"] for c in cells]
    assert roles == ["parameters", "bootstrap", "explanation", "code"]
    assert {c["metadata"][METADATA_KEY]["step"] for c in cells} == {"benchmark"}
    assert set(assignments(parameters_cell(cells)["source"])) == {
        "LANG",
        "MAX_LENGTH",
        "BENCHMARK_BATCH_SIZES",
        "BENCHMARK_MODELS",
        "BENCHMARK_SECONDS",
    }
    assert cells[2]["source"].startswith("## 10. ベンチマーク")
    with pytest.raises(KeyError):
        render(template_of("bert-ja"), "ja", step="no-such-step")


def test_step_dependencies_point_at_earlier_steps() -> None:
    dependencies = step_dependencies(template_of("bert-ja"))
    assert dependencies["prepare"] == []
    assert "train-multi" in dependencies["trace"]
    assert "tokenize" in dependencies["benchmark"] and "trace" in dependencies["benchmark"]
    order = [step.id for step in template_of("bert-ja").steps]
    for step, needed in dependencies.items():
        assert all(order.index(other) < order.index(step) for other in needed)


@pytest.mark.parametrize("template_id", SHIPPED_IDS)
def test_the_notebook_is_valid_nbformat(template_id: str) -> None:
    template = template_of(template_id)
    facts = facts_for_instance("trn1.2xlarge")
    resolved = resolve_parameters(template, facts, lang="en")
    notebook = render_notebook(
        template,
        resolved,
        facts,
        lang="en",
        helpers=installed_helpers(),
        extension_version=VERSION,
        kernel_name="aws_neuron_venv_pytorch",
    )
    nbformat.validate(nbformat.from_dict(notebook))
    ids = [cell["id"] for cell in notebook["cells"]]
    assert len(ids) == len(set(ids))
    meta = notebook["metadata"]
    assert meta["kernelspec"]["name"] == "aws_neuron_venv_pytorch"
    assert meta[METADATA_KEY]["template"] == template_id
    assert meta[METADATA_KEY]["environment"] == {
        "source": "instance",
        "instance_type": "trn1.2xlarge",
        "neuroncores": 2,
        "simulated": False,
    }
    assert meta[METADATA_KEY]["parameters"]["workers"] == 2


def test_title_cell_says_smoke_mode_and_the_sdk_generation() -> None:
    title = render(template_of("vit-beans"), "ja", smoke=True)[0]["source"]
    assert title.startswith("# ViT による画像分類（beans）")
    assert "**CPU スモークモード**" in title
    assert "inf2 と trn1 では PyTorch/XLA の torch-neuronx" in title
    assert "trn2 では TorchNeuron" in title
    assert "同じ学習スクリプトを CPU で実行します" in title
    assert f"jupyterlab-neuron {VERSION} が作成しました（環境: Neuron デバイスなし）。" in title
    plain = render(template_of("vit-beans"), "en", smoke=False)[0]["source"]
    assert "**CPU smoke mode**" not in plain
    # The term is still explained once, in the description.
    assert plain.count('"CPU smoke mode" walks through the whole flow on CPU') == 1


def run_bootstrap(helpers_dir: str) -> subprocess.CompletedProcess[str]:
    """Run the bootstrap cell in a Python without site-packages (like a bare kernel env)."""
    code = (
        bootstrap_source(HelpersLocation(helpers_dir, "0.1.0"), "en")
        + "\n"
        + (
            "from neuron_kernel_helpers.benchmark import percentile\n"
            "print('percentile', percentile([1.0, 3.0], 50))\n"
        )
    )
    return subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=60
    )


def test_bootstrap_loads_the_shipped_helpers_into_a_bare_environment() -> None:
    shipped = installed_helpers().directory
    run = run_bootstrap(shipped)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == f"neuron_kernel_helpers 0.1.0 {shipped}"
    assert lines[-1] == "percentile 2.0"


def test_bootstrap_explains_when_the_helpers_cannot_be_found(tmp_path: Path) -> None:
    run = run_bootstrap(str(tmp_path / "gone"))
    assert run.returncode != 0
    assert "neuron_kernel_helpers was not found (not in" in run.stderr
    assert "pip install neuron-kernel-helpers==0.1.0" in run.stderr


def test_bilingual_comments_in_a_minimal_template() -> None:
    template = parse_template(minimal_document())
    ja = render(template, "ja", smoke=True)
    code = [c["source"] for c in ja if c["metadata"][METADATA_KEY]["role"] == "code"]
    assert code == ["# 日本語のコメント\nx = EPOCHS"]
    explanation = next(c for c in ja if c["metadata"][METADATA_KEY]["role"] == "explanation")
    assert "1 回です。" in explanation["source"]  # smoke default of epochs


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_bootstrap_prefers_the_shipped_helpers_over_an_older_copy(
    tmp_path: Path, lang: str
) -> None:
    # The kernel's environment holds a copy without a module this notebook imports.
    shipped = installed_helpers().directory
    old = tmp_path / "site" / "neuron_kernel_helpers"
    shutil.copytree(shipped, old, ignore=shutil.ignore_patterns("__pycache__"))
    (old / "batches.py").unlink()
    code = (
        f"import sys\nsys.path.insert(0, {str(tmp_path / 'site')!r})\n"
        + bootstrap_source(HelpersLocation(shipped, "0.1.0"), lang)  # type: ignore[arg-type]
        + "\nfrom neuron_kernel_helpers.batches import per_worker_batch\n"
        + "print('batch', per_worker_batch('test', 256, 64, 8).batch_size)\n"
    )
    run = subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    note = (
        f"カーネルの環境の neuron_kernel_helpers（{old}）には"
        if lang == "ja"
        else f"The neuron_kernel_helpers in the kernel's environment ({old}) lacks modules"
    )
    assert lines[0].startswith(note)
    assert lines[1] == f"neuron_kernel_helpers 0.1.0 {shipped}"
    assert lines[-1] == "batch 4"


def test_bootstrap_keeps_a_complete_copy_of_the_kernels_environment(tmp_path: Path) -> None:
    shipped = installed_helpers().directory
    own = tmp_path / "site" / "neuron_kernel_helpers"
    shutil.copytree(shipped, own, ignore=shutil.ignore_patterns("__pycache__"))
    code = f"import sys\nsys.path.insert(0, {str(tmp_path / 'site')!r})\n" + bootstrap_source(
        HelpersLocation(shipped, "0.1.0"), "en"
    )
    run = subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [f"neuron_kernel_helpers 0.1.0 {own}"]
