"""The environment service: a cached, thread-safe environment report.

Pure Python: the handlers call :meth:`EnvironmentService.report` in a worker
thread, because collecting runs the Neuron tools (seconds, at worst a timeout).
Other capabilities find the tools through :meth:`EnvironmentService.find_tool`,
which includes the simulator's folder when the server simulates.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from neuron_kernel_helpers.environment import EnvironmentReport, collect_environment
from neuron_kernel_helpers.neuron_ls import DEFAULT_TOOLS_DIR, ToolLookup, find_tool

from ..simulator.tools import SimulatedToolsFolder

#: A cached report is served for at most this many seconds.
DEFAULT_MAX_AGE = 30.0


class EnvironmentSettings(Protocol):
    """The settings the service reads (see ``jupyterlab_neuron.settings``)."""

    tools_path: list[str]
    search_system_path: bool
    simulate: str
    tool_timeout: float
    packages_python: str


Collector = Callable[..., EnvironmentReport]


class EnvironmentService:
    """Collects the environment report and keeps it for ``max_age`` seconds."""

    def __init__(
        self,
        *,
        tools_path: Sequence[str] = (DEFAULT_TOOLS_DIR,),
        search_system_path: bool = True,
        timeout: float = 10.0,
        simulate: str | None = None,
        packages_python: str | None = None,
        max_age: float = DEFAULT_MAX_AGE,
        collector: Collector = collect_environment,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._tools_path = list(tools_path)
        self._search_system_path = search_system_path
        self.timeout = timeout
        self._simulator = SimulatedToolsFolder(simulate) if simulate else None
        self.packages_python = packages_python or sys.executable
        self.max_age = max_age
        self._collector = collector
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: EnvironmentReport | None = None
        self._cached_at = 0.0
        #: Counts collections, so a caller that waited knows one happened meanwhile.
        self._generation = 0

    @classmethod
    def from_settings(cls, settings: EnvironmentSettings, **options: Any) -> EnvironmentService:
        """A service configured from the extension's settings object."""
        return cls(
            tools_path=settings.tools_path,
            search_system_path=settings.search_system_path,
            timeout=settings.tool_timeout,
            simulate=settings.simulate or None,
            packages_python=getattr(settings, "packages_python", "") or None,
            **options,
        )

    @property
    def simulated_instance(self) -> str | None:
        """The simulated instance type, ``None`` when real tools are used."""
        return self._simulator.instance if self._simulator else None

    def tool_search(self) -> tuple[list[str], bool]:
        """Folders searched for Neuron tools, and whether PATH is searched after them.

        When simulating, only the simulator's folder is searched: a real tool
        found elsewhere must never be mixed into a simulated environment.
        """
        if self._simulator is not None:
            return [str(self._simulator.path)], False
        return list(self._tools_path), self._search_system_path

    def find_tool(self, name: str) -> ToolLookup:
        """Locate a Neuron tool (for example ``neuron-monitor``) the way the report does."""
        folders, search_system_path = self.tool_search()
        return find_tool(name, folders, search_system_path=search_system_path)

    def report(self, *, refresh: bool = False) -> EnvironmentReport:
        """The environment report, collected now if the cached one is too old.

        Blocks while the tools run. Concurrent callers share one collection:
        a caller that waited for another's fresh report gets that report.
        """
        generation = self._generation
        with self._lock:
            if self._cached is not None:
                age = self._clock() - self._cached_at
                collected_while_waiting = self._generation != generation
                if collected_while_waiting or (not refresh and age <= self.max_age):
                    return self._cached
            folders, search_system_path = self.tool_search()
            report = self._collector(
                tools_path=folders,
                search_system_path=search_system_path,
                timeout=self.timeout,
                packages_python=self.packages_python,
                simulated_instance=self.simulated_instance,
            )
            self._cached, self._cached_at = report, self._clock()
            self._generation += 1
            return report

    def refresh(self) -> EnvironmentReport:
        """Collect a new report now, whatever the age of the cached one."""
        return self.report(refresh=True)

    def close(self) -> None:
        """Release what the service holds (the simulator's folder)."""
        if self._simulator is not None:
            self._simulator.close()
