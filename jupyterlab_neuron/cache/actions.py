"""Cleaning the compile cache: one planner and one executor for REST, UI and CLI.

A :class:`CleanRequest` says *what* to clean (chosen entries, failed entries,
stale locks, old compiler versions, a size quota, a wipe). :func:`build_plan`
turns it, against a fresh scan, into the exact list of items to remove and
the bytes freed, plus a ``token`` that fingerprints that list. A real run
rebuilds the plan from a fresh scan and proceeds only when the token is the
same, so it removes exactly what the dry run showed or nothing (a conflict).

Rules that hold for every action:

* entries that are compiling or hold a model loaded by a running Neuron
  process are never touched (they are listed as skipped, with the reason);
* ids come from the scan, names are single path components, and every folder
  on the way is opened with ``O_NOFOLLOW`` (:mod:`.safe_fs`): a link is
  removed as a link and never followed, nothing outside the root is reached;
* an entry is first renamed into a trash folder inside its root (same file
  system, so the rename is atomic), then removed: a crash never leaves a
  half-deleted entry that the Neuron runtime would trust. Leftovers in the
  trash are removed by the next run;
* each removal is logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import stat
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from neuron_kernel_helpers.i18n import Lang

from . import safe_fs
from .errors import (
    BadRequestError,
    CacheConflictError,
    InvalidRequestError,
    Localized,
    UnknownIdError,
    localize_values,
)
from .messages import MESSAGES
from .roots import CacheRoot
from .scanner import (
    DEFAULT_TRASH_NAME,
    ENTRY_PREFIX,
    LOCK_SUFFIX,
    CacheEntry,
    CacheSnapshot,
    LockFile,
    RootSummary,
    VersionSummary,
    version_sort_key,
)

ItemKind = Literal["entry", "lock", "version"]

#: Leftovers in the trash older than this are removed even if their process lives.
TRASH_LEFTOVER_SECONDS = 3600.0

_LOG = logging.getLogger("jupyterlab_neuron.cache")


# -- the request ---------------------------------------------------------------------


def _bool(data: Mapping[str, Any], name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise BadRequestError("error.bad_value", name=name, detail="true or false expected")
    return value


def _strings(data: Mapping[str, Any], name: str) -> tuple[str, ...]:
    value = data.get(name) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise BadRequestError("error.bad_value", name=name, detail="a list of strings expected")
    return tuple(dict.fromkeys(value))  # unique, order kept


@dataclass(frozen=True)
class CleanRequest:
    """What to clean. Selectors combine (their union is removed).

    Attributes:
        roots: root ids the root-wide selectors apply to (empty: every root).
        entries: entry ids chosen one by one.
        failed: every failed entry.
        stale_locks: the lock files of entries whose lock is stale (only the locks).
        old_versions: every compiler-version folder but the newest, per root.
        versions: chosen compiler-version folders (ids).
        max_bytes: prune each root to at most this many bytes, least recently
            used entries first.
        wipe: everything in the one root given in ``roots``.
    """

    roots: tuple[str, ...] = ()
    entries: tuple[str, ...] = ()
    failed: bool = False
    stale_locks: bool = False
    old_versions: bool = False
    versions: tuple[str, ...] = ()
    max_bytes: int | None = None
    wipe: bool = False

    #: JSON keys accepted by :meth:`from_json` besides ``dry_run`` and ``plan_token``.
    FIELDS = (
        "roots",
        "entries",
        "failed",
        "stale_locks",
        "old_versions",
        "versions",
        "max_bytes",
        "wipe",
    )

    @classmethod
    def from_json(cls, data: Any) -> CleanRequest:
        """Parse the JSON body of a clean request (raises :class:`BadRequestError`)."""
        if not isinstance(data, dict):
            raise BadRequestError("error.bad_value", name="body", detail="a JSON object expected")
        unknown = sorted(set(data) - set(cls.FIELDS) - {"dry_run", "plan_token"})
        if unknown:
            raise BadRequestError(
                "error.bad_value", name=", ".join(unknown), detail="unknown field"
            )
        max_bytes = data.get("max_bytes")
        if max_bytes is not None and (
            not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes < 0
        ):
            raise BadRequestError(
                "error.bad_value", name="max_bytes", detail="a non-negative integer expected"
            )
        return cls(
            roots=_strings(data, "roots"),
            entries=_strings(data, "entries"),
            failed=_bool(data, "failed"),
            stale_locks=_bool(data, "stale_locks"),
            old_versions=_bool(data, "old_versions"),
            versions=_strings(data, "versions"),
            max_bytes=max_bytes,
            wipe=_bool(data, "wipe"),
        )

    @property
    def empty(self) -> bool:
        """Whether nothing at all was chosen."""
        return not (
            self.entries
            or self.failed
            or self.stale_locks
            or self.old_versions
            or self.versions
            or self.max_bytes is not None
            or self.wipe
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON form, as echoed in plans."""
        return {
            "roots": list(self.roots),
            "entries": list(self.entries),
            "failed": self.failed,
            "stale_locks": self.stale_locks,
            "old_versions": self.old_versions,
            "versions": list(self.versions),
            "max_bytes": self.max_bytes,
            "wipe": self.wipe,
        }


