"""Which compile-cache roots exist and whether they can be scanned and cleaned.

Roots come from five places, listed in this order: the root the Neuron
compiler would use with the server's environment (``NEURON_CC_FLAGS
--cache_dir`` wins over ``NEURON_COMPILE_CACHE_URL``, else the default
``/var/tmp/neuron-compile-cache``; resolved by
:mod:`neuron_kernel_helpers.cache_roots`), the other candidates among those,
roots listed in the settings, per-project cache folders found under the
Jupyter root directory (``--cache_dir=./compiler_cache`` in the samples), and
roots named on the command line. The same folder reached through several of
them is listed once, with every source.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from neuron_kernel_helpers.cache_roots import (
    DEFAULT_COMPILE_CACHE_ROOT,
    is_remote_cache,
    resolve_compile_cache,
)
from neuron_kernel_helpers.i18n import Lang

from . import s3_store
from .messages import MESSAGES

RootState = Literal["ok", "missing", "not_directory", "unreadable", "read_only", "remote"]
RootStore = Literal["local", "s3"]
RootSource = Literal[
    "default", "NEURON_CC_FLAGS", "NEURON_COMPILE_CACHE_URL", "settings", "project", "cli"
]

#: Order in which sources are listed (and roots sorted).
SOURCE_ORDER: tuple[RootSource, ...] = (
    "NEURON_CC_FLAGS",
    "NEURON_COMPILE_CACHE_URL",
    "default",
    "settings",
    "project",
    "cli",
)

#: Compiler-version folder prefixes: 2023+ ``neuronxcc-<ver>``, 2022 ``USER_neuroncc-<ver>``.
VERSION_DIR_PREFIXES = ("neuronxcc-", "USER_neuroncc-")

#: The file the Neuron runtime opens for writing at the top of a cache root.
ROOT_LOCK_NAME = "lock"

#: Written at the top of a generated cache by ``jupyter neuron simulate cache``.
SIMULATED_MARKER = ".jupyterlab-neuron-simulated.json"

#: Folder names never searched for project caches (besides hidden folders).
SKIPPED_SEARCH_DIRS = frozenset(
    {"node_modules", "__pycache__", "site-packages", "dist-packages", "venv", "env"}
)

AccessCheck = Callable[[str, int], bool]


def is_version_dir_name(name: str) -> bool:
    """Whether ``name`` is a compiler-version folder of a cache root."""
    return name.startswith(VERSION_DIR_PREFIXES)


def root_id_for(path: str) -> str:
    """The stable id of the root at ``path`` (same in the server and the CLI)."""
    return hashlib.blake2b(path.encode("utf-8", "surrogateescape"), digest_size=6).hexdigest()


@dataclass(frozen=True)
class CacheRoot:
    """One compile-cache root and its state.

    ``path`` is the absolute, resolved folder (or the URL of an S3 cache);
    ``configured`` is the value as written where it came from; ``store`` says
    where the entries live. An S3 root is ``remote`` (unmanaged) only while
    boto3 is missing.
    """

    id: str
    path: str
    configured: str
    sources: tuple[RootSource, ...]
    state: RootState
    remote: bool = False
    active: bool = False
    disabled: bool = False
    simulated: bool = False
    detail: str | None = None
    store: RootStore = "local"

    @property
    def scannable(self) -> bool:
        """Whether the folder can be read (its entries listed)."""
        return self.state in ("ok", "read_only")

    @property
    def writable(self) -> bool:
        """Whether entries can be removed from it."""
        return self.state == "ok"

    def message(self, lang: Lang) -> str | None:
        """Why the root is not fully usable, in ``lang`` (``None`` when it is)."""
        if self.state == "ok":
            return None
        if self.state == "read_only":
            lock = os.path.join(self.path, ROOT_LOCK_NAME)
            return MESSAGES("root.read_only", lang, lock=lock)
        return MESSAGES(f"root.{self.state}", lang, detail=self.detail or "")

    def notes(self, lang: Lang) -> list[str]:
        """Other facts worth telling about this root."""
        notes: list[str] = []
        if self.disabled:
            notes.append(MESSAGES("root.disabled", lang))
        if "NEURON_COMPILE_CACHE_URL" in self.sources and not self.active:
            notes.append(MESSAGES("root.url_overridden", lang))
        if self.simulated:
            notes.append(MESSAGES("root.simulated", lang))
        return notes

    def to_dict(self, lang: Lang) -> dict[str, Any]:
        """JSON form (``CacheRoot`` in openapi.yaml)."""
        return {
            "id": self.id,
            "path": self.path,
            "configured": self.configured,
            "sources": list(self.sources),
            "state": self.state,
            "remote": self.remote,
            "managed": not self.remote,
            "store": self.store,
            "scannable": self.scannable,
            "writable": self.writable,
            "active": self.active,
            "disabled": self.disabled,
            "simulated": self.simulated,
            "message": self.message(lang),
            "notes": self.notes(lang),
        }


@dataclass(frozen=True)
class ProjectSearch:
    """How the per-project cache search went (bounded in depth and folder count)."""

    start: str | None
    depth: int
    limit: int
    visited: int = 0
    truncated: bool = False
    found: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "start": self.start,
            "depth": self.depth,
            "limit": self.limit,
            "visited": self.visited,
            "truncated": self.truncated,
            "found": list(self.found),
        }


@dataclass(frozen=True)
class RootDiscovery:
    """The discovered roots plus how the project search went."""

    roots: tuple[CacheRoot, ...]
    project_search: ProjectSearch

    def by_id(self) -> dict[str, CacheRoot]:
        """Roots by id."""
        return {root.id: root for root in self.roots}


def find_project_caches(start: str, *, max_depth: int, max_dirs: int) -> ProjectSearch:
    """Cache roots under ``start``: folders holding a compiler-version folder.

    Breadth-first, at most ``max_depth`` levels below ``start`` and at most
    ``max_dirs`` folders read, so a huge home directory cannot stall the
    server. Hidden folders, ``node_modules``, virtual environments (folders
    holding ``pyvenv.cfg``) and symlinked folders are not entered; a found
    cache is not searched further.
    """
    found: list[str] = []
    visited = 0
    queue: deque[tuple[str, int]] = deque([(start, 0)])
    while queue:
        if visited >= max_dirs:
            return ProjectSearch(start, max_depth, max_dirs, visited, True, tuple(found))
        folder, depth = queue.popleft()
        visited += 1
        subfolders: list[tuple[str, str]] = []
        is_venv = False
        is_cache = False
        try:
            with os.scandir(folder) as listing:
                for child in listing:
                    name = child.name
                    try:
                        if child.is_dir(follow_symlinks=False):
                            if is_version_dir_name(name):
                                is_cache = True
                            subfolders.append((name, child.path))
                        elif name == "pyvenv.cfg":
                            is_venv = True
                    except OSError:
                        continue
        except OSError:
            continue
        if is_cache:
            found.append(folder)
            continue
        if is_venv or depth >= max_depth:
            continue
        for name, path in sorted(subfolders):
            if name.startswith(".") or name in SKIPPED_SEARCH_DIRS:
                continue
            queue.append((path, depth + 1))
    return ProjectSearch(start, max_depth, max_dirs, visited, False, tuple(found))


def _local_state(path: str, access: AccessCheck) -> tuple[RootState, str | None]:
    """State of a local folder: missing, not a folder, unreadable, read-only or ok."""
    try:
        info = os.stat(path)  # follows: a root may itself be a link to the real folder
    except FileNotFoundError:
        return "missing", None
    except OSError as error:
        return "unreadable", error.strerror or str(error)
    if not stat.S_ISDIR(info.st_mode):
        return "not_directory", None
    if not access(path, os.R_OK | os.X_OK):
        return "unreadable", os.strerror(13)
    try:
        read_only_mount = bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        read_only_mount = False
    if read_only_mount or not access(path, os.W_OK):
        return "read_only", None
    return "ok", None


def _normalize_local(value: str, base_dir: str) -> str:
    if value.startswith("file://"):
        value = value[len("file://") :]
    expanded = os.path.expanduser(value)
    if not os.path.isabs(expanded):
        expanded = os.path.join(base_dir, expanded)
    return os.path.realpath(expanded)


def _normalize_remote(value: str) -> str:
    try:
        return s3_store.normalize_url(value)
    except ValueError:
        return value.strip()


@dataclass
class _Candidate:
    configured: str
    sources: list[RootSource] = field(default_factory=list)
    active: bool = False
    disabled: bool = False


def describe_root(
    configured: str,
    sources: Sequence[RootSource],
    *,
    base_dir: str | None = None,
    active: bool = False,
    disabled: bool = False,
    access: AccessCheck = os.access,
    as_written: str | None = None,
) -> CacheRoot:
    """A :class:`CacheRoot` for one configured value, with its current state.

    ``as_written`` is the value as the user wrote it, when ``configured`` is
    already resolved.
    """

    def root(path: str, **state: Any) -> CacheRoot:
        return CacheRoot(
            id=root_id_for(path),
            path=path,
            configured=as_written or configured,
            sources=tuple(sources),
            active=active,
            disabled=disabled,
            **state,
        )

    if is_remote_cache(configured):
        url = configured.strip()
        try:
            url = s3_store.normalize_url(url)
        except ValueError as error:
            return root(url, state="unreadable", detail=str(error), store="s3")
        usable = s3_store.boto3_available()
        return root(url, state="ok" if usable else "remote", remote=not usable, store="s3")
    path = _normalize_local(configured, base_dir or os.getcwd())
    state, detail = _local_state(path, access)
    simulated = state in ("ok", "read_only") and os.path.isfile(
        os.path.join(path, SIMULATED_MARKER)
    )
    return root(path, state=state, detail=detail, simulated=simulated)


def discover_roots(
    *,
    environ: Mapping[str, str] | None = None,
    extra_roots: Iterable[str] = (),
    project_dir: str | None = None,
    project_search_depth: int = 3,
    project_search_limit: int = 2000,
    cli_roots: Iterable[str] = (),
    only_cli_roots: bool = False,
    access: AccessCheck = os.access,
) -> RootDiscovery:
    """Every compile-cache root, deduplicated by resolved path, with its state.

    Args:
        environ: environment whose Neuron variables count (default: this process's).
        extra_roots: roots from the settings; relative ones are taken relative to
            ``project_dir`` (else the working directory).
        project_dir: where to search for per-project caches (the Jupyter root
            directory); ``None`` skips the search.
        project_search_depth: how many folder levels below ``project_dir`` to search.
        project_search_limit: at most this many folders are read by the search.
        cli_roots: roots named on the command line.
        only_cli_roots: list only ``cli_roots`` (``--root`` given).
        access: permission check, ``os.access`` unless a test fakes it.
    """
    env = os.environ if environ is None else environ
    cwd = os.getcwd()
    base_dir = project_dir or cwd
    candidates: dict[str, _Candidate] = {}
    search = ProjectSearch(None, project_search_depth, project_search_limit)

    def add(
        value: str, source: RootSource, base: str, *, active: bool = False, disabled: bool = False
    ) -> None:
        key = _normalize_remote(value) if is_remote_cache(value) else _normalize_local(value, base)
        candidate = candidates.setdefault(key, _Candidate(configured=value))
        if source not in candidate.sources:
            candidate.sources.append(source)
        candidate.active = candidate.active or active
        candidate.disabled = candidate.disabled or disabled

    if not only_cli_roots:
        runtime = resolve_compile_cache(env)
        add(runtime.root, runtime.source, cwd, active=True, disabled=runtime.disabled)
        url = env.get("NEURON_COMPILE_CACHE_URL", "").strip()
        if url and runtime.source != "NEURON_COMPILE_CACHE_URL":
            # Overridden by --cache_dir, but its files may still be there.
            other = resolve_compile_cache({"NEURON_COMPILE_CACHE_URL": url})
            add(other.root, other.source, cwd)
        add(DEFAULT_COMPILE_CACHE_ROOT, "default", cwd)
        for value in extra_roots:
            if value.strip():
                add(value, "settings", base_dir)
        if project_dir:
            search = find_project_caches(
                project_dir, max_depth=project_search_depth, max_dirs=project_search_limit
            )
            for path in search.found:
                add(path, "project", project_dir)
    for value in cli_roots:
        add(value, "cli", cwd)

    roots = [
        describe_root(
            key,
            sorted(candidate.sources, key=SOURCE_ORDER.index),
            base_dir=base_dir,
            active=candidate.active,
            disabled=candidate.disabled,
            access=access,
            as_written=candidate.configured,
        )
        for key, candidate in candidates.items()
    ]
    roots.sort(key=lambda root: (not root.active, SOURCE_ORDER.index(root.sources[0]), root.path))
    return RootDiscovery(roots=tuple(roots), project_search=search)
