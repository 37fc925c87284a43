"""Compile-cache scanner and entry list at 10,000 entries, against ``du -s``.

    .venv/bin/python bench/cache/bench_scan.py [--entries 10000] [--rounds 7]   (repo root)

On a simulated cache of ``--entries`` entries in 3 compiler versions (one per
naming generation; sparse files, so it takes little disk):

1. Cold scan (a new scanner, nothing remembered) against ``du -s`` on the same
   tree, alternating in the same run. Target: at most 1.5x. Minimum and median
   of the rounds are printed (the minimum is the least disturbed by other load).
2. Re-scan with nothing changed (the same scanner again). Target: at most 0.1x
   the cold scan.
3. Peak RSS of a process that imports the scanner and scans the tree once.
   Target: at most 150 MB. Printed with the same process's RSS before the scan.
4. First page of ``GET /jupyterlab-neuron/cache/entries`` (100 entries) over
   HTTP from a real Jupyter server, right after a scan (``cache/status?refresh=1``),
   for the default order and for a filtered, size-sorted list. Target: at most
   100 ms. Also the core listing call alone.

This is a benchmark, not a test: it prints figures and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from jupyterlab_neuron.cache.listing import EntryIndex, EntryQuery  # noqa: E402
from jupyterlab_neuron.cache.processes import StaticCompilerProbe  # noqa: E402
from jupyterlab_neuron.cache.roots import describe_root  # noqa: E402
from jupyterlab_neuron.cache.scanner import CompileCacheScanner  # noqa: E402
from jupyterlab_neuron.cluster.demo import free_port  # noqa: E402
from jupyterlab_neuron.simulator.cache_tree import generate_cache_tree  # noqa: E402


def count_tree(root: Path) -> tuple[int, int]:
    """(regular files, folders) below ``root``."""
    files = folders = 0
    for _path, dirs, names in os.walk(root):
        folders += len(dirs)
        files += len(names)
    return files, folders


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def time_du(root: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of ``du -s``."""
    cpu = _cpu(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(["du", "-s", str(root)], check=True, capture_output=True)
    return time.perf_counter() - started, _cpu(resource.RUSAGE_CHILDREN) - cpu


def scan_rounds(root: Path, rounds: int) -> dict[str, list[float]]:
    """Alternate du -s and a cold scan; after each cold scan, one unchanged re-scan.

    Wall and CPU (user + system) times: on a busy machine the CPU times are the
    steadier comparison, the wall times are what the target is about.
    """
    described = describe_root(str(root), ["cli"])
    figures: dict[str, list[float]] = {
        "du": [],
        "du_cpu": [],
        "cold": [],
        "cold_cpu": [],
        "rescan": [],
        "rescan_cpu": [],
    }
    for _ in range(rounds):
        wall, cpu = time_du(root)
        figures["du"].append(wall)
        figures["du_cpu"].append(cpu)
        scanner = CompileCacheScanner(compiler_probe=StaticCompilerProbe())
        cpu = _cpu(resource.RUSAGE_SELF)
        started = time.perf_counter()
        snapshot = scanner.scan([described])
        figures["cold"].append(time.perf_counter() - started)
        figures["cold_cpu"].append(_cpu(resource.RUSAGE_SELF) - cpu)
        cpu = _cpu(resource.RUSAGE_SELF)
        started = time.perf_counter()
        again = scanner.scan([described])
        figures["rescan"].append(time.perf_counter() - started)
        figures["rescan_cpu"].append(_cpu(resource.RUSAGE_SELF) - cpu)
        assert again.revision == snapshot.revision and len(again.entries) == len(snapshot.entries)
    return figures


_RSS_CHILD = """
import os, resource, sys
sys.path.insert(0, {repo!r})
from jupyterlab_neuron.cache.processes import StaticCompilerProbe
from jupyterlab_neuron.cache.roots import describe_root
from jupyterlab_neuron.cache.scanner import CompileCacheScanner
def rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
before = rss_mb()
snapshot = CompileCacheScanner(compiler_probe=StaticCompilerProbe()).scan(
    [describe_root({root!r}, ["cli"])])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(before, peak, len(snapshot.entries))
"""


def scanner_peak_rss(root: Path) -> tuple[float, float, int]:
    """(RSS before the scan, peak RSS, entries) of a fresh process, in MB."""
    code = _RSS_CHILD.format(repo=str(REPO), root=str(root))
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    return float(output[0]), float(output[1]), int(output[2])


def fetch(url: str, token: str) -> tuple[float, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        body = response.read()
    elapsed = time.perf_counter() - started
    return elapsed, json.loads(body)


def rest_first_page(root: Path) -> dict[str, float]:
    """Time the entry list over HTTP from a real Jupyter server with the extension."""
    port = free_port()
    token = "bench-token"
    workdir = Path(tempfile.mkdtemp(prefix="bench-cache-server-"))
    env = dict(
        os.environ,
        PYTHONPATH=f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        JUPYTER_CONFIG_DIR=str(workdir / "config"),
        JUPYTER_DATA_DIR=str(workdir / "data"),
        JUPYTER_RUNTIME_DIR=str(workdir / "runtime"),
        JUPYTERLAB_NEURON_CACHE_ROOTS=str(root),
    )
    command = [
        sys.executable,
        "-m",
        "jupyter_server",
        f"--port={port}",
        "--no-browser",
        "--allow-root",
        f"--ServerApp.root_dir={workdir}",
        f"--IdentityProvider.token={token}",
        "--ServerApp.jpserver_extensions={'jupyterlab_neuron': True}",
    ]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}/jupyterlab-neuron/cache"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                fetch(f"{base}/roots", token)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the Jupyter server did not start") from None
                time.sleep(0.2)
        figures: dict[str, float] = {}
        scan_time, status = fetch(f"{base}/status?refresh=1", token)
        figures["status_refresh_s"] = scan_time
        figures["entries"] = status["totals"]["entries"]
        assert figures["entries"] >= 100, "the server did not find the generated cache"
        first, page = fetch(f"{base}/entries?limit=100", token)
        assert len(page["items"]) == min(100, figures["entries"]), (page["total"], status)
        figures["first_page_s"] = first
        figures["first_page_again_s"] = fetch(f"{base}/entries?limit=100", token)[0]
        figures["filtered_sorted_page_s"] = fetch(
            f"{base}/entries?limit=100&state=success,failed&sort=bytes&order=desc&q=MODULE_",
            token,
        )[0]
        figures["last_page_s"] = fetch(
            f"{base}/entries?limit=100&offset={int(figures['entries']) - 100}", token
        )[0]
        return figures
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(workdir, ignore_errors=True)


