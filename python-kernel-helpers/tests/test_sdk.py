"""SDK generation detection and the per-step plan, with fake package sets."""

from __future__ import annotations

import pytest

from neuron_kernel_helpers.sdk import (
    SdkGeneration,
    SdkRefusal,
    detect_sdk_generation,
    plan_for,
    version_line,
)

# Fake package sets of the generations a kernel can have.
XLA_2_9 = {
    "torch-neuronx": "2.9.0.2.11.19912",
    "torch-xla": "2.9.0",
    "libneuronxla": "2.2.12677.0",
    "neuronx-cc": "2.21.18209.0",
}
XLA_2_1 = {"torch-neuronx": "2.1.2.2.3.0", "torch-xla": "2.1.5", "libneuronxla": "2.0.4115.0"}
XLA_2_10 = {"torch-neuronx": "2.10.0.2.12.1", "torch-xla": "2.10.0", "libneuronxla": "2.3.1.0"}
TORCHNEURON = {"torch-neuronx": "2.10.0.2.13.0", "torch-xla": None, "libneuronxla": None}
NONE = {"torch-neuronx": None, "torch-xla": None, "transformers": "4.56.0"}


def test_version_line() -> None:
    assert version_line("2.9.0.2.11.19912") == (2, 9)
    assert version_line("2.10.0") == (2, 10)
    assert version_line("1.13.1.1.15.0") == (1, 13)
    assert version_line("nightly") is None
    assert version_line(None) is None


def test_xla_2_9_line_trains_and_infers() -> None:
    sdk = detect_sdk_generation(XLA_2_9)
    assert sdk.generation == "xla"
    assert sdk.line == (2, 9)
    assert sdk.can_train and sdk.can_infer
    assert sdk.describe("en") == "XLA (torch-neuronx 2.9, training supported)"
    assert sdk.describe("ja") == "XLA（torch-neuronx 2.9、学習に対応）"


def test_older_xla_lines_train_too() -> None:
    sdk = detect_sdk_generation(XLA_2_1)
    assert sdk.generation == "xla" and sdk.can_train


def test_xla_maintenance_line_is_inference_only() -> None:
    sdk = detect_sdk_generation(XLA_2_10)
    assert sdk.generation == "xla"
    assert not sdk.can_train and sdk.can_infer
    assert sdk.describe("en") == "XLA (torch-neuronx 2.10, inference only)"
    assert sdk.describe("ja") == "XLA（torch-neuronx 2.10、推論のみ）"


def test_torchneuron_has_no_xla_companions() -> None:
    sdk = detect_sdk_generation(TORCHNEURON)
    assert sdk.generation == "torchneuron"
    assert sdk.can_train and sdk.can_infer
    assert sdk.describe("en") == "TorchNeuron (torch-neuronx 2.10)"
    assert sdk.to_dict("en") == {
        "generation": "torchneuron",
        "torch_neuronx_version": "2.10.0.2.13.0",
        "line": "2.10",
        "can_train": True,
        "can_infer": True,
        "missing": [],
        "description": "TorchNeuron (torch-neuronx 2.10)",
    }


def test_no_torch_neuronx_is_none() -> None:
    sdk = detect_sdk_generation(NONE)
    assert sdk.generation == "none"
    assert not sdk.can_train and not sdk.can_infer
    assert sdk.describe("en") == "none (torch-neuronx is not installed)"
    assert sdk.describe("ja") == "なし（torch-neuronx がインストールされていません）"
    assert detect_sdk_generation({}).generation == "none"


def test_registered_neuron_device_means_torchneuron() -> None:
    # Even with a leftover torch-xla, a registered "neuron" device decides.
    mixed = {**TORCHNEURON, "torch-xla": "2.10.0"}
    assert detect_sdk_generation(mixed).generation == "xla"
    assert detect_sdk_generation(mixed, neuron_device_registered=True).generation == "torchneuron"


def test_import_probe_finds_xla_without_metadata() -> None:
    versions = {"torch-neuronx": "2.10.0.2.12.1"}
    assert detect_sdk_generation(versions).generation == "torchneuron"
    probed = detect_sdk_generation(
        versions, module_available=lambda name: name in {"torch_xla", "libneuronxla"}
    )
    assert probed.generation == "xla" and probed.missing == ()


def test_old_torch_neuronx_without_companions_is_an_incomplete_xla_install() -> None:
    sdk = detect_sdk_generation({"torch-neuronx": "2.9.0.2.11.19912", "libneuronxla": "2.2.1"})
    assert sdk.generation == "xla" and sdk.missing == ("torch-xla",)
    assert not sdk.can_train and not sdk.can_infer
    assert sdk.describe("en") == "XLA (torch-neuronx 2.9, torch-xla missing)"


def test_detection_of_this_interpreter_runs() -> None:
    # The test environment has no Neuron SDK.
    assert detect_sdk_generation().generation == "none"


# --- plans -----------------------------------------------------------------------


@pytest.mark.parametrize("family", ["inf2", "trn1", "trn1n", "trn1.32xlarge"])
@pytest.mark.parametrize("step", ["train", "compile", "inference"])
def test_xla_2_9_takes_the_xla_path_on_neuroncore_v2(family: str, step: str) -> None:
    plan = plan_for(family, detect_sdk_generation(XLA_2_9), step)  # type: ignore[arg-type]
    assert plan.ok and plan.path == "xla"
    assert plan.require("en") is plan


