"""REST contract of the diagnosis, against a real Jupyter server (jp_fetch)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.auth.authorizer import Authorizer
from tornado.httpclient import HTTPClientError
from traitlets.config import Config

from jupyterlab_neuron.diagnose.matcher import MAX_TEXT_BYTES, default_catalogue

SAMPLES = Path(__file__).with_name("samples")
FAILED_NEFF = (SAMPLES / "failed-neff-cached__notebook_ansi.txt").read_text(encoding="utf-8")
CORES = (SAMPLES / "neuroncores-unavailable__training_troubleshooting.txt").read_text(
    encoding="utf-8"
)


class NeuronDenyingAuthorizer(Authorizer):
    """Allows everything but the ``neuron`` resource."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return resource != "neuron"


async def _post(jp_fetch: Any, payload: Any, **headers: str) -> dict[str, Any]:
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    response = await jp_fetch(
        "jupyterlab-neuron", "diagnose", method="POST", body=body, headers=headers
    )
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return json.loads(response.body)


async def _error(jp_fetch: Any, *parts: str, **kwargs: Any) -> tuple[int, str]:
    with pytest.raises(HTTPClientError) as raised:
        await jp_fetch("jupyterlab-neuron", *parts, **kwargs)
    response = raised.value.response
    assert response is not None
    return raised.value.code, json.loads(response.body)["message"]


async def test_failed_neff_is_diagnosed_with_its_cache_entry(jp_fetch: Any) -> None:
    result = await _post(jp_fetch, {"text": FAILED_NEFF, "lang": "ja"})
    match = result["match"]
    assert match["id"] == "failed-neff-cached"
    assert match["title"] == "コンパイルキャッシュに失敗したコンパイル結果が残っています"
    assert match["actions"] == ["delete-failed-cache-entry"]
    assert match["reference"]["url"].startswith("https://")
    assert result["details"]["cache_entry"] == (
        "/var/tmp/neuron-compile-cache/neuronxcc-2.12.68.0+4480452af/"
        "MODULE_2919486226386385393+d41d8cd9"
    )


async def test_language_comes_from_the_body_or_accept_language(jp_fetch: Any) -> None:
    english = await _post(jp_fetch, {"text": CORES, "lang": "en"}, **{"Accept-Language": "ja"})
    assert english["match"]["title"] == "NeuronCores are not available"
    japanese = await _post(jp_fetch, {"text": CORES}, **{"Accept-Language": "ja-JP,en;q=0.5"})
    assert japanese["match"]["title"] == "NeuronCore を確保できません"
    default = await _post(jp_fetch, {"text": CORES})
    assert default["match"]["title"] == "NeuronCores are not available"
    assert japanese["details"] == {"requested": 1, "requested_cores": "nc1-nc1", "available": 0}


async def test_unknown_error_is_no_match(jp_fetch: Any) -> None:
    result = await _post(jp_fetch, {"text": "ValueError: invalid literal for int()", "lang": "ja"})
    assert result == {"match": None}


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps(["text"]), "JSON object"),
        (json.dumps({"lang": "en"}), '"text" must be a string'),
        (json.dumps({"text": 42}), '"text" must be a string'),
        (json.dumps({"text": "x", "lang": "fr"}), "Unsupported language 'fr'"),
        (json.dumps({"text": "x", "lang": 1}), "Unsupported language 1"),
    ],
)
async def test_bad_input_is_a_400_with_a_clear_message(
    jp_fetch: Any, body: str, fragment: str
) -> None:
    code, message = await _error(jp_fetch, "diagnose", method="POST", body=body)
    assert code == 400
    assert fragment in message


async def test_bad_input_message_is_localized(jp_fetch: Any) -> None:
    code, message = await _error(
        jp_fetch,
        "diagnose",
        method="POST",
        body=json.dumps({"text": None}),
        headers={"Accept-Language": "ja"},
    )
    assert code == 400
    assert message == '"text" には診断するエラーの全文を文字列で指定してください。'


async def test_text_over_the_limit_is_a_413(jp_fetch: Any) -> None:
    code, message = await _error(
        jp_fetch,
        "diagnose",
        method="POST",
        body=json.dumps({"text": "x" * (MAX_TEXT_BYTES + 1), "lang": "en"}),
    )
    assert code == 413
    assert f"{MAX_TEXT_BYTES + 1} bytes" in message and "jupyter neuron diagnose" in message


async def test_text_at_the_limit_is_accepted(jp_fetch: Any) -> None:
    text = CORES + "." * (MAX_TEXT_BYTES - len(CORES.encode("utf-8")))
    assert len(text.encode("utf-8")) == MAX_TEXT_BYTES
    result = await _post(jp_fetch, {"text": text})
    assert result["match"]["id"] == "neuroncores-unavailable"


async def test_catalogue_lists_every_entry_in_the_asked_language(jp_fetch: Any) -> None:
    response = await jp_fetch(
        "jupyterlab-neuron", "diagnose", "catalogue", headers={"Accept-Language": "ja"}
    )
    catalogue = json.loads(response.body)
    assert catalogue["lang"] == "ja"
    assert [entry["id"] for entry in catalogue["entries"]] == [
        entry.id for entry in default_catalogue().entries
    ]
    assert catalogue["actions"]["choose-kernel"] == "別のカーネルを選択"
    assert catalogue["fallback"]["reference"]["url"].startswith("https://")

    response = await jp_fetch(
        "jupyterlab-neuron",
        "diagnose",
        "catalogue",
        params={"lang": "en"},
        headers={"Accept-Language": "ja"},
    )
    assert json.loads(response.body)["actions"]["choose-kernel"] == "Choose another kernel"


async def test_catalogue_refuses_an_unknown_language(jp_fetch: Any) -> None:
    code, message = await _error(jp_fetch, "diagnose", "catalogue", params={"lang": "de"})
    assert code == 400 and "Unsupported language" in message


@pytest.mark.parametrize(
    ("parts", "method", "body"),
    [
        (("diagnose",), "POST", json.dumps({"text": CORES})),
        (("diagnose", "catalogue"), "GET", None),
    ],
)
async def test_every_verb_needs_authentication(
    jp_fetch: Any, parts: tuple[str, ...], method: str, body: str | None
) -> None:
    with pytest.raises(HTTPClientError) as raised:
        await jp_fetch(
            "jupyterlab-neuron",
            *parts,
            method=method,
            body=body,
            headers={"Authorization": "token not-the-token"},
        )
    assert raised.value.code == 403


class TestAuthorization:
    """An authorizer refusing the ``neuron`` resource blocks every verb."""

    @pytest.fixture
    def jp_server_config(self, neuron_simulate: str) -> Config:
        return Config(
            {
                "ServerApp": {
                    "jpserver_extensions": {"jupyterlab_neuron": True},
                    "authorizer_class": NeuronDenyingAuthorizer,
                },
                "JupyterLabNeuron": {"simulate": neuron_simulate},
            }
        )

    @pytest.mark.parametrize(
        ("parts", "method", "body"),
        [
            (("diagnose",), "POST", json.dumps({"text": CORES})),
            (("diagnose", "catalogue"), "GET", None),
        ],
    )
    async def test_refused(
        self, jp_fetch: Any, parts: tuple[str, ...], method: str, body: str | None
    ) -> None:
        with pytest.raises(HTTPClientError) as raised:
            await jp_fetch("jupyterlab-neuron", *parts, method=method, body=body)
        assert raised.value.code == 403

    async def test_other_resources_still_work(self, jp_fetch: Any) -> None:
        response = await jp_fetch("api", "status")
        assert response.code == 200
