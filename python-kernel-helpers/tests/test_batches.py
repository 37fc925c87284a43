from __future__ import annotations

import pytest

from neuron_kernel_helpers.batches import BatchPlanError, per_worker_batch


def test_the_wanted_batch_size_is_kept_when_every_worker_gets_one() -> None:
    plan = per_worker_batch("train", 4000, 64, 8)
    assert plan.batch_size == 8
    assert plan.batches_per_worker == 7
    assert plan.describe("en") == (
        "train: 4000 examples, 64 workers × batch size 8 -> 7 batches per worker"
    )


@pytest.mark.parametrize(
    ("samples", "workers", "wanted", "expected"),
    [
        (256, 64, 8, 4),  # BERT-ja test split on trn2.48xlarge
        (133, 32, 32, 4),  # ViT validation split on trn1.32xlarge
        (133, 64, 32, 2),
        (1034, 64, 32, 16),  # ViT training split on trn2.48xlarge
        (16, 2, 8, 8),
    ],
)
def test_a_small_split_lowers_the_batch_size_to_one_full_batch_per_worker(
    samples: int, workers: int, wanted: int, expected: int
) -> None:
    plan = per_worker_batch("split", samples, workers, wanted)
    assert plan.batch_size == expected
    assert plan.batches_per_worker >= 1
    assert samples // (workers * plan.batch_size) == plan.batches_per_worker


def test_a_lowered_batch_size_says_so_in_both_languages() -> None:
    plan = per_worker_batch("test", 256, 64, 8)
    assert plan.describe("en").endswith("(lowered from 8: too few examples)")
    assert plan.describe("ja") == (
        "test: 256 件、ワーカー 64 個 × バッチサイズ 4 → ワーカーごとに 1 バッチ"
        "（指定のバッチサイズ 8 では足りないため小さくしました）"
    )


def test_fewer_examples_than_workers_are_refused() -> None:
    with pytest.raises(BatchPlanError, match="test: 32 examples for 64 workers"):
        per_worker_batch("test", 32, 64, 8)
    with pytest.raises(BatchPlanError, match="ワーカーで分けると"):
        per_worker_batch("test", 32, 64, 8, lang="ja")


@pytest.mark.parametrize(("samples", "workers", "wanted"), [(10, 0, 8), (10, 2, 0), (-1, 2, 8)])
def test_impossible_inputs_are_errors(samples: int, workers: int, wanted: int) -> None:
    with pytest.raises(ValueError):
        per_worker_batch("x", samples, workers, wanted)
