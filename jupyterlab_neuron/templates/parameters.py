"""Parameter values: derived from the environment, overridden by the user, validated.

The environment is summarised as :class:`EnvironmentFacts`, from one of:

- the server's environment report (real or simulated Neuron tools),
- an instance type named by the user (``--instance trn1.32xlarge``: planning a
  notebook for a machine this is not),
- nothing (no Neuron device known).

Resolution order for each parameter: the user's value, else the smoke-mode
default when smoke mode is on, else the derived value, else the template's
default. ``smoke`` itself is derived first: on when no real Neuron device is
there to run on (simulated environments included).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from neuron_kernel_helpers.cache_roots import DEFAULT_COMPILE_CACHE_ROOT
from neuron_kernel_helpers.i18n import Lang, Messages
from neuron_kernel_helpers.instances import (
    INSTANCE_TYPES,
    InstanceType,
    aligned_core_range,
    recommended_workers,
    visible_cores,
)

from .format import Parameter, Template, value_matches_type

FactsSource = Literal["detected", "simulated", "instance", "none"]
ValueOrigin = Literal["user", "smoke_default", "derived", "default"]

MESSAGES = Messages(
    {
        "environment.detected": {
            "ja": "{instance}（NeuronCore {cores} 個、検出）",
            "en": "{instance} ({cores} NeuronCores, detected)",
        },
        "environment.simulated": {
            "ja": "{instance}（NeuronCore {cores} 個、シミュレーション）",
            "en": "{instance} ({cores} NeuronCores, simulated)",
        },
        "environment.instance": {
            "ja": "{instance}（NeuronCore {cores} 個、指定したインスタンスタイプ）",
            "en": "{instance} ({cores} NeuronCores, instance type given)",
        },
        "environment.none": {
            "ja": "Neuron デバイスなし",
            "en": "no Neuron device",
        },
        "unknown_instance": {"ja": "不明なインスタンス", "en": "unknown instance"},
        "derive.workers": {
            "ja": (
                "NeuronCore {cores} 個に合わせた torchrun のワーカー数です"
                "（{instance} で指定できる値: {choices}）。"
            ),
            "en": (
                "torchrun workers for {cores} NeuronCores (valid values on {instance}: {choices})."
            ),
        },
        "derive.workers.none": {
            "ja": "NeuronCore が検出されないため、テンプレートの既定値です。",
            "en": "No NeuronCore detected: the template's default.",
        },
        "derive.workers.busy": {
            "ja": (
                "使用中の NeuronCore を避けて、空いている連続した範囲に入る最大のワーカー数です"
                "（{instance} で指定できる値: {choices}）。"
            ),
            "en": (
                "The most workers that fit in one free range of NeuronCores, avoiding the busy "
                "ones (valid values on {instance}: {choices})."
            ),
        },
        "derive.visible_cores.all": {
            "ja": "使用中の NeuronCore がないため、範囲は指定しません（all）。",
            "en": "No NeuronCore is busy, so no range is set (all).",
        },
        "derive.visible_cores.range": {
            "ja": (
                "使用中の NeuronCore を避けて、ワーカー {workers} 個を空いている範囲 {cores} で"
                "起動します（NEURON_RT_VISIBLE_CORES）。"
            ),
            "en": (
                "Busy NeuronCores are avoided: the {workers} workers start on the free range "
                "{cores} (NEURON_RT_VISIBLE_CORES)."
            ),
        },
        "derive.visible_cores.none": {
            "ja": (
                "ワーカー {workers} 個が入る、空いている連続した範囲がありません。使用中の"
                "プロセスを停止するか、ワーカー数を減らしてください。"
            ),
            "en": (
                "No free contiguous range of NeuronCores fits the workers ({workers}): stop "
                "the busy processes or use fewer workers."
            ),
        },
        "derive.neuroncores": {
            "ja": "{instance} の NeuronCore の数です。",
            "en": "The number of NeuronCores of {instance}.",
        },
        "derive.compile_cache_dir": {
            "ja": "現在使われているコンパイルキャッシュのフォルダーです（{source}）。",
            "en": "The compile cache folder in use ({source}).",
        },
        "derive.smoke.on.simulated": {
            "ja": (
                "シミュレーションの環境（{instance}）で、実際の Neuron デバイスがないため、"
                "CPU スモークモードを有効にしています。"
            ),
            "en": (
                "Simulated environment ({instance}) without a real Neuron device: "
                "CPU smoke mode is on."
            ),
        },
        "derive.smoke.on.none": {
            "ja": "Neuron デバイスが検出されないため、CPU スモークモードを有効にしています。",
            "en": "No Neuron device detected, so CPU smoke mode is on.",
        },
        "derive.smoke.off": {
            "ja": "Neuron デバイスで実行するため、スモークモードは無効です。",
            "en": "Runs on the Neuron device, so smoke mode is off.",
        },
        "derive.instance_type": {
            "ja": "{environment} から取得したインスタンスタイプです。",
            "en": "The instance type of {environment}.",
        },
        "error.unknown": {
            "ja": "不明なパラメーター: {names}",
            "en": "Unknown parameters: {names}",
        },
        "error.type": {
            "ja": "{name} の値 {value} は型 {type} ではありません。",
            "en": "{name}: {value} is not of type {type}.",
        },
        "error.minimum": {
            "ja": "{name} は {minimum} 以上にしてください（指定値: {value}）。",
            "en": "{name} must be at least {minimum} (got {value}).",
        },
        "error.maximum": {
            "ja": "{name} は {maximum} 以下にしてください（指定値: {value}）。",
            "en": "{name} must be at most {maximum} (got {value}).",
        },
        "error.choices": {
            "ja": "{name} は次のいずれかにしてください: {choices}（指定値: {value}）。",
            "en": "{name} must be one of {choices} (got {value}).",
        },
        "error.empty_list": {
            "ja": "{name} には 1 つ以上の値を指定してください。",
            "en": "{name} needs at least one value.",
        },
    }
)


class ParameterError(ValueError):
    """User-supplied parameter values that cannot be used; ``errors`` are localized."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(" ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class EnvironmentFacts:
    """What parameter derivation needs to know about the environment."""

    source: FactsSource
    instance_type: str | None = None
    neuroncores: int = 0
    compile_cache_dir: str = DEFAULT_COMPILE_CACHE_ROOT
    compile_cache_source: str = "default"
    busy_processes: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)

    @property
    def simulated(self) -> bool:
        """Whether the facts come from the simulator."""
        return self.source == "simulated"

    @property
    def runs_on_neuron(self) -> bool:
        """Whether a notebook rendered for these facts can use real NeuronCores."""
        return self.source in ("detected", "instance") and self.neuroncores > 0

    @property
    def family(self) -> str | None:
        """The instance family (``trn1``), when the instance type is known."""
        known = INSTANCE_TYPES.get(self.instance_type or "")
        return known.family if known else None

    def describe(self, lang: Lang) -> str:
        """A short description, e.g. ``trn1.2xlarge (2 NeuronCores, simulated)``."""
        if self.source == "none" or self.neuroncores <= 0:
            return MESSAGES("environment.none", lang)
        instance = self.instance_type or MESSAGES("unknown_instance", lang)
        return MESSAGES(
            f"environment.{self.source}", lang, instance=instance, cores=self.neuroncores
        )

    def to_json(self, lang: Lang) -> dict[str, Any]:
        """The facts as sent to clients."""
        return {
            "source": self.source,
            "instance_type": self.instance_type,
            "neuroncores": self.neuroncores,
            "simulated": self.simulated,
            "runs_on_neuron": self.runs_on_neuron,
            "compile_cache_dir": self.compile_cache_dir,
            "busy_processes": [dict(p) for p in self.busy_processes],
            "description": self.describe(lang),
        }


