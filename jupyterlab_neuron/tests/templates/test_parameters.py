"""Parameter derivation from the environment, smoke defaults and validation."""

from __future__ import annotations

from typing import Any

import pytest

from jupyterlab_neuron.templates.format import parse_template
from jupyterlab_neuron.templates.parameters import (
    ParameterError,
    facts_for_instance,
    facts_from_report,
    no_environment,
    parameter_values,
    resolve_parameters,
)

from .conftest import shipped_document


@pytest.fixture(scope="module")
def bert() -> Any:
    return parse_template(shipped_document("bert-ja"))


@pytest.fixture(scope="module")
def vit() -> Any:
    return parse_template(shipped_document("vit-beans"))


@pytest.mark.parametrize(
    ("instance", "workers", "choices", "cores"),
    [
        ("inf2.xlarge", 2, (1, 2), 2),
        ("trn1.2xlarge", 2, (1, 2), 2),
        ("trn1.32xlarge", 32, (1, 2, 8, 32), 32),
        ("trn2.48xlarge", 64, (1, 4, 16, 64), 64),
    ],
)
def test_derived_for_instance_types(
    bert: Any, vit: Any, instance: str, workers: int, choices: tuple, cores: int
) -> None:
    facts = facts_for_instance(instance)
    for template in (bert, vit):
        resolved = resolve_parameters(template, facts, lang="en")
        assert resolved["workers"].value == workers
        assert resolved["workers"].origin == "derived"
        assert resolved["workers"].choices == choices
        assert resolved["benchmark_models"].value == cores
        assert resolved["smoke"].value is False
        # Not in smoke mode: the real tutorial sizes.
        assert resolved["epochs"].value == 10
    values = parameter_values(resolve_parameters(bert, facts, lang="en"))
    assert values["compile_cache_dir"] == "/var/tmp/neuron-compile-cache"
    assert values["train_samples"] == 4000 and values["learning_rate"] == 5e-5
    text = resolve_parameters(bert, facts, lang="ja")["workers"].derivation
    assert f"NeuronCore {cores} 個に合わせた" in text  # type: ignore[operator]
    assert ", ".join(str(c) for c in choices) in text  # type: ignore[operator]


def simulated_report(**changes: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "state": "ok",
        "simulated": True,
        "simulated_instance": "trn1.2xlarge",
        "instance_type": "trn1.2xlarge",
        "neuroncores": 2,
        "devices": [{"index": 0, "processes": [{"pid": 7, "command": "python3"}]}],
        "compile_cache": {"root": "s3://bucket/cache", "source": "NEURON_COMPILE_CACHE_URL"},
    }
    report.update(changes)
    return report


def test_simulated_environment_turns_smoke_mode_on(bert: Any) -> None:
    facts = facts_from_report(simulated_report())
    assert facts.source == "simulated" and not facts.runs_on_neuron
    assert facts.busy_processes == ({"pid": 7, "command": "python3", "device": 0},)
    resolved = resolve_parameters(bert, facts, lang="en")
    assert resolved["smoke"].value is True
    assert resolved["smoke"].derivation == (
        "Simulated environment (trn1.2xlarge) without a real Neuron device: CPU smoke mode is on."
    )
    # Smoke defaults win over derived values and template defaults...
    assert resolved["epochs"].value == 8 and resolved["epochs"].origin == "smoke_default"
    assert resolved["benchmark_batch_sizes"].value == [1, 4]
    # ...and the derived values still come from the (simulated) environment: its one
    # device is busy, so no range is free and the smallest documented count is offered.
    assert resolved["workers"].value == 1 and resolved["workers"].choices == (1, 2)
    assert "No free contiguous range of NeuronCores fits the workers (1)" in str(
        resolved["visible_cores"].derivation
    )
    assert resolved["compile_cache_dir"].value == "s3://bucket/cache"
    assert "NEURON_COMPILE_CACHE_URL" in resolved["compile_cache_dir"].derivation  # type: ignore[operator]


def test_detected_neuron_device_turns_smoke_mode_off(bert: Any) -> None:
    facts = facts_from_report(simulated_report(simulated=False, simulated_instance=None))
    assert facts.source == "detected" and facts.runs_on_neuron
    assert resolve_parameters(bert, facts, lang="en")["smoke"].value is False


def test_no_device_falls_back_to_template_defaults(vit: Any) -> None:
    facts = facts_from_report({"state": "tools_not_found", "neuroncores": 0, "devices": []})
    assert facts == no_environment()
    resolved = resolve_parameters(vit, facts, lang="en")
    assert resolved["smoke"].value is True
    assert resolved["workers"].value == 2 and resolved["workers"].origin == "default"
    assert resolved["workers"].choices is None
    assert resolved["batch_size"].value == 8


def test_user_values_win_and_turn_smoke_off(bert: Any) -> None:
    resolved = resolve_parameters(
        bert, no_environment(), {"smoke": False, "epochs": 2, "workers": 1}, lang="en"
    )
    assert resolved["smoke"].value is False
    assert resolved["epochs"].value == 2 and resolved["epochs"].origin == "user"
    # With smoke off, other parameters take their real defaults.
    assert resolved["train_samples"].value == 4000


