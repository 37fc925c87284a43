"""The catalogue: shipped templates plus administrators' files, problems reported."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jupyterlab_neuron.templates.catalogue import (
    BUILTIN_DIR,
    TemplateCatalogue,
    TemplateSource,
    data_dir_sources,
    default_sources,
)

from .conftest import SHIPPED_IDS, minimal_document, write_json


def catalogue_with(admin_dir: Path) -> TemplateCatalogue:
    return TemplateCatalogue(
        [TemplateSource(BUILTIN_DIR, "builtin"), TemplateSource(admin_dir, "admin")]
    )


def test_shipped_templates_only(tmp_path: Path) -> None:
    snapshot = catalogue_with(tmp_path / "absent").snapshot()
    assert tuple(snapshot.templates) == SHIPPED_IDS
    assert snapshot.problems == ()


def test_an_admin_template_is_added(tmp_path: Path) -> None:
    write_json(tmp_path / "mini.json", minimal_document("team-mini"))
    snapshot = catalogue_with(tmp_path).snapshot()
    assert list(snapshot.templates) == [*SHIPPED_IDS, "team-mini"]
    assert snapshot.templates["team-mini"].origin == "admin"
    assert snapshot.templates["team-mini"].path == str(tmp_path / "mini.json")


def test_bad_admin_templates_are_reported_and_never_hide_the_others(tmp_path: Path) -> None:
    write_json(tmp_path / "a-not-json.json", "{")
    broken: dict[str, Any] = minimal_document("broken")
    del broken["steps"]
    write_json(tmp_path / "b-invalid.json", broken)
    write_json(tmp_path / "c-good.json", minimal_document("good"))
    write_json(tmp_path / "ignored.txt", "not a template")
    snapshot = catalogue_with(tmp_path).snapshot()
    assert list(snapshot.templates) == [*SHIPPED_IDS, "good"]
    assert [(Path(p.path).name, p.kind) for p in snapshot.problems] == [
        ("a-not-json.json", "invalid"),
        ("b-invalid.json", "invalid"),
    ]
    invalid = snapshot.problems[1].to_json("ja")
    assert invalid["origin"] == "admin"
    assert "'steps' is a required property" in invalid["errors"][0]
    assert invalid["message"].startswith(
        f"テンプレート {tmp_path / 'b-invalid.json'} は使用できません"
    )


def test_an_admin_file_reusing_a_shipped_id_is_ignored_and_reported(tmp_path: Path) -> None:
    write_json(tmp_path / "bert.json", minimal_document("bert-ja"))
    snapshot = catalogue_with(tmp_path).snapshot()
    assert snapshot.templates["bert-ja"].origin == "builtin"
    (problem,) = snapshot.problems
    assert problem.kind == "duplicate"
    message = problem.message("en")
    assert "its id 'bert-ja' is already used by" in message
    assert str(BUILTIN_DIR / "bert-ja.json") in message


def test_files_are_parsed_again_only_when_they_change(tmp_path: Path) -> None:
    path = write_json(tmp_path / "mini.json", minimal_document("first"))
    catalogue = catalogue_with(tmp_path)
    assert "first" in catalogue.snapshot().templates
    assert catalogue.get("first") is catalogue.get("first")  # cached object
    write_json(path, minimal_document("second-version"))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    templates = catalogue.snapshot().templates
    assert "second-version" in templates and "first" not in templates


def test_default_sources_search_the_jupyter_data_dirs(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "shared"))
    sources = default_sources([str(tmp_path / "extra")])
    assert sources[0] == TemplateSource(BUILTIN_DIR, "builtin")
    assert sources[1] == TemplateSource(tmp_path / "extra", "admin")
    assert TemplateSource(tmp_path / "shared" / "jupyterlab_neuron" / "templates", "admin") in (
        sources
    )
    assert data_dir_sources(["/d"]) == [
        TemplateSource(Path("/d/jupyterlab_neuron/templates"), "admin")
    ]
