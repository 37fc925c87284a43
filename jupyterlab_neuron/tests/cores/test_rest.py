"""Kernels started through the REST API with the ``neuron-cores`` provisioner on a
simulated trn1.32xlarge: disjoint aligned ranges in each kernel's environment, a
refusal naming the holders, ranges freed by shutdown and by a killed kernel."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import psutil
import pytest
from tornado.httpclient import HTTPClientError
from traitlets.config import Config

from jupyterlab_neuron.cores.store import LeaseStore

from ..cache.openapi_contract import validate_response

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def neuron_simulate() -> str:
    return "trn1.32xlarge"


@pytest.fixture
def jp_server_config(neuron_simulate: str) -> Config:
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"jupyterlab_neuron": True}},
            "JupyterLabNeuron": {"simulate": neuron_simulate},
            # A killed kernel must stay dead, so the test sees its lease reclaimed.
            "KernelManager": {"autorestart": False},
        }
    )


def write_kernelspec(data_dir: Path, name: str, cores: Any) -> None:
    folder = data_dir / "kernels" / name
    folder.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": name,
        "language": "python",
        "metadata": {
            "kernel_provisioner": {"provisioner_name": "neuron-cores", "config": {"cores": cores}}
        },
    }
    (folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")


async def start(jp_fetch: Any, name: str) -> dict[str, Any]:
    response = await jp_fetch("api", "kernels", method="POST", body=json.dumps({"name": name}))
    return json.loads(response.body)


async def open_notebook(jp_fetch: Any, name: str, path: str) -> dict[str, Any]:
    body = {"path": path, "name": path, "type": "notebook", "kernel": {"name": name}}
    response = await jp_fetch("api", "sessions", method="POST", body=json.dumps(body))
    return json.loads(response.body)["kernel"]


def kernel_pid(kernel_id: str, serverapp: Any) -> int:
    return serverapp.kernel_manager.get_kernel(kernel_id).provisioner.pid


async def test_four_kernels_fifth_refused_then_freed(
    jp_fetch: Any, jp_data_dir: Path, jp_serverapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LeaseStore, "grace", 1.0)
    write_kernelspec(jp_data_dir, "nc8", 8)
    # Two through sessions (as JupyterLab opens notebooks), two bare kernels.
    kernels = [await open_notebook(jp_fetch, "nc8", name) for name in ("left.ipynb", "right.ipynb")]
    kernels += [await start(jp_fetch, "nc8") for _ in range(2)]
    seen: list[range] = []
    for kernel in kernels:
        pid = kernel_pid(kernel["id"], jp_serverapp)
        visible = psutil.Process(pid).environ()["NEURON_RT_VISIBLE_CORES"]
        first, last = (int(part) for part in visible.split("-"))
        assert last - first + 1 == 8 and first % 8 == 0
        seen.append(range(first, last + 1))
    assert sorted(r.start for r in seen) == [0, 8, 16, 24]

    response = await jp_fetch("jupyterlab-neuron", "cores")
    body = json.loads(response.body)
    validate_response("/cores", "get", 200, body)
    assert body["instance_type"] == "trn1.32xlarge" and body["simulated"] is True
    assert body["total"] == 32 and body["free"] == []
    by_kernel = {lease["kernel_id"]: lease for lease in body["leases"]}
    for kernel, cores in zip(kernels, seen, strict=True):
        lease = by_kernel[kernel["id"]]
        assert lease["cores"] == list(cores)
        assert lease["pid"] == kernel_pid(kernel["id"], jp_serverapp)
    assert by_kernel[kernels[0]["id"]]["notebook"] == "left.ipynb"
    assert by_kernel[kernels[1]["id"]]["notebook"] == "right.ipynb"

    with pytest.raises(HTTPClientError) as refused:
        await start(jp_fetch, "nc8")
    assert refused.value.code == 503
    message = json.loads(refused.value.response.body)["message"]
    for kernel in kernels:
        assert kernel["id"] in message
        assert str(kernel_pid(kernel["id"], jp_serverapp)) in message
    assert "0-7" in message and "24-31" in message
    assert "left.ipynb" in message and "right.ipynb" in message
    # In the language of the request that started the kernel.
    for lang, text, other in (
        ("ja", "カーネルを起動しませんでした", "No free range"),
        ("en", "No free range", "カーネル"),
    ):
        with pytest.raises(HTTPClientError) as refused:
            await jp_fetch(
                "api",
                "kernels",
                method="POST",
                body=json.dumps({"name": "nc8"}),
                headers={"Accept-Language": lang},
            )
        message = json.loads(refused.value.response.body)["message"]
        assert text in message and other not in message and "left.ipynb" in message
    assert "No free range of 8 NeuronCores" in message

    # Shutting one down frees its range for the next kernel.
    stopped = kernels[1]
    stopped_range = seen[1]
    await jp_fetch("api", "kernels", stopped["id"], method="DELETE")
    assert all(lease.kernel_id != stopped["id"] for lease in LeaseStore().leases())
    fifth = await start(jp_fetch, "nc8")
    pid = kernel_pid(fifth["id"], jp_serverapp)
    assert psutil.Process(pid).environ()["NEURON_RT_VISIBLE_CORES"] == (
        f"{stopped_range.start}-{stopped_range.stop - 1}"
    )

    # A killed kernel's lease is reclaimed.
    victim = kernels[2]
    victim_pid = kernel_pid(victim["id"], jp_serverapp)
    os.kill(victim_pid, signal.SIGKILL)
    # Held for the store's grace period (a restart could be under way), then freed.
    assert victim["id"] in {lease.kernel_id for lease in LeaseStore().leases()}
    for _ in range(200):
        if all(lease.kernel_id != victim["id"] for lease in LeaseStore().leases()):
            break
        await asyncio.sleep(0.05)
    assert all(lease.kernel_id != victim["id"] for lease in LeaseStore().leases())
    sixth = await start(jp_fetch, "nc8")
    pid = kernel_pid(sixth["id"], jp_serverapp)
    assert psutil.Process(pid).environ()["NEURON_RT_VISIBLE_CORES"] == "16-23"


async def test_restart_keeps_the_lease(jp_fetch: Any, jp_data_dir: Path, jp_serverapp: Any) -> None:
    write_kernelspec(jp_data_dir, "ncauto", "auto")
    write_kernelspec(jp_data_dir, "nc8", 8)
    kernel = await start(jp_fetch, "ncauto")
    before = psutil.Process(kernel_pid(kernel["id"], jp_serverapp)).environ()
    assert before["NEURON_RT_VISIBLE_CORES"] == "0-31"  # auto: 32 is documented and free
    await jp_fetch("api", "kernels", kernel["id"], method="DELETE")

    low = await start(jp_fetch, "nc8")
    kept = await start(jp_fetch, "nc8")
    await jp_fetch("api", "kernels", low["id"], method="DELETE")
    # 0-7 is free now: a new lease would take it, the restarted kernel keeps 8-15.
    await jp_fetch("api", "kernels", kept["id"], "restart", method="POST", body="{}")
    after = psutil.Process(kernel_pid(kept["id"], jp_serverapp)).environ()
    assert after["NEURON_RT_VISIBLE_CORES"] == "8-15"
    leases = LeaseStore().leases()
    assert [lease.kernel_id for lease in leases] == [kept["id"]]
    assert leases[0].pid == kernel_pid(kept["id"], jp_serverapp)


async def test_concurrent_rest_starts_never_overlap(
    jp_fetch: Any, jp_data_dir: Path, jp_serverapp: Any
) -> None:
    write_kernelspec(jp_data_dir, "nc8", 8)
    results = await asyncio.gather(
        *(start(jp_fetch, "nc8") for _ in range(6)), return_exceptions=True
    )
    started = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, HTTPClientError)]
    assert len(started) == 4 and len(refused) == 2
    ranges = [
        psutil.Process(kernel_pid(k["id"], jp_serverapp)).environ()["NEURON_RT_VISIBLE_CORES"]
        for k in started
    ]
    assert sorted(ranges) == ["0-7", "16-23", "24-31", "8-15"]


async def test_cores_busy_outside_jupyter_are_not_leased(
    jp_fetch: Any, jp_data_dir: Path, jp_serverapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyterlab_neuron.cores import provisioner

    # A neuron-monitor report: pid 1 (not under any kernel) runs on cores 0-7.
    snapshot = {"processes": [{"pid": 1, "cores": list(range(8))}]}
    monkeypatch.setattr(provisioner, "snapshot_source", lambda: json.dumps(snapshot))
    write_kernelspec(jp_data_dir, "nc8", 8)
    kernel = await start(jp_fetch, "nc8")
    environ = psutil.Process(kernel_pid(kernel["id"], jp_serverapp)).environ()
    assert environ["NEURON_RT_VISIBLE_CORES"] == "8-15"


async def test_new_count_is_taken_at_restart(
    jp_fetch: Any, jp_data_dir: Path, jp_serverapp: Any
) -> None:
    write_kernelspec(jp_data_dir, "nc8", 8)
    first = await start(jp_fetch, "nc8")
    kernel = await start(jp_fetch, "nc8")
    assert (
        psutil.Process(kernel_pid(kernel["id"], jp_serverapp)).environ()["NEURON_RT_VISIBLE_CORES"]
        == "8-15"
    )
    body = json.dumps({"cores": 2})
    response = await jp_fetch("jupyterlab-neuron", "cores", kernel["id"], method="POST", body=body)
    answer = json.loads(response.body)
    validate_response("/cores/{kernel_id}", "post", 200, answer)
    assert answer == {
        "kernel_id": kernel["id"],
        "cores": 2,
        "visible_cores": "8-15",
        "restart_required": True,
    }
    # Nothing changes before the restart.
    assert (
        psutil.Process(kernel_pid(kernel["id"], jp_serverapp)).environ()["NEURON_RT_VISIBLE_CORES"]
        == "8-15"
    )
    await jp_fetch("api", "kernels", kernel["id"], "restart", method="POST", body="{}")
    environ = psutil.Process(kernel_pid(kernel["id"], jp_serverapp)).environ()
    assert environ["NEURON_RT_VISIBLE_CORES"] == "8-9"
    leases = {lease.kernel_id: lease.visible_cores for lease in LeaseStore().leases()}
    assert leases == {first["id"]: "0-7", kernel["id"]: "8-9"}

    for bad in ({"cores": 0}, {"cores": 33}, {"cores": "2"}, {"cores": True}, [1]):
        with pytest.raises(HTTPClientError) as refused:
            await jp_fetch(
                "jupyterlab-neuron", "cores", kernel["id"], method="POST", body=json.dumps(bad)
            )
        assert refused.value.code == 400
    with pytest.raises(HTTPClientError) as missing:
        await jp_fetch(
            "jupyterlab-neuron",
            "cores",
            "00000000-0000-0000-0000-000000000000",
            method="POST",
            body=body,
            headers={"Accept-Language": "ja"},
        )
    assert missing.value.code == 404
    assert "割り当てられていません" in json.loads(missing.value.response.body)["message"]