def test_a_smoke_default_outside_the_choices_stays_selectable(bert: Any) -> None:
    # trn1.32xlarge but smoke mode asked for: benchmark_models' smoke default (2) is used.
    resolved = resolve_parameters(bert, facts_for_instance("trn1.32xlarge"), {"smoke": True})
    assert resolved["benchmark_models"].value == 2


@pytest.mark.parametrize(
    ("params", "lang", "fragment"),
    [
        ({"epoch": 3}, "en", "Unknown parameters: epoch"),
        ({"epochs": "3"}, "en", "epochs: '3' is not of type integer"),
        ({"epochs": 0}, "ja", "epochs は 1 以上にしてください（指定値: 0）。"),
        ({"workers": 4}, "en", "workers must be one of 1, 2, 8, 32 (got 4)."),
        ({"learning_rate": float("nan")}, "en", "is not of type number"),
        ({"benchmark_batch_sizes": []}, "en", "needs at least one value"),
        ({"benchmark_batch_sizes": [1, True]}, "en", "is not of type integer_list"),
        ({"smoke": "yes"}, "en", "smoke: 'yes' is not of type boolean"),
    ],
)
def test_invalid_user_values_are_reported(
    bert: Any, params: dict[str, Any], lang: str, fragment: str
) -> None:
    with pytest.raises(ParameterError) as raised:
        resolve_parameters(bert, facts_for_instance("trn1.32xlarge"), params, lang=lang)  # type: ignore[arg-type]
    assert any(fragment in error for error in raised.value.errors), raised.value.errors


def test_every_error_is_reported_at_once(bert: Any) -> None:
    with pytest.raises(ParameterError) as raised:
        resolve_parameters(bert, no_environment(), {"nope": 1, "epochs": -1, "batch_size": "x"})
    assert len(raised.value.errors) == 3


def test_unknown_instance_type_is_refused() -> None:
    with pytest.raises(ValueError, match=r"Unknown instance type 'p4d\.24xlarge'"):
        facts_for_instance("p4d.24xlarge")


def test_facts_describe_themselves_in_both_languages() -> None:
    facts = facts_from_report(simulated_report())
    assert facts.describe("ja") == "trn1.2xlarge（NeuronCore 2 個、シミュレーション）"
    assert facts.describe("en") == "trn1.2xlarge (2 NeuronCores, simulated)"
    assert no_environment().describe("ja") == "Neuron デバイスなし"
    payload = facts.to_json("en")
    assert payload["simulated"] is True and payload["runs_on_neuron"] is False


def _busy(instance: str, *devices: int) -> Any:
    from jupyterlab_neuron.templates.parameters import EnvironmentFacts

    spec = facts_for_instance(instance)
    return EnvironmentFacts(
        source="detected",
        instance_type=spec.instance_type,
        neuroncores=spec.neuroncores,
        busy_processes=tuple({"pid": 100 + d, "command": "python3", "device": d} for d in devices),
    )


@pytest.mark.parametrize(
    ("instance", "busy_devices", "workers", "visible"),
    [
        ("trn1.32xlarge", (), 32, "all"),
        ("trn1.32xlarge", (0,), 8, "8-15"),  # 32 does not fit, 16 is not documented
        ("trn1.32xlarge", (4,), 8, "0-7"),
        ("trn1.32xlarge", (0, 4, 8, 12), 2, "2-3"),
        ("trn2.48xlarge", (0,), 16, "16-31"),
        ("trn1.2xlarge", (0,), 1, "all"),  # nothing free: the smallest count, no range
    ],
)
def test_busy_cores_give_the_largest_documented_count_in_one_free_aligned_range(
    bert: Any, vit: Any, instance: str, busy_devices: tuple, workers: int, visible: str
) -> None:
    facts = _busy(instance, *busy_devices)
    for template in (bert, vit):
        resolved = resolve_parameters(template, facts, lang="en")
        assert resolved["workers"].value == workers
        assert resolved["visible_cores"].value == visible
    if visible != "all":
        text = resolve_parameters(bert, facts, lang="ja")["visible_cores"].derivation
        assert f"ワーカー {workers} 個を空いている範囲 {visible} で起動します" in text  # type: ignore[operator]


def test_visible_cores_follow_the_workers_the_user_chose(bert: Any) -> None:
    resolved = resolve_parameters(bert, _busy("trn1.32xlarge", 0), {"workers": 2}, lang="en")
    assert resolved["visible_cores"].value == "2-3"
    none_fit = resolve_parameters(bert, _busy("trn1.32xlarge", 0), {"workers": 32}, lang="en")
    assert none_fit["visible_cores"].value == "all"
    assert "No free contiguous range of NeuronCores fits the workers (32)" in str(
        none_fit["visible_cores"].derivation
    )


@pytest.mark.parametrize(
    "facts",
    [
        no_environment(),
        facts_for_instance("trn1.32xlarge"),
        facts_from_report(simulated_report()),
    ],
    ids=["none", "instance", "simulated-busy"],
)
def test_string_parameters_are_never_empty(bert: Any, vit: Any, facts: Any) -> None:
    # The front end's form refuses an empty string: every value must be usable as is.
    for template in (bert, vit):
        for item in resolve_parameters(template, facts, lang="en").values():
            if item.spec.type == "string":
                assert item.value != "", item.spec.name
