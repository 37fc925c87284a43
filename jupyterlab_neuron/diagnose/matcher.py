"""Match error output against the catalogue of known Neuron failures.

Pure Python (no tornado / jupyter_server): the REST handler and the
``jupyter neuron diagnose`` command both call :meth:`ErrorCatalogue.diagnose`.

The catalogue (``catalogue.json``, described by ``catalogue.schema.json``) is an
ordered list of entries. An entry matches a text when at least one of its
``match.any`` patterns is found, every ``match.all`` pattern is found and no
``match.none`` pattern is found. The first matching entry wins, so the order of
the list is the priority. Named groups of the patterns that are found become
the ``details`` of the result (the first value found for a name wins).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from neuron_kernel_helpers.i18n import LANGUAGES, Lang

#: The catalogue shipped with the package.
CATALOGUE_PATH = Path(__file__).with_name("catalogue.json")
#: The JSON Schema of :data:`CATALOGUE_PATH`.
SCHEMA_PATH = Path(__file__).with_name("catalogue.schema.json")

#: The catalogue format version this module reads.
CATALOGUE_VERSION = 1

#: Largest error text accepted over REST, in UTF-8 bytes (a long cell output is
#: far below this; anything larger is a log file, better read with the CLI).
MAX_TEXT_BYTES = 1_000_000

#: Longest excerpt (the matched line) returned with a match, in characters.
EXCERPT_CHARS = 300

# CSI sequences (colours, cursor moves), OSC sequences (titles, hyperlinks) and
# the two-character escapes: Jupyter tracebacks are full of the first kind.
_ANSI_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[@-Z\\-_]"
)

# Compiler-version folders of the compile cache: neuronxcc-2.15.128.0+56dc5a86
# (2023+) and USER_neuroncc-1.0.48875.0+7437fbf18 (2022).
_COMPILER_FOLDER = re.compile(r"^(?:USER_)?neuronx?cc-")
# "nc1-nc1" in "NeuronCore(s) not available - Requested:nc1-nc1 Available:0".
_CORE_RANGE = re.compile(r"nc(\d+)-nc(\d+)", re.IGNORECASE)

#: Detail names holding a path inside a compile cache; each one also yields the
#: keys of :func:`describe_cache_path` (``cache_entry``, ``cache_root``, ...).
CACHE_PATH_DETAILS = ("neff_path", "lock_path", "cache_path")

_TEXT_FIELDS = ("title", "explanation", "cause")


class CatalogueError(ValueError):
    """The catalogue file is malformed (raised when it is loaded, never later)."""


def clean_error_text(text: str) -> str:
    """``text`` without ANSI escape codes and with ``\\n`` line ends only.

    Jupyter error output carries colour codes, and progress bars rewrite their
    line with bare carriage returns; both would break line-based patterns.
    """
    text = _ANSI_ESCAPE.sub("", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def describe_cache_path(path: str) -> dict[str, str]:
    """What a path inside a compile cache tells about its entry.

    ``/var/tmp/neuron-compile-cache/neuronxcc-2.15.128.0+56dc5a86/MODULE_98ba+39f1/model.neff``
    gives ``cache_entry`` (the ``MODULE_`` folder), ``cache_module`` (its
    name), ``cache_entry_key`` (``neuronxcc-.../MODULE_...``, the entry relative
    to the root) and ``cache_root``. The root's own ``lock`` file gives
    ``cache_root`` only. Works for ``s3://`` URLs too (it only splits on ``/``).
    """
    parts = path.split("/")
    for index, part in enumerate(parts):
        if not part.startswith("MODULE_"):
            continue
        described = {"cache_entry": "/".join(parts[: index + 1]), "cache_module": part}
        if index >= 1 and _COMPILER_FOLDER.match(parts[index - 1]):
            described["cache_entry_key"] = f"{parts[index - 1]}/{part}"
            root = "/".join(parts[: index - 1])
            if root:
                described["cache_root"] = root
        return described
    if len(parts) > 1 and parts[-1] == "lock":
        return {"cache_root": "/".join(parts[:-1]) or "/"}
    return {}


def _core_request(value: str) -> dict[str, Any]:
    """``"nc1-nc1"`` -> 1 core (keeping the range), ``"2"`` -> 2 cores."""
    core_range = _CORE_RANGE.fullmatch(value)
    if core_range:
        first, last = int(core_range.group(1)), int(core_range.group(2))
        return {"requested": abs(last - first) + 1, "requested_cores": value}
    if value.isdigit():
        return {"requested": int(value)}
    return {"requested": value}


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.MULTILINE)
    except re.error as error:
        raise CatalogueError(f"{where}: invalid regular expression {pattern!r}: {error}") from error


def _require_text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"{where} must be a non-empty string")
    return value


def _require_bilingual(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise CatalogueError(f"{where} must be an object with 'ja' and 'en'")
    return {lang: _require_text(value.get(lang), f"{where}.{lang}") for lang in LANGUAGES}


def _line_around(text: str, position: int) -> str:
    """The line of ``text`` holding ``position``, whitespace collapsed and shortened."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    line = " ".join(text[start : end if end >= 0 else len(text)].split())
    return line if len(line) <= EXCERPT_CHARS else line[: EXCERPT_CHARS - 1] + "…"


