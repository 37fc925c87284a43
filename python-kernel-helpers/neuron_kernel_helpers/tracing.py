"""Tracing a model for inference: torch_neuronx when present, CPU TorchScript otherwise.

``torch_neuronx.trace`` compiles the model for NeuronCores with the example
inputs' shapes. Without torch-neuronx (a CPU machine, or the templates' smoke
mode) :func:`trace` falls back to ``torch.jit.trace`` and says so loudly: the
result runs on CPU and says nothing about Neuron speed or numerics.

torch is imported only inside the functions that need it.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from .i18n import Lang, Messages

MESSAGES = Messages(
    {
        "fallback": {
            "ja": (
                "⚠ torch-neuronx が見つからないため、torch.jit.trace による CPU 用の "
                "TorchScript トレースで代用します。このモデルは CPU で動き、Neuron での性能や"
                "数値は表しません{args}。"
            ),
            "en": (
                "⚠ torch-neuronx was not found, so a CPU TorchScript trace (torch.jit.trace) "
                "is used instead. This model runs on CPU and says nothing about Neuron speed "
                "or numerics{args}."
            ),
        },
        "fallback.args": {
            "ja": "（コンパイラー引数 {compiler_args} は使われません）",
            "en": " (the compiler arguments {compiler_args} are not used)",
        },
        "neuron": {
            "ja": (
                "torch_neuronx.trace で Neuron 向けにコンパイルしています"
                "（数分かかることがあります）…"
            ),
            "en": "Compiling for Neuron with torch_neuronx.trace (this can take minutes)...",
        },
        "compare": {
            "ja": (
                "CPU と{backend}の出力の比較: 最大絶対誤差 {max_abs_diff:.2e}"
                "（許容 {atol:g}）、予測クラスの一致 {argmax_equal}、判定 {verdict}"
            ),
            "en": (
                "CPU vs {backend} outputs: max abs diff {max_abs_diff:.2e} (tolerance "
                "{atol:g}), same predicted class {argmax_equal}, verdict {verdict}"
            ),
        },
        "backend.neuron": {"ja": " Neuron ", "en": "Neuron"},
        "backend.cpu": {"ja": "トレース済みモデル（CPU）", "en": "traced model (CPU)"},
        "verdict.ok": {"ja": "OK", "en": "OK"},
        "verdict.ng": {"ja": "要確認", "en": "CHECK"},
        "yes": {"ja": "はい", "en": "yes"},
        "no": {"ja": "いいえ", "en": "no"},
    }
)


def neuron_available() -> bool:
    """Whether torch-neuronx can be imported in this environment."""
    return importlib.util.find_spec("torch_neuronx") is not None


def trace_backend() -> str:
    """``"neuron"`` when :func:`trace` compiles for Neuron, else ``"cpu"``."""
    return "neuron" if neuron_available() else "cpu"


def encode_examples(
    tokenizer: Any,
    sentences: str | Sequence[str],
    *,
    max_length: int = 128,
    batch_size: int = 1,
) -> tuple[Any, Any, Any]:
    """Example inputs for tracing BERT: ``(input_ids, attention_mask, token_type_ids)``.

    Sentences are padded to ``max_length`` (Neuron compiles for fixed shapes)
    and repeated in turn until there are ``batch_size`` rows.
    """
    texts = [sentences] if isinstance(sentences, str) else list(sentences)
    if not texts:
        raise ValueError("At least one example sentence is needed.")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    batch = [texts[i % len(texts)] for i in range(batch_size)]
    encoded = tokenizer(
        batch,
        padding="max_length",
        max_length=max_length,
        truncation=True,
        return_tensors="pt",
    )
    return (encoded["input_ids"], encoded["attention_mask"], encoded["token_type_ids"])


def trace(
    model: Any,
    example_inputs: Any,
    *,
    compiler_args: str | Sequence[str] | None = None,
    lang: Lang = "en",
    stream: TextIO | None = None,
) -> Any:
    """Trace ``model`` with ``example_inputs`` for inference.

    With torch-neuronx: ``torch_neuronx.trace(model, example_inputs,
    compiler_args=...)`` (compiles for NeuronCores). Without it: a CPU
    ``torch.jit.trace`` and a warning on ``stream`` (default stderr). Either
    result can be saved with ``torch.jit.save`` and loaded with
    ``torch.jit.load``.
    """
    if neuron_available():
        import torch_neuronx

        print(MESSAGES("neuron", lang), file=sys.stdout, flush=True)
        if compiler_args is None:
            return torch_neuronx.trace(model, example_inputs)
        return torch_neuronx.trace(model, example_inputs, compiler_args=compiler_args)
    import torch

    warn_cpu_fallback(compiler_args, lang=lang, stream=stream)
    model.eval()
    with torch.no_grad():
        return torch.jit.trace(model, example_inputs, strict=False)


def warn_cpu_fallback(
    compiler_args: str | Sequence[str] | None = None,
    *,
    lang: Lang = "en",
    stream: TextIO | None = None,
) -> None:
    """Say loudly (default: on stderr) that a CPU TorchScript trace stands in for Neuron.

    The notebooks call it in the CPU branch of their trace cell, beside the
    ``torch_neuronx.trace`` call they show.
    """
    args_note = ""
    if compiler_args:
        shown = compiler_args if isinstance(compiler_args, str) else " ".join(compiler_args)
        args_note = MESSAGES("fallback.args", lang, compiler_args=shown)
    out = stream if stream is not None else sys.stderr
    print(MESSAGES("fallback", lang, args=args_note), file=out, flush=True)


def first_output(outputs: Any) -> Any:
    """The logits of a model call: traced models return tuples, HF models objects."""
    if isinstance(outputs, (tuple, list)):
        return outputs[0]
    if isinstance(outputs, dict):
        return outputs.get("logits", next(iter(outputs.values())))
    return getattr(outputs, "logits", outputs)


def compare_logits(
    reference: Any,
    candidate: Any,
    *,
    atol: float = 1e-2,
    backend: str | None = None,
    lang: Lang = "en",
    stream: TextIO | None = None,
) -> dict[str, Any]:
    """Compare the logits of the CPU model with the traced model's, and print the verdict.

    Accepts tensors or model outputs (tuples / objects with ``logits``).
    Returns ``{"max_abs_diff", "atol", "allclose", "argmax_equal", "backend"}``.
    Neuron computes matrix products in reduced precision, so agreement to
    about 1e-3 is normal there; on CPU the difference is near zero.
    """
    import torch

    ref = first_output(reference).detach().float().cpu()
    cand = first_output(candidate).detach().float().cpu()
    if ref.shape != cand.shape:
        raise ValueError(f"Shapes differ: CPU {tuple(ref.shape)} vs traced {tuple(cand.shape)}.")
    max_abs_diff = float((ref - cand).abs().max()) if ref.numel() else 0.0
    argmax_equal = bool(torch.equal(ref.argmax(dim=-1), cand.argmax(dim=-1)))
    allclose = bool(max_abs_diff <= atol)
    used = backend or trace_backend()
    result = {
        "max_abs_diff": max_abs_diff,
        "atol": atol,
        "allclose": allclose,
        "argmax_equal": argmax_equal,
        "backend": used,
    }
    print(
        MESSAGES(
            "compare",
            lang,
            backend=MESSAGES(f"backend.{used}", lang),
            max_abs_diff=max_abs_diff,
            atol=atol,
            argmax_equal=MESSAGES("yes" if argmax_equal else "no", lang),
            verdict=MESSAGES("verdict.ok" if allclose and argmax_equal else "verdict.ng", lang),
        ),
        file=stream if stream is not None else sys.stdout,
        flush=True,
    )
    return result
