"""The monitor through the real server: REST, WebSocket, Prometheus, ownership.

The server simulates trn1.2xlarge; its neuron-monitor is the simulator, run as
a real child through the simulated tools folder, exactly like a real tool.
"""

from __future__ import annotations

import json
import os
import signal
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_neuron.monitor.service import MonitorService
from jupyterlab_neuron.simulator.neuron_monitor import RUNTIME_PIDS_ENV

from .conftest import Message, is_snapshot, promtool_check, read_until, wait_until


def states(messages: list[Message]) -> list[str]:
    return [m["status"]["state"] for m in messages if m["type"] == "status"]


async def test_stream_pushes_status_then_snapshots(
    jp_ws_fetch: Any, monitor_service: MonitorService
) -> None:
    ws = await jp_ws_fetch(
        "jupyterlab-neuron", "monitor", "stream", headers={"Accept-Language": "ja"}
    )
    try:
        messages = await read_until(ws, is_snapshot)
        status = messages[0]["status"]
        assert messages[0]["type"] == "status"
        assert status["simulated"] is True and status["simulated_instance"] == "trn1.2xlarge"
        assert status["scenario"] == "train-dual"
        assert "です" in status["message"] or "ます" in status["message"]  # Japanese
        snapshot = messages[-1]["snapshot"]
        assert snapshot["simulated"] is True
        assert snapshot["instance_type"] == "trn1.2xlarge"
        assert [p["cores"] for p in snapshot["processes"]] == [[0], [1]]
        assert [c["index"] for c in snapshot["cores"]] == [0, 1]
        second = (await read_until(ws, is_snapshot))[-1]["snapshot"]
        assert second["seq"] > snapshot["seq"]
        assert monitor_service.status()["subscribers"] == 1
    finally:
        ws.close()
    # The server notices the closed socket and drops the subscriber.
    await wait_until(lambda: monitor_service.status()["subscribers"] == 0)


async def test_many_tabs_share_one_child(jp_ws_fetch: Any, monitor_service: MonitorService) -> None:
    sockets = [await jp_ws_fetch("jupyterlab-neuron", "monitor", "stream") for _ in range(4)]
    try:
        for ws in sockets:
            await read_until(ws, is_snapshot)
        assert monitor_service.status()["subscribers"] == 4
        assert monitor_service.status()["restarts"] == 0
        pid = monitor_service.supervisor.pid
        await read_until(sockets[0], is_snapshot)
        assert monitor_service.supervisor.pid == pid
    finally:
        for ws in sockets:
            ws.close()


async def test_stream_refuses_a_wrong_token(
    jp_ws_fetch: Any, monitor_service: MonitorService
) -> None:
    with pytest.raises(HTTPClientError) as error:
        await jp_ws_fetch(
            "jupyterlab-neuron", "monitor", "stream", headers={"Authorization": "token wrong"}
        )
    assert error.value.code == 403
    assert monitor_service.status()["state"] == "stopped"  # nothing was started


async def test_status_does_not_start_the_monitor_but_polling_does(
    jp_fetch: Any, monitor_service: MonitorService
) -> None:
    status = json.loads((await jp_fetch("jupyterlab-neuron", "monitor", "status")).body)
    assert status["state"] == "stopped" and status["pid"] is None
    assert status["message"]  # English by default
    response = await jp_fetch(
        "jupyterlab-neuron", "monitor", "snapshot", params={"after": "0", "timeout": "30"}
    )
    body = json.loads(response.body)
    assert body["snapshot"]["seq"] >= 1
    assert body["status"]["state"] == "running" and body["status"]["polling"] is True
    after = body["snapshot"]["seq"]
    newer = json.loads(
        (
            await jp_fetch(
                "jupyterlab-neuron",
                "monitor",
                "snapshot",
                params={"after": str(after), "timeout": "30"},
            )
        ).body
    )
    assert newer["snapshot"]["seq"] > after


@pytest.mark.parametrize(
    "params", [{"after": "x"}, {"after": "1", "timeout": "soon"}, {"after": "1", "timeout": "-1"}]
)
async def test_snapshot_rejects_bad_parameters(
    jp_fetch: Any, monitor_service: MonitorService, params: dict[str, str]
) -> None:
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("jupyterlab-neuron", "monitor", "snapshot", params=params)
    assert error.value.code == 400
    assert "message" in json.loads(error.value.response.body)


async def test_history_since_a_timestamp(jp_fetch: Any, monitor_service: MonitorService) -> None:
    await jp_fetch(
        "jupyterlab-neuron", "monitor", "snapshot", params={"after": "2", "timeout": "30"}
    )
    history = json.loads((await jp_fetch("jupyterlab-neuron", "monitor", "history")).body)
    points = history["points"]
    assert len(points) >= 3
    assert history["period"] == 0.2 and history["history_length"] == 3600
    assert [p["seq"] for p in points] == sorted(p["seq"] for p in points)
    assert len(points[0]["cores"]) == 2
    since = points[1]["timestamp"]
    newer = json.loads(
        (
            await jp_fetch("jupyterlab-neuron", "monitor", "history", params={"since": str(since)})
        ).body
    )
    assert newer["points"] and all(p["timestamp"] > since for p in newer["points"])
    limited = json.loads(
        (await jp_fetch("jupyterlab-neuron", "monitor", "history", params={"limit": "1"})).body
    )
    assert len(limited["points"]) == 1
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("jupyterlab-neuron", "monitor", "history", params={"since": "yesterday"})
    assert error.value.code == 400


