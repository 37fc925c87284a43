"""One word for each thing, in every Japanese text of the project.

Katakana follow the Microsoft Japanese style guide: words ending in -er, -or
or -ar take the long vowel mark (サーバー, フォルダー, コンパイラー), words
ending in -ry or -y do not (メモリ, エントリ, レイテンシ). A folder is always
フォルダー (never ディレクトリ), as in the UI; compile-cache entries are
counted with 件; the button's name for stale locks is 古いロック; the monitor
is named as the UI names it (the panel's 「NeuronCore モニター」 section and
the 「NeuronCore ダッシュボード」). Japanese sentences take Japanese
punctuation (、 and full-width parentheses), not ASCII commas or parentheses.

The checked files are the front end's Japanese catalog, the error catalogue,
the templates, the Python sources (server messages, CLI, kernel helpers), the
Galata specs and the docs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .texts import REPO, python_texts

#: Spelling or word to avoid -> the project's word.
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
    r"エントリー": "エントリ",
    r"ライブラリー": "ライブラリ",
    r"レイテンシー": "レイテンシ",
    r"ディレクトリー?": "フォルダー",
    r"残ったロック": "古いロック",
    r"使用率ウィジェット": "「NeuronCore モニター」（パネル）または「NeuronCore ダッシュボード」",
    # The English name too: the UI has no such widget.
    r"(?i)utilization widget": "the NeuronCore Monitor section or the NeuronCore dashboard",
}

_NUMBER = r"(?:%\d|\{\w*\}|\{\{\s*\w+\s*\}\}|\d+)"

#: Entries counted with 個 -> 件.
ENTRY_COUNTERS = (
    re.compile(rf"エントリ[がはを]?\s*{_NUMBER}(?:\s*→\s*{_NUMBER})?\s*個"),
    re.compile(rf"{_NUMBER}\s*個の(?:キャッシュ)?エントリ"),
)

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

_JAPANESE = r"[\u3041-\u30ff\u4e00-\u9fff]"

#: An ASCII comma or parenthesis next to a Japanese word: ``有効 (enabled)``,
#: ``成功 1, 失敗 2``. ASCII text in Japanese (``NeuronCore(s)``, ``p50 (ms)``,
#: ``1, 4``) is left alone.
ASCII_PUNCTUATION = re.compile(
    rf"{_JAPANESE}\s*[,()]|[,(]\s*{_JAPANESE}|\)(?=\s*{_JAPANESE})(?<!\s\))"
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


def _source_checkout() -> None:
    if not (REPO / "src" / "i18n" / "ja").is_dir():
        pytest.skip("not a source checkout")


def term_problems(text: str) -> list[tuple[int, str, str]]:
    """``(offset, found, instead)`` for every word of ``text`` the project spells otherwise."""
    found = [
        (match.start(), match.group(0), spelling)
        for pattern, spelling in VARIANTS.items()
        for match in re.finditer(pattern, text)
    ]
    found += [
        (match.start(), match.group(0), "件")
        for pattern in ENTRY_COUNTERS
        for match in pattern.finditer(text)
    ]
    return sorted(found)


def punctuation_problems(text: str) -> list[str]:
    """ASCII commas and parentheses in the Japanese sentences of ``text``.

    Inline code (between backticks), placeholders (``{name}``, ``%1``), quoted
    names (「…」) and the targets of Markdown links are not prose and are skipped.
    """
    prose = re.sub(r"`[^`\n]*`|\{[^{}\n]*\}|「[^」\n]*」|\]\([^()\s]*\)", "\x00", text)
    return [
        prose[max(0, m.start() - 12) : m.end() + 12].replace("\x00", "…")
        for m in ASCII_PUNCTUATION.finditer(prose)
    ]


def _json_japanese(value: Any, *, all_strings: bool = False) -> Iterator[str]:
    """The Japanese texts of a JSON document: the values of ``"ja"`` keys (or every string)."""
    if isinstance(value, str):
        if all_strings:
            yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _json_japanese(item, all_strings=all_strings or key == "ja")
    elif isinstance(value, list):
        for item in value:
            yield from _json_japanese(item, all_strings=all_strings)


def readme_japanese() -> str:
    """The prose of the README's Japanese section, without code blocks."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## 日本語")
    section = text[start : text.index("\n## English", start)]
    return re.sub(r"```.*?```", "", section, flags=re.DOTALL)


