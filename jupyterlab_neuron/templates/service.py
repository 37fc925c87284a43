"""The templates service: the JSON payloads shared by the server and the CLI.

Pure Python. The handlers run these methods in a worker thread (they read
template files) and map the exceptions to HTTP statuses:
:class:`TemplateNotFound` / :class:`StepNotFound` -> 404,
:class:`~.parameters.ParameterError` and :class:`BadRenderRequest` -> 400.
The payload shapes are documented in ``docs/templates-api.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from neuron_kernel_helpers.i18n import Lang, Messages

from ..untrusted import echo
from .catalogue import TemplateCatalogue, default_sources
from .format import Template
from .parameters import EnvironmentFacts, resolve_parameters
from .rendering import (
    HelpersLocation,
    explanation_source,
    fill_placeholders,
    installed_helpers,
    notebook_metadata,
    parameters_used,
    render_cells,
    render_notebook,
    smoke_enabled,
    step_dependencies,
)

OutputFormat = Literal["cells", "notebook"]

MESSAGES = Messages(
    {
        "not_found": {
            "ja": "テンプレート「{template_id}」は見つかりません。",
            "en": "There is no template '{template_id}'.",
        },
        "step_not_found": {
            "ja": "テンプレート「{template_id}」にステップ「{step_id}」はありません。",
            "en": "The template '{template_id}' has no step '{step_id}'.",
        },
        "bad_field": {
            "ja": "リクエストの {field} が正しくありません: {detail}",
            "en": "Invalid {field} in the request: {detail}",
        },
        "not_target": {
            "ja": (
                "このテンプレートは {targets} 向けです。{instance} でも動く可能性はありますが、"
                "確認されていません。"
            ),
            "en": (
                "This template is written for {targets}. It may work on {instance}, but that "
                "has not been checked."
            ),
        },
        "busy": {
            "ja": (
                "プロセス {pid}（{command}）がデバイス {device} の NeuronCore を使用中です。"
                "学習を始める前に停止してください。"
            ),
            "en": (
                "Process {pid} ({command}) is using the NeuronCores of device {device}. Stop it "
                "before training."
            ),
        },
    }
)


class TemplateNotFound(KeyError):
    """No usable template has this id."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class StepNotFound(TemplateNotFound):
    """The template has no step with this id."""


class BadRenderRequest(ValueError):
    """A render request whose fields have the wrong shape."""


