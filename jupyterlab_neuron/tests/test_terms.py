"""One spelling for each Japanese term, in every Japanese text of the project.

Katakana follow the Microsoft Japanese style guide: words ending in -er, -or
or -ar take the long vowel mark (サーバー, フォルダー, コンパイラー), words
ending in -ry or -y do not (メモリ, ディレクトリ, エントリ). The checked files
are the front end's Japanese catalog, the error catalogue, the templates, the
Python sources (server messages, kernel helpers) and the docs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

#: Spelling to avoid -> the project's spelling.
VARIANTS = {
    r"フォルダ(?!ー)": "フォルダー",
    r"サーバ(?!ー)": "サーバー",
    r"パラメータ(?!ー)": "パラメーター",
    r"コンパイラ(?!ー)": "コンパイラー",
    r"ドライバ(?!ー)": "ドライバー",
    r"ユーザ(?!ー)": "ユーザー",
    r"ワーカ(?!ー)": "ワーカー",
    r"モニタ(?![ーリ])": "モニター",  # (モニタリング is a word of its own)
    r"ブラウザ(?!ー)": "ブラウザー",
    r"コンピュータ(?!ー)": "コンピューター",
    r"メモリー": "メモリ",
    r"ディレクトリー": "ディレクトリ",
    r"エントリー": "エントリ",
    r"ライブラリー": "ライブラリ",
}

CHECKED = (
    "src/i18n/ja/*.json",
    "jupyterlab_neuron/**/*.py",
    "jupyterlab_neuron/**/*.json",
    "python-kernel-helpers/**/*.py",
    "src/**/*.ts",
    "src/**/*.tsx",
    "ui-tests/tests/*.ts",
    "docs/*.md",
    "README.md",
)


def checked_files() -> list[Path]:
    files: set[Path] = set()
    for pattern in CHECKED:
        files.update(path for path in REPO.glob(pattern) if path.is_file())
    skipped = {Path(__file__).resolve()}
    return sorted(
        path
        for path in files
        if path.resolve() not in skipped
        and "node_modules" not in path.parts
        and "labextension" not in path.parts
        and "locale" not in path.parts
    )


def test_every_japanese_text_spells_the_terms_one_way() -> None:
    files = checked_files()
    if not (REPO / "src" / "i18n" / "ja").is_dir():
        pytest.skip("not a source checkout")
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for pattern, spelling in VARIANTS.items():
            for match in re.finditer(pattern, text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(REPO)}:{line}: {match.group(0)} -> {spelling}")
    assert not found, "\n".join(found)


def test_the_check_reads_the_japanese_sources() -> None:
    if not (REPO / "src" / "i18n" / "ja").is_dir():
        pytest.skip("not a source checkout")
    names = {path.relative_to(REPO).as_posix() for path in checked_files()}
    for expected in (
        "src/i18n/ja/cache.json",
        "jupyterlab_neuron/diagnose/catalogue.json",
        "jupyterlab_neuron/templates/data/bert-ja.json",
        "jupyterlab_neuron/cache/messages.py",
        "python-kernel-helpers/neuron_kernel_helpers/launcher.py",
        "README.md",
    ):
        assert expected in names
