from __future__ import annotations

import pytest

from neuron_kernel_helpers.i18n import Messages, lang_from_accept_language, resolve_lang


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
