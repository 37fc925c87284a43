"""The templates start torchrun within the kernel's own NeuronCore range."""

from __future__ import annotations

from typing import Any

import pytest
from IPython.core.inputtransformer2 import TransformerManager

from jupyterlab_neuron.templates.format import parse_template
from jupyterlab_neuron.templates.parameters import facts_for_instance, resolve_parameters
from jupyterlab_neuron.templates.rendering import installed_helpers, render_cells

from ..templates.conftest import SHIPPED_IDS, shipped_document


def rendered(template_id: str, lang: str) -> list[dict[str, Any]]:
    template = parse_template(shipped_document(template_id))
    facts = facts_for_instance("trn1.32xlarge")
    resolved = resolve_parameters(template, facts, {"smoke": False}, lang=lang)  # type: ignore[arg-type]
    return render_cells(
        template,
        resolved,
        facts,
        lang=lang,  # type: ignore[arg-type]
        helpers=installed_helpers(),  # type: ignore[arg-type]
        extension_version="0.0.0-test",
    )


def run_cell(source: str, namespace: dict[str, Any]) -> None:
    exec(TransformerManager().transform_cell(source), namespace)


@pytest.mark.parametrize("template_id", SHIPPED_IDS)
@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(
    ("lease", "workers", "visible"), [("8-15", 8, "8-15"), ("4-7", 2, "4-5"), (None, 32, None)]
)
def test_workers_fit_the_kernel_lease(
    template_id: str,
    lang: str,
    lease: str | None,
    workers: int,
    visible: str | None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    if lease:
        monkeypatch.setenv("NEURON_RT_VISIBLE_CORES", lease)
    else:
        monkeypatch.delenv("NEURON_RT_VISIBLE_CORES", raising=False)
    monkeypatch.chdir(tmp_path)
    cells = [cell["source"] for cell in rendered(template_id, lang) if cell["cell_type"] == "code"]
    parameters = next(source for source in cells if "WORKERS = " in source)
    setup = next(source for source in cells if "plan_in_kernel_cores" in source)
    namespace: dict[str, Any] = {}
    run_cell(parameters, namespace)
    assert namespace["WORKERS"] == 32  # derived for the whole free instance
    namespace["TARGET_INSTANCE"] = "trn1.32xlarge"
    run_cell(setup, namespace)
    assert namespace["WORKERS"] == workers
    assert namespace["RUN_WORKERS"] == workers
    assert namespace["MULTI_ENV"].get("NEURON_RT_VISIBLE_CORES") == visible
