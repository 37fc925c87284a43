"""``jupyter neuron kernelspec install`` and ``jupyter neuron cores``."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.kernelspec import KernelSpecManager

from jupyterlab_neuron.cli import build_parser
from jupyterlab_neuron.cores.store import LeaseStore


def run(argv: list[str]) -> tuple[int, str]:
    args = build_parser().parse_args(argv)
    out = io.StringIO()
    return args.func(args, out), out.getvalue()


@pytest.fixture
def dlami_kernel(jp_environ: Any, jp_data_dir: Path) -> Path:
    """A stand-in for the DLAMI's Neuron kernelspec, with env and a logo."""
    folder = jp_data_dir / "kernels" / "aws_neuron_venv_pytorch"
    folder.mkdir(parents=True)
    spec = {
        "argv": ["/opt/venv/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (torch-neuronx)",
        "language": "python",
        "env": {"NEURON_CC_FLAGS": "--model-type=transformer"},
        "metadata": {"debugger": True},
    }
    (folder / "kernel.json").write_text(json.dumps(spec))
    (folder / "logo-64x64.png").write_bytes(b"\x89PNG")
    return folder


def test_install_copies_the_source_and_adds_the_provisioner(
    dlami_kernel: Path, tmp_path: Path
) -> None:
    prefix = tmp_path / "prefix"
    status, text = run(
        [
            "kernelspec", "install", "--name", "aws_neuron_venv_pytorch_cores",
            "--from", "aws_neuron_venv_pytorch", "--cores", "auto", "--prefix", str(prefix),
            "--lang", "en",
        ]
    )  # fmt: skip
    assert status == 0 and "aws_neuron_venv_pytorch_cores" in text
    folder = prefix / "share" / "jupyter" / "kernels" / "aws_neuron_venv_pytorch_cores"
    spec = json.loads((folder / "kernel.json").read_text())
    assert spec["argv"][0] == "/opt/venv/bin/python"
    assert spec["env"] == {"NEURON_CC_FLAGS": "--model-type=transformer"}
    assert spec["display_name"] == "Python (torch-neuronx)"
    assert spec["metadata"]["debugger"] is True
    assert spec["metadata"]["kernel_provisioner"] == {
        "provisioner_name": "neuron-cores",
        "config": {"cores": "auto"},
    }
    assert (folder / "logo-64x64.png").read_bytes() == b"\x89PNG"


def test_install_user_with_count_and_display_name(dlami_kernel: Path) -> None:
    status, _ = run(
        [
            "kernelspec", "install", "--name", "nc8", "--from", "aws_neuron_venv_pytorch",
            "--cores", "8", "--display-name", "Neuron 8 cores", "--user",
        ]
    )  # fmt: skip
    assert status == 0
    spec = KernelSpecManager().get_kernel_spec("nc8")
    assert spec.display_name == "Neuron 8 cores"
    assert spec.metadata["kernel_provisioner"]["config"] == {"cores": 8}


def test_install_from_python3_by_default(jp_environ: Any, tmp_path: Path) -> None:
    status, _ = run(["kernelspec", "install", "--name", "py-cores", "--prefix", str(tmp_path)])
    assert status == 0
    spec = json.loads((tmp_path / "share/jupyter/kernels/py-cores/kernel.json").read_text())
    assert spec["language"] == "python"
    assert spec["metadata"]["kernel_provisioner"]["provisioner_name"] == "neuron-cores"


def test_install_refuses_unknown_source_and_bad_values(
    jp_environ: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _ = run(["kernelspec", "install", "--name", "x", "--from", "nope", "--lang", "ja"])
    assert status == 1 and "nope" in capsys.readouterr().err
    status, _ = run(["kernelspec", "install", "--name", "Bad Name"])
    assert status == 2
    with pytest.raises(SystemExit):
        build_parser().parse_args(["kernelspec", "install", "--name", "x", "--cores", "0"])


def test_cores_json_shape_and_text(jp_environ: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERLAB_NEURON_SIMULATE", "trn1.32xlarge")
    LeaseStore().acquire("k-1", "trn1.32xlarge", 8, notebook="train.ipynb")
    status, text = run(["cores", "--json"])
    assert status == 0
    answer = json.loads(text)
    assert answer == {
        "instance_type": "trn1.32xlarge",
        "simulated": True,
        "total": 32,
        "leases": [
            {
                "kernel_id": "k-1",
                "pid": None,
                "cores": list(range(8)),
                "visible_cores": "0-7",
                "notebook": "train.ipynb",
            }
        ],
        "free": list(range(8, 32)),
        "busy_outside": [],
    }
    status, text = run(["cores", "--lang", "ja"])
    assert "trn1.32xlarge（シミュレーション）" in text and "train.ipynb" in text
    assert "0-7" in text and "起動中" in text


def test_cores_reads_the_server_config_file(jp_environ: Any, jp_config_dir: Path) -> None:
    (jp_config_dir / "jupyter_server_config.json").write_text(
        json.dumps({"JupyterLabNeuron": {"simulate": "trn1.2xlarge"}})
    )
    status, text = run(["cores", "--json"])
    assert status == 0
    assert json.loads(text)["instance_type"] == "trn1.2xlarge"
    assert json.loads(text)["total"] == 2
