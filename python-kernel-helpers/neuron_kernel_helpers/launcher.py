"""Run the long commands of a notebook (pip, neuron_parallel_compile, torchrun)
with their output streamed into the cell.

Why not ``!torchrun ...``: a kernel started from a kernel spec does not have its
virtual environment's ``bin`` folder on ``PATH``, so ``!torchrun`` may run
another Python's torchrun, or nothing. :func:`launch` looks for the program
next to the kernel's own interpreter first. It also shows the exact command
line (with the environment variables it sets), stops the whole process group
when the cell is interrupted (worker processes left behind would keep their
NeuronCores), and turns the common Neuron failures into advice.

In CPU smoke mode (``skip=True``) the command is shown and not run, with the
reason, so the notebook still reads as the real procedure.
"""

from __future__ import annotations

import codecs
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .cache_roots import resolve_compile_cache
from .i18n import Lang, Messages

#: Where the Neuron tools live on the Deep Learning AMIs.
NEURON_TOOLS_DIR = "/opt/aws/neuron/bin"

#: Characters of output kept to recognise known errors after a failure.
_TAIL_CHARS = 64 * 1024

#: Seconds given to interrupted workers to exit before they are killed.
_TERMINATE_GRACE_SECONDS = 10.0

MESSAGES = Messages(
    {
        "skipped": {
            "ja": "⏭ CPU スモークモードのため、このコマンドは実行しません。",
            "en": "⏭ Not run: CPU smoke mode.",
        },
        "reason.neuron_only": {
            "ja": (
                "Neuron デバイスと Neuron SDK（torch-neuronx / torch-xla）が必要なコマンドです。"
                "Neuron インスタンスでは、上のコマンドがそのまま実行されます。"
            ),
            "en": (
                "This command needs a Neuron device and the Neuron SDK (torch-neuronx / "
                "torch-xla). On a Neuron instance the command above runs as shown."
            ),
        },
        "reason.install": {
            "ja": (
                "スモークモードではパッケージをインストールしません（ネットワークに接続せずに"
                "実行できるようにするためです）。"
            ),
            "en": "Smoke mode installs nothing, so that it runs without network access.",
        },
        "finished": {
            "ja": "✔ 終了しました（{seconds:.1f} 秒）。",
            "en": "✔ Finished in {seconds:.1f} s.",
        },
        "not_found": {
            "ja": (
                "{program} が見つかりません（検索場所: {searched}）。このノートブックのカーネルが "
                "Neuron SDK の仮想環境（例: aws_neuron_venv_pytorch）を使っているか"
                "確認してください。"
            ),
            "en": (
                "{program} was not found (searched: {searched}). Check that this notebook's "
                "kernel uses the Neuron SDK virtual environment (e.g. aws_neuron_venv_pytorch)."
            ),
        },
        "failed": {
            "ja": "✘ コマンドが終了ステータス {status} で失敗しました（{seconds:.1f} 秒）。",
            "en": "✘ The command failed with exit status {status} after {seconds:.1f} s.",
        },
        "interrupted": {
            "ja": (
                "■ 中断されたため、コマンドとそのワーカープロセスを停止しました"
                "（残ったプロセスが NeuronCore を確保し続けないようにするためです）。"
            ),
            "en": (
                "■ Interrupted: the command and its worker processes were stopped (so that "
                "no leftover process keeps holding NeuronCores)."
            ),
        },
        "hint.cores_busy": {
            "ja": (
                "ヒント: NeuronCore を確保できませんでした。別のプロセス（他のノートブックの"
                "カーネルや、中断した実行の残ったプロセスなど）が NeuronCore を使っている可能性が"
                "あります。Neuron パネルの「NeuronCore モニター」または `neuron-ls` で"
                "使用中のプロセスを確認し、不要なカーネルを"
                "停止してから再実行してください。このノートブックでトレースや推論をした後なら、"
                "このカーネルを再起動してください。それでも解消しない場合の最終手段は "
                "`sudo rmmod neuron; sudo modprobe neuron` です。"
            ),
            "en": (
                "Hint: NeuronCores could not be allocated. Another process (another "
                "notebook's kernel, a leftover process of an interrupted run, ...) is probably "
                "using them. Check the NeuronCore Monitor of the Neuron panel or `neuron-ls`, "
                "stop the kernels you do not need and run again. "
                "If this notebook already traced or ran a model, restart this kernel. As a "
                "last resort: `sudo rmmod neuron; sudo modprobe neuron`."
            ),
        },
        "hint.failed_neff": {
            "ja": (
                "ヒント: コンパイルキャッシュに失敗したコンパイル結果が残っているため、"
                "再コンパイルされずに失敗しています。Neuron パネルのコンパイルキャッシュで該当の"
                "エントリを削除するか、NEURON_CC_FLAGS に --retry_failed_compilation を追加して"
                "再実行してください。"
            ),
            "en": (
                "Hint: a failed compilation is cached, so it is not retried. Delete that entry "
                "in the Neuron panel's compile cache view, or add --retry_failed_compilation "
                "to NEURON_CC_FLAGS and run again."
            ),
        },
        "hint.lock": {
            "ja": (
                "ヒント: コンパイルキャッシュのロックファイルが原因の可能性があります。中断された"
                "コンパイルのロックが残っている場合は、他にコンパイル中のプロセスがないことを"
                "確認してから `{command}` を実行してください。"
                "キャッシュのフォルダーが読み取り専用の場合は、書き込めるフォルダーを指定してください。"
            ),
            "en": (
                "Hint: a compile cache lock may be the cause. If an interrupted compilation "
                "left a stale lock, make sure no other process is compiling and run "
                "`{command}`. If the cache folder is "
                "read-only, point the cache at a writable folder."
            ),
        },
        "hint.memory": {
            "ja": (
                "ヒント: メモリ不足の可能性があります。バッチサイズやワーカー数を減らすか、"
                "ホストメモリの大きいインスタンスを使ってください（inf2.xlarge のホストメモリは"
                " 16 GiB です）。"
            ),
            "en": (
                "Hint: memory may have run out. Reduce the batch size or the number of "
                "workers, or use an instance with more host memory (inf2.xlarge has 16 GiB)."
            ),
        },
    }
)

