"""HTTP face of the compile-cache capability (thin: all work is in ``service``).

Routes, under ``<base_url>/jupyterlab-neuron/`` (documented in openapi.yaml):

- ``GET  cache/roots``            roots and their states
- ``GET  cache/status``           totals per root, version and state
- ``GET  cache/entries``          one page of entries (filter, sort, page)
- ``GET  cache/entries/{id}``     one entry with its files, flags and log tail
- ``POST cache/clean``            dry run or real run of a clean
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..context import ExtensionContext, Route
from ..http import MESSAGES, NeuronAPIHandler, run_in_thread
from .actions import CleanRequest
from .errors import BadRequestError, CacheError, http_status
from .listing import EntryQuery
from .service import CacheServiceConfig, CompileCacheService

_TRUE_VALUES = frozenset({"1", "true", "yes"})

T = TypeVar("T")


class CacheHandler(NeuronAPIHandler):
    """Base of the cache handlers: the service, and core errors turned into HTTP errors."""

    def initialize(self, service: CompileCacheService) -> None:
        """Receive the service from the route table."""
        self.service = service

    def flag(self, name: str) -> bool:
        """A boolean query parameter (``1``, ``true``, ``yes``)."""
        return self.get_query_argument(name, "").strip().lower() in _TRUE_VALUES

    async def call(self, work: Callable[[], T]) -> T:
        """Run blocking file-system work off the event loop; core errors become
        ``HTTPError`` with a localized ``{"message"}``."""
        try:
            return await run_in_thread(work)
        except CacheError as error:
            status, message = http_status(error), error.message(self.lang)
        raise web.HTTPError(status, message)


class RootsHandler(CacheHandler):
    """``GET cache/roots[?refresh=1]``."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with every root and its state."""
        refresh = self.flag("refresh")
        self.write_json(await self.call(lambda: self.service.roots(self.lang, refresh=refresh)))


class StatusHandler(CacheHandler):
    """``GET cache/status[?refresh=1]``."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with totals per root, version and state (re-scanned when stale)."""
        refresh = self.flag("refresh")
        self.write_json(await self.call(lambda: self.service.status(self.lang, refresh=refresh)))


class EntriesHandler(CacheHandler):
    """``GET cache/entries?root=&version=&state=&q=&sort=&order=&offset=&limit=``."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """Reply with one page of entries."""
        params = {
            name: [value.decode("utf-8", "replace") for value in values]
            for name, values in self.request.query_arguments.items()
        }
        try:
            query = EntryQuery.from_params(params)
        except BadRequestError as error:
            raise web.HTTPError(400, error.message(self.lang)) from error
        refresh = self.flag("refresh")
        page = await self.call(lambda: self.service.list_entries(query, refresh=refresh))
        self.write_json(page)


class EntryHandler(CacheHandler):
    """``GET cache/entries/{id}``."""

    @web.authenticated
    @authorized
    async def get(self, entry_id: str) -> None:
        """Reply with the entry, its files, compile flags and (failed) log tail."""
        self.write_json(await self.call(functools.partial(self.service.entry_detail, entry_id)))


class CleanHandler(CacheHandler):
    """``POST cache/clean`` with a :class:`~.actions.CleanRequest` body plus
    ``dry_run`` (default true) and, for a real run, the dry run's ``plan_token``."""

    #: Room for the ids of thousands of chosen entries.
    max_body_bytes = 1024 * 1024

    @web.authenticated
    @authorized
    async def post(self) -> None:
        """Reply with the plan (dry run) or what was removed (real run)."""
        body = await self.read_json()
        try:
            request = CleanRequest.from_json(body)
        except BadRequestError as error:
            raise web.HTTPError(400, error.message(self.lang)) from error
        dry_run = body.get("dry_run", True)
        token = body.get("plan_token")
        if not isinstance(dry_run, bool) or (token is not None and not isinstance(token, str)):
            raise web.HTTPError(400, MESSAGES("clean.bad_options", self.lang))
        if dry_run:
            plan = await self.call(functools.partial(self.service.plan, request))
            self.write_json(plan.to_dict(self.lang))
            return
        result = await self.call(functools.partial(self.service.clean, request, token))
        self.write_json(result.to_dict(self.lang))


def service_from_settings(
    settings: Any,
    server_app: Any,
    log: Any,
    loaded_models: Callable[[], Any] | None = None,
) -> CompileCacheService:
    """Build the service from the extension settings; ``loaded_models`` returns the
    monitor service (or ``None``) when the cache marks entries in use."""
    root_dir = getattr(server_app, "root_dir", None) if server_app is not None else None
    config = CacheServiceConfig.from_settings(settings, project_dir=root_dir)
    return CompileCacheService(config, loaded_models=loaded_models, log=log)


def setup(context: ExtensionContext) -> list[Route]:
    """Create the compile-cache service, store it as ``context.cache``, return the routes."""
    service = service_from_settings(
        context.settings, context.server_app, context.log, loaded_models=lambda: context.monitor
    )
    context.cache = service
    kwargs = {"service": service}
    return [
        ("cache/roots", RootsHandler, kwargs),
        ("cache/status", StatusHandler, kwargs),
        ("cache/entries", EntriesHandler, kwargs),
        (r"cache/entries/([^/]+)", EntryHandler, kwargs),
        ("cache/clean", CleanHandler, kwargs),
    ]
