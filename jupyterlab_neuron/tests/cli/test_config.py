"""``jupyter neuron`` reads the server's configuration files and environment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_neuron.cli import main
from jupyterlab_neuron.cli.config import server_settings


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty Jupyter config folder of one's own, and a working folder without caches."""
    folder = tmp_path / "jupyter-config"
    folder.mkdir()
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(folder))
    for name in ("JUPYTERLAB_NEURON_CACHE_ROOTS", "NEURON_CC_FLAGS", "NEURON_COMPILE_CACHE_URL"):
        monkeypatch.delenv(name, raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return folder


def _cache_root(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    (root / "neuronxcc-2.15.128.0+56dc5a86" / "MODULE_1234+abcd").mkdir(parents=True)
    return root


def _status_roots(capsys: pytest.CaptureFixture[str]) -> dict[str, list[str]]:
    assert main(["cache", "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    return {root["path"]: root["sources"] for root in status["roots"]}


def test_cache_status_shows_roots_of_jupyter_server_config_py(
    tmp_path: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _cache_root(tmp_path, "from-py")
    (config_dir / "jupyter_server_config.py").write_text(
        f"c.JupyterLabNeuron.compile_cache_roots = [{str(root)!r}]\n"
        "c.JupyterLabNeuron.simulate = 'inf2.xlarge'\n",
        encoding="utf-8",
    )
    assert str(root) in _status_roots(capsys)
    assert server_settings().simulate == "inf2.xlarge"


def test_doctor_simulates_what_the_server_config_says(
    config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (config_dir / "jupyter_server_config.py").write_text(
        "c.JupyterLabNeuron.simulate = 'inf2.xlarge'\n", encoding="utf-8"
    )
    assert main(["doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["simulated"], report["simulated_instance"]) == (True, "inf2.xlarge")


def test_cache_status_shows_roots_of_jupyter_server_config_json(
    tmp_path: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _cache_root(tmp_path, "from-json")
    (config_dir / "jupyter_server_config.json").write_text(
        json.dumps({"JupyterLabNeuron": {"compile_cache_roots": [str(root)]}}), encoding="utf-8"
    )
    assert str(root) in _status_roots(capsys)


def test_the_environment_counts_where_no_file_sets_a_value(
    tmp_path: Path,
    config_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from_env = _cache_root(tmp_path, "from-env")
    monkeypatch.setenv("JUPYTERLAB_NEURON_CACHE_ROOTS", str(from_env))
    assert str(from_env) in _status_roots(capsys)

    # A value in the server's configuration file wins over the environment, as in the server.
    from_file = _cache_root(tmp_path, "from-file")
    (config_dir / "jupyter_server_config.py").write_text(
        f"c.JupyterLabNeuron.compile_cache_roots = [{str(from_file)!r}]\n", encoding="utf-8"
    )
    roots = _status_roots(capsys)
    assert str(from_file) in roots
    assert str(from_env) not in roots


def test_project_search_follows_the_server_config(
    tmp_path: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project_cache = _cache_root(Path.cwd(), "compiler_cache")
    assert str(project_cache) in _status_roots(capsys)

    (config_dir / "jupyter_server_config.json").write_text(
        json.dumps({"JupyterLabNeuron": {"compile_cache_project_search": False}}), encoding="utf-8"
    )
    assert str(project_cache) not in _status_roots(capsys)
