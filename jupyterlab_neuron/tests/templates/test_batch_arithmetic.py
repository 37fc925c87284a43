"""Every split a rendered notebook trains or evaluates on gives every worker a full batch.

With ``dataloader_drop_last=True`` the Trainer drops each batch that not all
workers get, for evaluation too. For every instance with training worker
counts and every worker count it documents, the shipped templates are
rendered (not in smoke mode), the notebook's own parameters cell and
training-arguments cell are executed, and the arguments of every launch the
notebook makes are checked against the sizes of the real datasets.
"""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from typing import Any

import pytest

from jupyterlab_neuron.templates.parameters import facts_for_instance
from neuron_kernel_helpers.instances import INSTANCE_TYPES

from .conftest import BEANS_SPLITS, code_cells, notebook_namespace, rendered_cells

#: Every catalogue instance that offers training, with every worker count it documents.
CASES = [
    (name, workers)
    for name, spec in sorted(INSTANCE_TYPES.items())
    if spec.worker_counts
    for workers in spec.worker_counts
]


def option(arguments: list[str], name: str) -> int | None:
    return int(arguments[arguments.index(name) + 1]) if name in arguments else None


def launch_arguments(namespace: dict[str, Any], *args: Any, **kwargs: Any) -> list[str]:
    with redirect_stdout(io.StringIO()):
        return namespace["training_arguments"](*args, **kwargs)


def check_split(split: str, samples: int, workers: int, batch_size: int | None) -> None:
    assert batch_size is not None and batch_size >= 1, (split, batch_size)
    batches = samples // (workers * batch_size)
    assert batches >= 1, f"{split}: {samples} examples, {workers} workers x {batch_size}"


@pytest.mark.parametrize(("instance", "workers"), CASES)
def test_bert_ja_gives_every_worker_a_batch_of_every_split(instance: str, workers: int) -> None:
    cells = rendered_cells("bert-ja", facts_for_instance(instance), workers=workers)
    parameters: dict[str, Any] = {}
    exec(code_cells(cells, "setup", "parameters")[0], parameters)
    assert parameters["SMOKE"] is False
    assert parameters["WORKERS"] == workers
    assert workers in INSTANCE_TYPES[instance].worker_counts
    train, test = parameters["TRAIN_SAMPLES"], parameters["TEST_SAMPLES"]
    namespace = notebook_namespace(cells, train_rows=[{}] * train, test_rows=[{}] * test)
    assert namespace["RUN_WORKERS"] == workers

    # The launches of the notebook: pre-compilation (1 worker), one worker, all workers
    # (pre-compilation and training). The launch cells call training_arguments this way.
    precompile = code_cells(cells, "precompile", "code")[0]
    assert "training_arguments(" in precompile and "precompile_samples(1)" in precompile
    multi = code_cells(cells, "train-multi", "code")[0]
    assert 'f"--nproc_per_node={RUN_WORKERS}"' in multi
    assert "precompile_samples(RUN_WORKERS)" in multi
    assert "training_arguments(MULTI_OUTPUT, RUN_WORKERS)" in multi
    for count in sorted({1, workers}):
        full = launch_arguments(namespace, "out", count)
        trial_samples = namespace["precompile_samples"](count)
        trial = launch_arguments(namespace, "pre", count, epochs=2, max_train_samples=trial_samples)
        check_split("train", train, count, option(full, "--batch-size"))
        check_split("test", test, count, option(full, "--eval-batch-size"))
        trial_train = option(trial, "--max-train-samples")
        assert trial_train is not None
        check_split("pre-compilation train", trial_train, count, option(trial, "--batch-size"))
        check_split("pre-compilation test", test, count, option(trial, "--eval-batch-size"))
        # The trial compiles the graphs of the real run: same shapes.
        assert option(trial, "--batch-size") == option(full, "--batch-size")
        assert option(trial, "--eval-batch-size") == option(full, "--eval-batch-size")
        assert "--bf16" in full and "--cpu" not in full


@pytest.mark.parametrize(("instance", "workers"), CASES)
def test_vit_beans_gives_every_worker_a_batch_of_every_split(instance: str, workers: int) -> None:
    cells = rendered_cells("vit-beans", facts_for_instance(instance), workers=workers)
    namespace = notebook_namespace(cells, SPLIT_SIZES=dict(BEANS_SPLITS))
    assert namespace["SMOKE"] is False and namespace["RUN_WORKERS"] == workers
    assert workers in INSTANCE_TYPES[instance].worker_counts
    for step in ("precompile", "train"):
        code = code_cells(cells, step, "code")[0]
        assert 'f"--nproc_per_node={RUN_WORKERS}"' in code
        assert re.search(r"training_arguments\([^)]*, RUN_WORKERS[,)]", code), code
    full = launch_arguments(namespace, "out", workers)
    trial = launch_arguments(namespace, "pre", workers, max_steps=namespace["PRECOMPILE_STEPS"])
    for arguments in (full, trial):
        check_split("train", BEANS_SPLITS["train"], workers, option(arguments, "--batch-size"))
        check_split(
            "validation",
            BEANS_SPLITS["validation"],
            workers,
            option(arguments, "--eval-batch-size"),
        )
    assert option(trial, "--batch-size") == option(full, "--batch-size")
    assert option(trial, "--eval-batch-size") == option(full, "--eval-batch-size")


def test_the_check_catches_the_old_arithmetic() -> None:
    # 256 test examples with 8 per worker on 64 workers: no evaluation batch at all.
    with pytest.raises(AssertionError):
        check_split("test", 256, 64, 8)
    # The ViT validation split with 32 per worker on more than 4 workers.
    with pytest.raises(AssertionError):
        check_split("validation", 133, 8, 32)


def test_a_split_smaller_than_the_workers_is_refused_in_the_notebook() -> None:
    cells = rendered_cells("bert-ja", facts_for_instance("trn2.48xlarge"), workers=64)
    namespace = notebook_namespace(cells, train_rows=[{}] * 4000, test_rows=[{}] * 32)
    with pytest.raises(ValueError, match="test: 32 examples for 64 workers"):
        launch_arguments(namespace, "out", 64)
