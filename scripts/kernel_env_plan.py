#!/usr/bin/env python3
"""Reads the report of `pip install --dry-run --report` and prints what
scripts/make-kernel-env.sh is about to download: the packages, roughly how big
they are, and whether the torch it resolved is a CPU or a CUDA build.

Standard library only: it runs with the kernel environment's fresh interpreter.

Usage: kernel_env_plan.py REPORT.json [--no-sizes]
The last line is machine-readable for the checks: ``torch: <version> <kind> <source>``
(or ``torch: installed``), where kind is ``cpu``, ``cuda`` or ``default``.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

#: Name prefix of the CUDA libraries that only a CUDA build of torch pulls in.
CUDA_PREFIX = "nvidia-"

#: Largest number of packages listed one by one; the rest are summed up.
LISTED = 12


@dataclass
class Download:
    """One distribution pip would install."""

    name: str
    version: str
    url: str
    size: int | None = None

    @property
    def source(self) -> str:
        """Where it comes from: a local folder, or the index host."""
        parsed = urllib.parse.urlparse(self.url)
        if parsed.scheme == "file":
            return os.path.dirname(urllib.parse.unquote(parsed.path))
        return parsed.netloc or self.url


def read_report(path: str) -> list[Download]:
    """The distributions to install, from a pip installation report."""
    with open(path, encoding="utf-8") as handle:
        report = json.load(handle)
    downloads = []
    for item in report.get("install", []):
        metadata = item.get("metadata", {})
        downloads.append(
            Download(
                name=str(metadata.get("name", "?")),
                version=str(metadata.get("version", "?")),
                url=str(item.get("download_info", {}).get("url", "")),
            )
        )
    return downloads


def size_of(url: str, timeout: float = 10.0) -> int | None:
    """The size in bytes of a local file or of a URL (HEAD request), if known."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme == "file":
        try:
            return os.path.getsize(urllib.parse.unquote(parsed.path))
        except OSError:
            return None
    if parsed.scheme not in ("http", "https"):
        return None
    try:
        request = urllib.request.Request(url, method="HEAD")
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
    except (OSError, ValueError):
        return None
    return int(length) if length and length.isdigit() else None


def torch_kind(downloads: list[Download], platform: str = sys.platform) -> str:
    """``cpu``, ``cuda`` or ``default`` (no sign either way) for the torch to install."""
    torch = next((d for d in downloads if d.name.lower() == "torch"), None)
    if torch is None:
        return "installed"
    local = torch.version.partition("+")[2]
    if local == "cpu":
        return "cpu"
    if local.startswith(("cu", "rocm")):
        return "cuda"
    if any(d.name.lower().startswith(CUDA_PREFIX) for d in downloads):
        return "cuda"
    if platform == "darwin":
        return "cpu"  # PyPI's macOS builds have no CUDA
    return "default"


def human(size: int | None) -> str:
    """``905 MB``-style size, or ``?`` when unknown."""
    if size is None:
        return "?"
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit != "GB" else f"{value:.1f} GB"
        value /= 1000
    return f"{value:.1f} GB"  # pragma: no cover - the loop always returns


def plan_lines(downloads: list[Download], kind: str) -> list[str]:
    """The printed plan (sizes already filled in where known)."""
    if not downloads:
        return ["Everything is installed already: nothing to download."]
    known = [d.size for d in downloads if d.size is not None]
    unknown = len(downloads) - len(known)
    if not known:
        size_text = "sizes unknown"
    else:
        size_text = human(sum(known)) + (f", {unknown} of unknown size" if unknown else "")
    remote = [d for d in downloads if urllib.parse.urlparse(d.url).scheme in ("http", "https")]
    if len(remote) == len(downloads):
        header = f"About to download {len(downloads)} packages ({size_text}):"
    else:
        remote_sizes = [d.size for d in remote if d.size is not None]
        fetched = human(sum(remote_sizes)) if remote_sizes else "size unknown"
        header = (
            f"About to install {len(downloads)} packages ({size_text}); {len(remote)} of them"
            f" are downloaded ({fetched}), the others come from local folders:"
        )
    lines = [header]
    ordered = sorted(downloads, key=lambda d: -(d.size or 0))
    for download in ordered[:LISTED]:
        lines.append(
            f"  {download.name:<28} {download.version:<16} {human(download.size):>8}"
            f"  {download.source}"
        )
    rest = ordered[LISTED:]
    if rest:
        rest_size = sum(d.size or 0 for d in rest)
        lines.append(f"  ... and {len(rest)} smaller packages, {human(rest_size)}")
    torch = next((d for d in downloads if d.name.lower() == "torch"), None)
    if torch is not None:
        label = {
            "cpu": "a CPU build",
            "cuda": "a CUDA build",
            "default": "the index's default build",
        }
        lines.append(f"torch {torch.version} is {label[kind]}, from {torch.source}.")
    return lines


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    downloads = read_report(argv[0])
    if "--no-sizes" not in argv[1:]:
        with ThreadPoolExecutor(max_workers=8) as pool:
            for download, size in zip(
                downloads, pool.map(lambda d: size_of(d.url), downloads), strict=True
            ):
                download.size = size
    kind = torch_kind(downloads)
    for line in plan_lines(downloads, kind):
        print(line)
    torch = next((d for d in downloads if d.name.lower() == "torch"), None)
    if torch is None:
        print("torch: installed")
    else:
        print(f"torch: {torch.version} {kind} {torch.source}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
