"""Per-worker batch sizes that give every data-parallel worker a full batch.

With ``dataloader_drop_last=True`` (fixed shapes, so no recompilation for a
smaller last batch) the Trainer drops every batch that not all workers get,
for evaluation too. A split of ``samples`` examples read by ``workers``
workers with ``batch_size`` examples each gives each worker
``samples // (workers * batch_size)`` batches per epoch: at zero, training
takes no step and evaluation returns no metrics, silently.

:func:`per_worker_batch` keeps the wanted batch size when the split is large
enough and otherwise lowers it to the largest one that still gives every
worker one full batch; it refuses a split with fewer examples than workers.
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import Lang, Messages

MESSAGES = Messages(
    {
        "too_small": {
            "ja": (
                "{split} の {samples} 件を {workers} 個のワーカーで分けると、1 件も受け取れない"
                "ワーカーがあります。件数を {workers} 件以上にするか、ワーカー数を減らして"
                "ください。"
            ),
            "en": (
                "{split}: {samples} examples for {workers} workers leaves some workers without "
                "a single example. Use at least {workers} examples or fewer workers."
            ),
        },
        "plan": {
            "ja": (
                "{split}: {samples} 件、ワーカー {workers} 個 × バッチサイズ {batch_size}"
                " → ワーカーごとに {batches} バッチ"
            ),
            "en": (
                "{split}: {samples} examples, {workers} workers × batch size {batch_size}"
                " -> {batches} batches per worker"
            ),
        },
        "lowered": {
            "ja": "（指定のバッチサイズ {wanted} では足りないため小さくしました）",
            "en": " (lowered from {wanted}: too few examples)",
        },
    }
)


class BatchPlanError(ValueError):
    """A split too small for the number of workers; the message is localized."""


@dataclass(frozen=True)
class SplitBatches:
    """How one split is read by the workers: per-worker batch size and batches."""

    split: str
    samples: int
    workers: int
    batch_size: int
    wanted_batch_size: int

    @property
    def batches_per_worker(self) -> int:
        """Full batches each worker gets per epoch (the rest is dropped)."""
        return self.samples // (self.workers * self.batch_size)

    def describe(self, lang: Lang = "en") -> str:
        """One line for the notebook, e.g. ``test: 256 examples, 64 workers × batch size 4 ...``."""
        text = MESSAGES(
            "plan",
            lang,
            split=self.split,
            samples=self.samples,
            workers=self.workers,
            batch_size=self.batch_size,
            batches=self.batches_per_worker,
        )
        if self.batch_size != self.wanted_batch_size:
            text += MESSAGES("lowered", lang, wanted=self.wanted_batch_size)
        return text


def per_worker_batch(
    split: str, samples: int, workers: int, batch_size: int, *, lang: Lang = "en"
) -> SplitBatches:
    """The batch size each worker uses on ``split`` so that every worker gets a full batch.

    ``batch_size`` when ``samples >= workers * batch_size``, else the largest
    size that fits, ``samples // workers``.

    Raises:
        ValueError: ``workers`` or ``batch_size`` below 1, or ``samples`` negative.
        BatchPlanError: fewer examples than workers (no batch size can help).
    """
    if workers < 1 or batch_size < 1 or samples < 0:
        raise ValueError(
            f"Need workers >= 1, batch_size >= 1 and samples >= 0, got "
            f"{workers}, {batch_size}, {samples}."
        )
    size = min(batch_size, samples // workers)
    if size < 1:
        raise BatchPlanError(
            MESSAGES("too_small", lang, split=split, samples=samples, workers=workers)
        )
    return SplitBatches(split, samples, workers, size, batch_size)
