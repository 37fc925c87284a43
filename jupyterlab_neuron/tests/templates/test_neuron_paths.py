"""What the rendered notebooks do on real Neuron instances, checked in their code.

For the instances of the SDK generations (inf2 / trn1 on PyTorch/XLA, trn2 on
TorchNeuron): no ``XLA_USE_BF16`` anywhere, ``NEURON_CC_FLAGS`` extended from
the kernel's environment, the Neuron API visible in the trace step beside the
CPU fallback of smoke mode, and every training or inference step starting with
the SDK check that refuses early.
"""

from __future__ import annotations

import ast
from typing import Any

import pytest

from jupyterlab_neuron.templates.catalogue import BUILTIN_DIR, TemplateCatalogue, TemplateSource
from jupyterlab_neuron.templates.parameters import facts_for_instance, no_environment
from jupyterlab_neuron.templates.rendering import METADATA_KEY
from jupyterlab_neuron.templates.service import TemplateService

INSTANCES = ("inf2.xlarge", "trn1.2xlarge", "trn1.32xlarge", "trn2.48xlarge")
TEMPLATES = ("bert-ja", "vit-beans")

#: Steps that need the Neuron SDK, and the SDK step each one checks first.
CHECKED_STEPS = {
    "bert-ja": {
        "precompile": "compile",
        "train-single": "train",
        "train-multi": "train",
        "trace": "inference",
    },
    "vit-beans": {"precompile": "compile", "train": "train", "trace": "inference"},
}


def render(template_id: str, instance: str | None, lang: str = "en") -> list[dict[str, Any]]:
    service = TemplateService(
        TemplateCatalogue([TemplateSource(BUILTIN_DIR, "builtin")]), extension_version="test"
    )
    facts = facts_for_instance(instance) if instance else no_environment()
    payload = service.render(template_id, facts, lang=lang, output="notebook")  # type: ignore[arg-type]
    return payload["notebook"]["cells"]


def code_cells(cells: list[dict[str, Any]], step: str | None = None) -> list[str]:
    return [
        cell["source"]
        for cell in cells
        if cell["cell_type"] == "code"
        and (step is None or cell["metadata"][METADATA_KEY]["step"] == step)
    ]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("instance", INSTANCES)
@pytest.mark.parametrize("template_id", TEMPLATES)
def test_rendered_notebooks_use_the_current_neuron_api(
    template_id: str, instance: str, lang: str
) -> None:
    cells = render(template_id, instance, lang)
    everything = "\n".join(str(cell["source"]) for cell in cells)
    assert "XLA_USE_BF16" not in everything

    code = "\n".join(code_cells(cells))
    # NEURON_CC_FLAGS: the kernel's value first, the notebook's flags after it.
    assert 'existing_flags = os.environ.get("NEURON_CC_FLAGS", "").split()' in code
    assert 'NEURON_ENV = {"NEURON_CC_FLAGS": " ".join(existing_flags + added_flags)}' in code
    assert '"NEURON_CC_FLAGS": f"--' not in code  # never a value of its own
    assert '"--model-type=transformer"' in code
    # bf16 through TrainingArguments(bf16=True) on the real path.
    assert "bf16=args.bf16" in code and 'arguments.append("--cpu" if smoke else "--bf16")' in code

    # The Neuron API in the trace step, with the smoke mode's CPU fallback beside it.
    trace = code_cells(cells, "trace")[0]
    tree = ast.parse(trace)
    branches = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "INFERENCE.path" in ast.unparse(node.test)
    ]
    tested = {ast.unparse(node.test) for node in branches}
    assert {"INFERENCE.path == 'xla'", "INFERENCE.path == 'torchneuron'"} <= tested
    assert "torch_neuronx.trace(model, example" in trace
    assert 'torch.compile(copy.deepcopy(model).to("neuron"), backend="neuron")' in trace
    assert "torch.jit.trace(model, example, strict=False)" in trace
    assert "warn_cpu_fallback(" in trace


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_every_neuron_step_checks_the_sdk_in_its_first_code_cell(template_id: str) -> None:
    cells = render(template_id, "trn2.48xlarge")
    for step, sdk_step in CHECKED_STEPS[template_id].items():
        first = code_cells(cells, step)[0]
        statements = ast.parse(first).body
        # The check comes before anything else the step does (after its import).
        calls = [ast.unparse(s) for s in statements if not isinstance(s, ast.ImportFrom)]
        assert calls[0].endswith(
            f"plan_for(TARGET_INSTANCE, SDK, '{sdk_step}', smoke=SMOKE).require(LANG)"
        ), (step, calls[0])
    prepare = "\n".join(code_cells(cells, "prepare"))
    assert "SDK = detect_sdk_generation()" in prepare
    assert 'TARGET_INSTANCE = INSTANCE_TYPE or environment.get("instance_type") or ""' in prepare


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_the_instance_type_decides_the_path(template_id: str) -> None:
    for instance in INSTANCES:
        cells = render(template_id, instance)
        namespace: dict[str, Any] = {}
        parameters = next(
            c["source"] for c in cells if c["metadata"][METADATA_KEY]["role"] == "parameters"
        )
        exec(parameters, namespace)
        assert namespace["INSTANCE_TYPE"] == instance
        assert namespace["SMOKE"] is False
    namespace = {}
    parameters = next(
        c["source"]
        for c in render(template_id, None)
        if c["metadata"][METADATA_KEY]["role"] == "parameters"
    )
    exec(parameters, namespace)
    assert namespace["INSTANCE_TYPE"] == "" and namespace["SMOKE"] is True


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_torchneuron_skips_the_xla_precompilation(template_id: str) -> None:
    cells = render(template_id, "trn2.48xlarge")
    precompile = code_cells(cells, "precompile")[0]
    tree = ast.parse(precompile)
    guard = next(
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.If)
        and ast.unparse(node.test) == "COMPILE_PLAN.path == 'torchneuron'"
    )
    assert "neuron_parallel_compile" not in ast.unparse(guard.body)
    assert "neuron_parallel_compile" in ast.unparse(guard.orelse)
