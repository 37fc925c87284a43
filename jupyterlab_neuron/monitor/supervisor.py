"""Runs the one ``neuron-monitor`` child process and keeps it alive.

asyncio only (no tornado). The supervisor starts the child, hands its stdout
to a listener chunk by chunk, keeps the last stderr lines, and restarts the
child with exponential backoff when it exits or when no valid report has
arrived for the watchdog timeout. After too many failures in a row without a
single report it gives up (state ``failed``) until :meth:`restart`. A child
that reports and dies again and again is a crash loop: after
``crash_loop_restarts`` exits within ``crash_loop_window`` seconds, restarts
wait ``crash_loop_backoff`` seconds and the state stays ``crash_loop`` until a
child has reported for a whole window (or until :meth:`restart`).

The child leads its own process group; whenever it ends (exit, watchdog,
restart, stop) the whole group is ended, so helpers it started cannot outlive
it. The main process exiting is noticed at once, even when its children still
hold stdout open.

States: ``stopped`` (nobody watching), ``starting`` (child started, no report
yet), ``running``, ``restarting`` (waiting to start again), ``crash_loop``,
``not_installed`` (no neuron-monitor executable), ``failed``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

MonitorState = Literal[
    "stopped", "starting", "running", "restarting", "crash_loop", "not_installed", "failed"
]
ExitReason = Literal["exited", "watchdog", "launch_failed", "not_found"]

#: Bytes read from the child's stdout at a time.
READ_CHUNK = 256 * 1024

#: A child asked to stop gets this long before it is killed.
TERMINATE_GRACE_SECONDS = 3.0

#: After the main process has gone, its group's other members get this long
#: after SIGTERM before SIGKILL.
GROUP_GRACE_SECONDS = 0.3

#: Longest stderr line kept (characters).
STDERR_LINE_CHARS = 500


@dataclass(frozen=True)
class MonitorCommand:
    """How to start neuron-monitor: arguments, extra environment, simulated or not."""

    argv: tuple[str, ...]
    env: Mapping[str, str] | None = None
    simulated: bool = False


class SupervisorListener(Protocol):
    """What the supervisor tells its owner."""

    async def child_output(self, chunk: bytes) -> None:
        """A chunk of the child's stdout (not aligned to lines)."""

    def child_ended(self) -> None:
        """The current child is gone; a partial last line will never complete."""

    def state_changed(self) -> None:
        """:attr:`NeuronMonitorSupervisor.state` or its details changed."""


#: Run before the monitor command on Linux: asks the kernel to SIGTERM the child
#: when the server dies (so that a killed Jupyter server does not leave
#: neuron-monitor running), then becomes the command. A separate program rather
#: than a ``preexec_fn``: that would make every start fork the whole server
#: process on the event loop (tens of milliseconds at a server's size).
_PARENT_DEATH_SHIM = """\
import ctypes, os, signal, sys
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
except (OSError, AttributeError):
    pass
if os.getppid() != int(sys.argv[1]):
    sys.exit(1)  # the server is already gone
try:
    os.execv(sys.argv[2], sys.argv[3:])
except OSError as error:
    sys.stderr.write(f"{sys.argv[2]}: {error}\\n")
    sys.exit(127)
"""


def _launch_argv(argv: tuple[str, ...], env: Mapping[str, str] | None) -> tuple[str, ...]:
    """The argv that starts ``argv`` (through the parent-death shim on Linux).

    Raises:
        FileNotFoundError: the executable does not exist.
    """
    program = argv[0]
    search = (env if env is not None else os.environ).get("PATH")
    executable = program if os.sep in program else shutil.which(program, path=search)
    if executable is None or not os.path.exists(executable):
        raise FileNotFoundError(2, "No such file or directory", program)
    if not sys.platform.startswith("linux"):
        return (executable, *argv[1:])
    return (sys.executable, "-I", "-c", _PARENT_DEATH_SHIM, str(os.getpid()), executable, *argv)