def facts_from_report(report: Mapping[str, Any]) -> EnvironmentFacts:
    """Facts from an environment report in its JSON form (the ``/environment`` payload)."""
    ok = report.get("state") == "ok"
    cores = int(report.get("neuroncores") or 0) if ok else 0
    cache = report.get("compile_cache") or {}
    busy = tuple(
        {"pid": p.get("pid"), "command": p.get("command"), "device": d.get("index")}
        for d in report.get("devices") or []
        for p in d.get("processes") or []
    )
    if not ok or cores <= 0:
        source: FactsSource = "none"
    else:
        source = "simulated" if report.get("simulated") else "detected"
    return EnvironmentFacts(
        source=source,
        instance_type=report.get("instance_type") or report.get("simulated_instance"),
        neuroncores=cores,
        compile_cache_dir=str(
            cache.get("root") or report.get("compile_cache_root") or DEFAULT_COMPILE_CACHE_ROOT
        ),
        compile_cache_source=str(cache.get("source") or "default"),
        busy_processes=busy,
    )


def facts_for_instance(
    instance_type: str,
    *,
    compile_cache_dir: str = DEFAULT_COMPILE_CACHE_ROOT,
    compile_cache_source: str = "default",
) -> EnvironmentFacts:
    """Facts for planning a notebook for ``instance_type`` from the catalogue.

    Raises:
        ValueError: the instance type is not in the catalogue.
    """
    known = INSTANCE_TYPES.get(instance_type)
    if known is None:
        names = ", ".join(sorted(INSTANCE_TYPES))
        raise ValueError(f"Unknown instance type {instance_type!r}. Known: {names}")
    return EnvironmentFacts(
        source="instance",
        instance_type=known.name,
        neuroncores=known.neuroncores,
        compile_cache_dir=compile_cache_dir,
        compile_cache_source=compile_cache_source,
    )


