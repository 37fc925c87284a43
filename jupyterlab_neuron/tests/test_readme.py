"""The README quotes the product's real messages, in both of its languages.

Every 「…」 of the Japanese section and every "…" of the English section must
be a message the UI or the server shows (a whole message, maybe without its
final period), so a renamed message cannot leave the troubleshooting table
pointing at text no user will ever see. The Japanese command-line section
shows the same commands as the English one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from .texts import REPO, python_texts

README = REPO / "README.md"


def _source_checkout() -> None:
    if not (REPO / "src" / "i18n" / "ja").is_dir():
        pytest.skip("not a source checkout")


def section(title: str, next_title: str) -> str:
    """The README text from the ``## title`` heading to the ``## next_title`` heading."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    return text[start : text.index(f"\n## {next_title}", start)]


def subsection(text: str, title: str) -> str:
    """The text under ``### title`` up to the next heading."""
    start = text.index(f"\n### {title}\n")
    end = re.search(r"\n##+ ", text[start + 1 :])
    return text[start : start + 1 + end.start()] if end else text[start:]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _catalogue_texts(lang: str) -> Iterator[str]:
    catalogue = json.loads(
        (REPO / "jupyterlab_neuron" / "diagnose" / "catalogue.json").read_text(encoding="utf-8")
    )

    def walk(value: Any) -> Iterator[str]:
        if isinstance(value, dict):
            for key, item in value.items():
                yield from _strings(item) if key == lang else walk(item)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)

    yield from walk(catalogue)


def messages(lang: str) -> set[str]:
    """Every message of ``lang``: the UI catalog, the error catalogue and the Python tables."""
    found: set[str] = set()
    for path in sorted((REPO / "src" / "i18n" / "ja").glob("*.json")):
        catalog = json.loads(path.read_text(encoding="utf-8"))
        for msgid, translation in catalog.items():
            if lang == "en":
                found.add(msgid)
                if isinstance(translation, dict) and "msgid_plural" in translation:
                    found.add(translation["msgid_plural"])
            else:
                found.update(
                    _strings(
                        translation.get("msgstr") if isinstance(translation, dict) else translation
                    )
                )
    found.update(_catalogue_texts(lang))
    for pattern in (
        "jupyterlab_neuron/**/*.py",
        "python-kernel-helpers/neuron_kernel_helpers/*.py",
    ):
        for path in sorted(REPO.glob(pattern)):
            if "tests" not in path.relative_to(REPO).parts:
                found.update(python_texts(path, lang))
    return found


def quoted(text: str, lang: str) -> list[str]:
    """The quotations of ``text``: 「…」 in Japanese, "…" in English (code left out)."""
    prose = re.sub(r"```.*?```|`[^`\n]*`", "", text, flags=re.DOTALL)
    pattern = r"「([^」\n]+)」" if lang == "ja" else r"\"([^\"\n]+)\""
    return re.findall(pattern, prose)


def is_a_message(quote: str, known: set[str]) -> bool:
    return any(quote in (message, message.rstrip("。.")) for message in known)


def test_the_check_finds_the_quotes_and_the_messages() -> None:
    _source_checkout()
    japanese = quoted(subsection(section("日本語", "English"), "トラブルシューティング"), "ja")
    english = quoted(
        subsection(section("English", "Configuration / 設定"), "Troubleshooting"), "en"
    )
    assert len(japanese) >= 5 and len(english) >= 5
    ja, en = messages("ja"), messages("en")
    assert is_a_message("Neuron ツールが見つかりません", ja)
    assert is_a_message("Neuron tools were not found", en)
    assert not is_a_message("Neuron ツールがありません", ja)  # a paraphrase is not a quote
    assert not is_a_message("Version mismatch", en)


@pytest.mark.parametrize(
    ("title", "next_title", "lang"),
    [("日本語", "English", "ja"), ("English", "Configuration / 設定", "en")],
)
def test_readme_quotes_are_real_messages(title: str, next_title: str, lang: str) -> None:
    _source_checkout()
    known = messages(lang)
    missing = [
        quote
        for quote in quoted(section(title, next_title), lang)
        if not is_a_message(quote, known)
    ]
    assert not missing, f"README quotes messages the product does not show: {missing}"


def _commands(text: str) -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.DOTALL)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_the_japanese_command_line_section_matches_the_english_one() -> None:
    japanese = subsection(section("日本語", "English"), "コマンドライン")
    english = subsection(section("English", "Configuration / 設定"), "Command line")
    commands = _commands(english)
    assert commands and commands == _commands(japanese)
    # Every sub-command the English section explains is explained in Japanese too.
    explained = re.findall(r"^- `([a-z ]+)`:", english, flags=re.MULTILINE)
    assert explained and explained == re.findall(r"^- `([a-z ]+)`:", japanese, flags=re.MULTILINE)
