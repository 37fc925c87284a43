"""Fixtures of the templates tests: the shipped templates and valid / broken documents."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_neuron.templates.catalogue import BUILTIN_DIR

SHIPPED_IDS = ("bert-ja", "vit-beans")


def shipped_document(template_id: str) -> dict[str, Any]:
    """The JSON document of a shipped template (a fresh copy)."""
    return json.loads((BUILTIN_DIR / f"{template_id}.json").read_text(encoding="utf-8"))


def minimal_document(template_id: str = "mini") -> dict[str, Any]:
    """A small valid template exercising every field type."""
    return {
        "format_version": 1,
        "id": template_id,
        "title": {"ja": "小さなテンプレート", "en": "A small template"},
        "description": {"ja": ["説明です。", "{{epochs}} エポック"], "en": "A description."},
        "target_instances": ["inf2.xlarge"],
        "sdk": {"generation": "test", "note": {"ja": "テスト用", "en": "for tests"}},
        "parameters": [
            {
                "name": "smoke",
                "type": "boolean",
                "default": False,
                "derive": "smoke",
                "label": {"ja": "スモーク", "en": "Smoke"},
                "description": {"ja": "スモークモード", "en": "Smoke mode"},
            },
            {
                "name": "epochs",
                "type": "integer",
                "default": 3,
                "smoke_default": 1,
                "minimum": 1,
                "label": {"ja": "エポック数", "en": "Epochs"},
                "description": {"ja": "エポック数です。", "en": "Epochs."},
            },
        ],
        "steps": [
            {
                "id": "only",
                "title": {"ja": "ひとつだけ", "en": "The only step"},
                "explanation": {"ja": "{{epochs}} 回です。", "en": "{{epochs}} times."},
                "cells": [
                    {
                        "cell_type": "code",
                        "source": ["# ja: 日本語のコメント", "# en: English comment", "x = EPOCHS"],
                    }
                ],
            }
        ],
    }


@pytest.fixture
def mini() -> dict[str, Any]:
    """A fresh valid minimal template document."""
    return copy.deepcopy(minimal_document())


def write_json(path: Path, document: Any) -> Path:
    """Write ``document`` as JSON (or a string as is) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


#: (template, language, seconds) of the smoke runs of this session, for the summary.
SMOKE_DURATIONS: list[tuple[str, str, float]] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print how long each CPU smoke run of a template took."""
    if not SMOKE_DURATIONS:
        return
    terminalreporter.section("template smoke runs (CPU)")
    for template_id, lang, seconds in SMOKE_DURATIONS:
        terminalreporter.write_line(f"{template_id} ({lang}): {seconds:.1f} s")
