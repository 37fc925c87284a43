"""A very small Japanese / English message helper.

The extension's Python side speaks two languages. Messages live next to the code
that uses them, as :class:`Messages` tables holding both languages for every
key, so a missing translation is an error at import time, not a blank in the UI.

Terminal text is aligned by display width (:func:`display_width`,
:func:`format_table`): a Japanese character takes two columns of a terminal.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Literal, cast

Lang = Literal["ja", "en"]

#: The languages every message exists in.
LANGUAGES: tuple[Lang, ...] = ("ja", "en")

#: Used when nothing says otherwise.
DEFAULT_LANG: Lang = "en"


def _primary_language(tag: str) -> str:
    """``ja-JP`` / ``ja_JP.UTF-8`` -> ``ja``."""
    return tag.strip().replace("_", "-").split("-", 1)[0].split(".", 1)[0].lower()


def lang_from_accept_language(header: str | None) -> Lang:
    """The preferred language among ``ja`` and ``en`` in an ``Accept-Language`` header.

    Quality values are honoured (``en;q=0.5, ja`` gives ``ja``); among equal
    qualities the first listed wins. Languages we do not speak are ignored and
    an empty or unusable header gives English.
    """
    if not header:
        return DEFAULT_LANG
    best: tuple[float, int, Lang] | None = None
    for position, part in enumerate(header.split(",")):
        fields = part.split(";")
        primary = _primary_language(fields[0])
        if primary not in LANGUAGES:
            continue
        quality = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        # Highest quality first, then earliest position.
        candidate = (quality, -position, cast(Lang, primary))
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return best[2] if best else DEFAULT_LANG


def resolve_lang(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> Lang:
    """The language to use: ``explicit`` when given, else the locale, else English.

    ``explicit`` may be ``"ja"``, ``"en"`` or a locale-like tag (``"ja_JP"``).
    Without it the POSIX locale variables decide, in their own precedence order
    (``LC_ALL``, then ``LC_MESSAGES``, then ``LANG``): a value starting with
    ``ja`` means Japanese.

    Raises:
        ValueError: ``explicit`` names a language other than Japanese or English.
    """
    if explicit:
        primary = _primary_language(explicit)
        if primary not in LANGUAGES:
            raise ValueError(f"Unsupported language {explicit!r}: use 'ja' or 'en'.")
        return cast(Lang, primary)
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "ja" if _primary_language(value) == "ja" else "en"
    return DEFAULT_LANG


class Messages(dict[str, dict[str, str]]):
    """A table of messages, ``{key: {"ja": ..., "en": ...}}``, called to translate.

    ``messages("key", "ja", count=2)`` returns the Japanese text formatted with
    ``str.format``. Every entry must exist in both languages.
    """

    def __init__(self, table: Mapping[str, Mapping[str, str]]) -> None:
        for key, entry in table.items():
            missing = [lang for lang in LANGUAGES if not entry.get(lang)]
            if missing:
                raise ValueError(f"Message {key!r} has no text for: {', '.join(missing)}")
        super().__init__({key: dict(entry) for key, entry in table.items()})

    def __call__(self, key: str, lang: Lang, /, **values: object) -> str:
        """The text of ``key`` in ``lang``, formatted with ``values``."""
        entry = self[key]
        text = entry.get(lang) or entry[DEFAULT_LANG]
        return text.format(**values) if values else text


Align = Literal["left", "right"]


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal.

    East Asian Wide and Fullwidth characters (kanji, kana, fullwidth forms) take
    two columns, combining marks none, everything else one.
    """
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad_to_width(text: str, width: int, align: Align = "left") -> str:
    """``text`` padded with spaces to ``width`` display columns (never cut)."""
    padding = " " * max(0, width - display_width(text))
    return padding + text if align == "right" else text + padding


def format_table(
    rows: Sequence[Sequence[str]],
    *,
    align: Sequence[Align] | None = None,
    indent: str = "  ",
    gap: str = "  ",
) -> list[str]:
    """Lines of a plain-text table whose columns line up in a terminal.

    Every row has the same number of cells; the first row is usually the
    header. ``align`` gives each column's alignment (left by default). Trailing
    spaces are removed.
    """
    if not rows:
        return []
    count = len(rows[0])
    aligns: Sequence[Align] = align if align is not None else ("left",) * count
    widths = [max(display_width(row[column]) for row in rows) for column in range(count)]
    return [
        (
            indent
            + gap.join(
                pad_to_width(cell, width, side)
                for cell, width, side in zip(row, widths, aligns, strict=True)
            )
        ).rstrip()
        for row in rows
    ]


def list_separator(lang: Lang) -> str:
    """The separator of a run-in list: ``、`` in Japanese, ``, `` in English."""
    return "、" if lang == "ja" else ", "


def parenthesized(text: str, note: str, lang: Lang) -> str:
    """``text`` followed by ``note`` in parentheses: ``41（python）`` in Japanese
    (full-width, no space), ``41 (python)`` in English."""
    return f"{text}（{note}）" if lang == "ja" else f"{text} ({note})"
