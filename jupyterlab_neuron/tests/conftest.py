"""Fixtures shared by the server package's tests.

Handler tests get a real Jupyter server (pytest-jupyter) with the
jupyterlab_neuron extension enabled and the Neuron simulator selected
(``neuron_simulate``), since test machines have no Neuron hardware. Override
``neuron_simulate`` or ``jp_server_config`` in a test module to change that.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from traitlets.config import Config

#: Variables that change what the extension does; a developer's shell must not
#: leak them into tests.
_EXTENSION_ENVIRONMENT = (
    "JUPYTERLAB_NEURON_SIMULATE",
    "JUPYTERLAB_NEURON_SIMULATOR_FAIL",
    "JUPYTERLAB_NEURON_TOOLS_PATH",
    "JUPYTERLAB_NEURON_PACKAGES_PYTHON",
)


@pytest.fixture(autouse=True)
def _clean_extension_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in _EXTENSION_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture
def neuron_simulate() -> str:
    """The instance type the test server simulates."""
    return "trn1.2xlarge"


@pytest.fixture
def jp_server_config(neuron_simulate: str) -> Config:
    """Enable the extension and simulate ``neuron_simulate``."""
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"jupyterlab_neuron": True}},
            "JupyterLabNeuron": {"simulate": neuron_simulate},
        }
    )
