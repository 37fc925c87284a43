"""Checks of the helpers that need the ML packages (torch, transformers, PIL, numpy).

The development environment has none of them; the templates' kernel environment
(scripts/make-kernel-env.sh) has them but no pytest. So these checks are plain
functions: ``test_tracing.py`` runs them in-process when the packages are
importable, and in the kernel environment as ``python kernel_env_checks.py``.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path


def check_trace_falls_back_to_cpu_with_a_warning() -> None:
    import torch

    from neuron_kernel_helpers.tracing import neuron_available, trace

    assert not neuron_available(), "these checks expect an environment without torch-neuronx"
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh())
    example = (torch.randn(2, 4),)
    warnings = io.StringIO()
    traced = trace(
        model, example, compiler_args="--model-type=transformer", lang="ja", stream=warnings
    )
    text = warnings.getvalue()
    assert "torch.jit.trace による CPU 用の TorchScript トレースで代用します" in text, text
    assert "--model-type=transformer" in text, text
    assert isinstance(traced, torch.jit.ScriptModule)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.pt"
        torch.jit.save(traced, path)
        loaded = torch.jit.load(path)
    other = torch.randn(2, 4)
    with torch.no_grad():
        assert torch.allclose(loaded(other), model(other))


def check_compare_logits() -> None:
    import torch

    from neuron_kernel_helpers.tracing import compare_logits

    reference = torch.tensor([[0.1, 0.9], [0.8, 0.2]])
    out = io.StringIO()
    same = compare_logits((reference,), reference.clone(), lang="en", stream=out)
    assert same["allclose"] and same["argmax_equal"] and same["max_abs_diff"] == 0.0
    assert "verdict OK" in out.getvalue()

    shifted = reference + torch.tensor([[0.0, 0.0], [0.0, 0.7]])
    out = io.StringIO()
    different = compare_logits(reference, shifted, atol=1e-2, lang="ja", stream=out)
    assert not different["allclose"] and not different["argmax_equal"]
    assert abs(different["max_abs_diff"] - 0.7) < 1e-6
    assert "要確認" in out.getvalue()

    try:
        compare_logits(reference, reference[:1], stream=io.StringIO())
    except ValueError as error:
        assert "Shapes differ" in str(error)
    else:  # pragma: no cover - the check failing
        raise AssertionError("a shape mismatch must be refused")


def check_encode_examples_with_a_tiny_tokenizer() -> None:
    import torch

    from neuron_kernel_helpers.tracing import encode_examples

    def tokenizer(batch, padding, max_length, truncation, return_tensors):  # type: ignore[no-untyped-def]
        assert padding == "max_length" and truncation and return_tensors == "pt"
        ids = torch.tensor([[len(text)] * max_length for text in batch])
        return {"input_ids": ids, "attention_mask": ids * 0 + 1, "token_type_ids": ids * 0}

    input_ids, mask, types = encode_examples(tokenizer, ["ab", "abc"], max_length=6, batch_size=5)
    assert input_ids.shape == (5, 6) and mask.shape == (5, 6) and types.shape == (5, 6)
    assert input_ids[:, 0].tolist() == [2, 3, 2, 3, 2]


def check_benchmark_with_traced_models() -> None:
    import torch

    from neuron_kernel_helpers.benchmark import run_benchmark
    from neuron_kernel_helpers.tracing import trace

    model = torch.nn.Linear(8, 2)
    example = (torch.randn(4, 8),)
    traced = trace(model, example, stream=io.StringIO())
    result = run_benchmark(
        [traced, traced], example, batch_size=4, duration=None, calls_per_thread=5
    )
    assert result.calls == 20 and result.inferences == 80 and result.threads == 4
    assert result.backend == "cpu"
    assert 0 < result.latency_ms["p50"] <= result.latency_ms["p95"] <= result.latency_ms["p99"]


def check_image_folder_round_trip() -> None:
    from PIL import Image

    from neuron_kernel_helpers.tutorial_data import export_image_folder, read_image_folder

    examples = [
        {"image": Image.new("RGB", (8, 8), (0, 255, 0)), "labels": 2},
        {"image": Image.new("RGB", (8, 8), (255, 0, 0)), "labels": 0},
    ]
    names = ["angular_leaf_spot", "bean_rust", "healthy"]
    with tempfile.TemporaryDirectory() as folder:
        assert export_image_folder(examples, folder, names) == 2
        items, read_names = read_image_folder(folder)
        assert read_names == names
        assert [label for _, label in items] == [0, 2]
        pixel = Image.open(items[1][0]).getpixel((0, 0))
        assert pixel == (0, 255, 0), pixel


def check_generated_leaf_images_differ_by_label() -> None:
    import json

    import numpy as np
    from PIL import Image

    from neuron_kernel_helpers import smoke

    with tempfile.TemporaryDirectory() as folder:
        folders = smoke.generate_leaf_images(folder, per_class={"train": 2, "test": 1}, size=32)
        assert set(folders) == {"train", "test"}
        train = Path(folders["train"])
        assert json.loads((train / "labels.json").read_text()) == list(smoke.BEAN_LABELS)
        means = {}
        for label in smoke.BEAN_LABELS:
            files = sorted((train / label).iterdir())
            assert [f.name for f in files] == ["00000.png", "00001.png"]
            means[label] = np.asarray(Image.open(files[0]), dtype=np.float32).mean(axis=(0, 1))
        # Rust spots are orange: more red than a healthy leaf; angular spots are darker.
        assert means["bean_rust"][0] > means["healthy"][0] + 5
        assert means["angular_leaf_spot"][1] < means["healthy"][1] - 5


def check_tiny_bert_uses_mecab_words() -> None:
    import transformers

    from neuron_kernel_helpers import smoke

    texts = ["この映画は本当に素晴らしかったです。", "最悪の品質で残念です。"]
    with tempfile.TemporaryDirectory() as folder:
        path = smoke.build_tiny_bert_ja(Path(folder) / "bert", texts)
        tokenizer = transformers.BertJapaneseTokenizer.from_pretrained(path)
        assert tokenizer.tokenize(texts[0])[:3] == ["この", "映画", "は"]
        # An unseen word made of known characters is spelled with WordPiece pieces.
        assert "[UNK]" not in tokenizer.tokenize("映画は残念です。")
        model = transformers.BertForSequenceClassification.from_pretrained(path)
        assert model.config.num_labels == 2
        assert model.config.vocab_size == tokenizer.vocab_size


CHECKS = (
    check_trace_falls_back_to_cpu_with_a_warning,
    check_compare_logits,
    check_encode_examples_with_a_tiny_tokenizer,
    check_benchmark_with_traced_models,
    check_image_folder_round_trip,
    check_generated_leaf_images_differ_by_label,
    check_tiny_bert_uses_mecab_words,
)


def main() -> int:
    """Run every check; a failing check raises."""
    for check in CHECKS:
        check()
    print(f"kernel environment checks passed: {len(CHECKS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