class TemplateService:
    """Lists, describes and renders templates."""

    def __init__(
        self,
        catalogue: TemplateCatalogue,
        *,
        extension_version: str,
        helpers: HelpersLocation | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.extension_version = extension_version
        self.helpers = helpers or installed_helpers()

    @classmethod
    def with_default_sources(
        cls, extra_dirs: list[str] | tuple[str, ...] = (), **options: Any
    ) -> TemplateService:
        """A service over the shipped templates, ``extra_dirs`` and the Jupyter data dirs."""
        if "extension_version" not in options:
            from .. import __version__

            options["extension_version"] = __version__
        return cls(TemplateCatalogue(default_sources(extra_dirs)), **options)

    def template(self, template_id: str, lang: Lang) -> Template:
        """One usable template.

        Raises:
            TemplateNotFound: no usable template has this id.
        """
        template = self.catalogue.get(template_id)
        if template is None:
            raise TemplateNotFound(MESSAGES("not_found", lang, template_id=template_id))
        return template

    def list_templates(self, lang: Lang) -> dict[str, Any]:
        """``{"templates": [summary...], "problems": [...]}``."""
        snapshot = self.catalogue.snapshot()
        return {
            "templates": [self._summary(t, lang) for t in snapshot.templates.values()],
            "problems": [problem.to_json(lang) for problem in snapshot.problems],
        }

    def _summary(self, template: Template, lang: Lang) -> dict[str, Any]:
        return {
            "id": template.id,
            "title": template.title[lang],
            "description": template.description[lang],
            "languages": list(template.languages),
            "target_instances": list(template.target_instances),
            "sdk": {"generation": template.sdk_generation, "note": template.sdk_note[lang]},
            "origin": template.origin,
            "steps": [{"id": step.id, "title": step.title[lang]} for step in template.steps],
        }

    def _warnings(self, template: Template, facts: EnvironmentFacts, lang: Lang) -> list[str]:
        warnings = []
        if facts.instance_type and facts.instance_type not in template.target_instances:
            warnings.append(
                MESSAGES(
                    "not_target",
                    lang,
                    targets=", ".join(template.target_instances),
                    instance=facts.instance_type,
                )
            )
        for process in facts.busy_processes:
            warnings.append(
                MESSAGES(
                    "busy",
                    lang,
                    pid=process.get("pid"),
                    command=process.get("command") or "?",
                    device=process.get("device"),
                )
            )
        return warnings

    def describe(
        self,
        template_id: str,
        facts: EnvironmentFacts,
        *,
        lang: Lang,
        params: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The template with parameters resolved for ``facts``: what the form and preview need.

        Raises:
            TemplateNotFound: unknown id.
            ParameterError: ``params`` do not validate.
        """
        template = self.template(template_id, lang)
        resolved = resolve_parameters(template, facts, params, lang=lang)
        values = {name: item.value for name, item in resolved.items()}
        smoke = smoke_enabled(template, resolved)
        dependencies = step_dependencies(template, lang)
        variables = [item.spec.variable for item in resolved.values()]
        payload = self._summary(template, lang)
        payload["description"] = fill_placeholders(template.description[lang], values)
        payload.update(
            {
                "lang": lang,
                "environment": facts.to_json(lang),
                "smoke": smoke,
                "parameters": [item.to_json(lang) for item in resolved.values()],
                "steps": [
                    {
                        "id": step.id,
                        "number": number,
                        "title": step.title[lang],
                        "explanation": fill_placeholders(step.explanation[lang], values),
                        "markdown": explanation_source(step, number, lang, values, smoke),
                        "neuron_only": step.neuron_only,
                        "duration_minutes": dict(step.duration_minutes or {}),
                        "cells": 1 + len(step.cells),
                        "depends_on": dependencies[step.id],
                        "parameters": [v.lower() for v in parameters_used(step, variables, lang)],
                    }
                    for number, step in enumerate(template.steps, start=1)
                ],
                "warnings": self._warnings(template, facts, lang),
            }
        )
        return payload

    def render(
        self,
        template_id: str,
        facts: EnvironmentFacts,
        *,
        lang: Lang,
        params: Mapping[str, Any] | None = None,
        step_id: str | None = None,
        output: OutputFormat = "cells",
        include_setup: bool | None = None,
        kernel_name: str | None = None,
    ) -> dict[str, Any]:
        """Render the template (or one step) as cells or as a notebook.

        ``include_setup`` defaults to True: a whole template gets its title,
        parameters and helpers bootstrap; one step gets the bootstrap and the
        parameters it uses. A notebook always includes the setup.

        Raises:
            TemplateNotFound / StepNotFound: unknown id.
            ParameterError: ``params`` do not validate.
        """
        template = self.template(template_id, lang)
        if step_id is not None and template.step(step_id) is None:
            raise StepNotFound(
                MESSAGES("step_not_found", lang, template_id=template_id, step_id=echo(step_id))
            )
        resolved = resolve_parameters(template, facts, params, lang=lang)
        payload: dict[str, Any] = {
            "template": template.id,
            "lang": lang,
            "step": step_id,
            "smoke": smoke_enabled(template, resolved),
            "parameters": {name: item.value for name, item in resolved.items()},
            "warnings": self._warnings(template, facts, lang),
        }
        if output == "notebook":
            payload["notebook"] = render_notebook(
                template,
                resolved,
                facts,
                lang=lang,
                helpers=self.helpers,
                extension_version=self.extension_version,
                step_id=step_id,
                kernel_name=kernel_name,
            )
        else:
            payload["cells"] = render_cells(
                template,
                resolved,
                facts,
                lang=lang,
                helpers=self.helpers,
                extension_version=self.extension_version,
                step_id=step_id,
                include_setup=True if include_setup is None else include_setup,
            )
            payload["metadata"] = notebook_metadata(
                template, resolved, facts, lang, self.extension_version
            )
        return payload


def parse_render_request(body: Any, lang: Lang) -> dict[str, Any]:
    """Check the shape of a ``POST .../render`` body and return the render options.

    Raises:
        BadRenderRequest: a field has the wrong type or value.
    """

    def bad(field: str, detail: str) -> BadRenderRequest:
        return BadRenderRequest(MESSAGES("bad_field", lang, field=field, detail=detail))

    if not isinstance(body, Mapping):
        raise bad("body", "expected a JSON object")
    params = body.get("params", {})
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise bad("params", "expected an object")
    step = body.get("step")
    if step is not None and not isinstance(step, str):
        raise bad("step", "expected a string or null")
    output = body.get("format", "cells")
    if output not in ("cells", "notebook"):
        raise bad("format", "expected 'cells' or 'notebook'")
    include_setup = body.get("include_setup")
    if include_setup is not None and not isinstance(include_setup, bool):
        raise bad("include_setup", "expected true, false or null")
    instance = body.get("instance")
    if instance is not None and not isinstance(instance, str):
        raise bad("instance", "expected a string or null")
    unknown = sorted(set(body) - {"params", "step", "format", "include_setup", "lang", "instance"})
    if unknown:
        raise bad("body", f"unknown fields {echo(', '.join(unknown))}")
    return {
        "params": dict(params),
        "step_id": step,
        "output": output,
        "include_setup": include_setup,
        "instance": instance or None,
    }
