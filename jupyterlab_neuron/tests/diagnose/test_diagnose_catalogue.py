"""The catalogue data file: schema, invariants, and both languages complete and consistent."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import jsonschema
import pytest

from jupyterlab_neuron.diagnose.matcher import (
    CATALOGUE_PATH,
    SCHEMA_PATH,
    CatalogueError,
    ErrorCatalogue,
    default_catalogue,
)

#: The failures issue 6 asks the catalogue to cover, at least.
REQUIRED_ENTRIES = {
    "neuroncores-unavailable",
    "failed-neff-cached",
    "compile-cache-locked",
    "device-out-of-memory",
    "one-worker-without-torchrun",
    "neuron-packages-missing",
    "offline-download",
}

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# A polite sentence ends in one of these (before 。).
POLITE_ENDINGS = ("ます", "ません", "です", "ました", "でした", "ください")
# Variants of the project's terms that must not appear in Japanese text (the
# katakana spellings are checked for every Japanese string by test_terms.py).
TERM_VARIANTS = (
    "ニューロンコア",
    "Neuron Core",
    "Neuron コア",
    "コンパイル・キャッシュ",
    "コンパイル キャッシュ",
    "プリコンパイル",
)


@pytest.fixture
def raw_catalogue() -> dict[str, Any]:
    """The catalogue file as parsed JSON (a fresh copy per test)."""
    return json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def schema() -> dict[str, Any]:
    """The catalogue's JSON Schema."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _texts(raw: dict[str, Any], lang: str) -> list[tuple[str, str, str]]:
    """(entry id, field, text) of every sentence-bearing field in ``lang``."""
    found = []
    for entry in raw["entries"]:
        text = entry["text"][lang]
        for field in ("explanation", "cause"):
            found.append((entry["id"], field, text[field]))
        for index, step in enumerate(text["steps"]):
            found.append((entry["id"], f"steps[{index}]", step))
    return found


def test_schema_is_valid_and_catalogue_follows_it(
    raw_catalogue: dict[str, Any], schema: dict[str, Any]
) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(raw_catalogue)