#: Known failure signatures (lower-case substrings of the output) and their advice.
_HINTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        (
            "cannot determine the number of available neuroncores",
            "nrt_allocate_neuron_cores",
            "available:0",
            "failed to allocate neuron cores",
        ),
        "hint.cores_busy",
    ),
    (("got a cached failed neff", "retry_failed_compilation"), "hint.failed_neff"),
    (("hlo_module.pb.lock", "read-only file system", "could not acquire lock"), "hint.lock"),
    (("out of memory", "cannot allocate memory", "oom-kill", "memoryerror"), "hint.memory"),
)


@dataclass(frozen=True)
class LaunchResult:
    """What :func:`launch` did: the command, and whether and how it ran."""

    argv: tuple[str, ...]
    env: Mapping[str, str]
    skipped: bool
    exit_status: int | None = None
    duration: float = 0.0
    hints: tuple[str, ...] = ()
    output_tail: str = ""

    @property
    def ok(self) -> bool:
        """Whether the command ran and succeeded."""
        return not self.skipped and self.exit_status == 0


class LaunchFailed(RuntimeError):
    """A launched command failed; the message says why and what to try."""

    def __init__(self, result: LaunchResult, message: str) -> None:
        super().__init__(message)
        self.result = result


def command_line(argv: Sequence[str], env: Mapping[str, str] | None = None) -> str:
    """The command as one would type it in a shell, environment variables first."""
    assignments = [f"{name}={shlex.quote(str(value))}" for name, value in (env or {}).items()]
    return " ".join([*assignments, shlex.join(str(part) for part in argv)])


def search_folders(environ: Mapping[str, str] | None = None) -> list[str]:
    """Where programs are looked for: the kernel's bin folder, the Neuron tools, PATH."""
    env = os.environ if environ is None else environ
    folders = [str(Path(sys.executable).parent), NEURON_TOOLS_DIR]
    folders += [p for p in env.get("PATH", "").split(os.pathsep) if p]
    unique: list[str] = []
    for folder in folders:
        if folder not in unique:
            unique.append(folder)
    return unique


