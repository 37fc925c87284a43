"""The templates REST API against a real Jupyter server simulating trn1.2xlarge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_server.serverapp import ServerApp

from jupyterlab_neuron.templates.service import TemplateService

from .conftest import SHIPPED_IDS, minimal_document, write_json

pytestmark = pytest.mark.usefixtures("jp_serverapp")


async def call(jp_fetch: Any, *path: str, expect: int = 200, **options: Any) -> dict[str, Any]:
    response = await jp_fetch("jupyterlab-neuron", *path, raise_error=False, **options)
    assert response.code == expect, response.body
    assert response.headers["Content-Type"].startswith("application/json")
    return json.loads(response.body.decode("utf-8"))


async def render(jp_fetch: Any, template_id: str, body: dict[str, Any], **options: Any) -> Any:
    return await call(
        jp_fetch,
        "templates",
        template_id,
        "render",
        method="POST",
        body=json.dumps(body),
        **options,
    )


async def test_list_in_japanese(jp_fetch: Any) -> None:
    payload = await call(jp_fetch, "templates", headers={"Accept-Language": "ja,en;q=0.5"})
    assert [t["id"] for t in payload["templates"]] == list(SHIPPED_IDS)
    assert payload["problems"] == []
    bert = payload["templates"][0]
    assert bert["title"] == "日本語 BERT によるテキスト分類: ファインチューニングから推論まで"
    assert bert["languages"] == ["ja", "en"]
    assert bert["origin"] == "builtin"
    assert bert["steps"][0] == {"id": "prepare", "title": "事前準備"}
    assert bert["sdk"]["generation"] == "neuron-sdk-2.x-xla-or-torchneuron"


async def test_bad_admin_templates_are_listed_as_problems(jp_fetch: Any, jp_data_dir: Path) -> None:
    folder = jp_data_dir / "jupyterlab_neuron" / "templates"
    write_json(folder / "broken.json", "{ not json")
    write_json(folder / "team.json", minimal_document("team-notebook"))
    payload = await call(jp_fetch, "templates", params={"lang": "en"})
    assert [t["id"] for t in payload["templates"]] == [*SHIPPED_IDS, "team-notebook"]
    (problem,) = payload["problems"]
    assert problem["path"] == str(folder / "broken.json")
    assert problem["kind"] == "invalid" and problem["origin"] == "admin"
    assert problem["message"].startswith(f"The template {folder / 'broken.json'} cannot be used")


async def test_describe_resolves_parameters_for_the_simulated_instance(jp_fetch: Any) -> None:
    payload = await call(jp_fetch, "templates", "bert-ja", params={"lang": "ja"})
    assert payload["environment"]["source"] == "simulated"
    assert payload["environment"]["instance_type"] == "trn1.2xlarge"
    assert payload["environment"]["neuroncores"] == 2
    params = {p["name"]: p for p in payload["parameters"]}
    assert params["workers"]["value"] == 2 and params["workers"]["choices"] == [1, 2]
    assert params["workers"]["origin"] == "derived" and params["workers"]["derive"] == "workers"
    assert "NeuronCore 2 個に合わせた" in params["workers"]["derivation"]
    # Simulated hardware cannot run the notebook: smoke mode is on, with its defaults.
    assert payload["smoke"] is True and params["smoke"]["value"] is True
    assert params["epochs"]["value"] == 8 and params["epochs"]["default"] == 10
    assert params["model_id"]["advanced"] is True
    steps = {s["id"]: s for s in payload["steps"]}
    assert steps["precompile"]["neuron_only"] is True
    assert steps["precompile"]["duration_minutes"] == {"inf2.xlarge": 6}
    assert steps["precompile"]["markdown"].startswith("## 5. 事前コンパイル")
    assert "train-multi" in steps["trace"]["depends_on"]
    assert steps["benchmark"]["parameters"] == [
        "max_length",
        "benchmark_batch_sizes",
        "benchmark_models",
        "benchmark_seconds",
    ]
    assert payload["warnings"] == []


async def test_describe_for_another_instance_type(jp_fetch: Any) -> None:
    payload = await call(
        jp_fetch, "templates", "vit-beans", params={"lang": "en", "instance": "trn1.32xlarge"}
    )
    params = {p["name"]: p for p in payload["parameters"]}
    assert params["workers"]["value"] == 32
    assert params["workers"]["choices"] == [1, 2, 8, 32]
    assert payload["smoke"] is False
    assert payload["warnings"] == []


async def test_describe_for_an_instance_the_template_does_not_target(jp_fetch: Any) -> None:
    payload = await call(
        jp_fetch, "templates", "vit-beans", params={"lang": "en", "instance": "inf2.8xlarge"}
    )
    assert payload["warnings"] == [
        "This template is written for inf2.xlarge, trn1.2xlarge, trn1.32xlarge, "
        "trn2.48xlarge. It may work on inf2.8xlarge, but that has not been checked."
    ]


async def test_describe_with_the_form_values(jp_fetch: Any) -> None:
    form = json.dumps({"smoke": False})
    payload = await call(jp_fetch, "templates", "bert-ja", params={"params": form, "lang": "en"})
    params = {p["name"]: p for p in payload["parameters"]}
    assert payload["smoke"] is False and params["epochs"]["value"] == 10
    error = await call(
        jp_fetch, "templates", "bert-ja", params={"params": '{"workers": 3}'}, expect=400
    )
    assert "workers must be one of 1, 2 (got 3)." in error["message"]
    error = await call(jp_fetch, "templates", "bert-ja", params={"params": "[1]"}, expect=400)
    assert error["message"] == "params must be a JSON object."


async def test_unknown_template_is_404(jp_fetch: Any) -> None:
    error = await call(jp_fetch, "templates", "gpt-99", params={"lang": "ja"}, expect=404)
    assert error["message"] == "テンプレート「gpt-99」は見つかりません。"
    await call(jp_fetch, "templates", "gpt-99", "render", method="POST", body="{}", expect=404)


async def test_render_all_cells(jp_fetch: Any) -> None:
    payload = await render(jp_fetch, "bert-ja", {"lang": "ja", "params": {"epochs": 3}})
    assert payload["template"] == "bert-ja" and payload["step"] is None
    assert payload["smoke"] is True and payload["parameters"]["epochs"] == 3
    cells = payload["cells"]
    assert [c["metadata"]["jupyterlab_neuron"]["role"] for c in cells[:3]] == [
        "title",
        "parameters",
        "bootstrap",
    ]
    assert "EPOCHS = 3" in cells[1]["source"]
    assert all("id" not in cell for cell in cells)  # the front end inserts them
    assert payload["metadata"]["parameters"]["workers"] == 2


async def test_render_one_step_without_setup(jp_fetch: Any) -> None:
    payload = await render(
        jp_fetch, "vit-beans", {"lang": "en", "step": "trace", "include_setup": False}
    )
    roles = [c["metadata"]["jupyterlab_neuron"]["role"] for c in payload["cells"]]
    assert roles == ["explanation", "code", "code"]
    assert {c["metadata"]["jupyterlab_neuron"]["step"] for c in payload["cells"]} == {"trace"}


async def test_render_a_notebook_for_an_instance(jp_fetch: Any) -> None:
    payload = await render(
        jp_fetch,
        "vit-beans",
        {"format": "notebook", "instance": "inf2.xlarge"},
        headers={"Accept-Language": "en"},
    )
    notebook = nbformat.from_dict(payload["notebook"])
    nbformat.validate(notebook)
    assert payload["smoke"] is False
    assert notebook.metadata["jupyterlab_neuron"]["environment"]["instance_type"] == "inf2.xlarge"


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ("[1, 2]", 400, "Invalid body in the request: expected a JSON object"),
        ('{"params": 3}', 400, "Invalid params"),
        ('{"format": "pdf"}', 400, "Invalid format"),
        ('{"step": 4}', 400, "Invalid step"),
        ('{"surprise": true}', 400, "unknown fields surprise"),
        ('{"params": {"epochs": 0}}', 400, "epochs must be at least 1 (got 0)."),
        ('{"lang": "fr"}', 400, "Unsupported language 'fr'"),
        ('{"instance": "p4d.24xlarge"}', 400, "Unknown instance type 'p4d.24xlarge'"),
        ('{"step": "no-such-step"}', 404, "has no step 'no-such-step'"),
        ("not json", 400, "The request body is not valid JSON"),
    ],
)
async def test_bad_render_requests(jp_fetch: Any, body: str, status: int, fragment: str) -> None:
    error = await call(
        jp_fetch,
        "templates",
        "bert-ja",
        "render",
        method="POST",
        body=body,
        headers={"Accept-Language": "en"},
        expect=status,
    )
    assert fragment in error["message"]


async def test_service_is_published(jp_serverapp: ServerApp) -> None:
    context = jp_serverapp.web_app.settings["jupyterlab_neuron"].context
    assert isinstance(context.templates, TemplateService)
