"""Carrying out the S3 part of a clean plan (same plan, result and log lines as local roots).

Per root, keys go in two rounds of DeleteObjects (1,000 keys a call): first the
planned lock keys and each entry's ``model.done`` / ``model.log``, then the rest
of the entries whose first round succeeded. An entry whose first round failed
keeps everything else; an interrupted removal never leaves an entry the runtime
trusts as compiled (no ``model.done``) or as failed (no ``model.log``). Every
key is checked to lie inside the root's folder before anything is sent. Each
item that could not be removed is reported with S3's reason (AccessDenied...).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from . import s3_store
from .actions import CleanResult, FailedItem, PlanItem


def remove_s3_items(
    items: Sequence[PlanItem],
    result: CleanResult,
    log: logging.Logger | logging.LoggerAdapter[Any],
    *,
    s3: Any = None,
) -> None:
    """Remove the S3 ``items`` of a plan, adding what happened to ``result``."""
    by_root: dict[str, list[PlanItem]] = {}
    for item in items:
        by_root.setdefault(item.root, []).append(item)
    for root, root_items in by_root.items():
        _remove_root_items(root, root_items, result, log, s3)


def _is_marker(key: str) -> bool:
    return key.rpartition("/")[2] in s3_store.MARKER_NAMES


def _remove_root_items(
    root: str,
    items: list[PlanItem],
    result: CleanResult,
    log: logging.Logger | logging.LoggerAdapter[Any],
    s3: Any,
) -> None:
    bucket, folder = s3_store.split_url(root)
    first: list[str] = []
    for item in items:
        if item.kind == "lock":
            first.extend(folder + key for key in item.objects)
        elif item.kind == "entry":
            first.extend(folder + key for key in item.objects if _is_marker(key))
    errors: dict[str, str] = {}
    outcome = s3_store.delete_keys(bucket, folder, first, s3=s3)
    errors.update(outcome.errors)
    second: list[str] = []
    for item in items:
        if item.kind != "entry":
            continue
        keys = [folder + key for key in item.objects]
        if any(key in errors for key in keys):
            continue  # its marker stays: leave the rest as it is
        second.extend(key for key in keys if not _is_marker(key))
    outcome = s3_store.delete_keys(bucket, folder, second, s3=s3)
    errors.update(outcome.errors)

    failed_versions: set[str] = set()
    for item in items:
        if item.kind == "version":
            continue
        keys = [folder + key for key in item.objects]
        problems = [errors[key] for key in keys if key in errors]
        if problems:
            failed_versions.add(item.version)
            result.failed.append(
                FailedItem(item.id, item.path, "failure.os_error", {"detail": problems[0]})
            )
            log.warning(
                "compile cache: cannot remove %s %s/%s: %s (%d of %d keys kept)",
                item.kind,
                root,
                item.path,
                problems[0],
                len(problems),
                len(keys),
            )
            continue
        result.removed.append(item.id)
        result.bytes_freed += item.bytes
        log.info(
            "compile cache: removed %s %s/%s (%d bytes, %d keys; %s)",
            item.kind,
            root,
            item.path,
            item.bytes,
            len(keys),
            ", ".join(item.reasons),
        )
    for item in items:
        if item.kind != "version":
            continue
        # S3 has no folders: a version goes away with its last key. Keys outside any
        # entry are not in the plan, so such a version stays.
        if item.version in failed_versions or item.bytes:
            result.failed.append(FailedItem(item.id, item.path, "skip.version_kept"))
            continue
        result.removed.append(item.id)
        log.info(
            "compile cache: removed version %s/%s (%s)", root, item.path, ", ".join(item.reasons)
        )
