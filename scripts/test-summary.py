#!/usr/bin/env python3
"""Prints one line per test suite and a closing total from the logs that
`make test` keeps in .make/logs/ (pytest, jest and Playwright summaries)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# pytest: "== 12 passed, 1 skipped in 3.2s ==", jest: "Tests:       3 passed, 3 total",
# Playwright: "  8 passed (1.3m)".
COUNT = re.compile(r"(\d+) (passed|failed|skipped|flaky|errors?)\b")


def counts(log: Path) -> dict[str, int]:
    """The counts of the last summary line found in a suite's log."""
    found: dict[str, int] = {}
    for raw in log.read_text(encoding="utf-8", errors="replace").splitlines():
        line = ANSI.sub("", raw)
        if "[WebServer]" in line:
            continue
        matches = COUNT.findall(line)
        if matches and ("passed" in line or "failed" in line):
            found = {}
            for number, kind in matches:
                kind = "errors" if kind.startswith("error") else kind
                found[kind] = found.get(kind, 0) + int(number)
    return found


def main(folder: str) -> int:
    total = {"passed": 0, "failed": 0, "skipped": 0}
    for log in sorted(Path(folder).glob("*.log")):
        found = counts(log)
        if not found:
            continue
        found["failed"] = found.get("failed", 0) + found.pop("errors", 0)
        for key in total:
            total[key] += found.get(key, 0)
        details = ", ".join(f"{found.get(k, 0)} {k}" for k in ("passed", "failed", "skipped"))
        print(f"{log.stem}: {details}")
    print(f"total: {total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ".make/logs"))
