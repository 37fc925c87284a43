from __future__ import annotations

import pytest

from neuron_kernel_helpers.i18n import (
    Messages,
    display_width,
    format_table,
    lang_from_accept_language,
    list_separator,
    pad_to_width,
    parenthesized,
    resolve_lang,
)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("ja", "ja"),
        ("ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7", "ja"),
        ("en-US,en;q=0.9,ja;q=0.8", "en"),
        ("en;q=0.5, ja", "ja"),
        ("fr-FR,fr;q=0.9,ja;q=0.8", "ja"),
        ("fr, de", "en"),
        ("ja;q=0, en;q=0.1", "en"),
        ("JA-jp", "ja"),
        ("en, ja", "en"),
        ("*", "en"),
        ("ja;q=bogus, en;q=0.3", "en"),
    ],
)
def test_accept_language(header: str | None, expected: str) -> None:
    assert lang_from_accept_language(header) == expected


def test_resolve_lang_explicit_wins_over_locale() -> None:
    assert resolve_lang("en", {"LANG": "ja_JP.UTF-8"}) == "en"
    assert resolve_lang("ja", {"LANG": "C"}) == "ja"
    assert resolve_lang("ja_JP", {}) == "ja"


def test_resolve_lang_rejects_other_languages() -> None:
    with pytest.raises(ValueError, match="fr"):
        resolve_lang("fr")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({}, "en"),
        # LC_ALL overrides LC_MESSAGES, which overrides LANG.
        ({"LC_ALL": "C.UTF-8", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"LC_MESSAGES": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}, "ja"),
        ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "ja_JP.UTF-8"}, "ja"),
    ],
)
def test_resolve_lang_from_locale(environ: dict[str, str], expected: str) -> None:
    assert resolve_lang(None, environ) == expected


def test_messages_translate_and_format() -> None:
    messages = Messages({"cores": {"en": "{n} NeuronCores", "ja": "NeuronCore {n} 個"}})
    assert messages("cores", "en", n=2) == "2 NeuronCores"
    assert messages("cores", "ja", n=2) == "NeuronCore 2 個"


def test_messages_require_both_languages() -> None:
    with pytest.raises(ValueError, match="ja"):
        Messages({"only_english": {"en": "Hello"}})


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("", 0),
        ("STATE", 5),
        ("状態", 4),  # wide
        ("ＡＢ", 4),  # fullwidth
        ("ｶﾀｶﾅ", 4),  # halfwidth katakana: one column each
        ("NeuronCore 使用率", 17),
        ("e\u0301", 1),  # e + combining acute accent takes one column
    ],
)
def test_display_width_counts_wide_characters_twice(text: str, width: int) -> None:
    assert display_width(text) == width


def test_pad_to_width_pads_by_display_width() -> None:
    assert pad_to_width("状態", 6) == "状態  "
    assert pad_to_width("状態", 6, align="right") == "  状態"
    assert pad_to_width("too long", 3) == "too long"


def test_format_table_aligns_japanese_columns() -> None:
    rows = [
        ["状態", "サイズ", "ID"],
        ["成功", "1.0 KiB", "a"],
        ["古いロック", "10 B", "b"],
        ["コンパイル中", "12.5 MiB", "c"],
    ]
    lines = format_table(rows, align=("left", "right", "left"))
    assert lines[0] == "  状態" + " " * 12 + "サイズ  ID"
    assert lines[2] == "  古いロック        10 B  b"
    # Every later column starts at the same display column on every line.
    starts = set()
    for line, row in zip(lines, rows, strict=True):
        start = line.index(row[2])
        starts.add(display_width(line[:start]))
    assert starts == {26}
    assert all(line == line.rstrip() for line in lines)


def test_format_table_handles_no_rows_and_custom_indent() -> None:
    assert format_table([]) == []
    assert format_table([["a", "bb"], ["ccc", "d"]], indent="", gap=" ") == ["a   bb", "ccc d"]


def test_list_separator_is_japanese_in_japanese() -> None:
    assert list_separator("ja") == "、"
    assert list_separator("en") == ", "


def test_parenthesized_uses_full_width_parentheses_in_japanese() -> None:
    assert parenthesized("41", "python", "ja") == "41（python）"
    assert parenthesized("41", "python", "en") == "41 (python)"
