"""Finding, running and reading ``neuron-ls``.

``neuron-ls -j`` prints one JSON object per Neuron device; the table form
(plain ``neuron-ls``) starts with ``instance-type:`` / ``instance-id:`` lines.
Every way this can go wrong is a state of :class:`NeuronLsResult`, never an
exception, following these rules:

- not found in any searched folder, or exit status 127 -> ``tools_not_found``
- exit status 1 with empty stdout, or an empty list -> ``no_device``
- no answer before the timeout -> ``tool_error`` / ``timeout`` (child killed)
- any other non-zero exit status -> ``tool_error`` / ``exit_status``
- output that is not JSON, or not a list of objects -> ``tool_error`` / ``malformed_output``
- the executable exists but cannot start -> ``tool_error`` / ``launch_failed``
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .command_runner import CommandResult, run_command

#: Where the Neuron tools are installed on the Deep Learning AMIs.
DEFAULT_TOOLS_DIR = "/opt/aws/neuron/bin"

#: How the system PATH appears in the list of searched places.
SYSTEM_PATH_MARKER = "$PATH"

NEURON_LS = "neuron-ls"
NEURON_MONITOR = "neuron-monitor"

State = Literal["ok", "tools_not_found", "no_device", "tool_error"]
ErrorCode = Literal[
    "tools_not_found", "no_device", "exit_status", "timeout", "malformed_output", "launch_failed"
]

#: The shell's "command not found" exit status.
EXIT_COMMAND_NOT_FOUND = 127


class MalformedOutput(ValueError):
    """neuron-ls printed something that is not the expected JSON shape."""


@dataclass(frozen=True)
class ToolLookup:
    """Where a tool was looked for and where (if anywhere) it was found."""

    name: str
    path: str | None
    searched: tuple[str, ...]


@dataclass(frozen=True)
class NeuronProcess:
    """A process holding NeuronCores of a device."""

    pid: int | None
    command: str | None
    runtime_version: str | None


@dataclass(frozen=True)
class NeuronDevice:
    """One Neuron device as ``neuron-ls -j`` describes it."""

    index: int
    neuroncore_ids: tuple[int, ...]
    nc_count: int
    memory_bytes: int | None
    bdf: str | None
    numa_node: str | None
    cpu_affinity: str | None
    connected_to: tuple[int, ...] | None
    logical_neuroncore_config: int | None
    processes: tuple[NeuronProcess, ...] = ()


@dataclass(frozen=True)
class InstanceHeader:
    """The header facts of the table form of ``neuron-ls``."""

    instance_type: str | None = None
    instance_id: str | None = None
    #: The simulator marks its table; real tools never print this line.
    simulated: bool = False


@dataclass(frozen=True)
class NeuronLsResult:
    """The outcome of reading ``neuron-ls``: a state, devices, or an error."""

    state: State
    tool: ToolLookup
    devices: tuple[NeuronDevice, ...] = ()
    error_code: ErrorCode | None = None
    #: stderr tail or parse error, for people debugging the tools.
    detail: str | None = None
    exit_status: int | None = None
    header: InstanceHeader = field(default_factory=InstanceHeader)


# --- finding the tool --------------------------------------------------------


def find_tool(
    name: str,
    tools_path: Sequence[str] = (DEFAULT_TOOLS_DIR,),
    *,
    search_system_path: bool = True,
    environ: Mapping[str, str] | None = None,
) -> ToolLookup:
    """Look for the executable ``name`` in ``tools_path`` (in order), then on PATH.

    The Neuron folder is on PATH only through the AMI's login scripts, which a
    Jupyter server started by systemd or a tunnel never runs: hence the
    explicit folders first.
    """
    env = os.environ if environ is None else environ
    searched = [str(folder) for folder in tools_path]
    for folder in searched:
        candidate = Path(folder).expanduser() / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return ToolLookup(name, str(candidate), _searched(searched, search_system_path))
    if search_system_path:
        found = shutil.which(name, path=env.get("PATH", os.defpath))
        if found:
            return ToolLookup(name, found, _searched(searched, True))
    return ToolLookup(name, None, _searched(searched, search_system_path))


def _searched(folders: list[str], search_system_path: bool) -> tuple[str, ...]:
    return (*folders, SYSTEM_PATH_MARKER) if search_system_path else tuple(folders)


# --- parsing -------------------------------------------------------------------


def _optional_int(value: Any, key: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise MalformedOutput(f"{key} is a boolean, expected a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise MalformedOutput(f"{key} is {value!r}, expected a number")


def _optional_text(value: Any, key: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise MalformedOutput(f"{key} is {value!r}, expected text")
    return str(value)


def _int_list(value: Any, key: str) -> tuple[int, ...] | None:
    """A list of ints; also accepts the table's ``"12, 3, 4, 1"`` spelling."""
    if value is None:
        return None
    if isinstance(value, str):
        parts = [part for part in re.split(r"[,\s]+", value.strip()) if part]
        return tuple(_optional_int(part, key) or 0 for part in parts)
    if isinstance(value, list):
        items = [_optional_int(item, key) for item in value]
        return tuple(item for item in items if item is not None)
    raise MalformedOutput(f"{key} is {value!r}, expected a list of numbers")