# -- the plan ----------------------------------------------------------------------------


@dataclass
class PlanItem:
    """One thing a clean removes: an entry folder, a lock file or an emptied version folder."""

    kind: ItemKind
    id: str
    root_id: str
    root: str
    version: str
    module: str | None
    path: str
    bytes: int
    state: str | None
    reasons: list[str]
    fingerprint: tuple[Any, ...] = field(repr=False, default=())
    symlink: bool = False
    subdir_keys: tuple[tuple[str, int, int], ...] = field(repr=False, default=())
    lock_names: frozenset[str] = field(repr=False, default=frozenset())
    #: S3 roots: the keys (relative to the root folder) the removal deletes.
    objects: tuple[str, ...] = field(repr=False, default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON form (``CachePlanItem`` in openapi.yaml)."""
        return {
            "kind": self.kind,
            "id": self.id,
            "root_id": self.root_id,
            "root": self.root,
            "version": self.version,
            "module": self.module,
            "path": self.path,
            "bytes": self.bytes,
            "state": self.state,
            "reasons": list(self.reasons),
            "symlink": self.symlink,
        }


@dataclass
class SkippedItem:
    """Something the request chose that will not be removed, and why."""

    kind: ItemKind
    id: str
    path: str
    reason: Literal["compiling", "in_use", "version_kept"]

    def to_dict(self, lang: Lang) -> dict[str, Any]:
        """JSON form (``CacheSkippedItem`` in openapi.yaml)."""
        return {
            "kind": self.kind,
            "id": self.id,
            "path": self.path,
            "reason": self.reason,
            "message": MESSAGES(f"skip.{self.reason}", lang),
        }


@dataclass
class CleanPlan:
    """The exact list a clean removes, with the bytes it frees and its token."""

    request: CleanRequest
    items: list[PlanItem]
    skipped: list[SkippedItem]
    warnings: list[Localized]
    token: str
    scanned_at: float

    @property
    def bytes(self) -> int:
        """Bytes freed by removing every item."""
        return sum(item.bytes for item in self.items)

    def to_dict(self, lang: Lang) -> dict[str, Any]:
        """JSON form of a dry run (``CacheCleanResult`` in openapi.yaml)."""
        return {
            "dry_run": True,
            "plan_token": self.token,
            "request": self.request.to_dict(),
            "items": [item.to_dict() for item in self.items],
            "removed": [item.id for item in self.items],
            "bytes_freed": self.bytes,
            "skipped": [item.to_dict(lang) for item in self.skipped],
            "missing": [],
            "failed": [],
            "warnings": [warning.message(lang) for warning in self.warnings],
            "scanned_at": round(self.scanned_at, 3),
        }


@dataclass
class FailedItem:
    """An item of a real run that could not be removed."""

    id: str
    path: str
    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, lang: Lang) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.id,
            "path": self.path,
            "message": MESSAGES(self.key, lang, **localize_values(self.values, lang)),
        }


@dataclass
class CleanResult:
    """What a real run did."""

    plan: CleanPlan
    removed: list[str] = field(default_factory=list)
    bytes_freed: int = 0
    missing: list[str] = field(default_factory=list)
    failed: list[FailedItem] = field(default_factory=list)

    def to_dict(self, lang: Lang) -> dict[str, Any]:
        """JSON form of a real run (``CacheCleanResult`` in openapi.yaml)."""
        data = self.plan.to_dict(lang)
        data.update(
            {
                "dry_run": False,
                "removed": list(self.removed),
                "bytes_freed": self.bytes_freed,
                "missing": list(self.missing),
                "failed": [item.to_dict(lang) for item in self.failed],
            }
        )
        return data


def _entry_item(entry: CacheEntry, reasons: list[str]) -> PlanItem:
    return PlanItem(
        kind="entry",
        id=entry.id,
        root_id=entry.root_id,
        root=entry.root,
        version=entry.version,
        module=entry.module,
        path=entry.relpath,
        bytes=entry.bytes,
        state=entry.state,
        reasons=reasons,
        fingerprint=entry.fingerprint(),
        symlink=entry.symlink,
        subdir_keys=tuple(
            (relpath, entry.key[2 + 2 * index], entry.key[3 + 2 * index])
            for index, relpath in enumerate(entry.subdirs)
        ),
        lock_names=frozenset(lock.relpath for lock in entry.locks),
        objects=entry.objects,
    )


def _lock_item(entry: CacheEntry, lock: LockFile) -> PlanItem:
    return PlanItem(
        kind="lock",
        id=f"{entry.id}/{lock.relpath}",
        root_id=entry.root_id,
        root=entry.root,
        version=entry.version,
        module=entry.module,
        path=f"{entry.relpath}/{lock.relpath}",
        bytes=0,
        state=entry.state,
        reasons=["stale_lock"],
        fingerprint=(
            entry.id,
            entry.state,
            entry.protected,
            lock.relpath,
            lock.ino,
            lock.mtime_ns,
        ),
        objects=(f"{entry.relpath}/{lock.relpath}",) if entry.objects else (),
    )


def _version_item(root: CacheRoot, version: VersionSummary, reasons: list[str]) -> PlanItem:
    return PlanItem(
        kind="version",
        id=version.id,
        root_id=root.id,
        root=root.path,
        version=version.name,
        module=None,
        path=version.name,
        bytes=version.other_bytes,
        state=None,
        reasons=reasons,
        fingerprint=(
            version.id,
            version.entries,
            version.other_files,
            version.other_bytes,
            version.other_dirs,
            version.symlink,
        ),
        symlink=version.symlink,
    )


def build_plan(snapshot: CacheSnapshot, request: CleanRequest) -> CleanPlan:
    """The exact list of items ``request`` removes from the roots in ``snapshot``.

    Raises:
        InvalidRequestError: nothing chosen, or a wipe without exactly one root.
        UnknownIdError: a root, version or entry id is not in the scan.
        CacheConflictError: a root concerned cannot be modified (read-only, ...).
    """
    return _PlanBuilder(snapshot, request).build()


class _PlanBuilder:
    """One clean plan: each rule of a :class:`CleanRequest` is one method.

    Rules first *choose* entries and version folders (with the reasons why); the
    chosen ones then become plan items, except what is protected (compiling, in
    use), which is listed as skipped.
    """

    def __init__(self, snapshot: CacheSnapshot, request: CleanRequest) -> None:
        self.snapshot = snapshot
        self.request = request
        self.summaries = {summary.root.id: summary for summary in snapshot.roots}
        self.versions_by_id = {
            version.id: (summary, version)
            for summary in snapshot.roots
            for version in summary.versions
        }
        self.by_version: dict[tuple[str, str], list[CacheEntry]] = {}
        for entry in snapshot.entries:
            self.by_version.setdefault((entry.root_id, entry.version), []).append(entry)
        self.scope: list[RootSummary] = []
        self.reasons: dict[str, list[str]] = {}  # entry id -> why it is chosen
        self.version_reasons: dict[str, list[str]] = {}
        self.items: list[PlanItem] = []
        self.skipped: list[SkippedItem] = []
        self.warnings: list[Localized] = []

    def build(self) -> CleanPlan:
        """Check the request, apply every rule, and fingerprint the result."""
        chosen = self._check_request()
        self._choose_selected(chosen)
        self._choose_old_versions()
        self._choose_wipe()
        self._choose_failed()
        self._choose_quota()
        kept_versions = self._plan_entries()
        self._plan_stale_locks()
        self._plan_versions(kept_versions)
        return self._plan()

    # -- checks ---------------------------------------------------------------------------

    def _check_request(self) -> list[CacheEntry]:
        """Validate ids and roots; set the scope; return the entries chosen one by one."""
        request = self.request
        if request.empty:
            raise InvalidRequestError("error.nothing_selected")
        if request.wipe and len(request.roots) != 1:
            raise InvalidRequestError("error.wipe_one_root")
        for root_id in request.roots:
            if root_id not in self.summaries:
                raise UnknownIdError("error.unknown_root", id=root_id)
        self.scope = (
            [self.summaries[root_id] for root_id in request.roots]
            if request.roots
            else [summary for summary in self.snapshot.roots if summary.scanned]
        )
        chosen: list[CacheEntry] = []
        for entry_id in request.entries:
            entry = self.snapshot.by_id.get(entry_id)
            if entry is None:
                raise UnknownIdError("error.unknown_entry", id=entry_id)
            chosen.append(entry)
        for version_id in request.versions:
            if version_id not in self.versions_by_id:
                raise UnknownIdError("error.unknown_version", id=version_id)
        self._check_writable(chosen)
        return chosen

    def _check_writable(self, chosen: list[CacheEntry]) -> None:
        """Every root something would be removed from must be writable."""
        concerned = {summary.root.id: summary for summary in self.scope}
        concerned.update({entry.root_id: self.summaries[entry.root_id] for entry in chosen})
        for version_id in self.request.versions:
            summary = self.versions_by_id[version_id][0]
            concerned[summary.root.id] = summary
        for summary in concerned.values():
            if not summary.root.writable or not summary.scanned:
                raise CacheConflictError(
                    "error.root_not_writable", path=summary.root.path, reason=summary.root
                )

    # -- choosing -------------------------------------------------------------------------

    def _choose(self, entry: CacheEntry, reason: str) -> None:
        why = self.reasons.setdefault(entry.id, [])
        if reason not in why:
            why.append(reason)

    def _choose_version(self, root: CacheRoot, version: VersionSummary, reason: str) -> None:
        why = self.version_reasons.setdefault(version.id, [])
        if reason not in why:
            why.append(reason)
        for entry in self.by_version.get((root.id, version.name), []):
            self._choose(entry, reason)

    @property
    def _scope_ids(self) -> set[str]:
        return {summary.root.id for summary in self.scope}

    def _choose_selected(self, chosen: list[CacheEntry]) -> None:
        """Entries and version folders chosen by id."""
        for entry in chosen:
            self._choose(entry, "selected")
        for version_id in self.request.versions:
            summary, version = self.versions_by_id[version_id]
            self._choose_version(summary.root, version, "version")

    def _choose_old_versions(self) -> None:
        """Every compiler version but the newest real one, per root (links to older
        versions too)."""
        if not self.request.old_versions:
            return
        for summary in self.scope:
            real = sorted(
                (v for v in summary.versions if not v.symlink),
                key=lambda v: version_sort_key(v.name),
            )
            for version in real[:-1]:
                self._choose_version(summary.root, version, "old_version")
            for version in summary.versions:
                if (
                    version.symlink
                    and real
                    and version_sort_key(version.name) < version_sort_key(real[-1].name)
                ):
                    self._choose_version(summary.root, version, "old_version")

    def _choose_wipe(self) -> None:
        """Every version folder of the one root in scope."""
        if not self.request.wipe:
            return
        for summary in self.scope:
            for version in summary.versions:
                self._choose_version(summary.root, version, "wipe")

    def _choose_failed(self) -> None:
        """Every failed entry in scope."""
        if not self.request.failed:
            return
        scope_ids = self._scope_ids
        for entry in self.snapshot.entries:
            if entry.root_id in scope_ids and entry.state == "failed":
                self._choose(entry, "failed")

    def _choose_quota(self) -> None:
        """Size quota: least recently used first, after what is already chosen."""
        max_bytes = self.request.max_bytes
        if max_bytes is None:
            return
        by_id = self.snapshot.by_id
        for summary in self.scope:
            root_id = summary.root.id
            remaining = summary.bytes - sum(
                by_id[entry_id].bytes
                for entry_id in self.reasons
                if by_id[entry_id].root_id == root_id and not by_id[entry_id].protected
            )
            if remaining <= max_bytes:
                continue
            candidates = sorted(
                (
                    entry
                    for entry in self.snapshot.entries
                    if entry.root_id == root_id
                    and entry.id not in self.reasons
                    and not entry.protected
                    and not entry.symlink  # frees nothing
                ),
                key=lambda entry: (entry.last_used, entry.id),
            )
            for entry in candidates:
                if remaining <= max_bytes:
                    break
                self._choose(entry, "quota")
                remaining -= entry.bytes
            if remaining > max_bytes:
                self.warnings.append(
                    Localized(
                        "warning.quota_unreachable",
                        {"root": summary.root.path, "bytes": remaining - max_bytes},
                    )
                )

    # -- planning -------------------------------------------------------------------------

    def _plan_entries(self) -> set[tuple[str, str]]:
        """Chosen entries become items, protected ones are skipped; returns the
        ``(root id, version)`` folders that keep an entry."""
        kept_versions: set[tuple[str, str]] = set()
        for entry_id, why in self.reasons.items():
            entry = self.snapshot.by_id[entry_id]
            if entry.protected:
                self.skipped.append(SkippedItem("entry", entry.id, entry.relpath, entry.protected))
                kept_versions.add((entry.root_id, entry.version))
                continue
            self.items.append(_entry_item(entry, why))
        return kept_versions

    def _plan_stale_locks(self) -> None:
        """Stale locks: only the lock files, of entries that stay."""
        if not self.request.stale_locks:
            return
        compilers = self.snapshot.compilers
        if compilers:
            names = ", ".join(sorted({process.name for process in compilers}))
            self.warnings.append(Localized("warning.compiler_running", {"names": names}))
        scope_ids = self._scope_ids
        for entry in self.snapshot.entries:
            if entry.root_id not in scope_ids or not entry.locks or entry.id in self.reasons:
                continue
            if entry.protected:  # compiling, or in use: not touched at all
                self.skipped.append(SkippedItem("lock", entry.id, entry.relpath, entry.protected))
                continue
            self.items.extend(_lock_item(entry, lock) for lock in entry.locks)

    def _plan_versions(self, kept_versions: set[tuple[str, str]]) -> None:
        """A version folder goes only when all of its entries go and nothing unknown is in it."""
        for summary in self.snapshot.roots:
            for version in summary.versions:
                why = self.version_reasons.get(version.id)
                if not why:
                    continue
                if (summary.root.id, version.name) in kept_versions or version.other_dirs:
                    self.skipped.append(
                        SkippedItem("version", version.id, version.name, "version_kept")
                    )
                    continue
                self.items.append(_version_item(summary.root, version, why))

    def _plan(self) -> CleanPlan:
        """The items in removal order, with the token that fingerprints them."""
        order = {"lock": 0, "entry": 1, "version": 2}
        items = sorted(self.items, key=lambda item: (order[item.kind], item.root, item.path))
        token_source = json.dumps(
            [self.request.to_dict(), [(item.kind, item.id, item.fingerprint) for item in items]],
            sort_keys=True,
            default=str,
        )
        token = hashlib.sha256(token_source.encode("utf-8", "surrogateescape")).hexdigest()[:32]
        return CleanPlan(
            request=self.request,
            items=items,
            skipped=self.skipped,
            warnings=self.warnings,
            token=token,
            scanned_at=self.snapshot.scanned_at,
        )


# -- carrying it out ------------------------------------------------------------------------


class _Changed(Exception):
    """The item is not what the plan saw any more: leave it in place."""


class CacheCleaner:
    """Removes the items of a plan, each one atomically and only inside its root.

    Args:
        trash_name: folder inside each root where items are renamed before removal.
        log: where each removal is logged.
        clock: wall-clock time source.
    """

    def __init__(
        self,
        *,
        trash_name: str = DEFAULT_TRASH_NAME,
        log: logging.Logger | logging.LoggerAdapter[Any] | None = None,
        clock: Any = time.time,
    ) -> None:
        self.trash_name = safe_fs.check_name(trash_name)
        self.log = log or _LOG
        self.clock = clock

    # The trash ---------------------------------------------------------------

    def _trash_fd(self, root_fd: int) -> int:
        """The trash folder of a root (created if needed), refusing a link."""
        for attempt in range(3):
            try:
                os.mkdir(self.trash_name, 0o700, dir_fd=root_fd)
            except FileExistsError:
                pass
            try:
                return safe_fs.open_subdir(root_fd, self.trash_name)
            except FileNotFoundError:
                if attempt == 2:  # another cleaner keeps removing the empty trash
                    raise safe_fs.UnsafePathError("the trash folder keeps disappearing") from None
        raise AssertionError("unreachable")

    def _drop_empty_trash(self, roots: Iterable[str]) -> None:
        """Remove the trash folder of each root again when it is empty."""
        for root in roots:
            try:
                with safe_fs.opened_path(root) as root_fd:
                    os.rmdir(self.trash_name, dir_fd=root_fd)
            except OSError:
                pass  # not empty (another run uses it), or never created

    def _trash_name_for(self, name: str) -> str:
        # <ns>-<pid>-<random>-<name>: the pid tells whether its owner still runs.
        prefix = f"{time.time_ns()}-{os.getpid()}-{secrets.token_hex(4)}-"
        return prefix + name[: 255 - len(prefix)]

    def clean_leftovers(self, roots: Iterable[CacheRoot]) -> int:
        """Remove what earlier runs left in the trash (after a crash); returns the count."""
        removed = 0
        now = self.clock()
        for root in roots:
            if not root.writable or root.store != "local":
                continue
            try:
                with safe_fs.opened_path(root.path, self.trash_name) as trash_fd:
                    for name in os.listdir(trash_fd):
                        if not self._is_leftover(name, now):
                            continue
                        try:
                            safe_fs.remove_tree_at(trash_fd, name)
                            removed += 1
                            self.log.info(
                                "compile cache: removed trash leftover %s/%s/%s",
                                root.path,
                                self.trash_name,
                                name,
                            )
                        except FileNotFoundError:
                            pass  # another cleaner got it first
                        except OSError as error:
                            self.log.warning(
                                "compile cache: cannot remove trash leftover %s: %s", name, error
                            )
            except FileNotFoundError:
                continue
            except OSError as error:
                self.log.warning("compile cache: cannot open the trash of %s: %s", root.path, error)
        return removed

    @staticmethod
    def _is_leftover(name: str, now: float) -> bool:
        parts = name.split("-", 3)
        try:
            created = int(parts[0]) / 1e9
            pid = int(parts[1])
        except (IndexError, ValueError):
            return True  # not ours by name: still only ever inside the trash
        if now - created > TRASH_LEFTOVER_SECONDS:
            return True
        if pid == os.getpid():
            return now - created > 60  # a removal of ours that failed earlier
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True  # its owner is gone
        except PermissionError:
            return False  # alive, someone else's
        return False

    # Running a plan ------------------------------------------------------------

    def run(self, plan: CleanPlan) -> CleanResult:
        """Remove every item of ``plan``; items that changed since are left in place."""
        result = CleanResult(plan=plan)
        failed_entries: set[tuple[str, str]] = set()
        started = time.perf_counter()
        local_items = [item for item in plan.items if not item.root.startswith("s3://")]
        if len(local_items) < len(plan.items):
            from .s3_actions import remove_s3_items

            remove_s3_items(
                [item for item in plan.items if item.root.startswith("s3://")], result, self.log
            )
        for item in local_items:
            try:
                if item.kind == "lock":
                    self._remove_lock(item)
                elif item.kind == "entry":
                    self._remove_entry(item)
                elif (item.root_id, item.version) in failed_entries:
                    result.failed.append(FailedItem(item.id, item.path, "skip.version_kept"))
                    continue
                else:
                    self._remove_version(item)
            except FileNotFoundError:
                result.missing.append(item.id)  # removed by someone else meanwhile
                self.log.info("compile cache: %s %s was already gone", item.kind, item.path)
                continue
            except _Changed:
                result.failed.append(FailedItem(item.id, item.path, "failure.changed"))
                failed_entries.add((item.root_id, item.version))
                self.log.warning(
                    "compile cache: %s %s changed just before removal; kept", item.kind, item.path
                )
                continue
            except OSError as error:
                result.failed.append(
                    FailedItem(
                        item.id,
                        item.path,
                        "failure.os_error",
                        {"detail": error.strerror or str(error)},
                    )
                )
                failed_entries.add((item.root_id, item.version))
                self.log.warning(
                    "compile cache: cannot remove %s %s/%s: %s",
                    item.kind,
                    item.root,
                    item.path,
                    error,
                )
                continue
            result.removed.append(item.id)
            result.bytes_freed += item.bytes
            self.log.info(
                "compile cache: removed %s %s/%s (%d bytes; %s)",
                item.kind,
                item.root,
                item.path,
                item.bytes,
                ", ".join(item.reasons),
            )
        self._drop_empty_trash({item.root for item in local_items})
        self.log.info(
            "compile cache: clean %s removed %d item(s), %d bytes freed, %d missing, "
            "%d kept (%.2fs)",
            json.dumps(plan.request.to_dict(), sort_keys=True),
            len(result.removed),
            result.bytes_freed,
            len(result.missing),
            len(result.failed),
            time.perf_counter() - started,
        )
        return result

    def _remove_lock(self, item: PlanItem) -> None:
        assert item.module is not None
        *folders, name = item.path.split("/")
        with safe_fs.opened_path(item.root, *folders) as folder_fd:
            info = os.stat(safe_fs.check_name(name), dir_fd=folder_fd, follow_symlinks=False)
            expected = item.fingerprint[-2:]
            if (info.st_ino, info.st_mtime_ns) != tuple(expected):
                raise _Changed()
            if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
                raise _Changed()
            os.unlink(name, dir_fd=folder_fd)

    def _remove_entry(self, item: PlanItem) -> None:
        assert item.module is not None
        module = safe_fs.check_name(item.module)
        with safe_fs.opened_path(item.root, item.version) as version_fd:
            info = os.stat(module, dir_fd=version_fd, follow_symlinks=False)
            planned_key = item.fingerprint[1]
            if item.symlink:
                if not stat.S_ISLNK(info.st_mode) or info.st_ino != planned_key[0]:
                    raise _Changed()
            else:
                if not stat.S_ISDIR(info.st_mode):
                    raise _Changed()
                if (info.st_ino, info.st_mtime_ns) != tuple(planned_key[:2]):
                    raise _Changed()  # something was added or removed inside since
                self._check_subdirs(version_fd, module, item)
            root_fd = os.open(item.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            try:
                trash_fd = self._trash_fd(root_fd)
            finally:
                os.close(root_fd)
            try:
                trashed = self._trash_name_for(module)
                # Atomic: the runtime sees the whole entry or none of it.
                os.rename(module, trashed, src_dir_fd=version_fd, dst_dir_fd=trash_fd)
                if not item.symlink and self._lock_appeared(trash_fd, trashed, item):
                    # A compile started in the last instant: put the entry back.
                    try:
                        os.rename(trashed, module, src_dir_fd=trash_fd, dst_dir_fd=version_fd)
                    except OSError:
                        self.log.error(
                            "compile cache: could not move %s back from the trash", item.path
                        )
                    raise _Changed()
                safe_fs.remove_tree_at(trash_fd, trashed)
            finally:
                os.close(trash_fd)

    @staticmethod
    def _check_subdirs(version_fd: int, module: str, item: PlanItem) -> None:
        if not item.subdir_keys:
            return
        entry_fd = safe_fs.open_subdir(version_fd, module)
        try:
            for relpath, ino, mtime_ns in item.subdir_keys:
                try:
                    info = os.stat(relpath, dir_fd=entry_fd, follow_symlinks=False)
                except FileNotFoundError as error:
                    raise _Changed() from error
                if (info.st_ino, info.st_mtime_ns) != (ino, mtime_ns):
                    raise _Changed()
        finally:
            os.close(entry_fd)

    @staticmethod
    def _lock_appeared(trash_fd: int, trashed: str, item: PlanItem) -> bool:
        """Whether the renamed entry now holds a lock file the plan did not see."""
        try:
            entry_fd = safe_fs.open_subdir(trash_fd, trashed)
        except OSError:
            return False
        try:
            pending: list[tuple[int, str, int]] = [(entry_fd, "", 1)]
            while pending:
                folder_fd, prefix, depth = pending.pop()
                try:
                    with os.scandir(folder_fd) as listing:
                        for child in listing:
                            relpath = prefix + child.name
                            if (
                                child.name.endswith(LOCK_SUFFIX)
                                and relpath not in item.lock_names
                                and child.is_file(follow_symlinks=False)  # as the scanner
                            ):
                                return True
                            if depth < 3 and child.is_dir(follow_symlinks=False):
                                sub = safe_fs.open_subdir(folder_fd, child.name)
                                pending.append((sub, relpath + "/", depth + 1))
                finally:
                    if folder_fd != entry_fd:
                        os.close(folder_fd)
            return False
        finally:
            os.close(entry_fd)

    def _remove_version(self, item: PlanItem) -> None:
        name = safe_fs.check_name(item.version)
        with safe_fs.opened_path(item.root) as root_fd:
            info = os.stat(name, dir_fd=root_fd, follow_symlinks=False)
            if item.symlink:
                if not stat.S_ISLNK(info.st_mode):
                    raise _Changed()
                os.unlink(name, dir_fd=root_fd)  # the link only, never its target
                return
            if not stat.S_ISDIR(info.st_mode):
                raise _Changed()
            version_fd = safe_fs.open_subdir(root_fd, name)
            try:
                for child in os.listdir(version_fd):
                    child_info = os.stat(child, dir_fd=version_fd, follow_symlinks=False)
                    if child.startswith(ENTRY_PREFIX) or stat.S_ISDIR(child_info.st_mode):
                        raise _Changed()  # an entry or folder appeared: keep the version
            finally:
                os.close(version_fd)
            trash_fd = self._trash_fd(root_fd)
            try:
                trashed = self._trash_name_for(name)
                os.rename(name, trashed, src_dir_fd=root_fd, dst_dir_fd=trash_fd)
                safe_fs.remove_tree_at(trash_fd, trashed)
            finally:
                os.close(trash_fd)


def check_token(plan: CleanPlan, plan_token: str | None) -> None:
    """Raise unless ``plan_token`` (from a dry run) matches the fresh ``plan``."""
    if not plan_token:
        raise InvalidRequestError("error.plan_token_required")
    if plan_token != plan.token:
        raise CacheConflictError("error.conflict")
