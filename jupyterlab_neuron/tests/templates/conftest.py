"""Fixtures of the templates tests: the shipped templates and valid / broken documents."""

from __future__ import annotations

import copy
import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_neuron.templates.catalogue import BUILTIN_DIR, TemplateCatalogue, TemplateSource
from jupyterlab_neuron.templates.parameters import EnvironmentFacts
from jupyterlab_neuron.templates.rendering import METADATA_KEY
from jupyterlab_neuron.templates.service import TemplateService

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


#: The real datasets' split sizes (beans: 1,034 / 133 / 128 images, from its dataset card).
BEANS_SPLITS = {"train": 1034, "validation": 133, "test": 128}


def shipped_service() -> TemplateService:
    """The template service over the shipped templates only."""
    return TemplateService(
        TemplateCatalogue([TemplateSource(BUILTIN_DIR, "builtin")]), extension_version="test"
    )


def rendered_cells(
    template_id: str, facts: EnvironmentFacts, *, lang: str = "en", **params: Any
) -> list[dict[str, Any]]:
    """The cells of a shipped template rendered as a notebook for ``facts``."""
    payload = shipped_service().render(
        template_id,
        facts,
        lang=lang,  # type: ignore[arg-type]
        params=params,
        output="notebook",
    )
    return payload["notebook"]["cells"]


def code_cells(
    cells: list[dict[str, Any]], step: str | None = None, role: str | None = None
) -> list[str]:
    """The sources of the code cells (of one step, of one role), in order."""
    return [
        cell["source"]
        for cell in cells
        if cell["cell_type"] == "code"
        and (step is None or cell["metadata"][METADATA_KEY]["step"] == step)
        and (role is None or cell["metadata"][METADATA_KEY]["role"] == role)
    ]


def notebook_namespace(cells: list[dict[str, Any]], **data: Any) -> dict[str, Any]:
    """The parameters cell and the training-arguments cell run, with the data sizes given."""
    namespace: dict[str, Any] = {}
    exec(code_cells(cells, "setup", "parameters")[0], namespace)
    namespace.update(MODEL_PATH="model", DATA_DIR=Path("data"), WORK_PATH=Path("work"), **data)
    # Set by the setup cell (the parameter, or the kernel's detected instance for "auto").
    namespace.setdefault("TARGET_INSTANCE", namespace.get("INSTANCE_TYPE", ""))
    with redirect_stdout(io.StringIO()):
        exec(code_cells(cells, "training-script", "code")[1], namespace)
    return namespace


#: (template, language, seconds) of the smoke runs of this session, for the summary.
SMOKE_DURATIONS: list[tuple[str, str, float]] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print how long each CPU smoke run of a template took."""
    if not SMOKE_DURATIONS:
        return
    terminalreporter.section("template smoke runs (CPU)")
    for template_id, lang, seconds in SMOKE_DURATIONS:
        terminalreporter.write_line(f"{template_id} ({lang}): {seconds:.1f} s")
