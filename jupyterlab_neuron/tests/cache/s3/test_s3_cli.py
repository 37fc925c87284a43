"""``jupyter neuron cache status|list|clean`` on an S3 root (moto on loopback)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ..conftest import CacheCommand
from .conftest import entry_objects, put_all

V2 = "neuronxcc-2.15.128.0+56dc5a86"
OK = "MODULE_aaaaaaaaaaaaaaaaaaaa+11111111"
BAD = "MODULE_bbbbbbbbbbbbbbbbbbbb+22222222"


@pytest.fixture
def url(s3: Any, bucket: str, cli_isolated: Path) -> str:
    objects = entry_objects("team/cache/", V2, OK, "success", size=500)
    objects.update(entry_objects("team/cache/", V2, BAD, "failed"))
    objects.update(entry_objects("team/cache-old/", V2, BAD, "failed"))
    put_all(s3, bucket, objects)
    return f"s3://{bucket}/team/cache"


def test_status_list_and_clean(
    url: str, s3: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cli = CacheCommand(capsys, url)
    status = cli.json("status")
    root = status["roots"][0]
    assert root["path"] == url and root["store"] == "s3"
    assert root["entries"] == 2 and root["counts"]["failed"] == 1

    listed = cli.json("list", "--state", "failed")
    assert [item["module"] for item in listed] == [BAD]

    assert cli("status", "--lang", "en") == 0
    text = cli.out()
    assert url in text and "2 entries" in text and "on S3" in text and "free space" not in text
    assert cli("status", "--lang", "ja") == 0
    text = cli.out()
    assert url in text and "エントリ 2 件、S3 上で" in text and "空き容量" not in text

    dry = cli.json("clean", "--failed", "--dry-run")
    assert dry["dry_run"] is True and len(dry["removed"]) == 1
    assert any(BAD in key for key in _keys(s3, bucket, "team/cache/"))
    done = cli.json("clean", "--failed", "--yes")
    assert done["dry_run"] is False and len(done["removed"]) == 1 and not done["failed"]
    assert not any(BAD in key for key in _keys(s3, bucket, "team/cache/"))
    assert any(BAD in key for key in _keys(s3, bucket, "team/cache-old/"))


def _keys(s3: Any, bucket: str, prefix: str) -> list[str]:
    reply = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return [item["Key"] for item in reply.get("Contents", ())]