def resolve_program(program: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The full path of ``program``, looked for in :func:`search_folders` order."""
    if os.sep in program:
        return program if os.access(program, os.X_OK) else None
    return shutil.which(program, path=os.pathsep.join(search_folders(environ)))


def clear_locks_command(cache_dir: str | None = None) -> str:
    """The ``clear-locks`` command line, naming ``cache_dir`` when the run used its own cache.

    Without ``NEURON_CC_FLAGS="--cache_dir=..."`` the command acts on the default
    cache, not on the one the failed run used.
    """
    command = "neuron_parallel_compile --command clear-locks"
    if not cache_dir:
        return command
    return f"NEURON_CC_FLAGS={shlex.quote('--cache_dir=' + cache_dir)} {command}"


def hints_for(output: str, lang: Lang = "en", cache_dir: str | None = None) -> tuple[str, ...]:
    """Advice for the known Neuron failures found in a command's ``output``.

    ``cache_dir`` is the compile cache the command was given (``--cache_dir`` of
    its ``NEURON_CC_FLAGS``), named in the advice that acts on a cache.
    """
    lowered = output.lower()
    return tuple(
        MESSAGES(key, lang, command=clear_locks_command(cache_dir))
        if key == "hint.lock"
        else MESSAGES(key, lang)
        for needles, key in _HINTS
        if any(needle in lowered for needle in needles)
    )


def _cache_dir_of(env: Mapping[str, str]) -> str | None:
    """The ``--cache_dir`` that ``env``'s ``NEURON_CC_FLAGS`` names, if any."""
    cache = resolve_compile_cache(env)
    return cache.root if cache.source == "NEURON_CC_FLAGS" else None


def _child_environment(env: Mapping[str, str] | None) -> dict[str, str]:
    child = dict(os.environ)
    child.update({name: str(value) for name, value in (env or {}).items()})
    # Programs started by the command (torchrun's workers) must find the same Python.
    kernel_bin = str(Path(sys.executable).parent)
    path = child.get("PATH", "")
    if kernel_bin not in path.split(os.pathsep):
        child["PATH"] = os.pathsep.join(p for p in (kernel_bin, path) if p)
    child.setdefault("PYTHONUNBUFFERED", "1")
    return child


def _group_alive(group: int) -> bool:
    """Whether a live (non-zombie) process of process group ``group`` remains.

    psutil (installed with ipykernel) tells zombies apart on Linux and macOS alike;
    without it, ``killpg(group, 0)`` answers, counting a zombie as alive.
    """
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is None:
        try:
            os.killpg(group, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    for process in psutil.process_iter(["status"], ad_value=None):
        if process.info.get("status") == psutil.STATUS_ZOMBIE:
            continue
        try:
            if os.getpgid(process.pid) == group:
                return True
        except OSError:
            continue  # ended meanwhile
    return False


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """Terminate the command's whole process group (its workers too), then kill what is left.

    Returns once no process of the group is left, so that their NeuronCores are free.
    """
    group = process.pid
    for sig, wait in ((signal.SIGTERM, _TERMINATE_GRACE_SECONDS), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(group, sig)
        except (ProcessLookupError, PermissionError):
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            process.poll()  # reap the command itself
            if not _group_alive(group):
                return
            time.sleep(0.05)


def launch(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    skip: bool = False,
    reason: str = "neuron_only",
    cwd: str | os.PathLike[str] | None = None,
    check: bool = True,
    lang: Lang = "en",
    stream: TextIO | None = None,
) -> LaunchResult:
    """Show and run a command, streaming its output, or only show it when ``skip``.

    Args:
        argv: the command; its first item is resolved with :func:`resolve_program`.
        env: environment variables to set for the command (shown in the command line).
        skip: show the command and the reason instead of running it (smoke mode).
        reason: why it is skipped: ``"neuron_only"`` or ``"install"``.
        cwd: working folder of the command (default: the notebook's).
        check: raise :class:`LaunchFailed` when the command fails.
        lang: language of the messages.
        stream: where output goes (default: ``sys.stdout``, i.e. the cell).

    Raises:
        LaunchFailed: the command could not start or failed, and ``check`` is set.
        KeyboardInterrupt: the cell was interrupted; the command was stopped first.
    """
    out = stream if stream is not None else sys.stdout
    args = tuple(str(part) for part in argv)
    shown_env = {name: str(value) for name, value in (env or {}).items()}
    print(f"$ {command_line(args, shown_env)}", file=out, flush=True)
    if skip:
        print(MESSAGES("skipped", lang), file=out)
        print(MESSAGES(f"reason.{reason}", lang), file=out, flush=True)
        return LaunchResult(argv=args, env=shown_env, skipped=True)

    child_env = _child_environment(shown_env)
    program = resolve_program(args[0], child_env)
    if program is None:
        message = MESSAGES(
            "not_found", lang, program=args[0], searched=", ".join(search_folders(child_env))
        )
        result = LaunchResult(argv=args, env=shown_env, skipped=False, exit_status=127)
        if check:
            raise LaunchFailed(result, message)
        print(message, file=out, flush=True)
        return result

    started = time.monotonic()
    process = subprocess.Popen(
        (program, *args[1:]),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        bufsize=0,
        env=child_env,
        cwd=cwd,
        start_new_session=True,
    )
    # Raw chunks, not lines: progress bars end with "\r" and must overwrite
    # themselves in the cell instead of piling up one line per update.
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    tail = ""
    try:
        assert process.stdout is not None
        descriptor = process.stdout.fileno()
        while True:
            chunk = os.read(descriptor, 65536)
            text = decoder.decode(chunk, final=not chunk)
            if text:
                out.write(text)
                out.flush()
                tail = (tail + text)[-_TAIL_CHARS:]
            if not chunk:
                break
        status = process.wait()
    except KeyboardInterrupt:
        _stop_group(process)
        print(MESSAGES("interrupted", lang), file=out, flush=True)
        raise
    finally:
        process.stdout.close()  # type: ignore[union-attr]
    duration = time.monotonic() - started
    output_tail = tail
    hints = hints_for(output_tail, lang, _cache_dir_of(child_env)) if status != 0 else ()
    result = LaunchResult(
        argv=args,
        env=shown_env,
        skipped=False,
        exit_status=status,
        duration=duration,
        hints=hints,
        output_tail=output_tail,
    )
    if status == 0:
        print(MESSAGES("finished", lang, seconds=duration), file=out, flush=True)
        return result
    message = "\n".join([MESSAGES("failed", lang, status=status, seconds=duration), *hints])
    if check:
        raise LaunchFailed(result, message)
    print(message, file=out, flush=True)
    return result
