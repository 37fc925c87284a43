"""Schema and semantic validation of template files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from jupyterlab_neuron.templates.format import (
    SCHEMA_PATH,
    TemplateError,
    join_text,
    load_template_file,
    parse_template,
    resolve_bilingual_comments,
    validate_document,
)

from .conftest import SHIPPED_IDS, shipped_document, write_json


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text()))


@pytest.mark.parametrize("template_id", SHIPPED_IDS)
def test_every_shipped_template_is_valid(template_id: str) -> None:
    document = shipped_document(template_id)
    assert validate_document(document) == []
    template = parse_template(document)
    assert template.id == template_id
    assert template.target_instances == (
        "inf2.xlarge",
        "trn1.2xlarge",
        "trn1.32xlarge",
        "trn2.48xlarge",
    )
    assert template.derived("smoke") is not None
    assert template.derived("workers") is not None


def test_the_minimal_document_is_valid(mini: dict[str, Any]) -> None:
    assert validate_document(mini) == []
    template = parse_template(mini, origin="admin", path="/x/mini.json")
    assert template.description["ja"] == "説明です。\n{{epochs}} エポック"
    assert template.parameter("epochs").has_smoke_default  # type: ignore[union-attr]
    assert template.parameter("smoke").has_smoke_default is False  # type: ignore[union-attr]
    assert template.origin == "admin"


def _break(mini: dict[str, Any], change: str) -> dict[str, Any]:
    """Apply one named breakage to a valid document."""
    if change == "missing english title":
        del mini["title"]["en"]
    elif change == "empty japanese title":
        mini["title"]["ja"] = ""
    elif change == "bad id":
        mini["id"] = "Bad Id"
    elif change == "unknown top-level field":
        mini["author"] = "someone"
    elif change == "no steps":
        mini["steps"] = []
    elif change == "step called setup":
        mini["steps"][0]["id"] = "setup"
    elif change == "duplicate step id":
        mini["steps"].append(dict(mini["steps"][0]))
    elif change == "duplicate parameter":
        mini["parameters"].append(dict(mini["parameters"][1]))
    elif change == "default of the wrong type":
        mini["parameters"][1]["default"] = "3"
    elif change == "boolean as an integer":
        mini["parameters"][1]["default"] = True
    elif change == "default below minimum":
        mini["parameters"][1]["default"] = 0
    elif change == "derive on the wrong type":
        mini["parameters"][1]["derive"] = "compile_cache_dir"
    elif change == "unknown derivation":
        mini["parameters"][1]["derive"] = "moon_phase"
    elif change == "reserved name":
        mini["parameters"][1]["name"] = "lang"
    elif change == "keyword name":
        mini["parameters"][1]["name"] = "class"
    elif change == "unbalanced bilingual comments":
        mini["steps"][0]["cells"][0]["source"].insert(0, "# ja: 余分な行")
    elif change == "unknown placeholder":
        mini["steps"][0]["explanation"]["en"] = "{{nothing}} here"
    elif change == "markdown cell in one language":
        mini["steps"][0]["cells"].append({"cell_type": "markdown", "source": {"ja": "だけ"}})
    elif change == "bad cell type":
        mini["steps"][0]["cells"][0]["cell_type"] = "raw"
    elif change == "wrong format version":
        mini["format_version"] = 2
    elif change == "bad duration":
        mini["steps"][0]["duration"] = {"minutes": {"inf2.xlarge": -1}}
    else:  # pragma: no cover - a typo in the parameter list
        raise AssertionError(change)
    return mini


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ("missing english title", "title: 'en' is a required property"),
        ("empty japanese title", "title/ja"),
        ("bad id", "id: 'Bad Id' does not match"),
        ("unknown top-level field", "Additional properties are not allowed ('author'"),
        ("no steps", "steps: [] should be non-empty"),
        ("step called setup", "steps/0/id"),
        ("duplicate step id", "duplicate step id"),
        ("duplicate parameter", "duplicate parameter name"),
        ("default of the wrong type", "default '3' is not of type integer"),
        ("boolean as an integer", "default True is not of type integer"),
        ("default below minimum", "below the minimum 1"),
        ("derive on the wrong type", "derive compile_cache_dir needs type string"),
        ("unknown derivation", "parameters/1/derive"),
        ("reserved name", "the name is reserved"),
        ("keyword name", "the name is reserved"),
        ("unbalanced bilingual comments", "2 '# ja:' comment lines but 1 '# en:' lines"),
        ("unknown placeholder", "unknown placeholder {{nothing}} (en)"),
        ("markdown cell in one language", "steps/0/cells/1"),
        ("bad cell type", "steps/0/cells/0"),
        ("wrong format version", "format_version: 1 was expected"),
        ("bad duration", "steps/0/duration/minutes/inf2.xlarge"),
    ],
)
def test_broken_documents_are_rejected_with_a_reason(
    mini: dict[str, Any], change: str, fragment: str
) -> None:
    errors = validate_document(_break(mini, change))
    assert errors, change
    assert any(fragment in error for error in errors), errors
    with pytest.raises(TemplateError):
        parse_template(mini)


def test_files_that_are_not_json_or_not_readable(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="not valid JSON"):
        load_template_file(write_json(tmp_path / "broken.json", "{ nope"))
    with pytest.raises(TemplateError, match="cannot read the file"):
        load_template_file(tmp_path / "missing.json")
    (tmp_path / "latin1.json").write_bytes(b'{"id": "\xe9"}')
    with pytest.raises(TemplateError, match="cannot read the file"):
        load_template_file(tmp_path / "latin1.json")


def test_join_text_gives_every_line_exactly_one_newline() -> None:
    assert join_text("as is\n") == "as is\n"
    assert join_text(["a", "b\n", "c"]) == "a\nb\nc"
    assert join_text([]) == ""


def test_bilingual_comments_keep_one_language_and_the_indentation() -> None:
    source = "\n".join(
        [
            "def f():",
            "    # ja: 日本語の説明",
            "    # en: English explanation",
            "    # a normal comment",
            "    return 1  # en: not at line start, kept",
        ]
    )
    assert resolve_bilingual_comments(source, "ja").splitlines() == [
        "def f():",
        "    # 日本語の説明",
        "    # a normal comment",
        "    return 1  # en: not at line start, kept",
    ]
    assert "    # English explanation" in resolve_bilingual_comments(source, "en")
    assert "日本語" not in resolve_bilingual_comments(source, "en")
