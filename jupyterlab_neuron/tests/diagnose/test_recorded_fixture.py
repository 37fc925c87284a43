"""The front-end tests' recorded diagnoses are what this server answers."""

from __future__ import annotations

import json

import pytest

from jupyterlab_neuron.diagnose.matcher import default_catalogue

from .record_fixture import FIXTURE, build_fixture


def test_every_entry_has_a_recorded_sample_that_it_matches() -> None:
    fixture = build_fixture()
    ids = [entry.id for entry in default_catalogue().entries]
    assert list(fixture["entries"]) == ids
    for entry_id, recorded in fixture["entries"].items():
        for lang in ("ja", "en"):
            assert recorded[lang]["match"]["id"] == entry_id, recorded["sample"]
    assert fixture["unknown"]["ja"] == {"match": None}
    assert fixture["unknown"]["en"] == {"match": None}


def test_the_committed_recording_is_current() -> None:
    if not FIXTURE.is_file():
        pytest.skip(f"not a source checkout: {FIXTURE} is absent")
    committed = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert committed == build_fixture(), (
        "src/tutorial/__tests__/diagnoses.json is out of date: run "
        "'.venv/bin/python -m jupyterlab_neuron.tests.diagnose.record_fixture'"
    )
