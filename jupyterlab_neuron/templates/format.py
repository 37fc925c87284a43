"""The template file format: reading, validating and the typed view of a template.

A template file is JSON validated against ``template.schema.json``, then by
the checks JSON Schema cannot express (unique ids, defaults of the right type,
derived values of a suitable type, both languages present in bilingual
comments, known names in ``{{placeholders}}``). The result is an immutable
:class:`Template`.

Text fields are a string or a list of lines; a line may end with ``"\\n"``
or not (each line ends with exactly one newline once joined).
"""

from __future__ import annotations

import json
import keyword
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from neuron_kernel_helpers.i18n import Lang

from ..untrusted import MAX_JSON_DEPTH, nesting_exceeds

#: The JSON Schema every template file must satisfy.
SCHEMA_PATH = Path(__file__).with_name("template.schema.json")

#: The step id the renderer uses for the cells it adds before the steps.
SETUP_STEP_ID = "setup"

#: Template files bigger than this are refused unread (the shipped ones are ~60 KB).
MAX_TEMPLATE_FILE_BYTES = 4 * 1024 * 1024

_TOO_DEEP = f"arrays or objects are nested more than {MAX_JSON_DEPTH} levels deep"

#: Notebook variables the renderer defines itself; parameters may not use them.
RESERVED_VARIABLES = frozenset({"LANG", "HELPERS_SOURCE"})

#: Parameter types and the derivations each accepts.
_DERIVE_TYPES = {
    "workers": "integer",
    "neuroncores": "integer",
    "compile_cache_dir": "string",
    "smoke": "boolean",
    "instance_type": "string",
    "visible_cores": "string",
}

#: ``# ja: text`` / ``# en: text`` comment lines of code cells.
BILINGUAL_COMMENT = re.compile(r"^(?P<indent>[ \t]*)# (?P<lang>ja|en):(?: (?P<text>.*))?$")

#: ``{{ name }}`` placeholders in Markdown.
PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*\}\}")

ParameterType = Literal["boolean", "integer", "number", "string", "integer_list"]
Origin = Literal["builtin", "admin"]


class TemplateError(ValueError):
    """A template file that cannot be used; ``errors`` lists every reason."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = list(errors)


def join_text(text: str | Sequence[str]) -> str:
    """A text field (string or list of lines) as one string."""
    if isinstance(text, str):
        return text
    lines = list(text)
    if not lines:
        return ""
    body = [line if line.endswith("\n") else line + "\n" for line in lines[:-1]]
    return "".join(body) + lines[-1]


def localized(value: Mapping[str, Any], lang: Lang) -> str:
    """The ``lang`` text of a ``{"ja": ..., "en": ...}`` field."""
    return join_text(value[lang])


@dataclass(frozen=True)
class Parameter:
    """One template parameter; the notebook variable is ``name.upper()``."""

    name: str
    type: ParameterType
    default: Any
    label: Mapping[str, str]
    description: Mapping[str, str]
    smoke_default: Any = None
    has_smoke_default: bool = False
    derive: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] | None = None
    advanced: bool = False

    @property
    def variable(self) -> str:
        """The Python variable holding the value in the notebook."""
        return self.name.upper()


@dataclass(frozen=True)
class Cell:
    """One cell of a step: Markdown (always bilingual) or code."""

    cell_type: Literal["code", "markdown"]
    source: str | Mapping[str, str]

    def text(self, lang: Lang) -> str:
        """The cell's source in ``lang`` (bilingual comments resolved for code)."""
        if isinstance(self.source, Mapping):
            return self.source[lang]
        return resolve_bilingual_comments(self.source, lang)


@dataclass(frozen=True)
class Step:
    """One step of a template: title, explanation and cells."""

    id: str
    title: Mapping[str, str]
    explanation: Mapping[str, str]
    cells: tuple[Cell, ...]
    neuron_only: bool = False
    duration_minutes: Mapping[str, float] | None = None
    duration_note: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Template:
    """A validated template."""

    id: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    target_instances: tuple[str, ...]
    sdk_generation: str
    sdk_note: Mapping[str, str]
    parameters: tuple[Parameter, ...]
    steps: tuple[Step, ...]
    origin: Origin = "builtin"
    path: str | None = None

    @property
    def languages(self) -> tuple[Lang, ...]:
        """The languages the template is written in (always both)."""
        return ("ja", "en")

    def parameter(self, name: str) -> Parameter | None:
        """The parameter called ``name``, if any."""
        return next((p for p in self.parameters if p.name == name), None)

    def step(self, step_id: str) -> Step | None:
        """The step called ``step_id``, if any."""
        return next((s for s in self.steps if s.id == step_id), None)

    def derived(self, derive: str) -> Parameter | None:
        """The parameter derived as ``derive`` (e.g. ``"smoke"``), if any."""
        return next((p for p in self.parameters if p.derive == derive), None)