def _parse_process(raw: Any) -> NeuronProcess:
    if not isinstance(raw, dict):
        raise MalformedOutput(f"a neuron_processes entry is {type(raw).__name__}, expected object")
    return NeuronProcess(
        pid=_optional_int(raw.get("pid"), "pid"),
        command=_optional_text(raw.get("command"), "command"),
        runtime_version=_optional_text(raw.get("neuron_runtime_version"), "neuron_runtime_version"),
    )


def _parse_device(raw: Any, position: int, first_core: int) -> NeuronDevice:
    if not isinstance(raw, dict):
        raise MalformedOutput(f"device entry {position} is {type(raw).__name__}, expected object")
    index = _optional_int(raw.get("neuron_device"), "neuron_device")
    core_ids = _int_list(raw.get("neuroncore_ids"), "neuroncore_ids")
    nc_count = _optional_int(raw.get("nc_count"), "nc_count")
    if core_ids is None:
        # Older tools print only the count. Global core index is
        # device * cores per device + core; without an index, follow the list.
        start = first_core if index is None else index * (nc_count or 0)
        core_ids = tuple(range(start, start + (nc_count or 0)))
    if nc_count is None:
        nc_count = len(core_ids)
    processes_raw = raw.get("neuron_processes") or []
    if not isinstance(processes_raw, list):
        raise MalformedOutput("neuron_processes is not a list")
    return NeuronDevice(
        index=position if index is None else index,
        neuroncore_ids=core_ids,
        nc_count=nc_count,
        memory_bytes=_optional_int(raw.get("memory_size"), "memory_size"),
        bdf=_optional_text(raw.get("bdf"), "bdf"),
        numa_node=_optional_text(raw.get("numa_node"), "numa_node"),
        cpu_affinity=_optional_text(raw.get("cpu_affinity"), "cpu_affinity"),
        connected_to=_int_list(raw.get("connected_to"), "connected_to"),
        logical_neuroncore_config=_optional_int(
            raw.get("logical_neuroncore_config"), "logical_neuroncore_config"
        ),
        processes=tuple(_parse_process(item) for item in processes_raw),
    )


def _load_json_array(text: str) -> Any:
    """The JSON document in ``text``, tolerating log lines printed before it."""
    stripped = text.strip()
    try:
        return json.loads(stripped)
    except ValueError as first_error:
        # Some tool versions print a warning line before the JSON: start at the
        # first line that opens an array.
        match = re.search(r"^\s*\[", stripped, flags=re.MULTILINE)
        if match and match.start() > 0:
            try:
                return json.JSONDecoder().raw_decode(stripped[match.start() :].lstrip())[0]
            except ValueError:
                pass
        raise MalformedOutput(f"not JSON: {first_error}") from first_error