async def test_metrics_endpoint_passes_promtool(
    jp_fetch: Any, monitor_service: MonitorService
) -> None:
    await jp_fetch(
        "jupyterlab-neuron", "monitor", "snapshot", params={"after": "1", "timeout": "30"}
    )
    response = await jp_fetch("jupyterlab-neuron", "monitor", "metrics")
    assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    text = response.body.decode()
    assert "neuroncore_utilization_ratio{" in text
    assert 'instance_type="trn1.2xlarge"' in text
    assert "jupyterlab_neuron_monitor_simulated{" in text
    result = promtool_check(text)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("monitor_scenario", ["crash"])
async def test_crash_shows_restarting_then_recovers(
    jp_ws_fetch: Any, monitor_service: MonitorService
) -> None:
    ws = await jp_ws_fetch("jupyterlab-neuron", "monitor", "stream", params={"lang": "en"})
    try:
        messages = await read_until(
            ws, lambda m: m["type"] == "status" and m["status"]["state"] == "restarting"
        )
        restarting = messages[-1]["status"]
        assert restarting["last_exit_status"] == 1
        assert any("simulated crash" in line for line in restarting["stderr_tail"])
        assert restarting["message"].startswith("neuron-monitor stopped; restarting")
        assert restarting["next_restart_at"] is not None
        assert "running" in states(messages)
        recovered = await read_until(
            ws, lambda m: m["type"] == "status" and m["status"]["state"] == "running"
        )
        assert recovered[-1]["status"]["restarts"] >= 1
        after = await read_until(ws, is_snapshot)
        assert after[-1]["snapshot"]["seq"] > 3
    finally:
        ws.close()


@pytest.mark.parametrize("monitor_scenario", ["garbage"])
async def test_garbage_lines_are_skipped_and_counted(
    jp_ws_fetch: Any, jp_fetch: Any, monitor_service: MonitorService
) -> None:
    ws = await jp_ws_fetch("jupyterlab-neuron", "monitor", "stream")
    try:
        messages = await read_until(
            ws, lambda m: is_snapshot(m) and m["snapshot"]["skipped_lines"] >= 2
        )
        assert all(m["snapshot"]["processes"] for m in messages if is_snapshot(m))
    finally:
        ws.close()
    status = json.loads((await jp_fetch("jupyterlab-neuron", "monitor", "status")).body)
    assert status["skipped_lines"] >= 2 and status["malformed_lines"] >= 2
    assert status["state"] == "running"


@pytest.mark.parametrize("monitor_settings", [{"monitor_max_failures": 2}])
@pytest.mark.parametrize("monitor_scenario", ["idle"])
async def test_restart_after_failure(
    jp_fetch: Any, monitor_service: MonitorService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTERLAB_NEURON_SIMULATOR_FAIL", "crash")
    await jp_fetch("jupyterlab-neuron", "monitor", "snapshot")
    await wait_until(lambda: monitor_service.status()["state"] == "failed")
    status = json.loads((await jp_fetch("jupyterlab-neuron", "monitor", "status")).body)
    assert status["state"] == "failed"
    assert "2" in status["message"]
    monkeypatch.delenv("JUPYTERLAB_NEURON_SIMULATOR_FAIL")
    restarted = json.loads(
        (await jp_fetch("jupyterlab-neuron", "monitor", "restart", method="POST", body="")).body
    )
    assert restarted["state"] in ("starting", "running")
    response = await jp_fetch(
        "jupyterlab-neuron", "monitor", "snapshot", params={"after": "0", "timeout": "30"}
    )
    assert json.loads(response.body)["snapshot"] is not None


async def _start_child_in_kernel(kernel_manager: Any, kernel_id: str) -> int:
    """Make the kernel start a long-running child process; returns its pid."""
    client = kernel_manager.get_kernel(kernel_id).client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=120)
        output: list[str] = []

        def hook(message: dict[str, Any]) -> None:
            if message["msg_type"] == "stream":
                output.append(message["content"]["text"])

        code = (
            "import subprocess, sys\n"
            "_runtime = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
            "print(_runtime.pid)\n"
        )
        reply = await client.execute_interactive(code, output_hook=hook, timeout=120)
        assert reply["content"]["status"] == "ok"
        return int("".join(output).strip())
    finally:
        client.stop_channels()


async def test_runtime_started_by_a_kernel_maps_to_its_notebook(
    jp_fetch: Any,
    jp_ws_fetch: Any,
    jp_serverapp: Any,
    monitor_service: MonitorService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = json.loads(
        (
            await jp_fetch(
                "api",
                "sessions",
                method="POST",
                body=json.dumps(
                    {
                        "path": "work/ownership.ipynb",
                        "type": "notebook",
                        "kernel": {"name": "python3"},
                    }
                ),
            )
        ).body
    )
    kernel_id = session["kernel"]["id"]
    child = await _start_child_in_kernel(jp_serverapp.kernel_manager, kernel_id)
    try:
        # The simulated runtime reports the pid of the kernel's child.
        monkeypatch.setenv(RUNTIME_PIDS_ENV, str(child))
        ws = await jp_ws_fetch("jupyterlab-neuron", "monitor", "stream")
        try:
            messages = await read_until(
                ws, lambda m: is_snapshot(m) and m["snapshot"]["processes"][0]["kernel"]
            )
        finally:
            ws.close()
        process = messages[-1]["snapshot"]["processes"][0]
        assert process["pid"] == child
        assert process["cores"] == [0]
        assert process["kernel"]["kernel_id"] == kernel_id
        assert process["kernel"]["notebook_path"] == "work/ownership.ipynb"
        assert process["kernel"]["session_id"] == session["id"]
        assert process["kernel"]["relation"] == "descendant"
        assert "time.sleep(600)" in process["command"]
        # The second simulated worker is not a child of any kernel.
        assert messages[-1]["snapshot"]["processes"][1]["kernel"] is None
    finally:
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass
        await jp_fetch("api", "sessions", session["id"], method="DELETE")