def core_first_page(root: Path) -> float:
    snapshot = CompileCacheScanner(compiler_probe=StaticCompilerProbe()).scan(
        [describe_root(str(root), ["cli"])]
    )
    started = time.perf_counter()
    page = EntryIndex(snapshot).page(EntryQuery(limit=100))
    json.dumps(page)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--versions", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--out", help="generate into (and keep) this folder")
    parser.add_argument("--skip-rest", action="store_true", help="do not start a server")
    args = parser.parse_args()

    keep = bool(args.out)
    root = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="bench-cache-")) / "cache"
    try:
        if not (root / "lock").exists():
            generated = generate_cache_tree(
                str(root), args.entries, versions=args.versions, seed=42
            )
            print(
                f"generated {generated.entries} entries in {generated.seconds:.1f} s "
                f"({generated.counts}), simulated"
            )
        files, folders = count_tree(root)
        print(f"tree: {files} files, {folders} folders ({files + folders} inodes) in {root}")

        rounds = scan_rounds(root, args.rounds)

        def ms(name: str, pick: Callable[[list[float]], float]) -> float:
            return pick(rounds[name]) * 1000

        med = statistics.median
        for label, name in (("du -s", "du"), ("cold scan", "cold"), ("re-scan", "rescan")):
            print(
                f"{label:<10}: wall min {ms(name, min):7.1f} ms  median {ms(name, med):7.1f} ms"
                f"   CPU median {ms(name + '_cpu', med):7.1f} ms"
            )
        print(
            f"cold scan / du -s: wall {ms('cold', min) / ms('du', min):.2f}x (min/min), "
            f"{ms('cold', med) / ms('du', med):.2f}x (median/median); "
            f"CPU {ms('cold_cpu', med) / ms('du_cpu', med):.2f}x (median)   target <= 1.5x"
        )
        print(
            f"re-scan / cold scan: wall {ms('rescan', med) / ms('cold', med):.3f}x (median); "
            f"CPU {ms('rescan_cpu', med) / ms('cold_cpu', med):.3f}x   target <= 0.1x"
        )

        before, peak, entries = scanner_peak_rss(root)
        print(
            f"scanner RSS: {before:.1f} MB before, {peak:.1f} MB peak "
            f"(+{peak - before:.1f} MB) for {entries} entries   target <= 150 MB"
        )

        print(f"core first page (sort + 100 items as JSON): {core_first_page(root) * 1000:.1f} ms")
        if not args.skip_rest:
            figures = rest_first_page(root)
            print(f"REST status?refresh=1 (the scan): {figures['status_refresh_s'] * 1000:.1f} ms")
            print(
                f"REST first page after the scan  : {figures['first_page_s'] * 1000:.1f} ms"
                f"   target <= 100 ms"
            )
            print(
                f"REST same page again            : {figures['first_page_again_s'] * 1000:.1f} ms"
            )
            print(
                f"REST filtered, size-sorted page : "
                f"{figures['filtered_sorted_page_s'] * 1000:.1f} ms"
            )
            print(f"REST last page                  : {figures['last_page_s'] * 1000:.1f} ms")
        print(
            f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
            f"on {os.cpu_count()} CPUs; this process max RSS "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )
    finally:
        if not keep:
            shutil.rmtree(root.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
