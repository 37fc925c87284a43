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
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from jupyterlab_neuron.templates.parameters import no_environment

from .conftest import SMOKE_DURATIONS, shipped_service

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
    payload = shipped_service().render(
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
        # A flag of the user's own: the notebook must extend NEURON_CC_FLAGS, not replace it.
        "NEURON_CC_FLAGS": "--retry_failed_compilation",
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
    # The kernel's own NEURON_CC_FLAGS come first (set by the test), the notebook's follow.
    assert (
        "$ NEURON_CC_FLAGS='--retry_failed_compilation --model-type=transformer --cache_dir="
        in text
    )
    assert "XLA_USE_BF16" not in text
    assert "neuron_parallel_compile torchrun --nproc_per_node=" in text
    skipped = (
        "CPU スモークモードのため、このコマンドは実行しません。"
        if lang == "ja"
        else ("Not run: CPU smoke mode.")
    )
    assert skipped in text


def check_two_cpu_workers(text: str) -> None:
    """The multi-worker step really ran torchrun with two CPU workers over gloo."""
    commands = [
        line
        for line in text.splitlines()
        if line.startswith("$ ")
        and "torchrun --nproc_per_node=2 " in line
        and "neuron_parallel_compile" not in line
    ]
    # The Neuron command (shown, skipped), then the same script on CPU (run).
    assert len(commands) == 2, commands
    assert commands[0].startswith("$ NEURON_CC_FLAGS=") and commands[0].endswith(" --bf16")
    assert commands[1].startswith("$ torchrun ") and commands[1].endswith(" --cpu")
    assert "workers = 2" in text


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
        assert result["models"] == 2 and result["threads"] == 2 and result["backend"] == "cpu"
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
        accuracy_of(steps["train-single"]["stdout"])
        check_skipped_neuron_commands(steps, "precompile", lang)
        check_skipped_neuron_commands(steps, "train-multi", lang)
        check_two_cpu_workers(steps["train-multi"]["stdout"])
        accuracy = accuracy_of(steps["train-multi"]["stdout"])
        predictions = steps["cpu-check"]["stdout"].splitlines()
        assert len(predictions) == 2
        assert all(line.split()[0] in ("positive", "negative") for line in predictions)
    else:
        assert steps["dataset"]["images"].count("png") == 3
        accuracy = accuracy_of(steps["train"]["stdout"])
        assert len(re.findall(r"^epoch \d: accuracy", steps["train"]["stdout"], re.M)) == 4
        check_skipped_neuron_commands(steps, "precompile", lang)
        check_two_cpu_workers(steps["train"]["stdout"])
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
    if template_id in FAILING_SPLITS:
        check_a_worker_without_a_batch_fails(template_id, kernel_env, tmp_path)


#: Arguments that leave each of 2 workers without a full batch of one split, for the
#: training script the notebook wrote (the smoke data: 16 BERT-ja test sentences,
#: 18 ViT validation images).
FAILING_SPLITS = {
    "bert-ja": (["--eval-batch-size", "16"], "test: 16 examples do not give each of 2 workers"),
    "vit-beans": (
        ["--eval-batch-size", "10"],
        "validation: 18 images do not give each of 2 workers",
    ),
}


def check_a_worker_without_a_batch_fails(template_id: str, kernel_env: Path, workdir: Path) -> None:
    """The notebook's own script, under torchrun with 2 CPU workers, refuses a split too small."""
    work = workdir / f"{template_id}-neuron"
    script = "train_bert_ja.py" if template_id == "bert-ja" else "train_vit_beans.py"
    model = work / ("tiny-bert-ja" if template_id == "bert-ja" else "tiny-vit")
    extra, message = FAILING_SPLITS[template_id]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "LANG": "C.UTF-8"}
    completed = subprocess.run(
        [
            str(kernel_env / "bin" / "torchrun"),
            "--nproc_per_node=2",
            script,
            "--model",
            str(model),
            "--data-dir",
            str(work / "data"),
            "--output-dir",
            str(work / "too-small"),
            "--epochs",
            "1",
            "--batch-size",
            "8",
            *extra,
            "--lang",
            "en",
            "--cpu",
        ],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode != 0
    assert message in completed.stdout + completed.stderr
    assert not (work / "too-small" / "metrics.json").exists()