def japanese_messages() -> Iterator[tuple[str, str]]:
    """``(file, text)`` for every Japanese message: UI catalog, catalogue, Python tables."""
    for path in sorted((REPO / "src" / "i18n" / "ja").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for text in _json_japanese(data, all_strings=True):
            yield path.relative_to(REPO).as_posix(), text
    documents = [REPO / "jupyterlab_neuron" / "diagnose" / "catalogue.json"]
    documents += sorted((REPO / "jupyterlab_neuron" / "templates" / "data").glob("*.json"))
    for document in documents:
        for text in _json_japanese(json.loads(document.read_text(encoding="utf-8"))):
            yield document.relative_to(REPO).as_posix(), text
    for pattern in (
        "jupyterlab_neuron/**/*.py",
        "python-kernel-helpers/neuron_kernel_helpers/*.py",
    ):
        for path in sorted(REPO.glob(pattern)):
            if "tests" in path.relative_to(REPO).parts:
                continue
            for text in python_texts(path):
                yield path.relative_to(REPO).as_posix(), text


# --- the rules catch what the review found ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "instead"),
    [
        ("Neuron パネルの NeuronCore 使用率ウィジェットで確認します", "ダッシュボード"),
        ("「残ったロックを解除」で削除します", "古いロック"),
        ("キャッシュのディレクトリに書き込めません", "フォルダー"),
        ("レイテンシーの p50", "レイテンシ"),
        ("コンパイルキャッシュのエントリが %1 個（%2）増えました。", "件"),
        ("（エントリ %1 → %2 個）", "件"),
        ("エントリ {count} 個", "件"),
        ("3 個のエントリを削除します", "件"),
        ("キャッシュのフォルダ", "フォルダー"),
        ("watch the NeuronCore utilization widget of the Neuron panel", "dashboard"),
    ],
)
def test_each_rule_flags_the_wording_it_replaces(text: str, instead: str) -> None:
    problems = term_problems(text)
    assert problems and any(instead in spelling for _, _, spelling in problems)


@pytest.mark.parametrize(
    "text",
    [
        "コンパイルキャッシュのエントリが %1 件（%2）増えました。",
        "NeuronCore 2 個中 1 個が使用中",
        "ロックファイル %1 個",
        "Neuron パネルの「NeuronCore モニター」で確認します",
        "レイテンシ p50 / p99",
    ],
)
def test_the_project_wording_passes(text: str) -> None:
    assert term_problems(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "状態別: 成功 9, 失敗 1",
        "次のコマンドで有効 (enabled) と表示されるか",
        "スループット (推論/秒)",
        "Neuron パネル(左サイドバー): インスタンス",
    ],
)
def test_ascii_punctuation_in_japanese_is_flagged(text: str) -> None:
    assert punctuation_problems(text)


@pytest.mark.parametrize(
    "text",
    [
        "状態別: 成功 9、失敗 1",
        "有効（enabled）と表示されます",
        "AWS Neuron ドキュメント: NeuronCore(s) not available（学習）",
        "p50 (ms)",
        "1, 4 のように、整数をカンマで区切って入力してください。",
        "カーネル（例: 「Python (torch-neuronx)」）に切り替えます",
        "`f(a, b)` を実行します",
        "{path} を開けません（{error}）",
        "サンプル集 [samples-jp](https://github.com/aws-neuron/aws-neuron-samples-jp) にある",
    ],
)
def test_ascii_punctuation_outside_japanese_prose_passes(text: str) -> None:
    assert punctuation_problems(text) == []


# --- the project follows them ---------------------------------------------------------------


def test_every_japanese_text_spells_the_terms_one_way() -> None:
    _source_checkout()
    found = []
    for path in checked_files():
        text = path.read_text(encoding="utf-8")
        for offset, word, spelling in term_problems(text):
            line = text.count("\n", 0, offset) + 1
            found.append(f"{path.relative_to(REPO)}:{line}: {word} -> {spelling}")
    assert not found, "\n".join(found)


def test_japanese_messages_use_japanese_punctuation() -> None:
    _source_checkout()
    found = [
        f"{name}: {excerpt!r}"
        for name, text in japanese_messages()
        for excerpt in punctuation_problems(text)
    ]
    found += [f"README.md: {excerpt!r}" for excerpt in punctuation_problems(readme_japanese())]
    assert not found, "\n".join(found)


def test_the_check_reads_the_japanese_sources() -> None:
    _source_checkout()
    names = {path.relative_to(REPO).as_posix() for path in checked_files()}
    for expected in (
        "src/i18n/ja/cache.json",
        "jupyterlab_neuron/diagnose/catalogue.json",
        "jupyterlab_neuron/templates/data/bert-ja.json",
        "jupyterlab_neuron/cache/messages.py",
        "jupyterlab_neuron/cli/templates.py",
        "python-kernel-helpers/neuron_kernel_helpers/launcher.py",
        "README.md",
    ):
        assert expected in names
    messages = {name for name, _ in japanese_messages()}
    for expected in (
        "src/i18n/ja/cache.json",
        "jupyterlab_neuron/templates/data/bert-ja.json",
        "jupyterlab_neuron/diagnose/catalogue.json",
        "jupyterlab_neuron/cache/messages.py",
        "jupyterlab_neuron/cli/monitor.py",
        "python-kernel-helpers/neuron_kernel_helpers/report.py",
    ):
        assert expected in messages
