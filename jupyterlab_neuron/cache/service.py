"""The compile-cache service: roots, scans, listing, details and cleaning, in one place.

Used by the REST handlers and by ``jupyter neuron cache``. Thread-safe: the
handlers call it from worker threads. Scans are shared: a request within
``scan_max_age`` seconds of the last scan reuses it; re-scans are incremental.
Cleaning always works from a fresh scan (nothing remembered is trusted).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from neuron_kernel_helpers.i18n import Lang

from .actions import CacheCleaner, CleanPlan, CleanRequest, CleanResult, build_plan, check_token
from .errors import UnknownIdError
from .listing import EntryIndex, EntryQuery
from .processes import CompilerProbe
from .roots import AccessCheck, RootDiscovery, discover_roots
from .scanner import DEFAULT_TRASH_NAME, CacheSnapshot, CompileCacheScanner, entry_details

_LOG = logging.getLogger("jupyterlab_neuron.cache")


@dataclass
class CacheServiceConfig:
    """Settings of the service (from :class:`~jupyterlab_neuron.settings.JupyterLabNeuron`
    in the server, from the command line in the CLI)."""

    extra_roots: Sequence[str] = ()
    cli_roots: Sequence[str] = ()
    only_cli_roots: bool = False
    project_dir: str | None = None
    project_search_depth: int = 3
    project_search_limit: int = 2000
    trash_name: str = DEFAULT_TRASH_NAME
    scan_max_age: float = 10.0
    roots_max_age: float = 30.0
    fresh_lock_seconds: float = 60.0
    recheck_seconds: float = 300.0
    environ: Mapping[str, str] | None = None
    access: AccessCheck = field(default=os.access)

    @classmethod
    def from_settings(
        cls, settings: Any, *, project_dir: str | None, **overrides: Any
    ) -> CacheServiceConfig:
        """What the ``compile_cache_*`` settings of
        :class:`~jupyterlab_neuron.settings.JupyterLabNeuron` say (the server's and the
        CLI's); per-project caches are searched below ``project_dir`` when that is on."""
        return cls(
            extra_roots=list(settings.compile_cache_roots),
            project_dir=project_dir if settings.compile_cache_project_search else None,
            project_search_depth=settings.compile_cache_project_search_depth,
            project_search_limit=settings.compile_cache_project_search_limit,
            trash_name=settings.compile_cache_trash_name,
            scan_max_age=settings.compile_cache_scan_max_age,
            fresh_lock_seconds=settings.compile_cache_fresh_lock_seconds,
            **overrides,
        )


class CompileCacheService:
    """Everything the REST API and the CLI do with compile caches.

    Args:
        config: roots and timing settings.
        compiler_probe: tells whether a Neuron compiler runs (psutil by default).
        loaded_models: returns the monitor service (or anything with
            ``loaded_model_paths()``), or ``None`` when no monitor is available.
        log: where actions are logged.
        clock: wall-clock time source.
    """

    def __init__(
        self,
        config: CacheServiceConfig | None = None,
        *,
        compiler_probe: CompilerProbe | None = None,
        loaded_models: Callable[[], Any] | None = None,
        log: logging.Logger | logging.LoggerAdapter[Any] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config or CacheServiceConfig()
        self.log = log or _LOG
        self.clock = clock
        self.scanner = CompileCacheScanner(
            compiler_probe=compiler_probe,
            clock=clock,
            fresh_lock_seconds=self.config.fresh_lock_seconds,
            recheck_seconds=self.config.recheck_seconds,
            trash_name=self.config.trash_name,
        )
        self.cleaner = CacheCleaner(trash_name=self.config.trash_name, log=self.log, clock=clock)
        self._loaded_models = loaded_models
        self._scan_lock = threading.RLock()
        self._action_lock = threading.Lock()
        self._discovery: RootDiscovery | None = None
        self._discovered_at = 0.0
        self._snapshot: CacheSnapshot | None = None
        self._index: EntryIndex | None = None

    # -- roots and scans ------------------------------------------------------------

    def discover(self, *, refresh: bool = False) -> RootDiscovery:
        """The roots (re-discovered when older than ``roots_max_age`` or asked to)."""
        with self._scan_lock:
            now = time.monotonic()
            if (
                refresh
                or self._discovery is None
                or now - self._discovered_at > self.config.roots_max_age
            ):
                config = self.config
                self._discovery = discover_roots(
                    environ=config.environ,
                    extra_roots=config.extra_roots,
                    project_dir=config.project_dir,
                    project_search_depth=config.project_search_depth,
                    project_search_limit=config.project_search_limit,
                    cli_roots=config.cli_roots,
                    only_cli_roots=config.only_cli_roots,
                    access=config.access,
                )
                self._discovered_at = now
            return self._discovery

    def _loaded_model_paths(self) -> set[str] | None:
        """Model paths from the monitor, or ``None`` when it is not there or fails."""
        if self._loaded_models is None:
            return None
        try:
            source = self._loaded_models()
            if source is None or not hasattr(source, "loaded_model_paths"):
                return None
            return set(source.loaded_model_paths())
        except Exception as error:  # the monitor is optional: never fail a scan for it
            self.log.debug("compile cache: monitor gave no loaded models: %s", error)
            return None

    def snapshot(self, *, refresh: bool = False) -> CacheSnapshot:
        """The latest scan, re-scanned (incrementally) when stale or asked to."""
        with self._scan_lock:
            snapshot = self._snapshot
            if (
                refresh
                or snapshot is None
                or self.clock() - snapshot.scanned_at > self.config.scan_max_age
            ):
                snapshot = self._scan(refresh_roots=refresh)
            return snapshot

    def _scan(self, *, refresh_roots: bool = False, fresh: bool = False) -> CacheSnapshot:
        discovery = self.discover(refresh=refresh_roots or fresh)
        snapshot = self.scanner.scan(
            discovery.roots, loaded_model_paths=self._loaded_model_paths(), fresh=fresh
        )
        self._snapshot = snapshot
        self._index = EntryIndex(snapshot)
        return snapshot

    # -- what the API shows ------------------------------------------------------------

    def roots(self, lang: Lang, *, refresh: bool = False) -> dict[str, Any]:
        """JSON of ``GET cache/roots``."""
        discovery = self.discover(refresh=refresh)
        return {
            "roots": [root.to_dict(lang) for root in discovery.roots],
            "project_search": discovery.project_search.to_dict(),
            "trash_name": self.config.trash_name,
        }

    def status(self, lang: Lang, *, refresh: bool = False) -> dict[str, Any]:
        """JSON of ``GET cache/status``."""
        data = self.snapshot(refresh=refresh).to_dict(lang)
        data["project_search"] = self.discover().project_search.to_dict()
        return data

    def list_entries(self, query: EntryQuery, *, refresh: bool = False) -> dict[str, Any]:
        """JSON of ``GET cache/entries``: one page of the filtered, sorted entries."""
        with self._scan_lock:
            self.snapshot(refresh=refresh)
            index = self._index
        assert index is not None
        return index.page(query)

    def entry_detail(self, entry_id: str) -> dict[str, Any]:
        """JSON of ``GET cache/entries/{id}`` (files, flags, log tail read now)."""
        snapshot = self.snapshot()
        entry = snapshot.by_id.get(entry_id)
        if entry is None:
            entry = self.snapshot(refresh=True).by_id.get(entry_id)  # maybe it is new
        if entry is None:
            raise UnknownIdError("error.unknown_entry", id=entry_id)
        return entry_details(entry)

    # -- cleaning ---------------------------------------------------------------------------

    def plan(self, request: CleanRequest) -> CleanPlan:
        """A dry run: exactly what ``request`` would remove now (from a fresh scan)."""
        with self._action_lock, self._scan_lock:
            return build_plan(self._scan(fresh=True), request)

    def clean(self, request: CleanRequest, plan_token: str | None) -> CleanResult:
        """The real run: remove exactly the dry run's list, or raise a conflict.

        The plan is rebuilt from a fresh scan and must have the dry run's token;
        leftovers of earlier runs are removed from the trash first.
        """
        with self._action_lock:
            with self._scan_lock:
                discovery = self.discover(refresh=True)
                self.cleaner.clean_leftovers(discovery.roots)
                plan = build_plan(self._scan(fresh=True), request)
            check_token(plan, plan_token)
            try:
                return self.cleaner.run(plan)
            finally:
                with self._scan_lock:
                    self._scan()  # show the result at once