@dataclass(frozen=True)
class Reference:
    """Where to read more: a URL and its localized title."""

    url: str
    title: dict[str, str]

    def describe(self, lang: Lang) -> dict[str, str]:
        """``{"url", "title"}`` in ``lang``."""
        return {"url": self.url, "title": self.title[lang]}


@dataclass(frozen=True)
class CatalogueEntry:
    """One known failure: how to recognise it and what to tell the user."""

    id: str
    any_patterns: tuple[re.Pattern[str], ...]
    all_patterns: tuple[re.Pattern[str], ...]
    none_patterns: tuple[re.Pattern[str], ...]
    detail_patterns: tuple[re.Pattern[str], ...]
    integer_details: frozenset[str]
    actions: tuple[str, ...]
    reference: Reference
    text: dict[str, dict[str, Any]]

    def find(self, text: str) -> re.Match[str] | None:
        """The first ``any`` match in a cleaned ``text`` if the entry applies, else None."""
        first = None
        for pattern in self.any_patterns:
            first = pattern.search(text)
            if first:
                break
        if first is None:
            return None
        if not all(pattern.search(text) for pattern in self.all_patterns):
            return None
        if any(pattern.search(text) for pattern in self.none_patterns):
            return None
        return first

    def details(self, text: str) -> dict[str, Any]:
        """Every named group found by the entry's patterns, plus derived facts."""
        found: dict[str, str] = {}
        for pattern in (*self.any_patterns, *self.all_patterns, *self.detail_patterns):
            match = pattern.search(text)
            if not match:
                continue
            for name, value in match.groupdict().items():
                if value is not None and name not in found:
                    found[name] = value.strip()
        details: dict[str, Any] = {}
        for name, value in found.items():
            if name == "requested":
                details.update(_core_request(value))
            elif name in self.integer_details and value.isdigit():
                details[name] = int(value)
            else:
                details[name] = value
        for name in CACHE_PATH_DETAILS:
            if name in found:
                for key, value in describe_cache_path(found[name]).items():
                    details.setdefault(key, value)
        return details

    def describe(self, lang: Lang) -> dict[str, Any]:
        """The user-facing part of the entry in ``lang``."""
        text = self.text[lang]
        return {
            "id": self.id,
            "title": text["title"],
            "explanation": text["explanation"],
            "cause": text["cause"],
            "steps": list(text["steps"]),
            "actions": list(self.actions),
            "reference": self.reference.describe(lang),
        }


