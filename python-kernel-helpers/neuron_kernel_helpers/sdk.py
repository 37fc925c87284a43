"""Which Neuron SDK generation a kernel has, and which path a notebook step takes.

Two different products are installed under the one distribution name
``torch-neuronx``:

- the **XLA line** (PyTorch/XLA: ``torch-xla`` and ``libneuronxla`` come with
  it, device ``xla``). It trains up to torch-neuronx 2.9 (Neuron SDK 2.29;
  PyTorch/XLA training ended with 2.30); later XLA releases are in maintenance
  and only run inference. It is the path of inf2 and trn1 (NeuronCore-v2).
- **TorchNeuron**, the native PyTorch backend (device ``"neuron"``, eager mode,
  ``torch.compile(backend="neuron")``), public beta from Neuron SDK 2.33, for
  Trn2 and Trn3 only.

:func:`detect_sdk_generation` tells them apart from the installed package
versions (a mapping, so a report from another interpreter works too), and
:func:`plan_for` decides what a step (train, compile, inference) does on an
instance family with that generation, or refuses early with what to install::

    plan = plan_for("trn1", detect_sdk_generation(), "train")
    plan.require("ja")   # raises SdkRefusal with a clear message when it cannot run
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .i18n import Lang, Messages
from .instances import FAMILY_PYTORCH_PATH
from .instances import instance_family as family_of_instance

GenerationName = Literal["xla", "torchneuron", "none"]
Step = Literal["train", "compile", "inference"]
PathName = Literal["xla", "torchneuron", "cpu"]

#: The steps :func:`plan_for` knows. ``compile`` is the pre-compilation of the
#: training graphs (``neuron_parallel_compile``), so it needs what training needs.
STEPS: tuple[Step, ...] = ("train", "compile", "inference")

#: The packages detection reads (all are in the environment report's list).
SDK_PACKAGES: tuple[str, ...] = ("torch-neuronx", "torch-xla", "libneuronxla")

#: The packages of the XLA line besides torch-neuronx itself.
XLA_COMPANIONS: tuple[str, ...] = ("torch-xla", "libneuronxla")

#: The last torch-neuronx line (PyTorch major.minor) of the XLA product that trains.
LAST_XLA_TRAINING_LINE = (2, 9)

_LINE_PATTERN = re.compile(r"^\s*(\d+)\.(\d+)")

MESSAGES = Messages(
    {
        "generation.xla.train": {
            "en": "XLA (torch-neuronx {line}, training supported)",
            "ja": "XLA（torch-neuronx {line}、学習に対応）",
        },
        "generation.xla.inference": {
            "en": "XLA (torch-neuronx {line}, inference only)",
            "ja": "XLA（torch-neuronx {line}、推論のみ）",
        },
        "generation.xla.incomplete": {
            "en": "XLA (torch-neuronx {line}, {missing} missing)",
            "ja": "XLA（torch-neuronx {line}、{missing} がありません）",
        },
        "generation.torchneuron": {
            "en": "TorchNeuron (torch-neuronx {line})",
            "ja": "TorchNeuron（torch-neuronx {line}）",
        },
        "generation.none": {
            "en": "none (torch-neuronx is not installed)",
            "ja": "なし（torch-neuronx がインストールされていません）",
        },
        "step.train": {"en": "training", "ja": "学習"},
        "step.compile": {"en": "pre-compilation", "ja": "事前コンパイル"},
        "step.inference": {"en": "inference", "ja": "推論"},
        "path.xla": {
            "en": "On {family}, {step_name} takes the PyTorch/XLA path ({generation}).",
            "ja": "{family} では、{step_name}に PyTorch/XLA を使います（{generation}）。",
        },
        "path.torchneuron": {
            "en": 'On {family}, {step_name} takes the TorchNeuron path (device "neuron").',
            "ja": '{family} では、{step_name}に TorchNeuron（デバイス "neuron"）を使います。',
        },
        "path.cpu": {
            "en": "CPU smoke mode: {step_name} runs on CPU, without Neuron.",
            "ja": "CPU スモークモードです。{step_name}は Neuron を使わずに CPU で実行します。",
        },
        "refuse.no_family": {
            "en": (
                "The instance type is not known, so {step_name} cannot run on Neuron. Run on "
                "inf2, trn1 or trn2, or turn on CPU smoke mode."
            ),
            "ja": (
                "インスタンスタイプがわからないため、Neuron で{step_name}を実行できません。"
                "inf2、trn1、trn2 のいずれかで実行するか、CPU スモークモードを有効にして"
                "ください。"
            ),
        },
        "refuse.unknown_family": {
            "en": (
                "Cannot tell which Neuron instance this is ({family}), so {step_name} cannot "
                "run on Neuron. Run on inf2, trn1 or trn2, or turn on CPU smoke mode."
            ),
            "ja": (
                "Neuron のインスタンスの種類（{family}）がわからないため、Neuron で"
                "{step_name}を実行できません。inf2、trn1、trn2 のいずれかで実行するか、"
                "CPU スモークモードを有効にしてください。"
            ),
        },
        "refuse.inf1": {
            "en": (
                "inf1 (Inferentia, NeuronCore-v1) uses the older torch-neuron package, which "
                "this notebook does not support. Run it on inf2, trn1 or trn2."
            ),
            "ja": (
                "inf1（Inferentia、NeuronCore-v1）は以前の torch-neuron パッケージを使うため、"
                "このノートブックには対応していません。inf2、trn1、trn2 のいずれかで実行して"
                "ください。"
            ),
        },
        "refuse.xla.none": {
            "en": (
                "This kernel has no torch-neuronx, so {step_name} cannot run on {family}. "
                "Install torch-neuronx 2.9 (Neuron SDK 2.29 or earlier) for XLA training on "
                "{family}: the last PyTorch/XLA line that trains, and it runs inference too."
            ),
            "ja": (
                "このカーネルには torch-neuronx がないため、{family} で{step_name}を実行でき"
                "ません。{family} で XLA による学習を行うには、torch-neuronx 2.9（Neuron SDK "
                "2.29 以前）をインストールしてください。学習に対応した最後の PyTorch/XLA の"
                "バージョンで、推論にも使えます。"
            ),
        },
        "refuse.xla.incomplete": {
            "en": (
                "torch-neuronx {version} (PyTorch/XLA) is installed without {missing}, so "
                "{step_name} cannot run. Install {missing} matching torch-neuronx {version} "
                "(the Neuron SDK installs them together)."
            ),
            "ja": (
                "torch-neuronx {version}（PyTorch/XLA）はインストールされていますが、"
                "{missing} がないため、{step_name}を実行できません。torch-neuronx {version} "
                "に合った {missing} をインストールしてください（Neuron SDK では一緒に"
                "インストールされます）。"
            ),
        },
        "refuse.xla.no_training": {
            "en": (
                "torch-neuronx {version} is a PyTorch/XLA line that no longer trains "
                "(XLA training ended with Neuron SDK 2.30), so {step_name} cannot run. "
                "Install torch-neuronx 2.9 (Neuron SDK 2.29 or earlier) for XLA training on "
                "{family}. Inference works with the version you have."
            ),
            "ja": (
                "torch-neuronx {version} は学習に対応していない PyTorch/XLA のバージョンの"
                "ため（XLA による学習のサポートは Neuron SDK 2.30 で終了しました）、"
                "{step_name}を実行できません。{family} で XLA による学習を行うには、"
                "torch-neuronx 2.9（Neuron SDK 2.29 以前）をインストールしてください。"
                "推論はお使いのバージョンで実行できます。"
            ),
        },
        "refuse.xla.torchneuron_found": {
            "en": (
                "This kernel has TorchNeuron (torch-neuronx {version}), which runs on Trn2 and "
                "Trn3 only, so {step_name} cannot run on {family}. Install torch-neuronx 2.9 "
                "(Neuron SDK 2.29 or earlier) for XLA training on {family}, in a separate "
                "environment: never mix the two."
            ),
            "ja": (
                "このカーネルの torch-neuronx {version} は TorchNeuron で、Trn2 と Trn3 "
                "専用のため、{family} で{step_name}を実行できません。{family} で XLA による"
                "学習を行うには、torch-neuronx 2.9（Neuron SDK 2.29 以前）を別の環境に"
                "インストールしてください。2 つを同じ環境に混在させないでください。"
            ),
        },
        "refuse.torchneuron_needed": {
            "en": (
                "On {family} this notebook uses TorchNeuron, the native PyTorch backend (device "
                '"neuron"), but this kernel has {generation}. Install TorchNeuron (Neuron SDK '
                "2.33 or later) on {family} to run {step_name}."
            ),
            "ja": (
                "{family} では、このノートブックはネイティブの PyTorch バックエンドである "
                'TorchNeuron（デバイス "neuron"）を使いますが、このカーネルの SDK は '
                "{generation}です。{step_name}を実行するには、{family} に TorchNeuron"
                "（Neuron SDK 2.33 以降）をインストールしてください。"
            ),
        },
    }
)


def version_line(version: str | None) -> tuple[int, int] | None:
    """``"2.9.0.2.11.19912"`` -> ``(2, 9)``: the PyTorch major.minor a torch-neuronx is built on."""
    if not version:
        return None
    match = _LINE_PATTERN.match(version)
    return (int(match.group(1)), int(match.group(2))) if match else None


@dataclass(frozen=True)
class SdkGeneration:
    """The Neuron SDK generation found in one Python environment.

    ``missing`` lists the XLA companions (``torch-xla``, ``libneuronxla``) absent
    from an XLA-line install, which then cannot run at all.
    """

    generation: GenerationName
    torch_neuronx_version: str | None = None
    missing: tuple[str, ...] = field(default_factory=tuple)

    @property
    def line(self) -> tuple[int, int] | None:
        """The torch-neuronx line, e.g. ``(2, 9)``; ``None`` when unknown."""
        return version_line(self.torch_neuronx_version)

    @property
    def line_text(self) -> str:
        """The line as shown to people (``"2.9"``), else the raw version, else ``"?"``."""
        line = self.line
        return f"{line[0]}.{line[1]}" if line else (self.torch_neuronx_version or "?")

    @property
    def can_train(self) -> bool:
        """Whether this generation can still train (XLA up to the 2.9 line; TorchNeuron)."""
        if self.generation == "torchneuron":
            return True
        if self.generation != "xla" or self.missing:
            return False
        line = self.line
        return line is not None and line <= LAST_XLA_TRAINING_LINE

    @property
    def can_infer(self) -> bool:
        """Whether this generation can run inference (on an instance family it supports)."""
        if self.generation == "torchneuron":
            return True
        return self.generation == "xla" and not self.missing

    def describe(self, lang: Lang = "en") -> str:
        """A short description: ``XLA (torch-neuronx 2.9, training supported)``."""
        if self.generation == "none":
            return MESSAGES("generation.none", lang)
        if self.generation == "torchneuron":
            return MESSAGES("generation.torchneuron", lang, line=self.line_text)
        if self.missing:
            return MESSAGES(
                "generation.xla.incomplete",
                lang,
                line=self.line_text,
                missing=", ".join(self.missing),
            )
        key = "generation.xla.train" if self.can_train else "generation.xla.inference"
        return MESSAGES(key, lang, line=self.line_text)

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        """The generation as JSON values (the environment report's ``sdk`` object)."""
        return {
            "generation": self.generation,
            "torch_neuronx_version": self.torch_neuronx_version,
            "line": self.line_text if self.line else None,
            "can_train": self.can_train,
            "can_infer": self.can_infer,
            "missing": list(self.missing),
            "description": self.describe(lang),
        }


def _module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _neuron_device_registered() -> bool | None:
    """Whether an already imported torch names its PrivateUse1 backend ``neuron``.

    ``None`` when torch is not imported yet: importing it here would be slow and
    would change the kernel, so the check only uses what is already loaded.
    """
    torch = sys.modules.get("torch")
    if torch is None:
        return None
    try:
        return bool(torch._C._get_privateuse1_backend_name() == "neuron")
    except Exception:  # older torch without the call, or a partial import
        return None


def detect_sdk_generation(
    versions: Mapping[str, str | None] | None = None,
    *,
    module_available: Callable[[str], bool] | None = None,
    neuron_device_registered: bool | None = None,
) -> SdkGeneration:
    """The SDK generation of a Python environment, from its package versions.

    Args:
        versions: package name -> version (``None`` or absent = not installed),
            e.g. the environment report's ``packages``. Default: this interpreter's
            packages, with import probing and the torch device check below.
        module_available: answers whether a module can be imported
            (``torch_xla``, ``libneuronxla``); counts as evidence of the XLA line
            when the package metadata is missing (e.g. a source build).
        neuron_device_registered: whether torch has a ``"neuron"`` device
            registered; ``True`` means TorchNeuron whatever the packages say.

    Heuristic and its limits: both products are the distribution
    ``torch-neuronx``, so the version alone does not tell them apart. The XLA
    line always brings ``torch-xla`` and ``libneuronxla``; TorchNeuron does not
    use them and is built on PyTorch 2.10 or later. So: with torch-xla or
    libneuronxla present it is XLA; without both, a torch-neuronx of the 2.10+
    line is TorchNeuron and an older one an XLA install with parts missing. An
    environment holding TorchNeuron next to a leftover torch-xla reads as XLA
    unless ``neuron_device_registered`` is given (the documentation says never to
    mix the two); a TorchNeuron built on PyTorch 2.9 or older would read as an
    incomplete XLA install.
    """
    if versions is None:
        from .packages import installed_versions

        versions = installed_versions(SDK_PACKAGES)
        if module_available is None:
            module_available = _module_available
        if neuron_device_registered is None:
            neuron_device_registered = _neuron_device_registered()
    torch_neuronx = versions.get("torch-neuronx") or None
    if neuron_device_registered:
        return SdkGeneration("torchneuron", torch_neuronx)
    if torch_neuronx is None:
        return SdkGeneration("none")

    def present(package: str) -> bool:
        if versions.get(package):
            return True
        return bool(module_available and module_available(package.replace("-", "_")))

    missing = tuple(package for package in XLA_COMPANIONS if not present(package))
    if len(missing) < len(XLA_COMPANIONS):
        return SdkGeneration("xla", torch_neuronx, missing)
    line = version_line(torch_neuronx)
    if line is not None and line > LAST_XLA_TRAINING_LINE:
        return SdkGeneration("torchneuron", torch_neuronx)
    return SdkGeneration("xla", torch_neuronx, missing)


class SdkRefusal(RuntimeError):
    """A step cannot run with this kernel's SDK on this instance; the message says why."""


@dataclass(frozen=True)
class SdkPlan:
    """What one step does: the path it takes, or why it cannot run.

    ``path`` is ``None`` when the step is refused; :meth:`message` explains
    either way, in Japanese or English.
    """

    step: Step
    family: str | None
    sdk: SdkGeneration
    path: PathName | None
    key: str
    values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the step can run."""
        return self.path is not None

    def message(self, lang: Lang = "en") -> str:
        """The path taken, or the refusal with what to install."""
        return MESSAGES(
            self.key,
            lang,
            step_name=MESSAGES(f"step.{self.step}", lang),
            family=self.family or "?",
            generation=self.sdk.describe(lang),
            **self.values,
        )

    def require(self, lang: Lang = "en") -> SdkPlan:
        """Return the plan when the step can run; raise :class:`SdkRefusal` otherwise."""
        if not self.ok:
            raise SdkRefusal(self.message(lang))
        return self

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        """The plan as JSON values."""
        return {
            "step": self.step,
            "family": self.family,
            "path": self.path,
            "ok": self.ok,
            "sdk": self.sdk.to_dict(lang),
            "message": self.message(lang),
        }


def plan_for(
    instance_family: str | None,
    generation: SdkGeneration,
    step: Step,
    *,
    smoke: bool = False,
) -> SdkPlan:
    """The path ``step`` takes on ``instance_family`` with ``generation``, or a refusal.

    ``instance_family`` is a family (``"trn1"``) or an instance type
    (``"trn1.32xlarge"``). inf2 / trn1 take the XLA path when the SDK can do the
    step there (training and pre-compilation only up to the torch-neuronx 2.9
    line); trn2 / trn3 take TorchNeuron. With ``smoke`` the step runs on CPU
    whatever the SDK. Anything else is refused, naming what to install.

    Raises:
        ValueError: ``step`` is not one of :data:`STEPS`.
    """
    if step not in STEPS:
        raise ValueError(f"Unknown step {step!r}: use one of {', '.join(STEPS)}.")
    family = instance_family
    if family and "." in family:
        family = family_of_instance(family)

    def plan(path: PathName | None, key: str, **values: Any) -> SdkPlan:
        return SdkPlan(step, family, generation, path, key, values)

    if smoke:
        return plan("cpu", "path.cpu")
    route = FAMILY_PYTORCH_PATH.get(family or "")
    if route is None:
        return plan(None, "refuse.unknown_family" if family else "refuse.no_family")
    if route == "torch-neuron":
        return plan(None, "refuse.inf1")
    version = generation.torch_neuronx_version or "?"
    if route == "torchneuron":
        if generation.generation == "torchneuron":
            return plan("torchneuron", "path.torchneuron")
        return plan(None, "refuse.torchneuron_needed")
    # The XLA families (inf2, trn1, trn1n).
    if generation.generation == "none":
        return plan(None, "refuse.xla.none")
    if generation.generation == "torchneuron":
        return plan(None, "refuse.xla.torchneuron_found", version=version)
    if generation.missing:
        return plan(
            None, "refuse.xla.incomplete", version=version, missing=", ".join(generation.missing)
        )
    if step != "inference" and not generation.can_train:
        return plan(None, "refuse.xla.no_training", version=version)
    return plan("xla", "path.xla")
