"""Tests of the smoke-mode data (the tiny models and images: kernel_env_checks.py)."""

from __future__ import annotations

from neuron_kernel_helpers import smoke


def test_sentiment_rows_have_the_real_dataset_columns_and_labels() -> None:
    rows = smoke.japanese_sentiment_rows()
    assert {tuple(sorted(row)) for row in rows} == {("label", "source", "text")}
    assert {row["label"] for row in rows} == {0, 1, 2}
    texts = [row["text"] for row in rows]
    assert len(texts) == len(set(texts)), "sentences must not repeat"
    assert all(any("\u3040" <= ch <= "\u30ff" for ch in text) for text in texts)


def test_sentiment_splits_are_fixed_disjoint_and_cover_every_label() -> None:
    splits = smoke.japanese_sentiment_splits()
    assert splits == smoke.japanese_sentiment_splits()
    assert set(splits) == {"train", "validation", "test"}
    seen: set[str] = set()
    for rows in splits.values():
        texts = {row["text"] for row in rows}
        assert not texts & seen
        seen |= texts
    assert len(seen) == len(smoke.japanese_sentiment_rows())
    for name in ("train", "test"):
        assert {row["label"] for row in splits[name]} == {0, 1, 2}
    # After dropping neutral, the smoke test split still fills two batches of 8.
    binary_test = [row for row in splits["test"] if row["label"] != 1]
    assert len(binary_test) >= 16
