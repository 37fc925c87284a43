"""Compile caches on S3: listing a root into entries, and removing planned objects.

An S3 root ``s3://bucket/prefix`` is always read as the folder ``prefix/``:
listing asks for keys starting with ``prefix/`` only, so ``team/cache`` never
sees ``team/cache-old/...``, and every key removed is checked against that
folder again. Keys map onto the local layout::

    <prefix>/neuronxcc-<version>/MODULE_<...>/<file>

and entries get the same states as local ones, from their keys:
``model.neff`` + ``model.done`` success, ``model.log`` without a neff failed,
a ``*.lock`` key locked (compiling while younger than the fresh-lock setting by
its LastModified, stale after), otherwise empty.

boto3 is optional (``pip install "jupyterlab-neuron[s3]"``). Clients use
boto3's standard credential chain and endpoint settings (``AWS_PROFILE``,
``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_S3``, instance roles, ...).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

S3_SCHEME = "s3://"

#: Keys per DeleteObjects call (the S3 maximum).
DELETE_BATCH = 1000

#: Keys per ListObjectsV2 page (the S3 maximum).
LIST_PAGE = 1000

#: Removed first, so an interrupted removal never leaves an entry the runtime trusts
#: (no ``model.done``) or one that poisons the next compile (no ``model.log``).
MARKER_NAMES = ("model.done", "model.log")

_lock = threading.Lock()
_client: Any = None


def is_s3_url(value: str) -> bool:
    """Whether ``value`` names an S3 location."""
    return value.strip().lower().startswith(S3_SCHEME)


def boto3_available() -> bool:
    """Whether boto3 can be imported."""
    try:
        import boto3  # noqa: F401
    except ImportError:
        return False
    return True


def normalize_url(value: str) -> str:
    """``s3://bucket/prefix/`` -> ``s3://bucket/prefix`` (scheme in lower case)."""
    bucket, folder = split_url(value)
    return f"{S3_SCHEME}{bucket}/{folder[:-1]}" if folder else f"{S3_SCHEME}{bucket}"


def split_url(value: str) -> tuple[str, str]:
    """Bucket and key folder of an S3 URL; the folder is empty or ends with ``/``.

    Raises:
        ValueError: no bucket, or a path with ``.`` / ``..`` parts.
    """
    rest = value.strip()[len(S3_SCHEME) :]
    bucket, _, prefix = rest.partition("/")
    if not bucket:
        raise ValueError(f"no bucket in {value!r}")
    parts = [part for part in prefix.split("/") if part]
    if any(part in (".", "..") for part in parts):
        raise ValueError(f"'.' or '..' in {value!r}")
    folder = "/".join(parts)
    return bucket, (folder + "/") if folder else ""


def client() -> Any:
    """One shared S3 client (thread-safe), built by boto3's default session."""
    global _client
    with _lock:
        if _client is None:
            import boto3
            from botocore.config import Config

            _client = boto3.session.Session().client(
                "s3", config=Config(retries={"mode": "standard"}, max_pool_connections=16)
            )
        return _client


def reset_client() -> None:
    """Forget the shared client (credentials or endpoint settings changed)."""
    global _client
    with _lock:
        _client = None


def error_text(error: BaseException) -> str:
    """A short text for a boto3/botocore error: the S3 code and message when there is one."""
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        info = response.get("Error") or {}
        code = info.get("Code")
        message = info.get("Message")
        if code:
            return f"{code}: {message}" if message else str(code)
    return str(error) or type(error).__name__


# -- listing --------------------------------------------------------------------------


@dataclass(slots=True)
class S3Object:
    """One key below an entry: its path inside the entry, size, ETag, LastModified."""

    relpath: str
    size: int
    etag: str
    modified: float


@dataclass(slots=True)
class S3EntryListing:
    """The keys of one ``MODULE_*`` entry."""

    version: str
    module: str
    objects: list[S3Object] = field(default_factory=list)


@dataclass(slots=True)
class S3VersionListing:
    """A compiler-version folder: its entries and the keys that belong to none."""

    name: str
    entries: dict[str, S3EntryListing] = field(default_factory=dict)
    other_files: int = 0
    other_bytes: int = 0


@dataclass(slots=True)
class S3RootListing:
    """Everything below one root's folder, grouped as the local layout."""

    bucket: str
    folder: str
    versions: dict[str, S3VersionListing] = field(default_factory=dict)
    other_names: set[str] = field(default_factory=set)
    objects: int = 0


