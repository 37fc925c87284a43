"""The one place that runs an external command: with a timeout, never hanging.

Neuron tools can hang (a wedged driver, a runtime holding a lock), so every call
has a deadline. The child starts in its own process group and, when the
deadline passes, the whole group is killed: a shell wrapper's children die too.
Nothing here raises for a command's failure; the outcome is a value.
Long-running commands (a monitor, a server) are stopped the same way, group and
all, by :func:`stop_process_group`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: How much of stderr / stdout is kept for error details.
DETAIL_CHARS = 2000

#: After killing a hung command, how long to wait for its pipes to close.
_REAP_SECONDS = 5.0


@dataclass(frozen=True)
class CommandResult:
    """What happened when a command ran.

    Exactly one of these describes the outcome: ``not_found`` (the executable
    does not exist), ``launch_error`` (it exists but could not start),
    ``timed_out`` (killed at the deadline), else ``exit_status`` (negative when a
    signal ended it).
    """

    argv: tuple[str, ...]
    exit_status: int | None
    stdout: str
    stderr: str
    timed_out: bool = False
    not_found: bool = False
    launch_error: str | None = None
    duration: float = 0.0

    @property
    def stderr_tail(self) -> str:
        """The end of stderr, enough to explain a failure."""
        return self.stderr.strip()[-DETAIL_CHARS:]


def _decode(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", errors="replace")


def _kill_process_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the command and everything it started in its process group."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        # Already gone, or a platform without process groups: kill the child alone.
        try:
            process.kill()
        except ProcessLookupError:
            pass


def run_command(
    argv: Sequence[str],
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
) -> CommandResult:
    """Run ``argv`` to completion or until ``timeout`` seconds have passed.

    stdin is closed, stdout and stderr are captured and decoded as UTF-8
    (undecodable bytes replaced). Never raises for the command's own failures.
    """
    args = tuple(str(part) for part in argv)
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
        )
    except FileNotFoundError as error:
        return CommandResult(args, None, "", "", not_found=True, launch_error=str(error))
    except OSError as error:
        return CommandResult(args, None, "", "", launch_error=str(error))

    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_process_group(process)
        try:
            stdout, stderr = process.communicate(timeout=_REAP_SECONDS)
        except subprocess.TimeoutExpired:
            # Something outside the group still holds the pipes: stop reading.
            for pipe in (process.stdout, process.stderr):
                if pipe:
                    pipe.close()
            process.wait()
            stdout, stderr = b"", b""
        return CommandResult(
            args,
            None,
            _decode(stdout),
            _decode(stderr),
            timed_out=True,
            duration=time.monotonic() - started,
        )
    return CommandResult(
        args,
        process.returncode,
        _decode(stdout),
        _decode(stderr),
        duration=time.monotonic() - started,
    )


def stop_process_group(process: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """Stop a long-running command started with ``start_new_session=True``.

    Its whole process group gets SIGTERM; what is still there after ``grace``
    seconds gets SIGKILL. Returns once the command itself is reaped. Nothing
    happens to a command that has already ended.
    """
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
