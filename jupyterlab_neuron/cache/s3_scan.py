"""S3 roots in the scanner's model: the same entries, versions, states and totals.

The listing comes from :func:`.s3_store.list_root`; states follow the local
rules through the scanner's own classification. Locks are judged by their
age only (a compiler on another node writes to a shared cache): younger than
the fresh-lock setting is *compiling*, older is *stale_lock*. S3 has no access
times, so an entry's last use is its newest LastModified.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import s3_store
from .roots import is_version_dir_name
from .scanner import (
    DONE_NAME,
    ENTRY_PREFIX,
    FLAGS_MAX_BYTES,
    FLAGS_NAME,
    LOCK_SUFFIX,
    LOG_NAME,
    LOG_TAIL_BYTES,
    NEFF_NAME,
    CacheEntry,
    LockFile,
    RootSummary,
    VersionSummary,
    compiler_version_of,
    entry_id_for,
    parse_compile_flags,
    version_id_for,
)

if TYPE_CHECKING:
    from .scanner import CompileCacheScanner, _ScanContext


def _entry(
    scanner: CompileCacheScanner,
    context: _ScanContext,
    version: VersionSummary,
    listing: s3_store.S3EntryListing,
) -> CacheEntry:
    root = context.root
    objects = listing.objects
    has_neff = has_done = has_log = has_flags = False
    locks: list[LockFile] = []
    total = 0
    created = modified = objects[0].modified
    for obj in objects:
        total += obj.size
        name = obj.relpath.rpartition("/")[2]
        if name == NEFF_NAME:
            has_neff = True
        elif name == DONE_NAME:
            has_done = True
        elif name == LOG_NAME:
            has_log = True
        elif name == FLAGS_NAME:
            has_flags = True
        elif name.endswith(LOCK_SUFFIX):
            locks.append(LockFile(obj.relpath, 0, int(obj.modified * 1e9)))
        if obj.modified < created:
            created = obj.modified
        if obj.modified > modified:
            modified = obj.modified
    base = f"{listing.version}/{listing.module}/"
    entry = CacheEntry(
        entry_id_for(version.id, listing.module),
        root.id,
        root.path,
        version.name,
        listing.module,
        s3_store.objects_key(objects),
        False,  # no links on S3
        total,
        total,
        len(objects),
        0,
        has_neff,
        has_done,
        has_log,
        has_flags,
        tuple(sorted(locks, key=lambda lock: lock.relpath)),
        created,
        modified,
        None,  # no access times on S3
        (),
        context.now,
        None,
        objects=tuple(base + obj.relpath for obj in objects),
    )
    return scanner._classify(entry, context, False)


def scan_s3_root(
    scanner: CompileCacheScanner, context: _ScanContext
) -> tuple[RootSummary, list[CacheEntry]]:
    """Summary and entries of one S3 root (a listing error becomes the scan error)."""
    root = context.root
    summary = RootSummary(root=root)
    try:
        listing = s3_store.list_root(
            root.path, is_version=is_version_dir_name, entry_prefix=ENTRY_PREFIX
        )
    except Exception as error:  # credentials, endpoint, access denied, no such bucket
        summary.error = s3_store.error_text(error)
        return summary, []
    summary.scanned = True
    summary.other_names = sorted(listing.other_names)
    # A lock on S3 says nothing about local compiler processes: only its age counts.
    context.compiler_running = False
    entries: list[CacheEntry] = []
    for name in sorted(listing.versions):
        found = listing.versions[name]
        version = VersionSummary(
            id=version_id_for(root.path, name),
            name=name,
            naming="2022" if name.startswith("USER_") else "unknown",
            compiler_version=compiler_version_of(name),
            other_files=found.other_files,
            other_bytes=found.other_bytes,
        )
        version_entries = [
            _entry(scanner, context, version, found.entries[module])
            for module in sorted(found.entries)
        ]
        counts = version.counts
        last_used: float | None = None
        for entry in version_entries:
            version.bytes += entry.bytes
            counts[entry.state] += 1
            if entry.protected:
                version.protected += 1
            if last_used is None or entry.last_used > last_used:
                last_used = entry.last_used
        version.entries = len(version_entries)
        version.disk_bytes = version.bytes
        version.last_used = last_used
        if version.naming == "unknown":
            known = {entry.naming for entry in version_entries[:50]} - {"unknown"}
            if known:
                version.naming = max(known)  # type: ignore[assignment]
        summary.versions.append(version)
        entries.extend(version_entries)
    scanner._total(summary)
    return summary, entries


def s3_entry_details(entry: CacheEntry, *, log_tail_lines: int = 200) -> dict[str, Any]:
    """The detail of an S3 entry: its keys (from the scan), compile flags and log tail."""
    from .scanner import DETAIL_MAX_FILES, EntryDetail

    bucket, folder = s3_store.split_url(entry.root)
    prefix = f"{entry.version}/{entry.module}/"
    detail = EntryDetail()
    try:
        reply = s3_store.client().list_objects_v2(
            Bucket=bucket, Prefix=folder + prefix, MaxKeys=DETAIL_MAX_FILES
        )
        detail.contents_truncated = bool(reply.get("IsTruncated"))
        for item in reply.get("Contents", ()):
            detail.contents.append(
                {
                    "path": item["Key"][len(folder + prefix) :],
                    "kind": "file",
                    "bytes": item["Size"],
                    "mtime": round(item["LastModified"].timestamp(), 3),
                }
            )
        for key in entry.objects:
            name = key.rpartition("/")[2]
            if name == FLAGS_NAME and detail.flags is None:
                raw = s3_store.read_range(bucket, folder + key, FLAGS_MAX_BYTES, tail=False)
                detail.flags = parse_compile_flags(raw)
            elif name == LOG_NAME and entry.has_log and detail.log_tail is None:
                raw = s3_store.read_range(bucket, folder + key, LOG_TAIL_BYTES, tail=True)
                detail.read_log_tail(raw, len(raw) >= LOG_TAIL_BYTES, log_tail_lines)
    except Exception as err:
        detail.error = s3_store.error_text(err)
    return detail.to_dict(entry)