class NeuronMonitorSupervisor:
    """Start, watch, restart and stop one neuron-monitor child."""

    def __init__(
        self,
        listener: SupervisorListener,
        resolve_command: Callable[[], MonitorCommand | None],
        *,
        watchdog_timeout: float = 30.0,
        backoff_initial: float = 1.0,
        backoff_max: float = 30.0,
        max_failures: int = 8,
        stderr_lines: int = 20,
        crash_loop_restarts: int = 5,
        crash_loop_window: float = 60.0,
        crash_loop_backoff: float = 300.0,
        wall_clock: Callable[[], float] = time.time,
        log: logging.Logger | logging.LoggerAdapter | None = None,
    ) -> None:
        self._listener = listener
        self._log = log or logging.getLogger(__name__)
        self._resolve_command = resolve_command
        self.watchdog_timeout = watchdog_timeout
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.max_failures = max_failures
        self.crash_loop_restarts = crash_loop_restarts
        self.crash_loop_window = crash_loop_window
        self.crash_loop_backoff = crash_loop_backoff
        self._exits: deque[float] = deque()
        self._crash_loop = False
        self._child_started = 0.0
        self._ended_group: int | None = None
        self._wall_clock = wall_clock
        self._stderr: deque[str] = deque(maxlen=stderr_lines)
        self._task: asyncio.Task[None] | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._wake: asyncio.Event | None = None
        self._stopping = False
        self._reported = False
        self._last_report = 0.0
        self.state: MonitorState = "stopped"
        self.command: MonitorCommand | None = None
        self.started_at: float | None = None
        self.restarts = 0
        self.consecutive_failures = 0
        self.last_exit_status: int | None = None
        self.last_exit_reason: ExitReason | None = None
        self.next_restart_at: float | None = None
        self.detail: str | None = None

    # --- public API -------------------------------------------------------------

    @property
    def active(self) -> bool:
        """Whether the supervising task is running (a child runs or will start)."""
        return self._task is not None and not self._task.done()

    @property
    def pid(self) -> int | None:
        """The child's pid while it runs."""
        process = self._process
        return process.pid if process is not None and process.returncode is None else None

    def start(self) -> None:
        """Start supervising, unless already doing so (needs a running loop)."""
        if self.active:
            return
        self._stopping = False
        self._wake = asyncio.Event()
        self.consecutive_failures = 0
        self._leave_crash_loop()
        self.next_restart_at = None
        self.detail = None
        self._task = asyncio.get_running_loop().create_task(self._run())
        self._set_state("starting")

    def restart(self) -> None:
        """Start again now: after ``failed`` / ``not_installed`` / ``crash_loop``, or to
        cut a backoff short."""
        self.consecutive_failures = 0
        was_looping = self._crash_loop
        self._leave_crash_loop()
        if self.active:
            if self.state in ("restarting", "crash_loop") and self._wake is not None:
                self._wake.set()
            if was_looping and self.state == "crash_loop":
                self._set_state("starting" if self.pid is not None else "restarting")
            return
        self.start()

    async def stop(self) -> None:
        """Stop the child (SIGTERM, then SIGKILL) and the supervising task."""
        self._stopping = True
        if self._wake is not None:
            self._wake.set()
        task = self._task
        if task is not None:
            await self._terminate()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._task = None
        self._set_state("stopped")

    def kill_now(self) -> None:
        """Synchronous last resort at interpreter exit: kill the child's group."""
        process = self._process
        if process is not None:
            _signal_group(process.pid, signal.SIGKILL)

    def note_report(self) -> None:
        """A valid report arrived: the child is healthy."""
        now = time.monotonic()
        self._last_report = now
        self._reported = True
        self.consecutive_failures = 0
        if self._crash_loop:
            if now - self._child_started < self.crash_loop_window:
                return  # one report does not end a crash loop: staying up does
            self._leave_crash_loop()
        if self.state != "running":
            self._set_state("running")

    def status(self) -> dict[str, Any]:
        """JSON form of the supervisor's state (part of the monitor status)."""
        command = self.command
        return {
            "state": self.state,
            "pid": self.pid,
            "command": list(command.argv) if command else None,
            "started_at": self.started_at,
            "restarts": self.restarts,
            "consecutive_failures": self.consecutive_failures,
            "last_exit_status": self.last_exit_status,
            "last_exit_reason": self.last_exit_reason,
            "next_restart_at": self.next_restart_at,
            "detail": self.detail,
            "stderr_tail": list(self._stderr),
            "crash_loop": {
                "exits": len(self._exits),
                "window": self.crash_loop_window,
                "backoff": self.crash_loop_backoff,
            }
            if self._crash_loop
            else None,
        }

    def _leave_crash_loop(self) -> None:
        self._crash_loop = False
        self._exits.clear()

    def _note_exit(self) -> bool:
        """Count a child's exit; whether the child is (now) in a crash loop."""
        now = time.monotonic()
        exits = self._exits
        exits.append(now)
        while exits and now - exits[0] > self.crash_loop_window:
            exits.popleft()
        if len(exits) >= self.crash_loop_restarts:
            self._crash_loop = True
        return self._crash_loop

    # --- the supervising loop ---------------------------------------------------------

    def _set_state(self, state: MonitorState) -> None:
        if state == self.state and state != "restarting":
            return
        self.state = state
        self._listener.state_changed()

    async def _run(self) -> None:
        while not self._stopping:
            command = self._resolve_command()
            self.command = command
            if command is None:
                self.last_exit_reason = "not_found"
                self._set_state("not_installed")
                return
            reason, status = await self._run_child(command)
            if self._stopping:
                return
            self.last_exit_reason = reason
            self.last_exit_status = status
            if reason == "not_found" or (status == 127 and not self._reported):
                # The executable (or the interpreter a wrapper runs) does not exist.
                self._set_state("not_installed")
                return
            self.consecutive_failures += 1
            if self.consecutive_failures >= self.max_failures:
                self._set_state("failed")
                return
            if self._note_exit():
                delay = self.crash_loop_backoff
                state: MonitorState = "crash_loop"
            else:
                delay = min(
                    self.backoff_max, self.backoff_initial * 2 ** (self.consecutive_failures - 1)
                )
                state = "restarting"
            self.next_restart_at = self._wall_clock() + delay
            self._set_state(state)
            assert self._wake is not None
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)
            self._wake.clear()
            self.next_restart_at = None
            if not self._stopping:
                self.restarts += 1

    async def _run_child(self, command: MonitorCommand) -> tuple[ExitReason, int | None]:
        env = None
        if command.env:
            env = {**os.environ, **command.env}
        self._reported = False
        # stderr is NOT cleared: after a restart, the crash's last words stay visible.
        self.detail = None
        try:
            process = await asyncio.create_subprocess_exec(
                *_launch_argv(command.argv, env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                start_new_session=True,
            )
        except FileNotFoundError as error:
            self.detail = str(error)
            return "not_found", None
        except OSError as error:
            self.detail = str(error)
            return "launch_failed", None
        self._process = process
        self.started_at = self._wall_clock()
        self._child_started = self._last_report = time.monotonic()
        if not self._crash_loop:
            self._set_state("starting")
        else:
            self._listener.state_changed()  # same state, now with a pid
        assert process.stdout is not None and process.stderr is not None
        loop = asyncio.get_running_loop()
        stderr_task = loop.create_task(self._drain_stderr(process.stderr))
        pump = loop.create_task(self._pump(process.stdout))
        exited = loop.create_task(_main_exit(process))
        reason: ExitReason = "exited"
        try:
            done, _ = await asyncio.wait({pump, exited}, return_when=asyncio.FIRST_COMPLETED)
            if pump in done:
                reason = pump.result()
                if reason == "exited" and not self._stopping:
                    # stdout closed: the child is exiting; make sure it does.
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(asyncio.shield(exited), TERMINATE_GRACE_SECONDS)
            else:
                # The main process is gone. Its children may still hold stdout open:
                # end the group, then forward what is left in the pipe.
                if not self._stopping and self.state in ("starting", "running"):
                    self._set_state("restarting")  # not "running" without a process
                await self._end_group(process)
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(asyncio.shield(pump), TERMINATE_GRACE_SECONDS)
        finally:
            await self._end_group(process)
            if not pump.done():
                pump.cancel()
            exited.cancel()
            status = await _main_exit(process)
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(pump, 1.0)
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(stderr_task, 2.0)
            self._process = None
            self._listener.child_ended()
        if reason == "watchdog":
            self.detail = f"no report for {self.watchdog_timeout:g} s"
        return reason, status

    async def _pump(self, stdout: asyncio.StreamReader) -> ExitReason:
        """Forward stdout until EOF; ``watchdog`` when reports stop coming."""
        while not self._stopping:
            remaining = self._last_report + self.watchdog_timeout - time.monotonic()
            if remaining <= 0:
                return "watchdog"
            try:
                chunk = await asyncio.wait_for(stdout.read(READ_CHUNK), remaining)
            except asyncio.TimeoutError:
                return "watchdog"
            if not chunk:
                return "exited"
            try:
                await self._listener.child_output(chunk)
            except Exception:  # a bug downstream must not kill the supervision
                self._log.exception("jupyterlab-neuron: failed to handle neuron-monitor output")
        return "exited"

    async def _drain_stderr(self, stderr: asyncio.StreamReader) -> None:
        partial = b""
        while True:
            chunk = await stderr.read(64 * 1024)
            if not chunk:
                break
            lines = (partial + chunk).split(b"\n")
            partial = lines.pop()[-4096:]
            for line in lines:
                self._keep_stderr(line)
        if partial:
            self._keep_stderr(partial)

    def _keep_stderr(self, raw: bytes) -> None:
        text = raw.decode("utf-8", "replace").rstrip()
        if text:
            self._stderr.append(text[:STDERR_LINE_CHARS])

    async def _terminate(self) -> None:
        process = self._process
        if process is not None:
            await self._end_group(process)

    async def _end_group(self, process: asyncio.subprocess.Process) -> None:
        """SIGTERM the child's process group, SIGKILL what is left: the main process
        after the grace time, the others (the main process gone) a moment later."""
        pgid = process.pid
        if self._ended_group == pgid or (
            process.returncode is not None and not _group_exists(pgid)
        ):
            return
        _signal_group(pgid, signal.SIGTERM)
        if process.returncode is None:
            try:
                await asyncio.wait_for(_main_exit(process), TERMINATE_GRACE_SECONDS)
            except asyncio.TimeoutError:
                _signal_group(pgid, signal.SIGKILL)
                await _main_exit(process)
        deadline = time.monotonic() + GROUP_GRACE_SECONDS
        while _group_exists(pgid) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        if _group_exists(pgid):
            # Members left (or exited but not yet reaped by their new parent).
            _signal_group(pgid, signal.SIGKILL)
        self._ended_group = pgid


async def _main_exit(process: asyncio.subprocess.Process) -> int:
    """The main process's exit status, as soon as it has exited (``process.wait()``
    also waits for every pipe to close, which children holding them delay)."""
    while process.returncode is None:
        await asyncio.sleep(0.02)
    return process.returncode


def _group_exists(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal_group(pgid: int, signum: int) -> None:
    """Signal the child's process group (the child leads its own session)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)
