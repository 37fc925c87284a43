from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from neuron_kernel_helpers.command_runner import run_command, stop_process_group

from .conftest import process_alive, write_script


def _wait_until(condition: Callable[[], bool], seconds: float = 10) -> bool:
    """Whether ``condition()`` holds within ``seconds`` (checked every 50 ms)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_captures_output_and_status(tmp_path: Path) -> None:
    script = write_script(tmp_path / "tool", "echo out; echo err >&2; exit 3\n")
    result = run_command([str(script)], timeout=10)
    assert (result.exit_status, result.stdout, result.stderr_tail) == (3, "out\n", "err")
    assert not result.timed_out and not result.not_found and result.launch_error is None


def test_missing_executable(tmp_path: Path) -> None:
    result = run_command([str(tmp_path / "missing")], timeout=10)
    assert result.not_found and result.exit_status is None


def test_unstartable_executable(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage"
    garbage.write_bytes(b"\x7fELF not really")
    garbage.chmod(0o755)
    result = run_command([str(garbage)], timeout=10)
    assert result.launch_error and not result.not_found


def test_hang_kills_the_whole_process_group(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    # The shell starts a background child and then waits: both must die.
    script = write_script(tmp_path / "hang", f"sleep 60 &\necho $! > {pid_file}\nwait\n")
    started = time.monotonic()
    result = run_command([str(script)], timeout=1)
    assert result.timed_out and result.exit_status is None
    assert time.monotonic() - started < 10
    child = int(pid_file.read_text())
    assert _wait_until(lambda: not process_alive(child), 5)


def test_undecodable_output_is_replaced(tmp_path: Path) -> None:
    script = write_script(tmp_path / "bytes", "printf '\\377ok'\n")
    assert run_command([str(script)], timeout=10).stdout == "\ufffdok"


def _start_group(script: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(script)], start_new_session=True)


def test_stop_process_group_terminates_the_whole_group(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    script = write_script(tmp_path / "long", f"sleep 60 &\necho $! > {pid_file}\nwait\n")
    process = _start_group(script)
    assert _wait_until(lambda: pid_file.exists() and pid_file.read_text().strip() != "")
    stop_process_group(process, grace=5)
    assert process.returncode == -signal.SIGTERM
    child = int(pid_file.read_text())
    assert _wait_until(lambda: not process_alive(child), 5)


def test_stop_process_group_kills_what_ignores_sigterm(tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    script = write_script(tmp_path / "stubborn", f"trap '' TERM\ntouch {ready}\nsleep 60\n")
    process = _start_group(script)
    assert _wait_until(ready.exists)
    started = time.monotonic()
    stop_process_group(process, grace=0.5)
    assert process.returncode == -signal.SIGKILL
    assert time.monotonic() - started < 5


def test_stop_process_group_of_an_ended_process(tmp_path: Path) -> None:
    process = _start_group(write_script(tmp_path / "quick", "exit 4\n"))
    process.wait()
    stop_process_group(process)
    assert process.returncode == 4
