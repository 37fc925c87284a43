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

from jupyterlab_neuron.templates.parameters import (
    EnvironmentFacts,
    facts_for_instance,
    no_environment,
)
from jupyterlab_neuron.templates.rendering import METADATA_KEY
from neuron_kernel_helpers.sdk import SdkGeneration, SdkRefusal

from .conftest import BEANS_SPLITS, code_cells, notebook_namespace, rendered_cells

INSTANCES = ("inf2.xlarge", "trn1.2xlarge", "trn1.32xlarge", "trn2.48xlarge")
TEMPLATES = ("bert-ja", "vit-beans")

#: The data sizes the training-arguments cell reads (the real datasets' sizes).
SPLITS: dict[str, dict[str, Any]] = {
    "bert-ja": {"train_rows": [{}] * 4000, "test_rows": [{}] * 256},
    "vit-beans": {"SPLIT_SIZES": dict(BEANS_SPLITS)},
}

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
    facts = facts_for_instance(instance) if instance else no_environment()
    return rendered_cells(template_id, facts, lang=lang)


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
    assert 'if INSTANCE_TYPE == "auto":' in prepare
    assert 'TARGET_INSTANCE = environment.get("instance_type") or ""' in prepare


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
    assert namespace["INSTANCE_TYPE"] == "auto" and namespace["SMOKE"] is True


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


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_neuron_cc_flags_keep_the_kernels_own_flags(
    template_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cells = rendered_cells(template_id, facts_for_instance("trn1.32xlarge"))
    data = SPLITS[template_id]
    monkeypatch.setenv("NEURON_CC_FLAGS", "--retry_failed_compilation")
    flags = notebook_namespace(cells, **data)["NEURON_ENV"]["NEURON_CC_FLAGS"].split()
    assert flags[0] == "--retry_failed_compilation"
    assert flags[1] == "--model-type=transformer" and flags[2].startswith("--cache_dir=")
    # An option the kernel already sets is the kernel's: not added a second time.
    monkeypatch.setenv("NEURON_CC_FLAGS", "--cache_dir=/mine --model-type=generic")
    flags = notebook_namespace(cells, **data)["NEURON_ENV"]["NEURON_CC_FLAGS"].split()
    assert flags == ["--cache_dir=/mine", "--model-type=generic"]
    monkeypatch.delenv("NEURON_CC_FLAGS")
    flags = notebook_namespace(cells, **data)["NEURON_ENV"]["NEURON_CC_FLAGS"].split()
    assert flags[0] == "--model-type=transformer" and len(flags) == 2


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_busy_cores_start_the_workers_on_a_free_aligned_range(template_id: str) -> None:
    facts = EnvironmentFacts(
        source="detected",
        instance_type="trn1.32xlarge",
        neuroncores=32,
        busy_processes=({"pid": 7, "command": "python3", "device": 0},),
    )
    cells = rendered_cells(template_id, facts)
    namespace = notebook_namespace(cells, **SPLITS[template_id])
    assert namespace["WORKERS"] == 8 and namespace["VISIBLE_CORES"] == "8-15"
    assert namespace["MULTI_ENV"]["NEURON_RT_VISIBLE_CORES"] == "8-15"
    assert "NEURON_RT_VISIBLE_CORES" not in namespace["NEURON_ENV"]
    multi_steps = ("train-multi",) if template_id == "bert-ja" else ("precompile", "train")
    for step in multi_steps:
        assert "env=MULTI_ENV" in code_cells(cells, step)[0]
    # All cores free: nothing restricts the workers.
    namespace = notebook_namespace(
        rendered_cells(template_id, facts_for_instance("trn1.32xlarge")), **SPLITS[template_id]
    )
    assert namespace["VISIBLE_CORES"] == "all"
    assert namespace["MULTI_ENV"] is namespace["NEURON_ENV"]


def run_sdk_check(cell: str, sdk: SdkGeneration, instance: str, lang: str) -> Any:
    """Execute the rendered cell up to its SDK check (what runs before anything else)."""
    statements = ast.parse(cell).body
    last = next(i for i, s in enumerate(statements) if "plan_for(" in ast.unparse(s))
    code = compile(ast.Module(statements[: last + 1], type_ignores=[]), "<cell>", "exec")
    namespace: dict[str, Any] = {
        "SDK": sdk,
        "TARGET_INSTANCE": instance,
        "SMOKE": False,
        "LANG": lang,
    }
    exec(code, namespace)
    return namespace


XLA_29 = SdkGeneration("xla", "2.9.0.2.11.0")
XLA_210 = SdkGeneration("xla", "2.10.0.2.12.0")
TORCHNEURON = SdkGeneration("torchneuron", "2.10.0.2.12.0")
NONE = SdkGeneration("none")


@pytest.mark.parametrize(
    ("instance", "sdk", "step", "path", "refusal"),
    [
        ("trn1.32xlarge", XLA_29, "train-multi", "xla", None),
        ("inf2.xlarge", XLA_29, "trace", "xla", None),
        ("trn2.48xlarge", TORCHNEURON, "train-multi", "torchneuron", None),
        ("trn2.48xlarge", TORCHNEURON, "trace", "torchneuron", None),
        ("trn1.2xlarge", NONE, "precompile", None, ("torch-neuronx 2.9", "torch-neuronx 2.9")),
        ("trn1.32xlarge", XLA_210, "train-multi", None, ("2.30", "2.30")),
        ("inf2.xlarge", XLA_210, "trace", "xla", None),
        ("trn2.48xlarge", XLA_29, "train-single", None, ("TorchNeuron", "TorchNeuron")),
        ("trn1.2xlarge", TORCHNEURON, "trace", None, ("TorchNeuron", "TorchNeuron")),
    ],
)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_first_cell_of_a_step_takes_the_sdk_path_or_refuses_early(
    instance: str,
    sdk: SdkGeneration,
    step: str,
    path: str | None,
    refusal: tuple[str, str] | None,
    lang: str,
) -> None:
    cell = code_cells(render("bert-ja", instance, lang), step)[0]
    if refusal is None:
        namespace = run_sdk_check(cell, sdk, instance, lang)
        plan = namespace["INFERENCE" if step == "trace" else "TRAIN_PLAN"]
        assert plan.path == path
        return
    with pytest.raises(SdkRefusal) as refused:
        run_sdk_check(cell, sdk, instance, lang)
    message = str(refused.value)
    assert refusal[0 if lang == "ja" else 1] in message
    japanese = any("\u3040" <= char <= "\u30ff" for char in message)
    assert japanese == (lang == "ja")


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("template_id", TEMPLATES)
def test_training_scripts_close_the_process_group_before_ending(
    template_id: str, lang: str
) -> None:
    # A torchrun worker that ends with its process group open can abort at exit
    # ("terminate called without an active exception") after a successful run; every
    # worker waits for the others, then closes the group.
    cells = render(template_id, "trn1.32xlarge", lang)
    sources = [
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for cell in cells
    ]
    scripts = [source for source in sources if source.startswith("%%writefile train_")]
    assert len(scripts) == 1
    tree = ast.parse(scripts[0].split("\n", 1)[1])
    main = next(
        node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "main"
    )
    last = main.body[-1]
    assert isinstance(last, ast.If)
    assert ast.unparse(last.test) == (
        "torch.distributed.is_available() and torch.distributed.is_initialized()"
    )
    assert [ast.unparse(statement).split("\n")[0] for statement in last.body] == [
        "torch.distributed.barrier()",
        "if args.cpu:",
        "torch.distributed.destroy_process_group()",
    ]
    # Smoke mode (gloo on CPU) ends the worker once its output is flushed: tearing gloo
    # down at exit can deadlock (a gloo thread waits for the GIL held by the destructor).
    smoke = last.body[1]
    assert isinstance(smoke, ast.If)
    assert [ast.unparse(statement) for statement in smoke.body] == [
        "sys.stdout.flush()",
        "sys.stderr.flush()",
        "os._exit(0)",
    ]
