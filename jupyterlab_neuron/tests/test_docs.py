"""The README documents every server setting and every front-end setting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_neuron.settings import JupyterLabNeuron

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(JupyterLabNeuron.class_traits(config=True)))
def test_every_server_setting_is_in_the_readme_table(name: str) -> None:
    assert f"| `{name}` |" in README, f"README.md does not document JupyterLabNeuron.{name}"


def _front_end_settings() -> list[str]:
    names = []
    for schema in sorted((REPO / "schema").glob("*.json")):
        names.extend(json.loads(schema.read_text(encoding="utf-8")).get("properties", {}))
    return names


@pytest.mark.parametrize("name", _front_end_settings())
def test_every_front_end_setting_is_in_the_readme_table(name: str) -> None:
    assert f"| `{name}` |" in README, f"README.md does not document the setting {name}"


def test_every_server_setting_has_help_text() -> None:
    for name, trait in JupyterLabNeuron.class_traits(config=True).items():
        assert len(trait.help) > 20, f"JupyterLabNeuron.{name} needs help text"