def list_root(
    url: str,
    *,
    is_version: Callable[[str], bool],
    entry_prefix: str,
    s3: Any = None,
) -> S3RootListing:
    """Every key below the root's folder (ListObjectsV2, 1,000 keys a page), grouped.

    Keys directly below the folder that are not compiler-version folders are
    named in ``other_names``; keys in a version folder outside any
    ``MODULE_*`` folder are counted as the version's other files.
    """
    bucket, folder = split_url(url)
    s3 = s3 or client()
    listing = S3RootListing(bucket=bucket, folder=folder)
    versions = listing.versions
    start = len(folder)
    paginator = s3.get_paginator("list_objects_v2")
    pages = paginator.paginate(
        Bucket=bucket, Prefix=folder, PaginationConfig={"PageSize": LIST_PAGE}
    )
    count = 0
    for page in pages:
        for item in page.get("Contents", ()):
            key: str = item["Key"]
            count += 1
            rest = key[start:]
            version_name, slash, inside = rest.partition("/")
            if not slash or not is_version(version_name):
                listing.other_names.add(version_name)
                continue
            version = versions.get(version_name)
            if version is None:
                version = versions[version_name] = S3VersionListing(version_name)
            module, slash, relpath = inside.partition("/")
            if not slash or not relpath or not module.startswith(entry_prefix):
                version.other_files += 1
                version.other_bytes += item["Size"]
                continue
            entry = version.entries.get(module)
            if entry is None:
                entry = version.entries[module] = S3EntryListing(version_name, module)
            entry.objects.append(
                S3Object(relpath, item["Size"], item["ETag"], item["LastModified"].timestamp())
            )
    listing.objects = count
    return listing


def objects_key(objects: Sequence[S3Object]) -> tuple[int, ...]:
    """One number for an entry's key set with their ETags and LastModified (a change
    of any key shows as another number)."""
    digest = hashlib.blake2b(digest_size=8)
    for obj in sorted(objects, key=lambda o: o.relpath):
        digest.update(f"{obj.relpath}\0{obj.etag}\0{obj.modified}\0{obj.size}\n".encode())
    return (int.from_bytes(digest.digest(), "big"),)


# -- removing -------------------------------------------------------------------------


@dataclass
class DeleteOutcome:
    """Which keys were removed and which failed (key -> error text)."""

    deleted: set[str] = field(default_factory=set)
    errors: dict[str, str] = field(default_factory=dict)


def check_keys(folder: str, keys: Iterable[str]) -> list[str]:
    """``keys`` if each lies inside ``folder`` (as a folder), else ``ValueError``."""
    checked = []
    for key in keys:
        if not key.startswith(folder) or len(key) == len(folder):
            raise ValueError(f"{key!r} is outside {folder!r}")
        if any(part in ("", ".", "..") for part in key[len(folder) :].split("/")):
            raise ValueError(f"{key!r} is not a plain key")
        checked.append(key)
    return checked


def delete_keys(bucket: str, folder: str, keys: Sequence[str], *, s3: Any = None) -> DeleteOutcome:
    """Remove ``keys`` with DeleteObjects, 1,000 a call; each failure is kept per key.

    Every key is checked to be inside ``folder`` first (nothing is removed when one
    is not). A call that fails as a whole fails each of its keys.
    """
    keys = check_keys(folder, keys)
    s3 = s3 or client()
    outcome = DeleteOutcome()
    for start in range(0, len(keys), DELETE_BATCH):
        batch = keys[start : start + DELETE_BATCH]
        try:
            reply = s3.delete_objects(
                Bucket=bucket,
                Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True},
            )
        except Exception as error:  # botocore ClientError, connection errors
            text = error_text(error)
            outcome.errors.update(dict.fromkeys(batch, text))
            continue
        failed = {}
        for problem in reply.get("Errors", ()):
            code = problem.get("Code", "")
            message = problem.get("Message", "")
            failed[problem.get("Key", "")] = f"{code}: {message}" if message else code
        outcome.errors.update(failed)
        outcome.deleted.update(key for key in batch if key not in failed)
    return outcome


def read_range(bucket: str, key: str, max_bytes: int, *, tail: bool, s3: Any = None) -> bytes:
    """The first (or, with ``tail``, last) ``max_bytes`` of an object."""
    s3 = s3 or client()
    byte_range = f"bytes=-{max_bytes}" if tail else f"bytes=0-{max_bytes - 1}"
    reply = s3.get_object(Bucket=bucket, Key=key, Range=byte_range)
    body = reply["Body"]
    try:
        return body.read()
    finally:
        body.close()
