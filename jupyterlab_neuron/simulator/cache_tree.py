"""Generates a simulated Neuron compile cache for demos, tests and benchmarks.

The tree follows the layouts of three SDK generations (see the Neuron
reference, section 5): 2024+ ``neuronxcc-<ver>/MODULE_<20 hex>+<8 hex>/`` with
``model.hlo_module.pb``; 2023 ``neuronxcc-2.7/2.8`` with
``MODULE_<decimal>+<8 hex>/`` and ``model.hlo.pb``; 2022
``USER_neuroncc-<ver>/MODULE_<decimal>/MODULE_<n>_SyncTensorsGraph.../``.
Most entries are compiled (``model.neff`` + ``model.done``), some failed
(``model.log``, no neff), some locked (a ``*.lock`` left by an interrupted
compile) and some empty (graph extracted, never compiled).

The same seed gives the same names, states, flags and sizes; times are placed
relative to ``now``. By default graph and NEFF files are *sparse*: they report
realistic sizes (hundreds of KB to hundreds of MB) but take no disk space.
``sizes="small"`` writes small real files instead and ``sizes="full"`` writes
every byte (only for small trees). The root carries a marker file, so
everything built from it is reported as simulated.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# The marker makes the scanner report this root as simulated (Jupyter-free import).
from ..cache.roots import SIMULATED_MARKER

SizeMode = Literal["sparse", "small", "full"]
SIZE_MODES: tuple[SizeMode, ...] = ("sparse", "small", "full")


@dataclass(frozen=True)
class CompilerRelease:
    """One compiler version folder and the naming generation it uses."""

    folder: str
    naming: Literal["2024", "2023", "2022"]

    @property
    def graph_name(self) -> str:
        """The graph file of an entry in this generation."""
        return "model.hlo_module.pb" if self.naming == "2024" else "model.hlo.pb"


#: Releases the generator picks from, newest first within each generation.
RELEASES: tuple[CompilerRelease, ...] = (
    CompilerRelease("neuronxcc-2.15.128.0+56dc5a86", "2024"),
    CompilerRelease("neuronxcc-2.14.227.0+2d4f85be", "2024"),
    CompilerRelease("neuronxcc-2.13.66.0+6dfecc895", "2024"),
    CompilerRelease("neuronxcc-2.12.68.0+4480452af", "2024"),
    CompilerRelease("neuronxcc-2.8.0.25+a3ad0f342", "2023"),
    CompilerRelease("neuronxcc-2.7.0.40+f7c6cf2a3", "2023"),
    CompilerRelease("USER_neuroncc-2.4.0.21+b7621be18", "2022"),
    CompilerRelease("USER_neuroncc-2.2.0.73+e12d2b5ca", "2022"),
)

#: Flag sets seen in the samples (``compile_flags.json`` holds a JSON list of strings).
FLAG_SETS: tuple[tuple[str, ...], ...] = (
    (),
    ("--model-type=transformer",),
    ("--model-type=transformer", "--auto-cast=none"),
    ("--model-type=transformer", "--distribution-strategy=llm-training"),
    ("-O1",),
    ("--target=trn1", "--model-type=transformer", "--enable-saturate-infinity"),
    ("--model-type=cnn-training", "-O1"),
)

_HOSTS = ("ip-172-31-60-112", "ip-172-31-14-7", "ip-10-0-3-185")

_FAILURE_LOGS = (
    "ERROR 4821 [neuronx-cc]: Failed compilation with ['neuronx-cc', 'compile', "
    "'--framework=XLA', 'model.hlo_module.pb', '--output', 'model.neff', "
    "'--verbose=35']: An Internal Compiler Error has occurred\n",
    "ERROR 17301 [neuronx-cc]: Estimated peak HBM usage exceeds 16GB. Neff won't be "
    "able to load on chip - Please open a support ticket at "
    "https://github.com/aws-neuron/aws-neuron-sdk/issues/new\n",
    "ERROR 9102 [neuronx-cc]: ***************************************************\n"
    "ERROR 9102 [neuronx-cc]: An error was encountered: [XLA] Unsupported operator: "
    "custom-call (target: TopK)\n",
)


@dataclass
class GeneratedCache:
    """What :func:`generate_cache_tree` wrote."""

    root: str
    seed: int
    sizes: SizeMode
    versions: list[str]
    entries: int = 0
    files: int = 0
    folders: int = 0
    apparent_bytes: int = 0
    counts: dict[str, int] = field(
        default_factory=lambda: {"success": 0, "failed": 0, "locked": 0, "empty": 0}
    )
    seconds: float = 0.0
    simulated: bool = True

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)


def pick_releases(count: int) -> list[CompilerRelease]:
    """``count`` releases, newest first, covering as many naming generations as possible."""
    if count < 1:
        raise ValueError("At least one compiler version is needed.")
    by_generation: dict[str, list[CompilerRelease]] = {}
    for release in RELEASES:
        by_generation.setdefault(release.naming, []).append(release)
    picked: list[CompilerRelease] = []
    round_index = 0
    while len(picked) < min(count, len(RELEASES)):
        for generation in ("2024", "2023", "2022"):
            releases = by_generation[generation]
            if round_index < len(releases) and len(picked) < count:
                picked.append(releases[round_index])
        round_index += 1
    return picked


def _split(total: int, parts: int) -> list[int]:
    """``total`` entries over ``parts`` versions, halving with every older version."""
    weights = [2.0**-index for index in range(parts)]
    scale = total / sum(weights)
    counts = [math.floor(weight * scale) for weight in weights]
    for index in range(total - sum(counts)):
        counts[index % parts] += 1
    return counts


def _log_size(rng: random.Random, median: float, low: int, high: int) -> int:
    """A size drawn log-normally around ``median``, clamped to ``[low, high]``."""
    return int(min(high, max(low, rng.lognormvariate(math.log(median), 1.0))))


class _Writer:
    """Creates files with the chosen size mode and counts what it wrote."""

    def __init__(self, sizes: SizeMode, rng: random.Random, result: GeneratedCache) -> None:
        self.sizes = sizes
        self.rng = rng
        self.result = result

    def text(self, path: str, content: str, when: float) -> None:
        data = content.encode("utf-8")
        with open(path, "wb") as handle:
            handle.write(data)
        self._done(path, len(data), when, when)

    def binary(self, path: str, size: int, when: float, atime: float | None = None) -> None:
        with open(path, "wb") as handle:
            if self.sizes == "sparse":
                handle.truncate(size)  # realistic size, no disk blocks
            elif self.sizes == "small":
                size = max(1, size // 4096)
                handle.write(self.rng.randbytes(size))
            else:
                remaining = size
                block = self.rng.randbytes(min(size, 1 << 20) or 1)
                while remaining > 0:
                    chunk = block[:remaining]
                    handle.write(chunk)
                    remaining -= len(chunk)
        self._done(path, size, when, atime if atime is not None else when)

    def _done(self, path: str, size: int, mtime: float, atime: float) -> None:
        os.utime(path, (atime, mtime))
        self.result.files += 1
        self.result.apparent_bytes += size


def _module_name(release: CompilerRelease, rng: random.Random, flags: Sequence[str]) -> str:
    # The part after '+' looks like the start of the MD5 of the flags ("" -> d41d8cd9).
    flags_hash = hashlib.md5(" ".join(flags).encode()).hexdigest()[:8]
    if release.naming == "2024":
        return f"MODULE_{rng.getrandbits(80):020x}+{flags_hash}"
    if release.naming == "2023":
        return f"MODULE_{rng.getrandbits(64)}+{flags_hash}"
    return f"MODULE_{rng.getrandbits(64)}"


def generate_cache_tree(
    out: str,
    entries: int,
    *,
    versions: int = 3,
    failed_ratio: float = 0.05,
    locked: int = 2,
    empty_ratio: float = 0.03,
    seed: int = 0,
    sizes: SizeMode = "sparse",
    now: float | None = None,
) -> GeneratedCache:
    """Write a simulated compile cache with ``entries`` entries into ``out``.

    Args:
        out: the cache root to create (may exist; existing entries are kept).
        entries: number of ``MODULE_*`` entries over all versions.
        versions: number of compiler-version folders (newest gets the most entries).
        failed_ratio: share of failed entries (``model.log``, no NEFF).
        locked: number of entries left with a lock file by an interrupted compile
            (hours to days old, so they read as stale locks when no compiler runs).
        empty_ratio: share of entries with the graph only (never compiled).
        seed: makes names, states, flags and sizes reproducible.
        sizes: ``sparse`` (default), ``small`` or ``full`` (see the module docstring).
        now: reference time for the timestamps (default: the current time).
    """
    if entries < 0:
        raise ValueError("The number of entries cannot be negative.")
    if not 0 <= failed_ratio <= 1 or not 0 <= empty_ratio <= 1:
        raise ValueError("Ratios must be between 0 and 1.")
    if sizes not in SIZE_MODES:
        raise ValueError(f"Unknown size mode {sizes!r}: use one of {', '.join(SIZE_MODES)}.")
    started = time.perf_counter()
    now = time.time() if now is None else now
    rng = random.Random(seed)
    releases = pick_releases(versions)
    result = GeneratedCache(
        root=os.path.abspath(out),
        seed=seed,
        sizes=sizes,
        versions=[release.folder for release in releases],
    )
    writer = _Writer(sizes, rng, result)
    os.makedirs(out, exist_ok=True)

    # States are dealt over all entries, then shuffled, so counts are exact.
    failed_count = round(entries * failed_ratio)
    empty_count = round(entries * empty_ratio)
    locked_count = min(locked, max(0, entries - failed_count - empty_count))
    states = ["failed"] * failed_count + ["empty"] * empty_count + ["locked"] * locked_count
    states += ["success"] * (entries - len(states))
    rng.shuffle(states)

    day = 86400.0
    position = 0
    counts = _split(entries, len(releases))
    for index, (release, count) in enumerate(zip(releases, counts, strict=True)):
        version_dir = os.path.join(out, release.folder)
        os.makedirs(version_dir, exist_ok=True)
        result.folders += 1
        # Newer compilers were used more recently.
        newest_age = index * 45 * day
        oldest_age = newest_age + 60 * day
        latest = now - newest_age
        for _ in range(count):
            state = states[position]
            position += 1
            created = now - rng.uniform(newest_age, oldest_age)
            _write_entry(writer, rng, release, version_dir, state, created, latest, now)
        os.utime(version_dir, (latest, latest))

    with open(os.path.join(out, "lock"), "wb"):
        pass  # the runtime opens <root>/lock; it exists in every real cache
    result.seconds = round(time.perf_counter() - started, 3)
    marker = {
        "simulated": True,
        "generator": "jupyter neuron simulate cache",
        "seed": seed,
        "entries": result.entries,
        "versions": result.versions,
        "sizes": sizes,
        "counts": result.counts,
        "generated_at": now,
    }
    with open(os.path.join(out, SIMULATED_MARKER), "w", encoding="utf-8") as handle:
        json.dump(marker, handle, indent=2)
    return result


def _write_entry(
    writer: _Writer,
    rng: random.Random,
    release: CompilerRelease,
    version_dir: str,
    state: str,
    created: float,
    latest: float,
    now: float,
) -> None:
    result = writer.result
    flags = rng.choice(FLAG_SETS)
    module = _module_name(release, rng, flags)
    entry_dir = os.path.join(version_dir, module)
    files_dir = entry_dir
    os.makedirs(entry_dir, exist_ok=True)
    result.folders += 1
    if release.naming == "2022":
        graph_number = rng.randrange(100, 2000)
        inner = (
            f"MODULE_0_SyncTensorsGraph.{graph_number}_{module[len('MODULE_') :]}_"
            f"{rng.choice(_HOSTS)}-{uuid.UUID(int=rng.getrandbits(128), version=4)}"
        )
        files_dir = os.path.join(entry_dir, inner)
        os.makedirs(files_dir)
        result.folders += 1
    graph_size = _log_size(rng, 400_000, 20_000, 60_000_000)
    writer.binary(os.path.join(files_dir, release.graph_name), graph_size, created)
    if release.naming != "2022":  # the oldest caches kept no flags file
        writer.text(os.path.join(files_dir, "compile_flags.json"), json.dumps(list(flags)), created)
    compiled = created + rng.uniform(20, 900)
    if state == "success":
        used = rng.uniform(compiled, max(compiled, min(now, latest + 20 * 86400.0)))
        neff_size = _log_size(rng, 25_000_000, 300_000, 900_000_000)
        writer.binary(os.path.join(files_dir, "model.neff"), neff_size, compiled, atime=used)
        writer.text(os.path.join(files_dir, "model.done"), "", compiled)
    elif state == "failed":
        log = rng.choice(_FAILURE_LOGS)
        lines = [
            f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(created))}.000{n:03d}: "
            f"INFO [neuronx-cc]: step {n}: pass completed"
            for n in range(rng.randrange(5, 40))
        ]
        writer.text(os.path.join(files_dir, "model.log"), "\n".join(lines) + "\n" + log, compiled)
    elif state == "locked":
        # Interrupted hours to days ago: the lock stayed, nothing else was written.
        lock_time = min(now - 3600, max(created + 30, now - rng.uniform(2 * 3600, 3 * 86400)))
        writer.text(os.path.join(files_dir, release.graph_name + ".lock"), "", lock_time)
        compiled = lock_time
    last = max(created, compiled)
    if files_dir != entry_dir:
        os.utime(files_dir, (last, last))
    os.utime(entry_dir, (last, last))
    result.entries += 1
    result.counts[state] += 1
