"""Execute the rendered templates end to end in CPU smoke mode with nbclient.

The notebooks run in a separate kernel environment holding only the kernel
helpers and the ML packages (scripts/make-kernel-env.sh), with the Hugging Face
Hub switched off: nothing may be downloaded. Set NEURON_SMOKE_KERNEL to that
environment's folder to run these tests; NEURON_SMOKE_ALL=1 also runs the
other language of each template.
"""

from __future__ import annotations

import ast
import os
import re
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from jupyterlab_neuron.templates.catalogue import BUILTIN_DIR, TemplateCatalogue, TemplateSource
from jupyterlab_neuron.templates.parameters import no_environment
from jupyterlab_neuron.templates.service import TemplateService

from .conftest import SMOKE_DURATIONS

KERNEL_NAME = "neuron-smoke"
HELPERS_ROOT = Path(__file__).resolve().parents[3] / "python-kernel-helpers"

CASES = [("bert-ja", "ja"), ("vit-beans", "en")]
if os.environ.get("NEURON_SMOKE_ALL") == "1":
    CASES += [("bert-ja", "en"), ("vit-beans", "ja")]


@pytest.fixture(scope="module")
def kernel_env() -> Path:
    """The smoke kernel environment, or a skip saying how to create it."""
    folder = os.environ.get("NEURON_SMOKE_KERNEL")
    if not folder:
        pytest.skip(
            "NEURON_SMOKE_KERNEL is not set: create the kernel environment with "
            "'scripts/make-kernel-env.sh DIR' and set NEURON_SMOKE_KERNEL=DIR"
        )
    spec = Path(folder) / "share" / "jupyter" / "kernels" / KERNEL_NAME / "kernel.json"
    if not spec.is_file():
        pytest.skip(f"no '{KERNEL_NAME}' kernel spec in NEURON_SMOKE_KERNEL={folder}")
    return Path(folder)


def execute_smoke_notebook(
    template_id: str, lang: str, kernel_env: Path, workdir: Path
) -> tuple[nbformat.NotebookNode, float]:
    service = TemplateService(
        TemplateCatalogue([TemplateSource(BUILTIN_DIR, "builtin")]), extension_version="test"
    )
    payload = service.render(
        template_id,
        no_environment(),
        lang=lang,
        params={"smoke": True},
        output="notebook",  # type: ignore[arg-type]
        kernel_name=KERNEL_NAME,
    )
    notebook = nbformat.from_dict(payload["notebook"])
    kernel_specs = KernelSpecManager(
        kernel_dirs=[str(kernel_env / "share" / "jupyter" / "kernels")]
    )
    manager = KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=kernel_specs)
    env = {
        **os.environ,
        # No network: a cell that tried to download would fail.
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "HF_HOME": str(workdir / "hf-home"),
        # The working tree's helpers, ahead of the copy installed in the environment.
        "PYTHONPATH": str(HELPERS_ROOT),
        "LANG": "C.UTF-8",
    }
    client = NotebookClient(
        notebook,
        km=manager,
        timeout=900,
        startup_timeout=120,
        resources={"metadata": {"path": str(workdir)}},
    )
    started = time.monotonic()
    try:
        client.execute(env=env)
    finally:
        nbformat.write(notebook, workdir / f"{template_id}-{lang}.executed.ipynb")
    return notebook, time.monotonic() - started


def outputs_by_step(notebook: nbformat.NotebookNode) -> dict[str, dict[str, str]]:
    """``{step: {"stdout", "stderr", "result", "images"}}`` of the executed notebook."""
    steps: dict[str, dict[str, str]] = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        step = cell.metadata["jupyterlab_neuron"]["step"]
        bucket = steps.setdefault(step, {"stdout": "", "stderr": "", "result": "", "images": ""})
        for output in cell.outputs:
            assert output.output_type != "error", output
            if output.output_type == "stream":
                bucket[output.name] += output.text
            elif "image/png" in output.get("data", {}):
                bucket["images"] += "png\n"
            elif output.output_type in ("execute_result", "display_data"):
                bucket["result"] += output.data.get("text/plain", "") + "\n"
    return steps


def accuracy_of(text: str) -> float:
    match = re.search(r"eval_accuracy = (\d+\.\d+)", text)
    assert match, text[-2000:]
    return float(match.group(1))