def no_environment(compile_cache_dir: str = DEFAULT_COMPILE_CACHE_ROOT) -> EnvironmentFacts:
    """Facts when nothing is known about Neuron hardware."""
    return EnvironmentFacts(source="none", compile_cache_dir=compile_cache_dir)


@dataclass(frozen=True)
class ResolvedParameter:
    """A parameter with the value the notebook will use, and why."""

    spec: Parameter
    value: Any
    origin: ValueOrigin
    choices: tuple[Any, ...] | None = None
    derivation: str | None = None

    def to_json(self, lang: Lang) -> dict[str, Any]:
        """The parameter as described to the front end's form."""
        spec = self.spec
        return {
            "name": spec.name,
            "variable": spec.variable,
            "type": spec.type,
            "label": spec.label[lang],
            "description": spec.description[lang],
            "default": spec.default,
            "smoke_default": spec.smoke_default if spec.has_smoke_default else None,
            "value": self.value,
            "origin": self.origin,
            "derive": spec.derive,
            "derivation": self.derivation,
            "choices": list(self.choices) if self.choices is not None else None,
            "minimum": spec.minimum,
            "maximum": spec.maximum,
            "advanced": spec.advanced,
        }


def free_neuroncores(facts: EnvironmentFacts, known: InstanceType) -> tuple[int, ...]:
    """The NeuronCores no other process uses: those of the devices with no busy process."""
    busy: set[int] = set()
    for process in facts.busy_processes:
        device = process.get("device")
        if isinstance(device, int) and 0 <= device < known.devices:
            busy.update(known.neuroncore_ids(device))
    cores = range(min(facts.neuroncores, known.neuroncores))
    return tuple(core for core in cores if core not in busy)


def _derived(
    spec: Parameter,
    facts: EnvironmentFacts,
    lang: Lang,
    smoke: bool,
    workers: int | None = None,
) -> tuple[Any, tuple[Any, ...] | None, str | None] | None:
    """``(value, choices, explanation)`` for a derived parameter, ``None`` if not derived.

    ``workers`` is the worker count already resolved (for ``visible_cores``).
    """
    instance = facts.instance_type or MESSAGES("unknown_instance", lang)
    known = INSTANCE_TYPES.get(facts.instance_type or "")
    if spec.derive == "workers":
        if facts.neuroncores <= 0 or known is None or not known.worker_counts:
            return None
        choices = known.worker_counts
        free = free_neuroncores(facts, known)
        # Nothing fits while every range is busy: offer the smallest count, the
        # visible_cores explanation says why it cannot start yet.
        value = recommended_workers(known, free) or choices[0]
        text = MESSAGES(
            "derive.workers.busy" if len(free) < known.neuroncores else "derive.workers",
            lang,
            cores=facts.neuroncores,
            instance=instance,
            choices=", ".join(str(c) for c in choices),
        )
        return value, choices, text
    if spec.derive == "visible_cores":
        if facts.neuroncores <= 0 or known is None or not known.worker_counts or not workers:
            return None
        free = free_neuroncores(facts, known)
        if len(free) == min(facts.neuroncores, known.neuroncores):
            return "all", None, MESSAGES("derive.visible_cores.all", lang)
        cores = aligned_core_range(known, workers, free) if workers <= known.neuroncores else None
        if cores is None:
            return "all", None, MESSAGES("derive.visible_cores.none", lang, workers=workers)
        shown = visible_cores(cores)
        text = MESSAGES("derive.visible_cores.range", lang, workers=workers, cores=shown)
        return shown, None, text
    if spec.derive == "neuroncores":
        if facts.neuroncores <= 0:
            return None
        return facts.neuroncores, None, MESSAGES("derive.neuroncores", lang, instance=instance)
    if spec.derive == "compile_cache_dir":
        text = MESSAGES("derive.compile_cache_dir", lang, source=facts.compile_cache_source)
        return facts.compile_cache_dir, None, text
    if spec.derive == "smoke":
        if facts.runs_on_neuron:
            key = "derive.smoke.off"
        else:
            key = "derive.smoke.on.simulated" if facts.simulated else "derive.smoke.on.none"
        return not facts.runs_on_neuron, None, MESSAGES(key, lang, instance=instance)
    if spec.derive == "instance_type":
        if not facts.instance_type:
            return None
        text = MESSAGES("derive.instance_type", lang, environment=facts.describe(lang))
        return facts.instance_type, None, text
    return None


