"""``jupyter neuron cache status|list|clean`` and ``jupyter neuron simulate cache``."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_neuron.cache.errors import CacheConflictError
from jupyterlab_neuron.cache.service import CompileCacheService
from jupyterlab_neuron.cli import main
from jupyterlab_neuron.cli.cache import LIST_KEYS, format_bytes, parse_size
from neuron_kernel_helpers.i18n import display_width

from .builders import M1, M2, M23, V2023, V2024, CacheTree
from .conftest import CacheCommand

pytestmark = pytest.mark.usefixtures("cli_isolated")


@pytest.fixture
def filled(tree: CacheTree) -> CacheTree:
    tree.entry(V2024, M1, "success", size=100)
    tree.entry(V2024, M2, "failed", size=10)
    tree.entry(V2023, M23, "locked", size=10)
    return tree


@pytest.fixture
def cli(filled: CacheTree, capsys: pytest.CaptureFixture[str]) -> CacheCommand:
    """``jupyter neuron cache`` on the filled root."""
    return CacheCommand(capsys, filled.root)


def test_status_json(filled: CacheTree, cli: CacheCommand) -> None:
    data = cli.json("status")
    (root,) = data["roots"]
    assert root["path"] == str(filled.root)
    assert root["total_bytes"] == 300 + 10 + len("ERROR [neuronx-cc]: compilation failed\n") + 10
    assert root["free_bytes"] > 0
    assert [(v["name"], v["entries"], v["bytes"]) for v in root["versions"]] == [
        (V2024, 2, 300 + 10 + 39),
        (V2023, 1, 10),
    ]
    assert root["counts"] == {
        "success": 1,
        "failed": 1,
        "compiling": 0,
        "stale_lock": 1,
        "empty": 0,
        "link": 0,
    }


def test_status_finds_the_environments_root_without_root_option(
    filled: CacheTree, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEURON_CC_FLAGS", f"--cache_dir={filled.root}")
    data = CacheCommand(capsys).json("status")
    active = data["roots"][0]
    assert active["path"] == str(filled.root) and active["active"]
    assert active["sources"] == ["NEURON_CC_FLAGS", "project"]  # cwd holds it too


def test_status_text_in_both_languages(cli: CacheCommand) -> None:
    assert cli("status", "--lang", "ja") == 0
    japanese = cli.out()
    assert "コンパイルキャッシュ" in japanese and "古いロック 1" in japanese
    assert cli("status", "--lang", "en") == 0
    english = cli.out()
    assert "stale lock 1" in english and "(newest)" in english


def test_status_lists_the_states_with_japanese_punctuation(
    filled: CacheTree, cli: CacheCommand
) -> None:
    assert cli("status", "--lang", "ja") == 0
    japanese = cli.out()
    assert "状態別: 成功 1、失敗 1、コンパイル中 0、古いロック 1、空 0" in japanese
    assert "," not in japanese.replace(str(filled.root), "")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_list_columns_line_up_by_display_width(cli: CacheCommand, lang: str) -> None:
    assert cli("list", "--lang", lang) == 0
    lines = cli.out().splitlines()
    assert len(lines) == 4  # header and three entries
    # The size column is right-aligned: its cells end at the same display column,
    # and the version column starts at the same display column, on every line.
    sizes = {format_bytes(n) for n in (300, 10 + 39, 10)} | {"SIZE", "サイズ"}
    ends, starts = set(), set()
    for line in lines:
        size = next(s for s in sizes if f"{s}  " in line)
        ends.add(display_width(line[: line.index(f"{size}  ") + len(size)]))
        version = V2024 if V2024 in line else V2023 if V2023 in line else line.split()[-2]
        starts.add(display_width(line[: line.index(version)]))
    assert len(ends) == 1 and len(starts) == 1


def test_clean_dry_run_text_is_a_preview(filled: CacheTree, cli: CacheCommand) -> None:
    argv = ["--failed", "--stale-locks", "--dry-run"]
    assert cli("clean", *argv, "--lang", "ja") == 0
    japanese = cli.out().splitlines()
    assert japanese[0] == f"削除対象: 2 件、解放される容量: {format_bytes(10 + 39)}"
    assert japanese[-1] == "ドライランのため、何も削除していません。"
    kinds = sorted(line.split()[0] for line in japanese[1:3])
    assert kinds == ["エントリ", "ロックファイル"]
    assert cli("clean", *argv, "--lang", "en") == 0
    english = cli.out().splitlines()
    assert english[0] == f"To remove: 2 item(s); space freed: {format_bytes(10 + 39)}"
    assert (filled.root / V2024 / M2).is_dir()


def test_list_json_and_state_filter(filled: CacheTree, cli: CacheCommand) -> None:
    items = cli.json("list")
    assert len(items) == 3 and all(tuple(item) == LIST_KEYS for item in items)
    failed = cli.json("list", "--state", "failed")
    assert [(item["module"], item["state"]) for item in failed] == [(M2, "failed")]
    assert failed[0]["root"] == str(filled.root) and failed[0]["version"] == V2024
    assert cli("list", "--state", "poisoned") == 2
    assert "poisoned" in cli.err()
    assert cli("list", "--lang", "ja") == 0
    assert "失敗" in cli.out()


def test_clean_dry_run_json_removes_nothing(filled: CacheTree, cli: CacheCommand) -> None:
    data = cli.json("clean", "--failed", "--stale-locks", "--dry-run")
    assert data["dry_run"] is True
    assert len(data["removed"]) == 2 and data["bytes_freed"] == 10 + 39
    assert set(data) >= {"removed", "bytes_freed", "dry_run"}
    assert (filled.root / V2024 / M2).is_dir()


def test_clean_without_yes_and_without_terminal_refuses(
    filled: CacheTree, cli: CacheCommand, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))  # piped input is not a terminal
    assert cli("clean", "--failed", "--lang", "en") == 1
    assert "no terminal" in cli.err()
    assert (filled.root / V2024 / M2).is_dir()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "removed"), [("y\n", True), ("n\n", False), ("\n", False)])
def test_clean_asks_on_a_terminal(
    filled: CacheTree,
    cli: CacheCommand,
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    removed: bool,
) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal(answer))
    monkeypatch.setattr("sys.stderr", _Terminal())
    status = cli("clean", "--failed", "--lang", "ja")
    assert status == (0 if removed else 1)
    assert (filled.root / V2024 / M2).exists() is not removed
    assert "削除しますか" in sys.stderr.getvalue()


def test_clean_yes_json(filled: CacheTree, cli: CacheCommand) -> None:
    data = cli.json("clean", "--failed", "--yes")
    assert data["dry_run"] is False and len(data["removed"]) == 1
    assert data["bytes_freed"] == 49
    assert not (filled.root / V2024 / M2).exists()
    again = cli.json("clean", "--failed", "--yes")
    assert again["removed"] == [] and again["bytes_freed"] == 0


def test_clean_by_entry_id_version_and_size(cli: CacheCommand) -> None:
    items = cli.json("list")
    success = next(item["id"] for item in items if item["state"] == "success")
    data = cli.json("clean", "--entry", success, "--dry-run")
    assert data["removed"] == [success] and data["bytes_freed"] == 300
    data = cli.json("clean", "--version", V2023, "--dry-run")
    assert len(data["removed"]) == 2
    assert any(item.endswith(M23) for item in data["removed"])  # the entry, then its folder
    data = cli.json("clean", "--max-size", "100", "--dry-run")
    assert success in data["removed"]
    assert cli("clean", "--entry", "nope", "--yes") == 2
    assert cli("clean", "--version", "nope", "--dry-run") == 2
    assert cli("clean", "--yes") == 2  # nothing chosen
    cli.out()


def test_wipe_needs_exactly_one_root(
    filled: CacheTree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = CacheTree(tmp_path / "other")
    other.entry(V2024, M1, "success")
    assert CacheCommand(capsys, filled.root, other.root)("clean", "--wipe", "--yes") == 2
    data = CacheCommand(capsys, other.root).json("clean", "--wipe", "--yes")
    assert len(data["removed"]) == 2  # the entry and its version folder
    assert (filled.root / V2024 / M1).exists()


def test_conflict_exit_status(cli: CacheCommand, monkeypatch: pytest.MonkeyPatch) -> None:
    def changed(self: CompileCacheService, request: Any, token: Any) -> Any:
        raise CacheConflictError("error.conflict")

    monkeypatch.setattr(CompileCacheService, "clean", changed)
    assert cli("clean", "--failed", "--yes", "--lang", "en") == 3
    assert "dry run" in cli.err()


def test_simulate_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    argv = ["simulate", "cache", "--out", str(out), "--entries", "25", "--versions", "2"]
    assert main([*argv, "--failed-ratio", "0.2", "--locked", "1", "--seed", "5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["entries"] == 25 and data["simulated"] is True
    assert data["counts"]["failed"] == 5 and data["counts"]["locked"] == 1
    assert len(data["versions"]) == 2
    status = CacheCommand(capsys, out).json("status")
    assert status["roots"][0]["simulated"] is True
    assert status["roots"][0]["counts"]["failed"] == 5
    argv = ["simulate", "cache", "--out", str(tmp_path / "text"), "--entries", "10"]
    assert main([*argv, "--failed-ratio", "0.2", "--locked", "1", "--lang", "ja"]) == 0
    japanese = capsys.readouterr().out
    assert f"シミュレーション用のコンパイルキャッシュを {tmp_path / 'text'} に書き出しました。" in (
        japanese
    )
    assert "エントリ 10 件（成功 " in japanese and "、失敗 2、ロックあり 1、" in japanese
    assert "実際のキャッシュではありません。" in japanese
    with pytest.raises(SystemExit) as exited:
        main(["simulate", "cache", "--out", str(out), "--entries", "5", "--failed-ratio", "3"])
    assert exited.value.code == 2
    assert "ratio" in capsys.readouterr().err


def test_sizes() -> None:
    assert parse_size("1024") == 1024
    assert parse_size("20G") == 20 * 1024**3
    assert parse_size("1.5k") == 1536
    assert parse_size("500MiB") == 500 * 1024**2
    with pytest.raises(ValueError):
        parse_size("lots")
    assert format_bytes(1536) == "1.5 KiB" and format_bytes(12) == "12 B"
