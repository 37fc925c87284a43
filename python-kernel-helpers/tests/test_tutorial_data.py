"""Tests of the tutorials' data helpers (no torch, datasets or network needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from neuron_kernel_helpers.tutorial_data import (
    HubUnavailable,
    MissingPackage,
    classify_download_error,
    explain_download_errors,
    label_counts,
    read_image_folder,
    require_package,
    split_summary,
    take,
)


class LocalEntryNotFoundError(FileNotFoundError):
    """Named like huggingface_hub's error for 'not in the cache and offline'."""


class RepositoryNotFoundError(Exception):
    """Named like huggingface_hub's error for an unknown repository."""


def test_offline_errors_are_recognised_by_class_name_through_the_chain() -> None:
    try:
        try:
            raise LocalEntryNotFoundError("not cached")
        except LocalEntryNotFoundError as inner:
            raise OSError("Can't load tokenizer") from inner
    except OSError as outer:
        assert classify_download_error(outer) == "unreachable"


def test_offline_errors_are_recognised_by_message() -> None:
    error = OSError(
        "We couldn't connect to 'https://huggingface.co' to load the files, and couldn't "
        "find them in the cached files."
    )
    assert classify_download_error(error) == "unreachable"


def test_missing_repositories_are_told_apart() -> None:
    assert classify_download_error(RepositoryNotFoundError("404")) == "not_found"


def test_other_errors_are_not_download_errors() -> None:
    assert classify_download_error(ValueError("bad shape")) is None


def test_explain_download_errors_gives_a_clear_japanese_message() -> None:
    with pytest.raises(HubUnavailable) as raised:
        with explain_download_errors("dataset", "beans", lang="ja"):
            raise LocalEntryNotFoundError("offline")
    message = str(raised.value)
    assert "データセット「beans」をダウンロードできませんでした" in message
    assert "SMOKE を True に" in message
    assert isinstance(raised.value.__cause__, LocalEntryNotFoundError)


def test_explain_download_errors_in_english_for_a_missing_model() -> None:
    with pytest.raises(HubUnavailable, match="The model 'nobody/nothing' does not exist"):
        with explain_download_errors("model", "nobody/nothing", lang="en"):
            raise RepositoryNotFoundError("404 Client Error")


def test_explain_download_errors_lets_other_errors_through() -> None:
    with pytest.raises(KeyError):
        with explain_download_errors("model", "m", lang="en"):
            raise KeyError("labels")


def test_require_package_says_how_to_install() -> None:
    with pytest.raises(MissingPackage, match="pip install no-such-package"):
        require_package("no_such_module_xyz", "no-such-package", lang="en")
    assert require_package("json").dumps({}) == "{}"


def test_take_is_reproducible_and_bounded() -> None:
    rows = [{"text": str(i), "labels": i % 2} for i in range(50)]
    first = take(rows, 10, seed=42)
    assert first == take(rows, 10, seed=42)
    assert len(first) == 10
    assert first != rows[:10]
    assert take(rows, 10, seed=1) != first
    assert len(take(rows, 500)) == 50
    assert sorted(r["text"] for r in take(rows, None)) == sorted(r["text"] for r in rows)


def test_label_counts_and_summary_table() -> None:
    rows = [{"labels": 0}, {"labels": 1}, {"labels": 1}]
    assert label_counts(rows) == {0: 1, 1: 2}
    table = split_summary({"train": rows, "test": rows[:1]}, ["positive", "negative"], lang="ja")
    lines = table.splitlines()
    assert lines[0].split() == ["分割", "件数", "positive", "negative"]
    assert lines[1].split() == ["train", "3", "1", "2"]
    assert lines[2].split() == ["test", "1", "1", "0"]


def test_read_image_folder_uses_the_label_order_of_labels_json(tmp_path: Path) -> None:
    for name in ("healthy", "bean_rust"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "00000.png").write_bytes(b"")
        (tmp_path / name / "notes.txt").write_text("ignored")
    (tmp_path / "labels.json").write_text(json.dumps(["healthy", "bean_rust"]))
    items, names = read_image_folder(tmp_path)
    assert names == ["healthy", "bean_rust"]
    assert [(path.parent.name, label) for path, label in items] == [
        ("healthy", 0),
        ("bean_rust", 1),
    ]


def test_export_and_read_back_an_image_folder(tmp_path: Path) -> None:
    image_module = pytest.importorskip("PIL.Image")
    from neuron_kernel_helpers.tutorial_data import export_image_folder

    examples = [
        {"image": image_module.new("RGB", (8, 8), (0, 255, 0)), "labels": 2},
        {"image": image_module.new("RGB", (8, 8), (255, 0, 0)), "labels": 0},
    ]
    names = ["angular_leaf_spot", "bean_rust", "healthy"]
    assert export_image_folder(examples, tmp_path, names) == 2
    items, read_names = read_image_folder(tmp_path)
    assert read_names == names
    assert [label for _, label in items] == [0, 2]
