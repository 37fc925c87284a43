"""Tests of the notebook command launcher: shown, skipped, streamed, explained."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from neuron_kernel_helpers.launcher import (
    LaunchFailed,
    command_line,
    hints_for,
    launch,
    resolve_program,
    search_folders,
)

from .conftest import process_alive


def python_command(code: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code)]


def test_command_line_quotes_arguments_and_puts_environment_first() -> None:
    line = command_line(
        ["torchrun", "--nproc_per_node=2", "train.py", "--name", "two words"],
        {"NEURON_CC_FLAGS": "--model-type=transformer --cache_dir=/tmp/c", "XLA_USE_BF16": "1"},
    )
    assert line == (
        "NEURON_CC_FLAGS='--model-type=transformer --cache_dir=/tmp/c' XLA_USE_BF16=1 "
        "torchrun --nproc_per_node=2 train.py --name 'two words'"
    )


def test_skip_shows_the_command_and_the_reason_without_running_it(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    out = io.StringIO()
    result = launch(
        python_command(f"open({str(marker)!r}, 'w').close()"),
        env={"XLA_USE_BF16": "1"},
        skip=True,
        lang="ja",
        stream=out,
    )
    assert result.skipped and not result.ok
    assert not marker.exists()
    text = out.getvalue()
    assert text.startswith("$ XLA_USE_BF16=1 ")
    assert "CPU スモークモードのため、このコマンドは実行しません。" in text
    assert "Neuron デバイスと Neuron SDK" in text


def test_skip_reason_install_in_english() -> None:
    out = io.StringIO()
    launch(["pip", "install", "x"], skip=True, reason="install", lang="en", stream=out)
    assert "Smoke mode installs nothing" in out.getvalue()


def test_runs_streams_output_and_passes_environment(tmp_path: Path) -> None:
    out = io.StringIO()
    result = launch(
        python_command(
            """
            import os, sys
            print("value", os.environ["NEURON_TEST_VALUE"])
            sys.stdout.write("progress 50%\\rprogress 100%\\n")
            print("cwd", os.getcwd())
            """
        ),
        env={"NEURON_TEST_VALUE": "42"},
        cwd=tmp_path,
        stream=out,
    )
    assert result.ok and result.exit_status == 0
    text = out.getvalue()
    assert "value 42" in text
    # Carriage returns reach the cell untouched, so progress bars overwrite themselves.
    assert "progress 50%\rprogress 100%\n" in text
    assert f"cwd {tmp_path}" in text
    assert "✔ Finished" in text


def test_failure_raises_with_the_known_neuron_hint() -> None:
    out = io.StringIO()
    command = python_command(
        """
        import sys
        print("NRT:nrt_allocate_neuron_cores  Requested:1 Available:0")
        sys.exit(3)
        """
    )
    with pytest.raises(LaunchFailed) as raised:
        launch(command, stream=out, lang="en")
    assert raised.value.result.exit_status == 3
    message = str(raised.value)
    assert "exit status 3" in message
    assert "NeuronCores could not be allocated" in message


def test_failure_without_check_returns_the_result_and_prints_the_advice() -> None:
    out = io.StringIO()
    command = python_command(
        """
        import sys
        print("Got a cached failed neff at /cache/MODULE_1+2/model.neff.")
        sys.exit(1)
        """
    )
    result = launch(command, check=False, stream=out, lang="ja")
    assert result.exit_status == 1 and not result.ok
    assert "--retry_failed_compilation" in out.getvalue()
    assert "Got a cached failed neff" in result.output_tail


def test_missing_program_is_explained() -> None:
    with pytest.raises(LaunchFailed) as raised:
        launch(["no-such-neuron-tool-xyz"], stream=io.StringIO(), lang="ja")
    assert raised.value.result.exit_status == 127
    assert "no-such-neuron-tool-xyz が見つかりません" in str(raised.value)


def test_programs_are_found_next_to_the_kernel_interpreter_first(tmp_path: Path) -> None:
    # An empty PATH: the kernel's own bin folder is still searched.
    found = resolve_program(Path(sys.executable).name, {"PATH": str(tmp_path)})
    assert found is not None
    assert Path(found).parent == Path(sys.executable).parent
    assert search_folders({"PATH": ""})[:2] == [
        str(Path(sys.executable).parent),
        "/opt/aws/neuron/bin",
    ]


def test_child_processes_see_the_kernel_bin_folder_on_path() -> None:
    out = io.StringIO()
    launch(python_command("import os; print(os.environ['PATH'])"), stream=out)
    child_path = out.getvalue().splitlines()[1]
    assert str(Path(sys.executable).parent) in child_path.split(os.pathsep)


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (
            "Neuron runtime cannot be initialized; cannot determine the number of available "
            "NeuronCores",
            "NeuronCore を確保できませんでした",
        ),
        ("... MODULE_1+2/model.hlo_module.pb.lock held", "ロックファイル"),
        ("RuntimeError: out of memory", "メモリ不足"),
    ],
)
def test_hints_recognise_common_failures(output: str, expected: str) -> None:
    hints = hints_for(output, "ja")
    assert len(hints) == 1
    assert expected in hints[0]


@pytest.mark.parametrize(
    ("lang", "monitor"), [("ja", "「NeuronCore モニター」"), ("en", "NeuronCore Monitor")]
)
def test_busy_cores_hint_points_at_the_monitor_not_at_neuron_top(lang: str, monitor: str) -> None:
    # neuron-top only watches the NeuronCores: it never holds them.
    (hint,) = hints_for("nrt_allocate_neuron_cores failed", lang)  # type: ignore[arg-type]
    assert monitor in hint and "neuron-top" not in hint


def test_no_hint_for_unknown_failures() -> None:
    assert hints_for("SyntaxError: invalid syntax", "en") == ()


def test_group_alive_ignores_zombies(monkeypatch: pytest.MonkeyPatch) -> None:
    psutil = pytest.importorskip("psutil")
    from neuron_kernel_helpers.launcher import _group_alive

    sleeper = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True
    )
    quitter = subprocess.Popen([sys.executable, "-c", "pass"], start_new_session=True)
    try:
        assert _group_alive(sleeper.pid)
        deadline = time.monotonic() + 30
        while psutil.Process(quitter.pid).status() != psutil.STATUS_ZOMBIE:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert not _group_alive(quitter.pid)  # only an unreaped zombie is left
        monkeypatch.setitem(sys.modules, "psutil", None)  # no psutil: kill(0) answers
        assert _group_alive(sleeper.pid)
    finally:
        sleeper.kill()
        sleeper.wait()
        quitter.wait()
    assert not _group_alive(quitter.pid)


class InterruptingStream(io.StringIO):
    """Output that raises KeyboardInterrupt once the command printed its pids."""

    def write(self, text: str) -> int:
        written = super().write(text)
        lines = self.getvalue().splitlines()
        if any(line.startswith("pids ") for line in lines) and self.getvalue().endswith("\n"):
            raise KeyboardInterrupt
        return written


def test_interrupting_stops_the_command_and_its_workers() -> None:
    command = python_command(
        """
        import subprocess, sys, os, time
        worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        print("pids", os.getpid(), worker.pid, flush=True)
        time.sleep(60)
        """
    )
    stream = InterruptingStream()
    with pytest.raises(KeyboardInterrupt):
        launch(command, stream=stream, lang="en")
    line = next(line for line in stream.getvalue().splitlines() if line.startswith("pids"))
    pids = [int(value) for value in line.split()[1:]]
    assert not any(process_alive(pid) for pid in pids)
    assert "Interrupted: the command and its worker processes were stopped" in stream.getvalue()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_clear_locks_advice_names_the_cache_the_command_used(lang: str) -> None:
    out = io.StringIO()
    command = python_command(
        """
        import sys
        print("waiting for /proj/cache/neuronxcc-2.0/MODULE_1/hlo_module.pb.lock")
        sys.exit(1)
        """
    )
    env = {"NEURON_CC_FLAGS": "--retry_failed_compilation --cache_dir=/proj/cache"}
    with pytest.raises(LaunchFailed) as raised:
        launch(command, env=env, stream=out, lang=lang)  # type: ignore[arg-type]
    expected = (
        "`NEURON_CC_FLAGS=--cache_dir=/proj/cache neuron_parallel_compile --command clear-locks`"
    )
    assert expected in str(raised.value)


def test_without_a_cache_dir_the_clear_locks_advice_is_the_plain_command() -> None:
    (hint,) = hints_for("could not acquire lock", "en")
    assert "`neuron_parallel_compile --command clear-locks`" in hint
    (hint,) = hints_for("could not acquire lock", "en", "/my cache")
    assert "`NEURON_CC_FLAGS='--cache_dir=/my cache' neuron_parallel_compile" in hint
