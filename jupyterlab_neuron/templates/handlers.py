"""HTTP face of the templates capability (thin: the work is in ``service``).

Routes, under ``<base_url>/jupyterlab-neuron/``:

- ``GET templates``: the list and the problems of bad administrator templates.
- ``GET templates/<id>[?lang=ja|en&instance=TYPE]``: one template with its
  parameters resolved for the detected (or simulated) environment.
- ``POST templates/<id>/render``: cells or a notebook for the given parameters.

Payloads: docs/templates-api.md.
"""

from __future__ import annotations

from typing import Any

import anyio
from jupyter_server.auth.decorator import authorized
from tornado import web

from neuron_kernel_helpers.i18n import Lang, resolve_lang

from ..context import ExtensionContext, Route
from ..http import MESSAGES, NeuronAPIHandler, parse_json, run_in_thread
from ..untrusted import echo
from .format import TemplateError
from .parameters import (
    EnvironmentFacts,
    ParameterError,
    facts_for_instance,
    facts_from_report,
    no_environment,
)
from .service import BadRenderRequest, TemplateNotFound, TemplateService, parse_render_request

_ID = r"(?P<template_id>[a-z0-9][a-z0-9-]{0,62})"


class TemplatesBaseHandler(NeuronAPIHandler):
    """Shared plumbing: the service, the language, the environment facts."""

    def initialize(self, service: TemplateService, context: ExtensionContext | None = None) -> None:
        """Receive the templates service and the extension context (for the environment)."""
        self.service = service
        self.context = context

    def request_lang(self, explicit: str | None = None) -> Lang:
        """``?lang=`` (or the body's ``lang``) when given, else ``Accept-Language``."""
        value = explicit if explicit is not None else self.get_query_argument("lang", None)
        if not value:
            return self.lang
        try:
            return resolve_lang(value)
        except ValueError as error:
            message = echo(str(error), 200)
        raise web.HTTPError(400, message)

    async def environment_facts(self, instance: str | None) -> EnvironmentFacts:
        """Facts for ``instance`` when named, else from the environment service's report."""
        if instance:
            try:
                return facts_for_instance(instance)
            except ValueError as error:
                message = echo(str(error), 400)
            raise web.HTTPError(400, message)
        environment = self.context.environment if self.context is not None else None
        if environment is None:
            return no_environment()
        report = await anyio.to_thread.run_sync(environment.report)
        return facts_from_report(report.to_dict(self.lang))


class TemplateListHandler(TemplatesBaseHandler):
    """``GET templates``."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply ``{"templates": [...], "problems": [...]}``."""
        lang = self.request_lang()
        payload = await anyio.to_thread.run_sync(self.service.list_templates, lang)
        self.write_json(payload)


class TemplateHandler(TemplatesBaseHandler):
    """``GET templates/<id>``."""

    @web.authenticated
    @authorized
    async def get(self, template_id: str) -> None:
        """Reply with the template and its parameters resolved for the environment."""
        lang = self.request_lang()
        params = self._query_params()
        facts = await self.environment_facts(self.get_query_argument("instance", None))
        try:
            payload = await run_in_thread(
                lambda: self.service.describe(template_id, facts, lang=lang, params=params)
            )
        except TemplateNotFound as error:
            status, message = 404, echo(str(error), 300)
        except ParameterError as error:
            status, message = 400, echo(str(error), 1000)
        else:
            self.write_json(payload)
            return
        raise web.HTTPError(status, message)

    def _query_params(self) -> dict[str, Any]:
        """``?params={"smoke": true}``: values the form already holds (JSON object)."""
        raw = self.get_query_argument("params", None)
        if not raw:
            return {}
        params, problem = parse_json(raw)
        if problem is not None:
            raise web.HTTPError(400, problem.message(self.lang, "params"))
        if not isinstance(params, dict):
            raise web.HTTPError(400, MESSAGES("params.not_object", self.lang))
        return params


class TemplateRenderHandler(TemplatesBaseHandler):
    """``POST templates/<id>/render``."""

    #: Parameter values and options: a few kilobytes in practice.
    max_body_bytes = 256 * 1024

    @web.authenticated
    @authorized
    async def post(self, template_id: str) -> None:
        """Reply with the rendered cells (or notebook) for the posted parameters."""
        body = await self.read_json()
        lang = self.request_lang(body.get("lang") if isinstance(body, dict) else None)
        try:
            options = parse_render_request(body, lang)
        except BadRenderRequest as error:
            raise web.HTTPError(400, str(error)) from None
        facts = await self.environment_facts(options.pop("instance"))
        try:
            payload = await run_in_thread(
                lambda: self.service.render(template_id, facts, lang=lang, **options)
            )
        except TemplateNotFound as error:
            status, message = 404, echo(str(error), 300)
        except ParameterError as error:
            status, message = 400, echo(str(error), 1000)
        except TemplateError as error:  # pragma: no cover - a file changed mid-request
            status, message = 500, str(error)
        else:
            self.write_json(payload)
            return
        raise web.HTTPError(status, message)


def setup(context: ExtensionContext) -> list[Route]:
    """Create the templates service, store it as ``context.templates``, return the routes."""
    service = TemplateService.with_default_sources(list(context.settings.template_dirs))
    context.templates = service
    kwargs = {"service": service, "context": context}
    return [
        ("templates", TemplateListHandler, kwargs),
        (f"templates/{_ID}", TemplateHandler, kwargs),
        (f"templates/{_ID}/render", TemplateRenderHandler, kwargs),
    ]
