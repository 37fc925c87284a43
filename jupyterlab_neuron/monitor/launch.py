"""How the monitor finds and starts neuron-monitor (server and CLI alike)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

from neuron_kernel_helpers.neuron_ls import find_tool

from .supervisor import MonitorCommand

#: Passed to the simulated neuron-monitor (through the tools folder's wrapper).
SCENARIO_ENV = "JUPYTERLAB_NEURON_MONITOR_SCENARIO"


def simulator_argv(instance: str, *extra: str) -> tuple[str, ...]:
    """The command running the bundled neuron-monitor simulator directly."""
    return (
        sys.executable,
        "-W",
        "ignore",
        "-m",
        "jupyterlab_neuron.simulator",
        "neuron-monitor",
        "--instance",
        instance,
        *extra,
    )


def command_resolver(
    settings: Any, environment: Any | None = None
) -> Callable[[str], MonitorCommand | None]:
    """A function ``config_path -> MonitorCommand | None`` (``None``: not installed).

    ``settings.monitor_command`` wins when set. Otherwise neuron-monitor is looked
    up like every Neuron tool: through the environment service when there is one
    (its search includes the simulator's folder when the server simulates), else
    in ``tools_path`` and PATH, else, when simulating, the simulator is run
    directly. When simulating, the scenario travels in :data:`SCENARIO_ENV`.
    """
    simulate: str = settings.simulate or ""
    env = {SCENARIO_ENV: settings.monitor_scenario} if simulate else None

    def resolve(config_path: str) -> MonitorCommand | None:
        if settings.monitor_command:
            argv = (*settings.monitor_command, "-c", config_path)
            return MonitorCommand(argv, env=env, simulated=bool(simulate))
        if environment is not None:
            path = environment.find_tool("neuron-monitor").path
        elif simulate:
            return MonitorCommand(simulator_argv(simulate, "-c", config_path), env, True)
        else:
            path = find_monitor(settings.tools_path, settings.search_system_path)
        if path is None:
            return None
        return MonitorCommand((path, "-c", config_path), env=env, simulated=bool(simulate))

    return resolve


def find_monitor(tools_path: Sequence[str], search_system_path: bool = True) -> str | None:
    """The neuron-monitor executable in ``tools_path`` (then PATH), if any."""
    return find_tool("neuron-monitor", tools_path, search_system_path=search_system_path).path
