"""``jupyter neuron cache status|list|clean`` on an S3 root (moto on loopback)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jupyterlab_neuron.cli import main

from .conftest import entry_objects, put_all

V2 = "neuronxcc-2.15.128.0+56dc5a86"
OK = "MODULE_aaaaaaaaaaaaaaaaaaaa+11111111"
BAD = "MODULE_bbbbbbbbbbbbbbbbbbbb+22222222"


@pytest.fixture
def url(s3: Any, bucket: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> str:
    for name in ("NEURON_CC_FLAGS", "NEURON_COMPILE_CACHE_URL", "JUPYTERLAB_NEURON_CACHE_ROOTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    objects = entry_objects("team/cache/", V2, OK, "success", size=500)
    objects.update(entry_objects("team/cache/", V2, BAD, "failed"))
    objects.update(entry_objects("team/cache-old/", V2, BAD, "failed"))
    put_all(s3, bucket, objects)
    return f"s3://{bucket}/team/cache"


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_status_list_and_clean(
    url: str, s3: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = run_json(capsys, "cache", "status", "--root", url, "--json")
    root = status["roots"][0]
    assert root["path"] == url and root["store"] == "s3"
    assert root["entries"] == 2 and root["counts"]["failed"] == 1

    listed = run_json(capsys, "cache", "list", "--root", url, "--state", "failed", "--json")
    assert [item["module"] for item in listed] == [BAD]

    assert main(["cache", "status", "--root", url, "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert url in text and "2 entries" in text and "on S3" in text and "free space" not in text
    assert main(["cache", "status", "--root", url, "--lang", "ja"]) == 0
    text = capsys.readouterr().out
    assert url in text and "エントリ 2 件、S3 上で" in text and "空き容量" not in text

    dry = run_json(capsys, "cache", "clean", "--root", url, "--failed", "--dry-run", "--json")
    assert dry["dry_run"] is True and len(dry["removed"]) == 1
    assert any(BAD in key for key in _keys(s3, bucket, "team/cache/"))
    done = run_json(capsys, "cache", "clean", "--root", url, "--failed", "--yes", "--json")
    assert done["dry_run"] is False and len(done["removed"]) == 1 and not done["failed"]
    assert not any(BAD in key for key in _keys(s3, bucket, "team/cache/"))
    assert any(BAD in key for key in _keys(s3, bucket, "team/cache-old/"))


def _keys(s3: Any, bucket: str, prefix: str) -> list[str]:
    reply = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return [item["Key"] for item in reply.get("Contents", ())]