def resolve_bilingual_comments(source: str, lang: Lang) -> str:
    """Keep the ``# <lang>:`` comment lines of ``lang`` (as plain comments), drop the others."""
    kept: list[str] = []
    for line in source.split("\n"):
        match = BILINGUAL_COMMENT.match(line)
        if match is None:
            kept.append(line)
        elif match["lang"] == lang:
            text = match["text"] or ""
            kept.append(f"{match['indent']}# {text}".rstrip())
    return "\n".join(kept)


@lru_cache(maxsize=1)
def _validator() -> Any:
    # jsonschema comes with jupyter_server (through jupyter_events).
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _schema_errors(document: Any) -> list[str]:
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    messages = []
    for error in errors:
        where = "/".join(str(part) for part in error.absolute_path) or "(root)"
        messages.append(f"{where}: {_short(error.message)}")
    return messages


def _short(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


def value_matches_type(value: Any, kind: str) -> bool:
    """Whether ``value`` is a JSON value of parameter type ``kind``."""
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return (
            isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        )
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer_list":
        return isinstance(value, list) and all(
            isinstance(item, int) and not isinstance(item, bool) for item in value
        )
    return False


def _check_value(raw: Mapping[str, Any], key: str, where: str) -> list[str]:
    kind = raw["type"]
    value = raw[key]
    if not value_matches_type(value, kind):
        return [f"{where}: {key} {value!r} is not of type {kind}"]
    errors = []
    numbers = value if kind == "integer_list" else [value] if kind in ("integer", "number") else []
    for number in numbers:
        if "minimum" in raw and number < raw["minimum"]:
            errors.append(f"{where}: {key} {number!r} is below the minimum {raw['minimum']}")
        if "maximum" in raw and number > raw["maximum"]:
            errors.append(f"{where}: {key} {number!r} is above the maximum {raw['maximum']}")
    if "choices" in raw and value not in raw["choices"]:
        errors.append(f"{where}: {key} {value!r} is not one of the choices")
    return errors


def _semantic_errors(document: Mapping[str, Any]) -> list[str]:
    errors: list[str] = []
    names: set[str] = set()
    derivations: set[str] = set()
    for index, raw in enumerate(document["parameters"]):
        where = f"parameters/{index} ({raw['name']})"
        if raw["name"] in names:
            errors.append(f"{where}: duplicate parameter name")
        names.add(raw["name"])
        variable = raw["name"].upper()
        if keyword.iskeyword(raw["name"]) or variable in RESERVED_VARIABLES:
            errors.append(f"{where}: the name is reserved")
        errors += _check_value(raw, "default", where)
        if "smoke_default" in raw:
            errors += _check_value(raw, "smoke_default", where)
        for choice in raw.get("choices", []):
            if not value_matches_type(choice, raw["type"]):
                errors.append(f"{where}: choice {choice!r} is not of type {raw['type']}")
        derive = raw.get("derive")
        if derive:
            if _DERIVE_TYPES[derive] != raw["type"]:
                errors.append(f"{where}: derive {derive} needs type {_DERIVE_TYPES[derive]}")
            if derive in derivations:
                errors.append(f"{where}: derive {derive} is used twice")
            derivations.add(derive)

    step_ids: set[str] = set()
    for index, step in enumerate(document["steps"]):
        where = f"steps/{index} ({step['id']})"
        if step["id"] in step_ids:
            errors.append(f"{where}: duplicate step id")
        step_ids.add(step["id"])
        markdown = [step["explanation"]] + [
            cell["source"] for cell in step["cells"] if cell["cell_type"] == "markdown"
        ]
        for text in markdown:
            for lang in ("ja", "en"):
                for name in PLACEHOLDER.findall(join_text(text[lang])):
                    if name not in names:
                        errors.append(f"{where}: unknown placeholder {{{{{name}}}}} ({lang})")
        for cell_index, cell in enumerate(step["cells"]):
            if cell["cell_type"] == "code" and not isinstance(cell["source"], Mapping):
                counts = {"ja": 0, "en": 0}
                for line in join_text(cell["source"]).split("\n"):
                    match = BILINGUAL_COMMENT.match(line)
                    if match:
                        counts[match["lang"]] += 1
                if counts["ja"] != counts["en"]:
                    errors.append(
                        f"{where}/cells/{cell_index}: {counts['ja']} '# ja:' comment lines but "
                        f"{counts['en']} '# en:' lines"
                    )
    for lang in ("ja", "en"):
        for text in (document["description"], document["sdk"]["note"]):
            for name in PLACEHOLDER.findall(join_text(text[lang])):
                if name not in names:
                    errors.append(f"description: unknown placeholder {{{{{name}}}}} ({lang})")
    return errors


def validate_document(document: Any) -> list[str]:
    """Every reason ``document`` is not a valid template (empty when it is)."""
    errors = _schema_errors(document)
    if errors:
        return errors
    return _semantic_errors(document)


def _localized_texts(value: Mapping[str, Any]) -> dict[str, str]:
    return {lang: join_text(value[lang]) for lang in ("ja", "en")}


def parse_template(
    document: Any, *, origin: Origin = "builtin", path: str | None = None
) -> Template:
    """Validate ``document`` and build the :class:`Template`.

    Raises:
        TemplateError: with every problem found.
    """
    errors = validate_document(document)
    if errors:
        raise TemplateError(errors)
    parameters = tuple(
        Parameter(
            name=raw["name"],
            type=raw["type"],
            default=raw["default"],
            label=dict(raw["label"]),
            description=dict(raw["description"]),
            smoke_default=raw.get("smoke_default"),
            has_smoke_default="smoke_default" in raw,
            derive=raw.get("derive"),
            minimum=raw.get("minimum"),
            maximum=raw.get("maximum"),
            choices=tuple(raw["choices"]) if "choices" in raw else None,
            advanced=bool(raw.get("advanced", False)),
        )
        for raw in document["parameters"]
    )
    steps = []
    for raw in document["steps"]:
        cells = tuple(
            Cell(
                cell_type=cell["cell_type"],
                source=_localized_texts(cell["source"])
                if isinstance(cell["source"], Mapping)
                else join_text(cell["source"]),
            )
            for cell in raw["cells"]
        )
        duration = raw.get("duration") or {}
        steps.append(
            Step(
                id=raw["id"],
                title=dict(raw["title"]),
                explanation=_localized_texts(raw["explanation"]),
                cells=cells,
                neuron_only=bool(raw.get("neuron_only", False)),
                duration_minutes=dict(duration["minutes"]) if duration else None,
                duration_note=dict(duration["note"]) if duration.get("note") else None,
            )
        )
    return Template(
        id=document["id"],
        title=dict(document["title"]),
        description=_localized_texts(document["description"]),
        target_instances=tuple(document["target_instances"]),
        sdk_generation=document["sdk"]["generation"],
        sdk_note=_localized_texts(document["sdk"]["note"]),
        parameters=parameters,
        steps=tuple(steps),
        origin=origin,
        path=path,
    )


def load_template_file(path: str | Path, *, origin: Origin = "builtin") -> Template:
    """Read and validate one template file.

    Raises:
        TemplateError: the file cannot be read, is not JSON, or is not a valid template.
    """
    file = Path(path)
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_TEMPLATE_FILE_BYTES + 1)
        if len(raw) > MAX_TEMPLATE_FILE_BYTES:
            raise TemplateError([f"the file is larger than {MAX_TEMPLATE_FILE_BYTES} bytes"])
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError([f"cannot read the file: {error}"]) from None
    del raw
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise TemplateError([f"not valid JSON: {error}"]) from None
    except RecursionError:
        raise TemplateError([_TOO_DEEP]) from None
    if nesting_exceeds(document):
        raise TemplateError([_TOO_DEEP])
    return parse_template(document, origin=origin, path=str(file))
