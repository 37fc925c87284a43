"""Where the Neuron compile cache lives, as the Neuron SDK decides it.

Order of precedence (Neuron documentation): ``--cache_dir`` in
``NEURON_CC_FLAGS`` wins, then ``NEURON_COMPILE_CACHE_URL``, else the default
root. An ``s3://`` URL is a remote (S3) cache; ``--no_cache`` in
``NEURON_CC_FLAGS`` disables caching altogether.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Literal

#: The compile cache root when nothing else is configured.
DEFAULT_COMPILE_CACHE_ROOT = "/var/tmp/neuron-compile-cache"

CacheRootSource = Literal["default", "NEURON_CC_FLAGS", "NEURON_COMPILE_CACHE_URL"]

_CACHE_DIR_FLAG = "--cache_dir"
_NO_CACHE_FLAG = "--no_cache"


@dataclass(frozen=True)
class CompileCacheRoot:
    """The resolved compile cache root and where the setting came from."""

    root: str
    source: CacheRootSource
    remote: bool
    disabled: bool

    def to_dict(self) -> dict[str, object]:
        """The ``compile_cache`` object of the environment report."""
        return asdict(self)


def _split_flags(flags: str) -> list[str]:
    try:
        return shlex.split(flags)
    except ValueError:
        # Unbalanced quotes: the compiler would split on spaces too.
        return flags.split()


def _cache_dir_from_flags(arguments: list[str]) -> str | None:
    """The value of the last ``--cache_dir=X`` or ``--cache_dir X``, if any."""
    found: str | None = None
    for position, argument in enumerate(arguments):
        if argument.startswith(_CACHE_DIR_FLAG + "="):
            found = argument[len(_CACHE_DIR_FLAG) + 1 :]
        elif argument == _CACHE_DIR_FLAG and position + 1 < len(arguments):
            found = arguments[position + 1]
    return found or None


def is_remote_cache(root: str) -> bool:
    """Whether a cache root names an S3 cache rather than a local folder."""
    return root.strip().lower().startswith("s3://")


def resolve_compile_cache(environ: Mapping[str, str] | None = None) -> CompileCacheRoot:
    """Resolve the compile cache root from ``environ`` (default: ``os.environ``)."""
    env = os.environ if environ is None else environ
    arguments = _split_flags(env.get("NEURON_CC_FLAGS", ""))
    disabled = _NO_CACHE_FLAG in arguments
    from_flags = _cache_dir_from_flags(arguments)
    from_url = env.get("NEURON_COMPILE_CACHE_URL", "").strip()
    root: str
    source: CacheRootSource
    if from_flags:
        root, source = from_flags, "NEURON_CC_FLAGS"
    elif from_url:
        root, source = from_url, "NEURON_COMPILE_CACHE_URL"
    else:
        root, source = DEFAULT_COMPILE_CACHE_ROOT, "default"
    return CompileCacheRoot(
        root=root, source=source, remote=is_remote_cache(root), disabled=disabled
    )