def _validate(
    spec: Parameter, value: Any, choices: tuple[Any, ...] | None, lang: Lang
) -> list[str]:
    shown = repr(value)
    if not value_matches_type(value, spec.type):
        return [MESSAGES("error.type", lang, name=spec.name, value=shown, type=spec.type)]
    errors = []
    if spec.type == "integer_list" and not value:
        errors.append(MESSAGES("error.empty_list", lang, name=spec.name))
    numbers = (
        value
        if spec.type == "integer_list"
        else [value]
        if spec.type in ("integer", "number")
        else []
    )
    for number in numbers:
        if spec.minimum is not None and number < spec.minimum:
            errors.append(
                MESSAGES("error.minimum", lang, name=spec.name, minimum=spec.minimum, value=number)
            )
        if spec.maximum is not None and number > spec.maximum:
            errors.append(
                MESSAGES("error.maximum", lang, name=spec.name, maximum=spec.maximum, value=number)
            )
    if choices is not None and value not in choices:
        errors.append(
            MESSAGES(
                "error.choices",
                lang,
                name=spec.name,
                choices=", ".join(repr(c) for c in choices),
                value=shown,
            )
        )
    return errors


def resolve_parameters(
    template: Template,
    facts: EnvironmentFacts,
    overrides: Mapping[str, Any] | None = None,
    *,
    lang: Lang = "en",
) -> dict[str, ResolvedParameter]:
    """Every parameter's value for ``facts`` and the user's ``overrides``, in template order.

    Raises:
        ParameterError: unknown names or values that fail validation (all reported).
    """
    given = dict(overrides or {})
    errors: list[str] = []
    unknown = sorted(name for name in given if template.parameter(name) is None)
    if unknown:
        errors.append(MESSAGES("error.unknown", lang, names=", ".join(unknown)))

    smoke_spec = template.derived("smoke")
    smoke = False
    if smoke_spec is not None:
        if smoke_spec.name in given:
            smoke = given[smoke_spec.name] is True
        else:
            derived = _derived(smoke_spec, facts, lang, False)
            smoke = bool(derived[0]) if derived else bool(smoke_spec.default)

    resolved: dict[str, ResolvedParameter] = {}
    workers_spec = template.derived("workers")
    for spec in template.parameters:
        workers = None
        if spec.derive == "visible_cores" and workers_spec is not None:
            workers = resolved[workers_spec.name].value if workers_spec.name in resolved else None
        derived = _derived(spec, facts, lang, smoke, workers)
        choices = spec.choices
        derivation = None
        if derived is not None:
            derived_value, derived_choices, derivation = derived
            choices = derived_choices if derived_choices is not None else choices
        origin: ValueOrigin
        if spec.name in given:
            value, origin = given[spec.name], "user"
        elif smoke and spec.has_smoke_default:
            value, origin = spec.smoke_default, "smoke_default"
        elif derived is not None:
            value, origin = derived_value, "derived"
        else:
            value, origin = spec.default, "default"
        if origin == "user":
            errors += _validate(spec, value, choices, lang)
        elif choices is not None and value not in choices:
            # A smoke default or template default outside the environment's choices
            # (e.g. 2 workers where only 1 fits): keep the value, offer it too.
            choices = tuple(sorted({*choices, value}))
        resolved[spec.name] = ResolvedParameter(spec, value, origin, choices, derivation)
    if errors:
        raise ParameterError(errors)
    return resolved


def parameter_values(resolved: Mapping[str, ResolvedParameter]) -> dict[str, Any]:
    """``{name: value}`` of resolved parameters."""
    return {name: item.value for name, item in resolved.items()}