def test_schema_rejects_an_entry_missing_english(
    raw_catalogue: dict[str, Any], schema: dict[str, Any]
) -> None:
    del raw_catalogue["entries"][0]["text"]["en"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(raw_catalogue)


def test_schema_rejects_an_empty_step(
    raw_catalogue: dict[str, Any], schema: dict[str, Any]
) -> None:
    raw_catalogue["entries"][1]["text"]["ja"]["steps"].append("  ")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(raw_catalogue)


def test_required_failures_are_catalogued() -> None:
    ids = [entry.id for entry in default_catalogue().entries]
    assert REQUIRED_ENTRIES <= set(ids)
    assert len(ids) == len(set(ids))


def test_every_action_is_defined_and_used(raw_catalogue: dict[str, Any]) -> None:
    defined = set(raw_catalogue["actions"])
    used = {action for entry in raw_catalogue["entries"] for action in entry["actions"]}
    assert used <= defined
    assert defined <= used, f"actions never offered: {defined - used}"


def test_the_issue_actions_are_offered_where_asked() -> None:
    catalogue = default_catalogue()
    assert catalogue.entry("neuroncores-unavailable").actions == (
        "show-core-holders",
        "shut-down-kernel",
    )
    assert catalogue.entry("failed-neff-cached").actions == ("delete-failed-cache-entry",)
    assert catalogue.entry("compile-cache-locked").actions == ("clear-stale-locks",)
    assert catalogue.entry("neuron-packages-missing").actions == ("choose-kernel",)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_entry_is_complete_in_both_languages(lang: str) -> None:
    described = default_catalogue().describe(lang)  # type: ignore[arg-type]
    for entry in described["entries"]:
        for field in ("title", "explanation", "cause"):
            assert entry[field].strip(), (entry["id"], field)
        assert entry["steps"] and all(step.strip() for step in entry["steps"])
        assert entry["reference"]["url"].startswith("https://")
        assert entry["reference"]["title"].strip()
    assert set(described["actions"]) == set(default_catalogue().action_labels("en"))
    assert described["fallback"]["title"] and described["fallback"]["reference"]["url"]


def test_japanese_is_japanese_and_english_is_english(raw_catalogue: dict[str, Any]) -> None:
    for entry_id, field, text in _texts(raw_catalogue, "ja"):
        assert JAPANESE.search(text), (entry_id, field, text)
    for entry_id, field, text in _texts(raw_catalogue, "en"):
        assert not JAPANESE.search(text), (entry_id, field, text)
    for action, labels in raw_catalogue["actions"].items():
        assert JAPANESE.search(labels["ja"]) and not JAPANESE.search(labels["en"]), action
    for entry in raw_catalogue["entries"]:
        assert JAPANESE.search(entry["text"]["ja"]["title"]), entry["id"]
        assert not JAPANESE.search(entry["text"]["en"]["title"]), entry["id"]


def test_japanese_sentences_are_polite(raw_catalogue: dict[str, Any]) -> None:
    for entry_id, field, text in _texts(raw_catalogue, "ja"):
        assert text.endswith("。"), (entry_id, field, text)
        for sentence in filter(None, (part.strip() for part in text.split("。"))):
            # A closing parenthetical may follow the verb: 起動します（...）。
            ending = re.sub(r"（[^（）]*）$", "", sentence).rstrip("」")
            assert ending.endswith(POLITE_ENDINGS), (entry_id, field, sentence)


def test_japanese_uses_the_project_terms(raw_catalogue: dict[str, Any]) -> None:
    everything = json.dumps(
        [entry["text"]["ja"] for entry in raw_catalogue["entries"]]
        + [labels["ja"] for labels in raw_catalogue["actions"].values()],
        ensure_ascii=False,
    )
    for variant in TERM_VARIANTS:
        assert variant not in everything, variant
    assert "NeuronCore" in everything and "コンパイルキャッシュ" in everything
    assert "事前コンパイル" in everything


def test_both_languages_give_the_same_steps_and_commands(raw_catalogue: dict[str, Any]) -> None:
    """Same number of steps, and the same code (commands, variables) in both languages."""

    def code_spans(text: dict[str, Any]) -> list[str]:
        joined = " ".join([text["explanation"], text["cause"], *text["steps"]])
        # Placeholders such as <path> / <パス> are translated; the rest is code.
        return sorted(re.sub(r"<[^>]*>", "<>", span) for span in re.findall(r"`([^`]+)`", joined))

    for entry in raw_catalogue["entries"]:
        ja, en = entry["text"]["ja"], entry["text"]["en"]
        assert len(ja["steps"]) == len(en["steps"]), entry["id"]
        assert code_spans(ja) == code_spans(en), entry["id"]


def test_steps_name_the_buttons_they_refer_to(raw_catalogue: dict[str, Any]) -> None:
    """A step quoting a button uses the label the UI shows for that action."""
    labels = raw_catalogue["actions"]
    for entry in raw_catalogue["entries"]:
        for lang, quote in (("ja", r"「([^」]+)」"), ("en", r"\"([^\"]+)\"")):
            quoted = set(re.findall(quote, " ".join(entry["text"][lang]["steps"])))
            offered = {labels[action][lang] for action in entry["actions"]}
            all_labels = {label[lang] for label in labels.values()}
            assert (quoted & all_labels) <= offered, (entry["id"], lang, quoted)


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda raw: raw["entries"].append(copy.deepcopy(raw["entries"][0])), "Duplicate"),
        (lambda raw: raw["entries"][0]["actions"].append("launch-rocket"), "undefined actions"),
        (lambda raw: raw["entries"][0]["match"]["any"].append("(unclosed"), "invalid regular"),
        (lambda raw: raw["entries"][2]["text"].pop("en"), "no text in 'en'"),
        (lambda raw: raw["entries"][2]["text"]["ja"].update(steps=[]), "non-empty list"),
        (lambda raw: raw["actions"]["choose-kernel"].pop("ja"), "actions.choose-kernel.ja"),
        (lambda raw: raw.update(version=2), "Unsupported catalogue version"),
        (lambda raw: raw["entries"][0]["match"].update(any=[]), "at least one pattern"),
    ],
)
def test_loader_refuses_a_broken_catalogue(
    raw_catalogue: dict[str, Any], breakage: Any, message: str
) -> None:
    breakage(raw_catalogue)
    with pytest.raises(CatalogueError, match=re.escape(message)):
        ErrorCatalogue(raw_catalogue)


def test_loader_reports_an_unreadable_file(tmp_path: Any) -> None:
    broken = tmp_path / "catalogue.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogueError, match="Cannot read the catalogue"):
        ErrorCatalogue.from_file(broken)