def parse_devices_json(text: str) -> tuple[NeuronDevice, ...]:
    """Parse ``neuron-ls -j`` output into devices, ordered by device index.

    Raises:
        MalformedOutput: not JSON, or not a list of device objects.
    """
    document = _load_json_array(text)
    if not isinstance(document, list):
        raise MalformedOutput(f"expected a JSON list of devices, got {type(document).__name__}")
    devices: list[NeuronDevice] = []
    next_core = 0
    for position, raw in enumerate(document):
        device = _parse_device(raw, position, next_core)
        devices.append(device)
        next_core = max((*device.neuroncore_ids, next_core - 1)) + 1
    return tuple(sorted(devices, key=lambda device: device.index))


_HEADER_LINE = re.compile(r"^\s*(instance-type|instance-id|simulated)\s*:\s*(\S+)", re.MULTILINE)


def parse_instance_header(text: str) -> InstanceHeader:
    """Read ``instance-type:`` / ``instance-id:`` from the table form of neuron-ls."""
    values: dict[str, str] = {}
    for match in _HEADER_LINE.finditer(text):
        values.setdefault(match.group(1), match.group(2))
    return InstanceHeader(
        instance_type=values.get("instance-type"),
        instance_id=values.get("instance-id"),
        simulated=values.get("simulated", "").lower() in {"yes", "true"},
    )


# --- running -----------------------------------------------------------------------


def _classify(run: CommandResult, tool: ToolLookup) -> NeuronLsResult:
    """Apply the state rules to one ``neuron-ls -j`` run."""
    if run.not_found or run.exit_status == EXIT_COMMAND_NOT_FOUND:
        return NeuronLsResult(
            "tools_not_found",
            tool,
            error_code="tools_not_found",
            detail=run.stderr_tail or run.launch_error,
            exit_status=run.exit_status,
        )
    if run.launch_error is not None:
        return NeuronLsResult(
            "tool_error", tool, error_code="launch_failed", detail=run.launch_error
        )
    if run.timed_out:
        return NeuronLsResult(
            "tool_error", tool, error_code="timeout", detail=run.stderr_tail or None
        )
    if run.exit_status == 1 and not run.stdout.strip():
        return NeuronLsResult(
            "no_device", tool, error_code="no_device", detail=run.stderr_tail, exit_status=1
        )
    if run.exit_status != 0:
        return NeuronLsResult(
            "tool_error",
            tool,
            error_code="exit_status",
            detail=run.stderr_tail,
            exit_status=run.exit_status,
        )
    try:
        devices = parse_devices_json(run.stdout)
    except MalformedOutput as error:
        return NeuronLsResult(
            "tool_error", tool, error_code="malformed_output", detail=str(error), exit_status=0
        )
    if not devices:
        return NeuronLsResult("no_device", tool, error_code="no_device", exit_status=0)
    return NeuronLsResult("ok", tool, devices=devices, exit_status=0)


def read_instance_header(
    tool_path: str, *, timeout: float, env: Mapping[str, str] | None = None
) -> InstanceHeader:
    """Run the table form of neuron-ls for its header lines; empty on any failure."""
    run = run_command([tool_path], timeout=timeout, env=env)
    if run.exit_status != 0:
        return InstanceHeader()
    return parse_instance_header(run.stdout)


def read_neuron_ls(
    tool: ToolLookup, *, timeout: float = 10.0, env: Mapping[str, str] | None = None
) -> NeuronLsResult:
    """Run ``neuron-ls -j`` (and, when it works, the table form for the header).

    Never raises for tool problems: see the module docstring for the states.
    """
    if tool.path is None:
        return NeuronLsResult("tools_not_found", tool, error_code="tools_not_found")
    result = _classify(run_command([tool.path, "-j"], timeout=timeout, env=env), tool)
    if result.state != "ok":
        # The table form would fail the same way (or hang for a second timeout).
        return result
    header = read_instance_header(tool.path, timeout=timeout, env=env)
    return NeuronLsResult(
        result.state, tool, devices=result.devices, exit_status=result.exit_status, header=header
    )