def test_path_messages() -> None:
    plan = plan_for("trn1", detect_sdk_generation(XLA_2_9), "train")
    assert plan.message("en") == (
        "On trn1, training takes the PyTorch/XLA path "
        "(XLA (torch-neuronx 2.9, training supported))."
    )
    assert plan.message("ja") == (
        "trn1 では、学習に PyTorch/XLA を使います（XLA（torch-neuronx 2.9、学習に対応））。"
    )
    plan = plan_for("trn2.48xlarge", detect_sdk_generation(TORCHNEURON), "inference")
    assert plan.family == "trn2" and plan.path == "torchneuron"
    assert plan.message("en") == 'On trn2, inference takes the TorchNeuron path (device "neuron").'


def test_xla_maintenance_line_refuses_training_with_what_to_install() -> None:
    sdk = detect_sdk_generation(XLA_2_10)
    assert plan_for("inf2", sdk, "inference").path == "xla"
    for step in ("train", "compile"):
        plan = plan_for("trn1", sdk, step)  # type: ignore[arg-type]
        assert not plan.ok and plan.path is None
        en = plan.message("en")
        assert "torch-neuronx 2.9 (Neuron SDK 2.29 or earlier) for XLA training on trn1" in en
        assert "2.10.0.2.12.1" in en
        ja = plan.message("ja")
        assert "torch-neuronx 2.9（Neuron SDK 2.29 以前）をインストールしてください" in ja
        assert "trn1 で XLA による学習を行うには" in ja


def test_refusal_raises_in_the_requested_language() -> None:
    plan = plan_for("trn1", detect_sdk_generation(XLA_2_10), "train")
    with pytest.raises(SdkRefusal, match=r"XLA training ended with Neuron SDK 2\.30"):
        plan.require("en")
    with pytest.raises(SdkRefusal, match=r"Neuron SDK 2\.30 で終了しました"):
        plan.require("ja")
    assert plan.to_dict("en")["ok"] is False


@pytest.mark.parametrize("versions", [XLA_2_9, XLA_2_10, NONE])
@pytest.mark.parametrize("step", ["train", "compile", "inference"])
def test_trn2_needs_torchneuron(versions: dict, step: str) -> None:
    plan = plan_for("trn2", detect_sdk_generation(versions), step)  # type: ignore[arg-type]
    assert not plan.ok
    assert "Install TorchNeuron (Neuron SDK 2.33 or later) on trn2" in plan.message("en")
    assert "です。" in plan.message("ja") and " です" not in plan.message("ja")
    assert "trn2 に TorchNeuron（Neuron SDK 2.33 以降）をインストールしてください" in (
        plan.message("ja")
    )


def test_trn3_takes_torchneuron_although_not_catalogued() -> None:
    assert plan_for("trn3.48xlarge", detect_sdk_generation(TORCHNEURON), "train").ok


def test_torchneuron_refused_on_neuroncore_v2() -> None:
    plan = plan_for("inf2", detect_sdk_generation(TORCHNEURON), "inference")
    assert not plan.ok
    assert "runs on Trn2 and Trn3 only" in plan.message("en")
    assert "torch-neuronx 2.9 (Neuron SDK 2.29 or earlier)" in plan.message("en")
    assert "Trn2 と Trn3 専用" in plan.message("ja")


def test_no_sdk_refused_with_what_to_install() -> None:
    plan = plan_for("inf2", detect_sdk_generation(NONE), "train")
    assert not plan.ok
    assert plan.message("en").startswith("This kernel has no torch-neuronx, so training cannot")
    assert "Install torch-neuronx 2.9 (Neuron SDK 2.29 or earlier)" in plan.message("en")
    assert "このカーネルには torch-neuronx がないため" in plan.message("ja")


def test_incomplete_xla_install_names_the_missing_package() -> None:
    sdk = SdkGeneration("xla", "2.9.0.2.11.19912", ("torch-xla",))
    plan = plan_for("trn1", sdk, "inference")
    assert not plan.ok
    assert "Install torch-xla matching torch-neuronx 2.9.0.2.11.19912" in plan.message("en")
    assert "torch-xla がないため" in plan.message("ja")


@pytest.mark.parametrize("sdk", [XLA_2_9, XLA_2_10, TORCHNEURON, NONE])
@pytest.mark.parametrize("family", ["inf2", "trn2", None, "inf1"])
def test_smoke_mode_is_its_own_path(sdk: dict, family: str | None) -> None:
    plan = plan_for(family, detect_sdk_generation(sdk), "train", smoke=True)
    assert plan.ok and plan.path == "cpu"
    assert (
        plan.message("ja") == "CPU スモークモードです。学習は Neuron を使わずに CPU で実行します。"
    )


def test_inf1_and_unknown_families_are_refused() -> None:
    sdk = detect_sdk_generation(XLA_2_9)
    inf1 = plan_for("inf1", sdk, "inference")
    assert not inf1.ok and "torch-neuron package" in inf1.message("en")
    unknown = plan_for(None, sdk, "train")
    assert not unknown.ok and "turn on CPU smoke mode" in unknown.message("en")
    assert unknown.message("en").startswith("The instance type is not known")
    assert "CPU スモークモードを有効にしてください" in unknown.message("ja")
    other = plan_for("p5.48xlarge", sdk, "train")
    assert not other.ok and "(p5)" in other.message("en")


def test_unknown_step() -> None:
    with pytest.raises(ValueError):
        plan_for("trn1", detect_sdk_generation(XLA_2_9), "deploy")  # type: ignore[arg-type]
