"""Reads compile-cache roots into entries, states and totals (pure Python).

Layout (see the Neuron reference, section 5)::

    <root>/neuronxcc-<version>/MODULE_<20 hex>+<8 hex>/{model.hlo_module.pb, ...}   2024+
    <root>/neuronxcc-<version>/MODULE_<decimal>+<8 hex>/{model.hlo.pb, ...}         2023
    <root>/USER_neuroncc-<version>/MODULE_<decimal>/MODULE_<n>_SyncTensorsGraph.../  2022

An entry is one ``MODULE_*`` folder directly below a version folder (for the
2022 layout the files sit one folder deeper; they belong to the outer entry).
State, in the order the reference gives: ``model.neff`` and ``model.done`` ->
success; ``model.log`` without a neff -> failed; a ``*.lock`` file -> locked,
reported as *compiling* while a Neuron compiler process runs (or the lock is
very recent) and *stale_lock* otherwise; nothing of these -> empty.

Sizes count regular files only: links are never followed nor counted.

Re-scans reuse what they read before. A version folder whose modification
time did not change has the same entries, so it is not listed again; an
unfinished entry (failed, locked, empty) is read again only when its folder's
identity or modification time (or a sub-folder's) changed; a finished entry
(neff + done, no lock) is trusted without even a ``stat`` until it is older
than ``recheck_seconds``, since only a person edits it from then on (its
last-used time, the NEFF's access time, is refreshed at that recheck). A
*fresh* scan reads everything: cleaning always plans from one.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import stat
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from neuron_kernel_helpers.i18n import Lang

from . import safe_fs
from .messages import MESSAGES
from .processes import CompilerProbe, CompilerProcess, PsutilCompilerProbe
from .roots import (
    ROOT_LOCK_NAME,
    SIMULATED_MARKER,
    VERSION_DIR_PREFIXES,
    CacheRoot,
    is_version_dir_name,
)

EntryState = Literal["success", "failed", "compiling", "stale_lock", "empty", "link"]
#: Every state, in the order the reference classifies them; ``link`` last: a symbolic
#: link where an entry folder belongs is listed (and removable as a link) but never
#: entered, nor counted as an entry.
ENTRY_STATES: tuple[EntryState, ...] = (
    "success",
    "failed",
    "compiling",
    "stale_lock",
    "empty",
    "link",
)

Naming = Literal["2024", "2023", "2022", "unknown"]
ProtectedReason = Literal["compiling", "in_use"]

ENTRY_PREFIX = "MODULE_"
NEFF_NAME = "model.neff"
DONE_NAME = "model.done"
LOG_NAME = "model.log"
FLAGS_NAME = "compile_flags.json"
LOCK_SUFFIX = ".lock"

#: Trash folder (inside each root) where entries are renamed before removal.
DEFAULT_TRASH_NAME = ".jupyterlab-neuron-trash"

#: Folder levels read inside an entry (the 2022 layout nests one level).
MAX_ENTRY_DEPTH = 3

_HEX20 = re.compile(r"[0-9a-f]{20}\Z")
_HEX8 = re.compile(r"[0-9a-f]{8}\Z")
_NUMBER = re.compile(r"\d+")


def entry_id_for(version_id: str, module: str) -> str:
    """The stable id of an entry: its version folder's id and its folder name
    (same for the server and the CLI; no hashing per entry keeps scans fast)."""
    return f"{version_id}:{module}"


def version_id_for(root_path: str, version: str) -> str:
    """The stable id of a compiler-version folder."""
    key = f"{root_path}\0{version}".encode("utf-8", "surrogateescape")
    return hashlib.blake2b(key, digest_size=6).hexdigest()


def naming_of(version: str, module: str) -> Naming:
    """Which SDK generation's naming an entry follows.

    2024+ uses 20 hex digits before ``+``, 2023 a decimal number: an all-digit
    key is read as 2023 (a 20-hex key without a letter is rare: ~1 in 12,000).
    """
    if version.startswith("USER_neuroncc-"):
        return "2022"
    key, plus, flags_hash = module[len(ENTRY_PREFIX) :].partition("+")
    if not plus:
        return "2022" if key.isdigit() and module.startswith(ENTRY_PREFIX) else "unknown"
    if not _HEX8.match(flags_hash):
        return "unknown"
    if key.isdigit():
        return "2023"
    if _HEX20.match(key):
        return "2024"
    return "unknown"


def compiler_version_of(version_dir: str) -> str:
    """``neuronxcc-2.15.128.0+56dc5a86`` -> ``2.15.128.0+56dc5a86``."""
    for prefix in VERSION_DIR_PREFIXES:
        if version_dir.startswith(prefix):
            return version_dir[len(prefix) :]
    return version_dir


def version_sort_key(version_dir: str) -> tuple[int, tuple[int, ...], str]:
    """Orders version folders oldest first: the 2022 layout before any
    ``neuronxcc-``, then by the numeric release (the part before ``+``)."""
    generation = 0 if version_dir.startswith("USER_") else 1
    release = compiler_version_of(version_dir).split("+", 1)[0]
    return generation, tuple(int(n) for n in _NUMBER.findall(release)), version_dir


@dataclass(frozen=True, slots=True)
class LockFile:
    """A ``*.lock`` file inside an entry."""

    relpath: str
    ino: int
    mtime_ns: int


#: Files whose presence decides the state (5: the graph, known but not deciding).
_KNOWN_FILES = {
    NEFF_NAME: 1,
    DONE_NAME: 2,
    LOG_NAME: 3,
    FLAGS_NAME: 4,
    "model.hlo_module.pb": 5,
    "model.hlo.pb": 5,
}

_DIR_OPEN_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC

#: What reading an entry folder gives, in :class:`CacheEntry` field order from ``key``.
EntryFacts = tuple[Any, ...]


def read_entry_facts(
    path: str, now: float, dir_fd: int | None = None, *, keyed: bool = True
) -> EntryFacts:
    """Read one entry folder without following links.

    ``path`` is opened with ``O_NOFOLLOW`` (relative to ``dir_fd`` when given):
    an entry that is a link raises ``OSError`` (``ELOOP``/``ENOTDIR``) instead of
    being read. Files are stat'ed relative to the folder's descriptor; only
    regular files count.

    The identity key (inode and mtime of the folder and its sub-folders) is
    taken before the listing, so a change during the listing shows on the next
    scan. With ``keyed=False`` a finished entry (neff + done, no lock) gets no
    key, saving a ``stat`` per entry: re-scans trust finished entries until
    their recheck time instead of comparing keys. Unfinished entries are then
    listed a second time, after their key is taken.
    """
    fd = os.open(path, _DIR_OPEN_FLAGS, dir_fd=dir_fd)
    try:
        if keyed:
            return _read_open_entry(fd, now, True)
        facts = _read_open_entry(fd, now, False)
        if facts[6] and facts[7] and not facts[10] and not facts[16]:  # finished
            return facts
        return _read_open_entry(fd, now, True)
    finally:
        os.close(fd)


def _read_open_entry(fd: int, now: float, keyed: bool) -> EntryFacts:
    """List the open entry folder ``fd`` (and its sub-folders) into facts."""
    files = total = blocks = links = 0
    has_neff = has_done = has_log = has_flags = False
    neff_atime: float | None = None
    created = float("inf")
    modified = 0.0
    error: str | None = None
    locks: list[LockFile] = []
    extra_key: list[tuple[str, int, int]] = []
    key: tuple[int, ...] = ()
    if keyed:
        info = os.fstat(fd)
        key = (info.st_ino, info.st_mtime_ns)
        modified = info.st_mtime
    known = _KNOWN_FILES.get
    pending: list[tuple[int, str, int]] = [(fd, "", 1)]
    while pending:
        folder_fd, prefix, depth = pending.pop()
        try:
            listing = os.scandir(folder_fd)
        except OSError as err:
            error = err.strerror or str(err)
            continue
        with listing:
            for child in listing:
                try:
                    if not child.is_file(follow_symlinks=False):
                        if child.is_dir(follow_symlinks=False):
                            if depth < MAX_ENTRY_DEPTH:
                                sub_fd = os.open(child.name, _DIR_OPEN_FLAGS, dir_fd=folder_fd)
                                relpath = prefix + child.name
                                if keyed:
                                    sub = os.fstat(sub_fd)
                                    extra_key.append((relpath, sub.st_ino, sub.st_mtime_ns))
                                else:
                                    extra_key.append((relpath, 0, 0))
                                pending.append((sub_fd, relpath + "/", depth + 1))
                        elif child.is_symlink():
                            links += 1
                        continue
                    info = child.stat(follow_symlinks=False)
                except OSError:
                    continue  # removed while we looked: the next scan will see it gone
                files += 1
                total += info.st_size
                blocks += info.st_blocks
                mtime = info.st_mtime
                if mtime < created:
                    created = mtime
                if mtime > modified:
                    modified = mtime
                name = child.name
                kind = known(name)
                if kind is None:
                    if name.endswith(LOCK_SUFFIX):
                        locks.append(LockFile(prefix + name, info.st_ino, info.st_mtime_ns))
                elif kind == 1:
                    has_neff = True
                    neff_atime = info.st_atime
                elif kind == 2:
                    has_done = True
                elif kind == 3:
                    has_log = True
                elif kind == 4:
                    has_flags = True
        if folder_fd != fd:
            os.close(folder_fd)
    subdirs: tuple[str, ...] = ()
    if extra_key:
        extra_key.sort()
        if keyed:
            key = key + tuple(value for item in extra_key for value in item[1:])
        subdirs = tuple(item[0] for item in extra_key)
    if locks:
        locks.sort(key=lambda lock: lock.relpath)
    return (
        key,
        False,
        total,
        blocks * 512,
        files,
        links,
        has_neff,
        has_done,
        has_log,
        has_flags,
        tuple(locks),
        created if created != float("inf") else modified,
        modified,
        neff_atime,
        subdirs,
        now,
        error,
    )


def link_facts(info: os.stat_result, now: float) -> EntryFacts:
    """Facts of an entry that is a symbolic link: listed, never entered, size 0."""
    mtime = info.st_mtime
    return (
        (info.st_ino, info.st_mtime_ns),
        True,
        0,
        0,
        0,
        1,
        False,
        False,
        False,
        False,
        (),
        mtime,
        mtime,
        None,
        (),
        now,
        None,
    )


def _subdir_key(path: str, base: tuple[int, ...], subdirs: Sequence[str]) -> tuple[int, ...] | None:
    """The identity key of an entry with sub-folders, or ``None`` if one vanished."""
    values: list[int] = list(base)
    for relpath in subdirs:  # already sorted when read
        try:
            info = os.lstat(os.path.join(path, relpath))
        except OSError:
            return None
        values.extend((info.st_ino, info.st_mtime_ns))
    return tuple(values)


@dataclass(slots=True, eq=False)
class CacheEntry:
    """One ``MODULE_*`` entry: what reading its folder found, and its state now.

    Objects published in a snapshot are never changed afterwards; a later scan
    reuses an object only when nothing about the entry changed.
    """

    id: str
    root_id: str
    root: str
    version: str
    module: str
    # -- facts from the folder (see read_entry_facts) --
    key: tuple[int, ...]
    symlink: bool
    bytes: int
    disk_bytes: int
    files: int
    links: int
    has_neff: bool
    has_done: bool
    has_log: bool
    has_flags: bool
    locks: tuple[LockFile, ...]
    created: float
    modified: float
    neff_atime: float | None
    subdirs: tuple[str, ...]
    read_at: float
    error: str | None
    # -- depends on processes, monitor and time --
    state: EntryState = "empty"
    protected: ProtectedReason | None = None
    in_use: bool = False
    lock_mtime: float | None = None
    lock_age_seconds: float | None = None
    last_used: float = 0.0
    #: S3 roots: the entry's keys relative to the root folder (what a removal deletes).
    objects: tuple[str, ...] = ()

    @property
    def finished(self) -> bool:
        """A successful, unlocked entry: only a person changes it from here on."""
        return self.has_neff and self.has_done and not self.locks and not self.error

    @property
    def locked(self) -> bool:
        """Whether the entry holds a lock file."""
        return bool(self.locks)

    @property
    def naming(self) -> Naming:
        """The SDK generation of the entry's naming (worked out when asked: cheap)."""
        return naming_of(self.version, self.module)

    @property
    def path(self) -> str:
        """Absolute path of the entry folder (its URL on S3)."""
        return os.path.join(self.root, self.version, self.module)

    @property
    def relpath(self) -> str:
        """``<version>/<module>``, relative to the root."""
        return f"{self.version}/{self.module}"

    def fingerprint(self) -> tuple[Any, ...]:
        """What must be unchanged for a planned removal to still be valid."""
        return (
            self.id,
            self.key,
            self.symlink,
            self.bytes,
            self.files,
            self.links,
            self.state,
            self.protected,
            tuple((lock.relpath, lock.ino, lock.mtime_ns) for lock in self.locks),
        )

    def public(self) -> tuple[Any, ...]:
        """Everything the API shows except the ever-growing lock age."""
        return (
            self.id,
            self.state,
            self.bytes,
            self.disk_bytes,
            self.files,
            self.created,
            self.last_used,
            self.lock_mtime,
            self.protected,
            self.in_use,
            self.symlink,
            self.has_log,
            self.has_flags,
            self.error,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CacheEntry):
            return NotImplemented
        return self is other or self.public() == other.public()

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict[str, Any]:
        """JSON form (``CacheEntry`` in openapi.yaml)."""
        return {
            "id": self.id,
            "root_id": self.root_id,
            "root": self.root,
            "version": self.version,
            "module": self.module,
            "path": self.path,
            "naming": self.naming,
            "state": self.state,
            "bytes": self.bytes,
            "disk_bytes": self.disk_bytes,
            "files": self.files,
            "created": round(self.created, 3),
            "last_used": round(self.last_used, 3),
            "locked": bool(self.locks),
            "lock_age_seconds": (
                None if self.lock_age_seconds is None else round(self.lock_age_seconds, 1)
            ),
            "protected": self.protected,
            "in_use": self.in_use,
            "symlink": self.symlink,
            "has_log": self.has_log,
            "has_flags": self.has_flags,
            "error": self.error,
        }


