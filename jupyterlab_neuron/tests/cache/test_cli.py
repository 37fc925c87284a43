"""``jupyter neuron cache status|list|clean`` and ``jupyter neuron simulate cache``."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_neuron.cache.errors import CacheConflictError
from jupyterlab_neuron.cache.service import CompileCacheService
from jupyterlab_neuron.cli import main
from jupyterlab_neuron.cli.cache import LIST_KEYS, format_bytes, parse_size
from neuron_kernel_helpers.i18n import display_width

from .builders import V2023, V2024, CacheTree

M1 = "MODULE_11111111111111111111+d41d8cd9"
M2 = "MODULE_22222222222222222222+d41d8cd9"
M23 = "MODULE_10344627350939427397+39f12043"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("NEURON_CC_FLAGS", "NEURON_COMPILE_CACHE_URL", "JUPYTERLAB_NEURON_CACHE_ROOTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def filled(tree: CacheTree) -> CacheTree:
    tree.entry(V2024, M1, "success", size=100)
    tree.entry(V2024, M2, "failed", size=10)
    tree.entry(V2023, M23, "locked", size=10)
    return tree


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_status_json(filled: CacheTree, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "cache", "status", "--root", str(filled.root), "--json")
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
    data = run_json(capsys, "cache", "status", "--json")
    active = data["roots"][0]
    assert active["path"] == str(filled.root) and active["active"]
    assert active["sources"] == ["NEURON_CC_FLAGS", "project"]  # cwd holds it too


def test_status_text_in_both_languages(
    filled: CacheTree, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cache", "status", "--root", str(filled.root), "--lang", "ja"]) == 0
    japanese = capsys.readouterr().out
    assert "コンパイルキャッシュ" in japanese and "古いロック 1" in japanese
    assert main(["cache", "status", "--root", str(filled.root), "--lang", "en"]) == 0
    english = capsys.readouterr().out
    assert "stale lock 1" in english and "(newest)" in english


def test_status_lists_the_states_with_japanese_punctuation(
    filled: CacheTree, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cache", "status", "--root", str(filled.root), "--lang", "ja"]) == 0
    japanese = capsys.readouterr().out
    assert "状態別: 成功 1、失敗 1、コンパイル中 0、古いロック 1、空 0" in japanese
    assert "," not in japanese.replace(str(filled.root), "")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_list_columns_line_up_by_display_width(
    filled: CacheTree, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    assert main(["cache", "list", "--root", str(filled.root), "--lang", lang]) == 0
    lines = capsys.readouterr().out.splitlines()
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


def test_clean_dry_run_text_is_a_preview(
    filled: CacheTree, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["cache", "clean", "--root", str(filled.root), "--failed", "--stale-locks", "--dry-run"]
    assert main([*argv, "--lang", "ja"]) == 0
    japanese = capsys.readouterr().out.splitlines()
    assert japanese[0] == f"削除対象: 2 件、解放される容量: {format_bytes(10 + 39)}"
    assert japanese[-1] == "ドライランのため、何も削除していません。"
    kinds = sorted(line.split()[0] for line in japanese[1:3])
    assert kinds == ["エントリ", "ロックファイル"]
    assert main([*argv, "--lang", "en"]) == 0
    english = capsys.readouterr().out.splitlines()
    assert english[0] == f"To remove: 2 item(s); space freed: {format_bytes(10 + 39)}"
    assert (filled.root / V2024 / M2).is_dir()


def test_list_json_and_state_filter(filled: CacheTree, capsys: pytest.CaptureFixture[str]) -> None:
    items = run_json(capsys, "cache", "list", "--root", str(filled.root), "--json")
    assert len(items) == 3 and all(tuple(item) == LIST_KEYS for item in items)
    failed = run_json(
        capsys, "cache", "list", "--root", str(filled.root), "--state", "failed", "--json"
    )
    assert [(item["module"], item["state"]) for item in failed] == [(M2, "failed")]
    assert failed[0]["root"] == str(filled.root) and failed[0]["version"] == V2024
    assert main(["cache", "list", "--root", str(filled.root), "--state", "poisoned"]) == 2
    assert "poisoned" in capsys.readouterr().err
    assert main(["cache", "list", "--root", str(filled.root), "--lang", "ja"]) == 0
    assert "失敗" in capsys.readouterr().out


def test_clean_dry_run_json_removes_nothing(
    filled: CacheTree, capsys: pytest.CaptureFixture[str]
) -> None:
    data = run_json(
        capsys,
        "cache",
        "clean",
        "--root",
        str(filled.root),
        "--failed",
        "--stale-locks",
        "--dry-run",
        "--json",
    )
    assert data["dry_run"] is True
    assert len(data["removed"]) == 2 and data["bytes_freed"] == 10 + 39
    assert set(data) >= {"removed", "bytes_freed", "dry_run"}
    assert (filled.root / V2024 / M2).is_dir()


def test_clean_without_yes_and_without_terminal_refuses(
    filled: CacheTree, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))  # piped input is not a terminal
    assert main(["cache", "clean", "--root", str(filled.root), "--failed", "--lang", "en"]) == 1
    assert "no terminal" in capsys.readouterr().err
    assert (filled.root / V2024 / M2).is_dir()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "removed"), [("y\n", True), ("n\n", False), ("\n", False)])
def test_clean_asks_on_a_terminal(
    filled: CacheTree,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    removed: bool,
) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal(answer))
    monkeypatch.setattr("sys.stderr", _Terminal())
    status = main(["cache", "clean", "--root", str(filled.root), "--failed", "--lang", "ja"])
    assert status == (0 if removed else 1)
    assert (filled.root / V2024 / M2).exists() is not removed
    assert "削除しますか" in __import__("sys").stderr.getvalue()


def test_clean_yes_json(filled: CacheTree, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys, "cache", "clean", "--root", str(filled.root), "--failed", "--yes", "--json"
    )
    assert data["dry_run"] is False and len(data["removed"]) == 1
    assert data["bytes_freed"] == 49
    assert not (filled.root / V2024 / M2).exists()
    again = run_json(
        capsys, "cache", "clean", "--root", str(filled.root), "--failed", "--yes", "--json"
    )
    assert again["removed"] == [] and again["bytes_freed"] == 0


def test_clean_by_entry_id_version_and_size(
    filled: CacheTree, capsys: pytest.CaptureFixture[str]
) -> None:
    items = run_json(capsys, "cache", "list", "--root", str(filled.root), "--json")
    success = next(item["id"] for item in items if item["state"] == "success")
    data = run_json(
        capsys,
        "cache",
        "clean",
        "--root",
        str(filled.root),
        "--entry",
        success,
        "--dry-run",
        "--json",
    )
    assert data["removed"] == [success] and data["bytes_freed"] == 300
    data = run_json(
        capsys,
        "cache",
        "clean",
        "--root",
        str(filled.root),
        "--version",
        V2023,
        "--dry-run",
        "--json",
    )
    assert len(data["removed"]) == 2
    assert any(item.endswith(M23) for item in data["removed"])  # the entry, then its folder
    data = run_json(
        capsys,
        "cache",
        "clean",
        "--root",
        str(filled.root),
        "--max-size",
        "100",
        "--dry-run",
        "--json",
    )
    assert success in data["removed"]
    assert main(["cache", "clean", "--root", str(filled.root), "--entry", "nope", "--yes"]) == 2
    assert (
        main(["cache", "clean", "--root", str(filled.root), "--version", "nope", "--dry-run"]) == 2
    )
    assert main(["cache", "clean", "--root", str(filled.root), "--yes"]) == 2  # nothing chosen
    capsys.readouterr()


def test_wipe_needs_exactly_one_root(
    filled: CacheTree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = CacheTree(tmp_path / "other")
    other.entry(V2024, M1, "success")
    assert (
        main(
            [
                "cache",
                "clean",
                "--root",
                str(filled.root),
                "--root",
                str(other.root),
                "--wipe",
                "--yes",
            ]
        )
        == 2
    )
    data = run_json(
        capsys, "cache", "clean", "--root", str(other.root), "--wipe", "--yes", "--json"
    )
    assert len(data["removed"]) == 2  # the entry and its version folder
    assert (filled.root / V2024 / M1).exists()


def test_conflict_exit_status(
    filled: CacheTree, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def changed(self: CompileCacheService, request: Any, token: Any) -> Any:
        raise CacheConflictError("error.conflict")

    monkeypatch.setattr(CompileCacheService, "clean", changed)
    assert (
        main(["cache", "clean", "--root", str(filled.root), "--failed", "--yes", "--lang", "en"])
        == 3
    )
    assert "dry run" in capsys.readouterr().err


def test_simulate_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    data = run_json(
        capsys,
        "simulate",
        "cache",
        "--out",
        str(out),
        "--entries",
        "25",
        "--versions",
        "2",
        "--failed-ratio",
        "0.2",
        "--locked",
        "1",
        "--seed",
        "5",
        "--json",
    )
    assert data["entries"] == 25 and data["simulated"] is True
    assert data["counts"]["failed"] == 5 and data["counts"]["locked"] == 1
    assert len(data["versions"]) == 2
    status = run_json(capsys, "cache", "status", "--root", str(out), "--json")
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