class ErrorCatalogue:
    """The ordered catalogue of known failures, ready to match error text."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        """Check and compile a parsed catalogue.

        Raises:
            CatalogueError: anything the schema cannot express is wrong
                (duplicate ids, undefined actions, invalid regular expressions,
                a language missing).
        """
        if not isinstance(data, Mapping):
            raise CatalogueError("The catalogue must be a JSON object")
        if data.get("version") != CATALOGUE_VERSION:
            raise CatalogueError(
                f"Unsupported catalogue version {data.get('version')!r}; "
                f"expected {CATALOGUE_VERSION}"
            )
        actions = data.get("actions")
        if not isinstance(actions, Mapping) or not actions:
            raise CatalogueError("'actions' must be a non-empty object")
        self._action_labels = {
            action: _require_bilingual(labels, f"actions.{action}")
            for action, labels in actions.items()
        }
        fallback = data.get("fallback")
        if not isinstance(fallback, Mapping):
            raise CatalogueError("'fallback' must be an object")
        self._fallback_text = {
            lang: {
                field: _require_text(
                    (fallback.get("text") or {}).get(lang, {}).get(field),
                    f"fallback.text.{lang}.{field}",
                )
                for field in ("title", "explanation")
            }
            for lang in LANGUAGES
        }
        self._fallback_reference = self._reference(fallback.get("reference"), "fallback")
        raw_entries = data.get("entries")
        if not isinstance(raw_entries, Sequence) or not raw_entries:
            raise CatalogueError("'entries' must be a non-empty list")
        entries: list[CatalogueEntry] = []
        for position, raw in enumerate(raw_entries):
            entry = self._entry(raw, position)
            if any(existing.id == entry.id for existing in entries):
                raise CatalogueError(f"Duplicate catalogue entry id {entry.id!r}")
            entries.append(entry)
        self._entries = tuple(entries)

    @classmethod
    def from_file(cls, path: Path | str = CATALOGUE_PATH) -> ErrorCatalogue:
        """Load and check the catalogue at ``path``."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CatalogueError(f"Cannot read the catalogue {path}: {error}") from error
        return cls(data)

    @property
    def entries(self) -> tuple[CatalogueEntry, ...]:
        """The entries in priority order."""
        return self._entries

    def entry(self, entry_id: str) -> CatalogueEntry:
        """The entry with ``entry_id``; KeyError when there is none."""
        for entry in self._entries:
            if entry.id == entry_id:
                return entry
        raise KeyError(entry_id)

    def action_labels(self, lang: Lang) -> dict[str, str]:
        """Button labels of every action id, in ``lang``."""
        return {action: labels[lang] for action, labels in self._action_labels.items()}

    def diagnose(self, text: str, lang: Lang = "en") -> dict[str, Any]:
        """Match ``text`` (raw error output) against the catalogue.

        Returns ``{"match": None}`` for an unknown error, else
        ``{"match": {"id", "title", "explanation", "cause", "steps", "actions",
        "reference", "excerpt"}, "details": {...}}`` in ``lang``; ``excerpt`` is
        the line of the text that matched.

        Raises:
            ValueError: ``lang`` is not ``"ja"`` or ``"en"``.
            TypeError: ``text`` is not a string.
        """
        if lang not in LANGUAGES:
            raise ValueError(f"Unsupported language {lang!r}: use 'ja' or 'en'.")
        if not isinstance(text, str):
            raise TypeError(f"The error text must be a string, not {type(text).__name__}")
        cleaned = clean_error_text(text)
        for entry in self._entries:
            found = entry.find(cleaned)
            if found is None:
                continue
            # Anchor the excerpt on the first captured value: patterns such as
            # "the last status line" start matching at the top of the text.
            starts = [found.start(name) for name in found.groupdict() if found.start(name) >= 0]
            match = entry.describe(lang)
            match["excerpt"] = _line_around(cleaned, min(starts) if starts else found.start())
            return {"match": match, "details": entry.details(cleaned)}
        return {"match": None}

    def describe(self, lang: Lang) -> dict[str, Any]:
        """The whole catalogue in ``lang``, for the front end and ``--list``."""
        return {
            "version": CATALOGUE_VERSION,
            "lang": lang,
            "actions": self.action_labels(lang),
            "entries": [entry.describe(lang) for entry in self._entries],
            "fallback": {
                **self._fallback_text[lang],
                "reference": self._fallback_reference.describe(lang),
            },
        }

    # --- loading helpers ---------------------------------------------------------

    @staticmethod
    def _reference(raw: Any, where: str) -> Reference:
        if not isinstance(raw, Mapping):
            raise CatalogueError(f"{where}.reference must be an object")
        url = _require_text(raw.get("url"), f"{where}.reference.url")
        if not url.startswith(("https://", "http://")):
            raise CatalogueError(f"{where}.reference.url must be an http(s) URL")
        return Reference(url=url, title=_require_bilingual(raw.get("title"), f"{where}.reference"))

    def _entry(self, raw: Any, position: int) -> CatalogueEntry:
        if not isinstance(raw, Mapping):
            raise CatalogueError(f"entries[{position}] must be an object")
        entry_id = _require_text(raw.get("id"), f"entries[{position}].id")
        where = f"entry {entry_id!r}"
        match = raw.get("match") or {}
        patterns = {
            kind: tuple(_compile(p, f"{where} match.{kind}") for p in match.get(kind, ()))
            for kind in ("any", "all", "none")
        }
        if not patterns["any"]:
            raise CatalogueError(f"{where}: match.any needs at least one pattern")
        details = raw.get("details") or {}
        actions = tuple(raw.get("actions", ()))
        unknown = [action for action in actions if action not in self._action_labels]
        if unknown:
            raise CatalogueError(f"{where}: undefined actions {unknown}")
        text: dict[str, dict[str, Any]] = {}
        for lang in LANGUAGES:
            localized = (raw.get("text") or {}).get(lang)
            if not isinstance(localized, Mapping):
                raise CatalogueError(f"{where}: no text in {lang!r}")
            fields = {
                f: _require_text(localized.get(f), f"{where} text.{lang}.{f}") for f in _TEXT_FIELDS
            }
            steps = localized.get("steps")
            if not isinstance(steps, list) or not steps:
                raise CatalogueError(f"{where} text.{lang}.steps must be a non-empty list")
            fields["steps"] = tuple(
                _require_text(step, f"{where} text.{lang}.steps[{i}]")
                for i, step in enumerate(steps)
            )
            text[lang] = fields
        return CatalogueEntry(
            id=entry_id,
            any_patterns=patterns["any"],
            all_patterns=patterns["all"],
            none_patterns=patterns["none"],
            detail_patterns=tuple(
                _compile(p, f"{where} details.patterns") for p in details.get("patterns", ())
            ),
            integer_details=frozenset(details.get("integers", ())),
            actions=actions,
            reference=self._reference(raw.get("reference"), where),
            text=text,
        )


@lru_cache(maxsize=1)
def default_catalogue() -> ErrorCatalogue:
    """The catalogue shipped with the package (loaded once)."""
    return ErrorCatalogue.from_file(CATALOGUE_PATH)


def diagnose(text: str, lang: Lang = "en") -> dict[str, Any]:
    """Match ``text`` against the shipped catalogue; see :meth:`ErrorCatalogue.diagnose`."""
    return default_catalogue().diagnose(text, lang)