def _zero_counts() -> dict[str, int]:
    return dict.fromkeys(ENTRY_STATES, 0)


@dataclass(slots=True)
class VersionSummary:
    """One compiler-version folder of a root."""

    id: str
    name: str
    naming: Naming
    compiler_version: str
    entries: int = 0
    bytes: int = 0
    disk_bytes: int = 0
    counts: dict[str, int] = field(default_factory=_zero_counts)
    protected: int = 0
    in_use: int = 0
    last_used: float | None = None
    newest: bool = False
    symlink: bool = False
    other_files: int = 0
    other_bytes: int = 0
    other_dirs: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON form (``CacheVersion`` in openapi.yaml)."""
        return {
            "id": self.id,
            "name": self.name,
            "naming": self.naming,
            "compiler_version": self.compiler_version,
            "entries": self.entries,
            "bytes": self.bytes,
            "disk_bytes": self.disk_bytes,
            "counts": dict(self.counts),
            "protected": self.protected,
            "in_use": self.in_use,
            "last_used": None if self.last_used is None else round(self.last_used, 3),
            "newest": self.newest,
            "symlink": self.symlink,
            "other_files": self.other_files,
            "other_bytes": self.other_bytes,
            "other_dirs": self.other_dirs,
        }


@dataclass(slots=True)
class RootSummary:
    """Totals of one root (or why it could not be read)."""

    root: CacheRoot
    scanned: bool = False
    error: str | None = None
    entries: int = 0
    bytes: int = 0
    disk_bytes: int = 0
    counts: dict[str, int] = field(default_factory=_zero_counts)
    in_use: int = 0
    protected: int = 0
    versions: list[VersionSummary] = field(default_factory=list)
    free_bytes: int | None = None
    fs_total_bytes: int | None = None
    other_names: list[str] = field(default_factory=list)

    def to_dict(self, lang: Lang) -> dict[str, Any]:
        """JSON form (``CacheRootSummary`` in openapi.yaml)."""
        data = self.root.to_dict(lang)
        data.update(
            {
                "scanned": self.scanned,
                "scan_error": (
                    MESSAGES("root.scan_error", lang, detail=self.error) if self.error else None
                ),
                "entries": self.entries,
                "total_bytes": self.bytes,
                "disk_bytes": self.disk_bytes,
                "counts": dict(self.counts),
                "in_use": self.in_use,
                "protected": self.protected,
                "free_bytes": self.free_bytes,
                "fs_total_bytes": self.fs_total_bytes,
                "versions": [version.to_dict() for version in self.versions],
                "other_names": list(self.other_names),
            }
        )
        return data


@dataclass
class CacheSnapshot:
    """The result of one scan: roots with totals, and every entry."""

    revision: str
    scanned_at: float
    duration_seconds: float
    roots: list[RootSummary]
    entries: list[CacheEntry]
    compilers: list[CompilerProcess]
    monitor_available: bool
    by_id: dict[str, CacheEntry] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.by_id:
            self.by_id = {entry.id: entry for entry in self.entries}

    def totals(self) -> dict[str, Any]:
        """Entries, bytes and counts per state over every root."""
        counts = _zero_counts()
        total_bytes = 0
        entries = 0
        for summary in self.roots:
            entries += summary.entries
            total_bytes += summary.bytes
            for state, count in summary.counts.items():
                counts[state] += count
        return {"entries": entries, "bytes": total_bytes, "counts": counts}

    def to_dict(self, lang: Lang) -> dict[str, Any]:
        """JSON form (``CacheStatus`` in openapi.yaml)."""
        return {
            "revision": self.revision,
            "scanned_at": round(self.scanned_at, 3),
            "scan_seconds": round(self.duration_seconds, 4),
            "simulated": any(summary.root.simulated for summary in self.roots),
            "compiler_running": bool(self.compilers),
            "compilers": [process.to_dict() for process in self.compilers],
            "monitor_available": self.monitor_available,
            "totals": self.totals(),
            "roots": [summary.to_dict(lang) for summary in self.roots],
        }


class LoadedModels:
    """Which cache entries running Neuron processes have loaded models from.

    Model names from neuron-monitor are often paths inside the compile cache
    (``<root>/neuronxcc-.../MODULE_.../model.neff``). A path is matched on its
    ``<version folder>/<MODULE_...>`` pair; when the part before that pair is a
    known root only that root's entry counts, otherwise (the cache reached
    through another path) every root's entry with that pair does.
    """

    def __init__(self, paths: Iterable[str]) -> None:
        self.pairs: dict[tuple[str, str], set[str]] = {}
        self.versions: set[str] = set()
        for raw in paths:
            parts = os.path.normpath(str(raw)).split(os.sep)
            for index in range(len(parts) - 1):
                if is_version_dir_name(parts[index]) and parts[index + 1].startswith(ENTRY_PREFIX):
                    prefix = os.sep.join(parts[:index]) or os.sep
                    self.pairs.setdefault((parts[index], parts[index + 1]), set()).add(prefix)
                    self.versions.add(parts[index])

    def __bool__(self) -> bool:
        return bool(self.pairs)

    def in_use(self, root_path: str, version: str, module: str, known_roots: set[str]) -> bool:
        """Whether the entry ``root_path/version/module`` has a loaded model."""
        prefixes = self.pairs.get((version, module))
        if not prefixes:
            return False
        if root_path in prefixes:
            return True
        return any(prefix not in known_roots for prefix in prefixes)


@dataclass(slots=True)
class _VersionMemo:
    """What the last scan of one version folder found, to skip work next time."""

    key: tuple[int, int]
    entries: list[CacheEntry]
    links: list[bool]
    unstable: list[int]
    in_use: list[int]
    oldest_read: float
    other_files: int = 0
    other_bytes: int = 0
    other_dirs: int = 0


@dataclass(slots=True)
class _ScanContext:
    root: CacheRoot
    now: float
    recheck_before: float
    compiler_running: bool
    loaded: LoadedModels
    known_roots: set[str]
    keyed: bool = False  # fresh scans key every entry: plans compare keys before removing


class CompileCacheScanner:
    """Scans roots into a :class:`CacheSnapshot`, reusing unchanged entries.

    Args:
        compiler_probe: tells whether a Neuron compiler runs (psutil by default).
        clock: wall-clock time source (tests pin it).
        fresh_lock_seconds: a lock younger than this counts as a compile that is
            starting, even before the compiler process shows up.
        recheck_seconds: every entry is read again at least this often (its
            last-used time comes from the NEFF's access time).
        trash_name: the trash folder name inside each root (skipped by scans).
    """

    def __init__(
        self,
        *,
        compiler_probe: CompilerProbe | None = None,
        clock: Callable[[], float] = time.time,
        fresh_lock_seconds: float = 60.0,
        recheck_seconds: float = 300.0,
        trash_name: str = DEFAULT_TRASH_NAME,
    ) -> None:
        self.compiler_probe = compiler_probe or PsutilCompilerProbe()
        self.clock = clock
        self.fresh_lock_seconds = fresh_lock_seconds
        self.recheck_seconds = recheck_seconds
        self.trash_name = trash_name
        self._memos: dict[str, dict[str, _VersionMemo]] = {}
        self._previous: dict[str, tuple[Any, ...]] = {}
        self._counter = 0
        self._token = secrets.token_hex(3)

    def scan(
        self,
        roots: Sequence[CacheRoot],
        *,
        loaded_model_paths: Iterable[str] | None = None,
        fresh: bool = False,
    ) -> CacheSnapshot:
        """Scan ``roots`` (unscannable ones are summarized with their state).

        Args:
            roots: the roots to read.
            loaded_model_paths: model names loaded by running Neuron processes
                (``None`` when the monitor is not available).
            fresh: read every entry again instead of reusing unchanged ones.
        """
        # The garbage collector stays on: the server scans in a worker thread, and a
        # scan's time goes to stat/open calls, not to collections (bench/cache).
        return self._scan(roots, loaded_model_paths, fresh, time.perf_counter())

    def _scan(
        self,
        roots: Sequence[CacheRoot],
        loaded_model_paths: Iterable[str] | None,
        fresh: bool,
        started: float,
    ) -> CacheSnapshot:
        now = self.clock()
        compilers = self.compiler_probe.running_compilers()
        loaded = LoadedModels(loaded_model_paths or ())
        known_roots = {root.path for root in roots}
        summaries: list[RootSummary] = []
        entries: list[CacheEntry] = []
        changed = False
        for root in roots:
            context = _ScanContext(
                root=root,
                now=now,
                recheck_before=now - self.recheck_seconds,
                compiler_running=bool(compilers),
                loaded=loaded,
                known_roots=known_roots,
            )
            context.keyed = fresh
            summary, root_entries, root_changed = self._scan_root(context, fresh)
            summaries.append(summary)
            entries.extend(root_entries)
            changed = changed or root_changed
        if changed or not self._counter:
            self._counter += 1
        return CacheSnapshot(
            revision=f"{self._token}-{self._counter}",
            scanned_at=now,
            duration_seconds=time.perf_counter() - started,
            roots=summaries,
            entries=entries,
            compilers=compilers,
            monitor_available=loaded_model_paths is not None,
        )

    # -- one root ------------------------------------------------------------

    def _scan_root(
        self, context: _ScanContext, fresh: bool
    ) -> tuple[RootSummary, list[CacheEntry], bool]:
        root = context.root
        summary = RootSummary(root=root)
        if not root.scannable:
            self._memos.pop(root.path, None)
            return summary, [], self._previous.pop(root.path, None) is not None
        if root.store == "s3":
            from .s3_scan import scan_s3_root

            summary, entries = scan_s3_root(self, context)
            signature = (tuple(entries), summary.error, tuple(v.name for v in summary.versions))
            changed = self._previous.get(root.path) != signature
            self._previous[root.path] = signature
            return summary, entries, changed
        previous = {} if fresh else self._memos.get(root.path, {})
        memos: dict[str, _VersionMemo] = {}
        entries: list[CacheEntry] = []
        try:
            with os.scandir(root.path) as listing:
                children = sorted(listing, key=lambda child: child.name)
        except OSError as error:
            summary.error = error.strerror or str(error)
            self._memos.pop(root.path, None)
            return summary, [], self._previous.pop(root.path, None) is not None
        summary.scanned = True
        skipped = {self.trash_name, ROOT_LOCK_NAME, SIMULATED_MARKER}
        for child in children:
            name = child.name
            if not is_version_dir_name(name):
                if name not in skipped:
                    summary.other_names.append(name)
                continue
            version = VersionSummary(
                id=version_id_for(root.path, name),
                name=name,
                naming="2022" if name.startswith("USER_") else "unknown",
                compiler_version=compiler_version_of(name),
            )
            try:
                is_link = child.is_symlink()
                is_dir = not is_link and child.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_link:
                version.symlink = True  # listed, never entered
            elif is_dir:
                memo = self._scan_version(context, version, child.path, previous.get(child.path))
                if memo is not None:
                    memos[child.path] = memo
                    entries.extend(memo.entries)
            else:
                summary.other_names.append(name)
                continue
            summary.versions.append(version)
        self._total(summary)
        try:
            vfs = os.statvfs(root.path)
            summary.free_bytes = vfs.f_bavail * vfs.f_frsize
            summary.fs_total_bytes = vfs.f_blocks * vfs.f_frsize
        except OSError:
            pass
        self._memos[root.path] = memos
        signature = (
            tuple(entries),
            tuple((v.name, v.symlink, v.other_bytes, v.other_dirs) for v in summary.versions),
            root.state,
        )
        changed = self._previous.get(root.path) != signature
        self._previous[root.path] = signature
        return summary, entries, changed

    # -- one version folder ---------------------------------------------------------

    def _scan_version(
        self,
        context: _ScanContext,
        version: VersionSummary,
        path: str,
        memo: _VersionMemo | None,
    ) -> _VersionMemo | None:
        try:
            info = os.lstat(path)  # before listing: a change during the listing shows next time
        except OSError:
            return None
        key = (info.st_ino, info.st_mtime_ns)
        if memo is not None and memo.key == key and memo.oldest_read >= context.recheck_before:
            memo = self._recheck_version(context, version, path, memo)
        else:
            memo = self._read_version(context, version, path, key, memo)
            if memo is None:
                return None
        version.other_files = memo.other_files
        version.other_bytes = memo.other_bytes
        version.other_dirs = memo.other_dirs
        counts = version.counts
        total = disk = protected = 0
        last_used: float | None = None
        links = 0
        for entry in memo.entries:
            total += entry.bytes
            disk += entry.disk_bytes
            counts[entry.state] += 1
            if entry.symlink:
                links += 1
                continue
            if entry.protected:
                protected += 1
            if last_used is None or entry.last_used > last_used:
                last_used = entry.last_used
        version.entries = len(memo.entries) - links
        version.bytes = total
        version.disk_bytes = disk
        version.protected = protected
        version.in_use = len(memo.in_use)
        version.last_used = last_used
        if version.naming == "unknown":
            # From a sample of entries: a version folder holds one compiler's naming.
            known = {entry.naming for entry in memo.entries[:50]} - {"unknown"}
            if known:
                version.naming = max(known)  # type: ignore[assignment]
        return memo

    def _read_version(
        self,
        context: _ScanContext,
        version: VersionSummary,
        path: str,
        key: tuple[int, int],
        old: _VersionMemo | None,
    ) -> _VersionMemo | None:
        """List a version folder; entries unchanged since ``old`` are reused."""
        reusable: dict[str, CacheEntry] = {}
        if old is not None:
            reusable = {entry.module: entry for entry in old.entries}
        memo = _VersionMemo(key, [], [], [], [], context.now)
        try:
            version_fd = os.open(path, _DIR_OPEN_FLAGS)
        except OSError:
            return None
        try:
            with os.scandir(version_fd) as listing:
                children = [(child.name, child.is_symlink()) for child in listing]
            for name, is_link in children:
                if not name.startswith(ENTRY_PREFIX):
                    self._count_other(memo, version_fd, name)
                    continue
                before = reusable.get(name)
                try:
                    if before is None and not is_link:
                        # First sight: read straight away (no separate stat needed).
                        facts: EntryFacts | CacheEntry = read_entry_facts(
                            name, context.now, version_fd, keyed=context.keyed
                        )
                    else:
                        facts = self._refresh(os.path.join(path, name), is_link, before, context)
                except OSError as error:
                    if error.errno == errno.ENOTDIR:
                        self._count_other(memo, version_fd, name)  # a stray file
                        continue
                    if error.errno != errno.ELOOP:
                        continue  # vanished between listing and reading
                    is_link = True  # became a link after the listing
                    try:
                        facts = self._refresh(os.path.join(path, name), True, None, context)
                    except OSError:
                        continue
                self._add(context, version, memo, name, is_link, facts, before)
        finally:
            os.close(version_fd)
        return memo

    def _recheck_version(
        self, context: _ScanContext, version: VersionSummary, path: str, old: _VersionMemo
    ) -> _VersionMemo:
        """The folder's entry list is unchanged: re-read only what may have changed
        (unfinished entries, entries with a model loaded before or now)."""
        suspects = set(old.unstable) | set(old.in_use)
        if context.loaded.pairs and version.name in context.loaded.versions:
            for index, entry in enumerate(old.entries):
                if (version.name, entry.module) in context.loaded.pairs:
                    suspects.add(index)
        if not suspects:
            return old
        memo = _VersionMemo(
            old.key,
            [],
            [],
            [],
            [],
            old.oldest_read,
            old.other_files,
            old.other_bytes,
            old.other_dirs,
        )
        for index, entry in enumerate(old.entries):
            facts: EntryFacts | CacheEntry = entry
            if index in suspects:
                try:
                    facts = self._refresh(
                        os.path.join(path, entry.module), old.links[index], entry, context
                    )
                except OSError:
                    continue  # removed meanwhile
            self._add(context, version, memo, entry.module, old.links[index], facts, entry)
        return memo

    def _add(
        self,
        context: _ScanContext,
        version: VersionSummary,
        memo: _VersionMemo,
        name: str,
        is_link: bool,
        facts: EntryFacts | CacheEntry,
        before: CacheEntry | None,
    ) -> None:
        """Append one entry to ``memo``; ``facts`` is either new facts or ``before``
        itself when its folder did not change."""
        loaded = context.loaded
        in_use = bool(loaded.pairs) and loaded.in_use(
            context.root.path, version.name, name, context.known_roots
        )
        if isinstance(facts, CacheEntry):
            entry = facts
            if entry.locks or in_use != entry.in_use:
                # A copy: an object published in a snapshot is never changed.
                entry = self._classify(replace(entry), context, in_use)
        else:
            root = context.root
            entry_id = before.id if before else entry_id_for(version.id, name)
            if not in_use and facts[6] and facts[7] and not facts[10] and not facts[16]:
                # The common case, built in one go: finished, unlocked, not loaded.
                modified, neff_atime = facts[12], facts[13]
                last_used = (
                    neff_atime if neff_atime is not None and neff_atime > modified else (modified)
                )
                entry = CacheEntry(
                    entry_id,
                    root.id,
                    root.path,
                    version.name,
                    name,
                    *facts,
                    "success",
                    None,
                    False,
                    None,
                    None,
                    last_used,
                )
            else:
                entry = CacheEntry(entry_id, root.id, root.path, version.name, name, *facts)
                self._classify(entry, context, in_use)
        index = len(memo.entries)
        memo.entries.append(entry)
        memo.links.append(is_link)
        if entry.locks or not (entry.has_neff and entry.has_done) or entry.error:
            memo.unstable.append(index)  # may change without its version folder changing
        if in_use:
            memo.in_use.append(index)
        if entry.read_at < memo.oldest_read:
            memo.oldest_read = entry.read_at

    @staticmethod
    def _refresh(
        path: str, is_link: bool, old: CacheEntry | None, context: _ScanContext
    ) -> EntryFacts | CacheEntry:
        """``old`` itself when the entry folder did not change, else its facts read again.

        A finished entry is trusted until its recheck time (only a person changes
        it); other entries are compared by their identity key.
        """
        fresh_enough = old is not None and old.read_at >= context.recheck_before
        if fresh_enough and not is_link and old is not None and not old.symlink and old.finished:
            return old
        info = os.lstat(path)
        if is_link or stat.S_ISLNK(info.st_mode):
            return link_facts(info, context.now)
        key = (info.st_ino, info.st_mtime_ns)
        if (
            fresh_enough
            and old is not None
            and not old.symlink
            and not old.locks
            and old.key[:2] == key
            and (not old.subdirs or _subdir_key(path, key, old.subdirs) == old.key)
        ):
            return old
        return read_entry_facts(path, context.now, keyed=context.keyed)

    @staticmethod
    def _count_other(memo: _VersionMemo, version_fd: int, name: str) -> None:
        """Count a child of a version folder that is not an entry."""
        try:
            info = os.stat(name, dir_fd=version_fd, follow_symlinks=False)
        except OSError:
            return
        if stat.S_ISDIR(info.st_mode):
            memo.other_dirs += 1
        elif stat.S_ISREG(info.st_mode):
            memo.other_files += 1
            memo.other_bytes += info.st_size
        else:
            memo.other_files += 1

    def _classify(self, entry: CacheEntry, context: _ScanContext, in_use: bool) -> CacheEntry:
        """Set the state and protection of a new (unpublished) entry object."""
        protected: ProtectedReason | None = "in_use" if in_use else None
        locks = entry.locks
        if locks:
            lock_mtime = max(lock.mtime_ns for lock in locks) / 1e9
            lock_age = max(0.0, context.now - lock_mtime)
            entry.lock_mtime = lock_mtime
            entry.lock_age_seconds = lock_age
            # A lock counts as a running compile while a compiler runs, or while it
            # is younger than a compiler needs to start (the lock is taken first).
            if context.compiler_running or lock_age < self.fresh_lock_seconds:
                protected = "compiling"
        # The reference's order: success, failed, locked, empty (a link is none of them).
        if entry.symlink:
            entry.state = "link"
        elif entry.has_neff and entry.has_done:
            entry.state = "success"
        elif entry.has_log and not entry.has_neff:
            entry.state = "failed"
        elif locks:
            entry.state = "compiling" if protected == "compiling" else "stale_lock"
        else:
            entry.state = "empty"
        entry.protected = protected
        entry.in_use = in_use
        last_used = entry.modified
        if entry.neff_atime is not None and entry.neff_atime > last_used:
            last_used = entry.neff_atime
        entry.last_used = last_used
        return entry

    @staticmethod
    def _total(summary: RootSummary) -> None:
        summary.versions.sort(key=lambda version: version_sort_key(version.name), reverse=True)
        newest = max(
            (version for version in summary.versions if not version.symlink),
            key=lambda version: version_sort_key(version.name),
            default=None,
        )
        if newest is not None:
            newest.newest = True
        for version in summary.versions:
            summary.entries += version.entries
            summary.bytes += version.bytes + version.other_bytes
            summary.disk_bytes += version.disk_bytes
            summary.protected += version.protected
            summary.in_use += version.in_use
            for state, count in version.counts.items():
                summary.counts[state] += count


# -- entry details (read on demand, never during a scan) -------------------------

#: Most bytes read from the end of ``model.log`` for the detail view.
LOG_TAIL_BYTES = 64 * 1024
#: Most bytes read from ``compile_flags.json``.
FLAGS_MAX_BYTES = 64 * 1024
#: Most files listed in an entry's detail.
DETAIL_MAX_FILES = 200


def parse_compile_flags(raw: bytes) -> list[str] | str | None:
    """Flags from ``compile_flags.json``: a JSON list of strings in every cache
    seen; anything else is returned as text so nothing is hidden."""
    text = raw.decode("utf-8", "replace").strip()
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, str):
        return value
    return text


def entry_details(entry: CacheEntry, *, log_tail_lines: int = 200) -> dict[str, Any]:
    """The detail of one entry: its files, compile flags and, for a failed
    entry, the end of ``model.log``. Links are listed, never followed or read."""
    if entry.objects:
        from .s3_scan import s3_entry_details

        return s3_entry_details(entry, log_tail_lines=log_tail_lines)
    detail = EntryDetail()
    if not entry.symlink:
        try:
            with safe_fs.opened_path(entry.root, entry.version, entry.module) as entry_fd:
                detail.contents_truncated = _list_files(entry_fd, "", 1, detail.contents)
                flags_raw = _read_at(entry_fd, entry.subdirs, FLAGS_NAME, FLAGS_MAX_BYTES)
                if flags_raw is not None:
                    detail.flags = parse_compile_flags(flags_raw[0])
                if entry.has_log:
                    tail = _read_at(entry_fd, entry.subdirs, LOG_NAME, LOG_TAIL_BYTES)
                    if tail is not None:
                        detail.read_log_tail(*tail, log_tail_lines)
        except FileNotFoundError:
            detail.error = "not_found"
        except OSError as err:
            detail.error = err.strerror or str(err)
    return detail.to_dict(entry)


@dataclass
class EntryDetail:
    """What was read of one entry (local or S3) for its detail view."""

    contents: list[dict[str, Any]] = field(default_factory=list)
    contents_truncated: bool = False
    flags: list[str] | str | None = None
    log_tail: str | None = None
    log_truncated: bool = False
    error: str | None = None

    def read_log_tail(self, raw: bytes, cut: bool, max_lines: int) -> None:
        """Keep the last ``max_lines`` lines of a log read from its end. ``cut``: the
        read started inside the file, so its first line is partial and dropped."""
        lines = raw.decode("utf-8", "replace").splitlines()
        self.log_truncated = cut or len(lines) > max_lines
        if cut and lines:
            lines = lines[1:]
        self.log_tail = "\n".join(lines[-max_lines:])

    def to_dict(self, entry: CacheEntry) -> dict[str, Any]:
        """JSON form (``CacheEntryDetail`` in openapi.yaml)."""
        data = entry.to_dict()
        data.update(
            {
                "contents": self.contents,
                "contents_truncated": self.contents_truncated,
                "flags": self.flags,
                "log_tail": self.log_tail,
                "log_truncated": self.log_truncated,
                "locks": [
                    {"path": lock.relpath, "mtime": round(lock.mtime_ns / 1e9, 3)}
                    for lock in entry.locks
                ],
                "detail_error": self.error,
            }
        )
        return data


def _read_at(
    entry_fd: int, subdirs: Sequence[str], name: str, max_bytes: int
) -> tuple[bytes, bool] | None:
    """Read ``name`` at the top of the entry, or in an inner folder (2022 layout)."""
    found = safe_fs.read_file_tail(entry_fd, name, max_bytes)
    if found is not None:
        return found
    for relpath in subdirs:
        parts = relpath.split("/")
        fds: list[int] = []
        try:
            parent = entry_fd
            for part in parts:
                parent = safe_fs.open_subdir(parent, part)
                fds.append(parent)
            found = safe_fs.read_file_tail(parent, name, max_bytes)
        except OSError:
            found = None
        finally:
            for fd in reversed(fds):
                os.close(fd)
        if found is not None:
            return found
    return None


def _list_files(dir_fd: int, prefix: str, depth: int, out: list[dict[str, Any]]) -> bool:
    """Append the files below ``dir_fd`` to ``out``; ``True`` if the list was cut."""
    try:
        names = sorted(os.listdir(dir_fd))
    except OSError:
        return False
    for name in names:
        if len(out) >= DETAIL_MAX_FILES:
            return True
        try:
            info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except OSError:
            continue
        relpath = prefix + name
        if stat.S_ISLNK(info.st_mode):
            out.append(
                {"path": relpath, "kind": "symlink", "bytes": 0, "mtime": round(info.st_mtime, 3)}
            )
        elif stat.S_ISDIR(info.st_mode):
            out.append(
                {"path": relpath, "kind": "dir", "bytes": 0, "mtime": round(info.st_mtime, 3)}
            )
            if depth < MAX_ENTRY_DEPTH:
                try:
                    sub = safe_fs.open_subdir(dir_fd, name)
                except OSError:
                    continue
                try:
                    if _list_files(sub, relpath + "/", depth + 1, out):
                        return True
                finally:
                    os.close(sub)
        elif stat.S_ISREG(info.st_mode):
            out.append(
                {
                    "path": relpath,
                    # Another name of a file that may live anywhere: listed, never read.
                    "kind": "file" if info.st_nlink == 1 else "hardlink",
                    "bytes": info.st_size,
                    "mtime": round(info.st_mtime, 3),
                }
            )
        else:
            out.append(
                {"path": relpath, "kind": "other", "bytes": 0, "mtime": round(info.st_mtime, 3)}
            )
    return False