def check_skipped_neuron_commands(steps: dict[str, dict[str, str]], step: str, lang: str) -> None:
    text = steps[step]["stdout"]
    assert "$ XLA_USE_BF16=1 NEURON_CC_FLAGS=" in text
    assert "neuron_parallel_compile torchrun --nproc_per_node=" in text
    skipped = (
        "CPU スモークモードのため、このコマンドは実行しません。"
        if lang == "ja"
        else ("Not run: CPU smoke mode.")
    )
    assert skipped in text


def check_trace_comparison(steps: dict[str, dict[str, str]], lang: str) -> None:
    text = steps["trace"]["stdout"]
    cpu = ast.literal_eval(re.search(r"^CPU +(\[\[.*\]\])$", text, re.M).group(1))  # type: ignore[union-attr]
    traced = ast.literal_eval(re.search(r"^traced +(\[\[.*\]\])$", text, re.M).group(1))  # type: ignore[union-attr]
    assert len(cpu) == len(traced) >= 1
    for cpu_row, traced_row in zip(cpu, traced, strict=True):
        assert cpu_row == pytest.approx(traced_row, abs=1e-5)
    pattern = r"最大絶対誤差 ([0-9.e+-]+)" if lang == "ja" else r"max abs diff ([0-9.e+-]+)"
    assert float(re.search(pattern, text).group(1)) <= 1e-5  # type: ignore[union-attr]
    assert ("判定 OK" if lang == "ja" else "verdict OK") in text
    fallback = (
        "CPU 用の TorchScript トレースで代用します"
        if lang == "ja"
        else ("a CPU TorchScript trace (torch.jit.trace) is used instead")
    )
    assert fallback in steps["trace"]["stderr"]


def check_benchmark(steps: dict[str, dict[str, str]]) -> None:
    results = [
        ast.literal_eval(line)
        for line in steps["benchmark"]["stdout"].splitlines()
        if line.startswith("{'batch_size'")
    ]
    assert [result["batch_size"] for result in results] == [1, 4]
    for result in results:
        latency = result["latency_ms"]
        assert 0 < latency["p50"] <= latency["p95"] <= latency["p99"]
        assert result["throughput"] > 0 and result["calls"] > 0
        assert result["models"] == 2 and result["threads"] == 4 and result["backend"] == "cpu"
    table = steps["benchmark"]["result"]
    assert "p50 (ms)" in table and "p95 (ms)" in table and "p99 (ms)" in table


@pytest.mark.timeout(1800)
@pytest.mark.parametrize(("template_id", "lang"), CASES)
def test_template_runs_end_to_end_in_smoke_mode(
    template_id: str, lang: str, kernel_env: Path, tmp_path: Path
) -> None:
    notebook, seconds = execute_smoke_notebook(template_id, lang, kernel_env, tmp_path)
    SMOKE_DURATIONS.append((template_id, lang, seconds))
    steps = outputs_by_step(notebook)

    assert "neuron_kernel_helpers 0.1.0" in steps["setup"]["stdout"]
    assert str(HELPERS_ROOT) in steps["setup"]["stdout"]
    if template_id == "bert-ja":
        # Real MeCab (unidic-lite) word splitting before WordPiece.
        assert "['この', 'レストラン', 'は', '料理', 'が'" in steps["tokenize"]["stdout"]
        accuracy = accuracy_of(steps["train-single"]["stdout"])
        check_skipped_neuron_commands(steps, "precompile", lang)
        check_skipped_neuron_commands(steps, "train-multi", lang)
        predictions = steps["cpu-check"]["stdout"].splitlines()
        assert len(predictions) == 2
        assert all(line.split()[0] in ("positive", "negative") for line in predictions)
    else:
        assert steps["dataset"]["images"].count("png") == 3
        accuracy = accuracy_of(steps["train"]["stdout"])
        assert len(re.findall(r"^epoch \d: accuracy", steps["train"]["stdout"], re.M)) == 4
        check_skipped_neuron_commands(steps, "precompile", lang)
        labels = re.findall(r"label=(\S+) +predicted=(\S+)", steps["trace"]["stdout"])
        assert len(labels) == 6
        assert {true for true, _ in labels} == {"angular_leaf_spot", "bean_rust", "healthy"}
    assert 0.0 <= accuracy <= 1.0
    check_trace_comparison(steps, lang)
    check_benchmark(steps)
    assert (
        tmp_path
        / template_id.replace("vit-beans", "vit-beans-neuron").replace("bert-ja", "bert-ja-neuron")
        / "traced"
    ).is_dir()
