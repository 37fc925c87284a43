"""Tests of tracing helpers: the Neuron path with a stand-in torch_neuronx; and the
checks needing torch / transformers / PIL, here or in the templates' kernel environment."""

from __future__ import annotations

import importlib.machinery
import io
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from neuron_kernel_helpers import tracing

TESTS_DIR = Path(__file__).parent
HELPERS_ROOT = TESTS_DIR.parent


@pytest.fixture
def fake_torch_neuronx(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """A stand-in ``torch_neuronx`` module recording its ``trace`` calls."""
    calls: list[tuple] = []
    module = types.ModuleType("torch_neuronx")
    module.__spec__ = importlib.machinery.ModuleSpec("torch_neuronx", None)

    def trace(model: object, example: object, **kwargs: object) -> str:
        calls.append((model, example, kwargs))
        return "compiled"

    module.trace = trace  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "torch_neuronx", module)
    return calls


def test_trace_uses_torch_neuronx_when_present(fake_torch_neuronx: list[tuple]) -> None:
    assert tracing.neuron_available()
    assert tracing.trace_backend() == "neuron"
    warnings = io.StringIO()
    result = tracing.trace(
        "model", ("x",), compiler_args="--model-type=transformer", stream=warnings
    )
    assert result == "compiled"
    assert fake_torch_neuronx == [("model", ("x",), {"compiler_args": "--model-type=transformer"})]
    assert warnings.getvalue() == ""


def test_trace_passes_no_compiler_args_when_none_given(fake_torch_neuronx: list[tuple]) -> None:
    tracing.trace("model", ("x",), stream=io.StringIO())
    assert fake_torch_neuronx[0][2] == {}


def test_first_output_handles_tuples_dicts_and_objects() -> None:
    class Output:
        logits = "from attribute"

    assert tracing.first_output(("a", "b")) == "a"
    assert tracing.first_output({"logits": "from dict", "other": 1}) == "from dict"
    assert tracing.first_output(Output()) == "from attribute"
    assert tracing.first_output("plain") == "plain"


def test_encode_examples_refuses_empty_input() -> None:
    with pytest.raises(ValueError):
        tracing.encode_examples(object(), [], batch_size=1)
    with pytest.raises(ValueError):
        tracing.encode_examples(object(), ["文"], batch_size=0)


def test_ml_checks_here() -> None:
    for package in ("torch", "transformers", "fugashi", "PIL", "numpy"):
        pytest.importorskip(package)
    sys.path.insert(0, str(TESTS_DIR))
    try:
        import kernel_env_checks
    finally:
        sys.path.remove(str(TESTS_DIR))
    assert kernel_env_checks.main() == 0


def test_ml_checks_in_the_smoke_kernel_environment() -> None:
    kernel_env = os.environ.get("NEURON_SMOKE_KERNEL")
    if not kernel_env:
        pytest.skip("NEURON_SMOKE_KERNEL is not set (create it with scripts/make-kernel-env.sh)")
    python = Path(kernel_env) / "bin" / "python"
    if not python.exists():
        pytest.skip(f"no Python in NEURON_SMOKE_KERNEL={kernel_env}")
    # The working tree's helpers, not the copy installed in the environment.
    env = {**os.environ, "PYTHONPATH": str(HELPERS_ROOT)}
    run = subprocess.run(
        [str(python), str(TESTS_DIR / "kernel_env_checks.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "kernel environment checks passed: 7" in run.stdout
