"""Reading neuron-monitor's NDJSON stream: one JSON document per line.

Bytes arrive in arbitrary chunks (a pipe, a file, stdin). A line longer than
``max_line_bytes`` is dropped without ever being held in memory whole, and a
line that is not JSON is dropped too; both are counted, never fatal.

Lines are parsed with orjson (several times faster than the standard library
on large reports); a line orjson refuses is tried again with :func:`json.loads`,
which also accepts what orjson does not (``NaN``, integers beyond 64 bits).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import orjson

#: Default upper bound of one report line. Real reports are ~1.5 KB idle and
#: hundreds of KB on a large trn2 with many models; 16 MiB leaves ample room.
DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024

#: Read size for files and pipes.
CHUNK_BYTES = 256 * 1024


@dataclass(slots=True)
class ReaderStats:
    """Counters of one stream since it was opened."""

    lines: int = 0
    reports: int = 0
    malformed: int = 0
    oversized: int = 0
    last_problem: str | None = None

    @property
    def skipped(self) -> int:
        """Lines dropped for any reason (malformed or oversized)."""
        return self.malformed + self.oversized

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "lines": self.lines,
            "reports": self.reports,
            "malformed_lines": self.malformed,
            "oversized_lines": self.oversized,
            "skipped_lines": self.skipped,
            "last_problem": self.last_problem,
        }


class NDJSONReader:
    """Incremental NDJSON parser with a maximum line size.

    ``feed(chunk)`` returns the JSON values of the lines completed by the chunk;
    ``finish()`` parses a last line that had no newline. A caller that finds a
    parsed value unusable calls :meth:`reject` so that it is counted as skipped.
    """

    def __init__(self, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> None:
        if max_line_bytes < 2:
            raise ValueError("max_line_bytes must be at least 2")
        self.max_line_bytes = max_line_bytes
        self.stats = ReaderStats()
        self._parts: list[bytes] = []
        self._pending = 0
        self._discarding = False

    def feed(self, chunk: bytes) -> list[Any]:
        """Consume ``chunk`` and return the values of every line it completed."""
        values: list[Any] = []
        if not chunk:
            return values
        pieces = chunk.split(b"\n")
        # All pieces but the last end with a newline.
        for piece in pieces[:-1]:
            self._end_line(piece, values)
        self._keep_partial(pieces[-1])
        return values

    def finish(self) -> list[Any]:
        """End of stream: parse the unterminated last line, if any."""
        values: list[Any] = []
        if self._parts or self._discarding:
            self._end_line(b"", values)
        return values

    def reject(self, reason: str) -> None:
        """Count a parsed line the caller could not use (for example not a report)."""
        self.stats.reports -= 1
        self.stats.malformed += 1
        self.stats.last_problem = reason

    def _keep_partial(self, piece: bytes) -> None:
        if self._discarding or not piece:
            return
        self._pending += len(piece)
        if self._pending > self.max_line_bytes:
            # Stop buffering: the line can no longer be accepted.
            self._parts.clear()
            self._pending = 0
            self._discarding = True
        else:
            self._parts.append(piece)

    def _end_line(self, piece: bytes, values: list[Any]) -> None:
        stats = self.stats
        if self._discarding:
            self._discarding = False
            stats.lines += 1
            stats.oversized += 1
            stats.last_problem = f"line longer than {self.max_line_bytes} bytes"
            return
        if self._parts:
            self._parts.append(piece)
            line = b"".join(self._parts)
            self._parts.clear()
            self._pending = 0
        else:
            line = piece
        if len(line) > self.max_line_bytes:
            stats.lines += 1
            stats.oversized += 1
            stats.last_problem = f"line longer than {self.max_line_bytes} bytes"
            return
        if not line.strip():
            return
        stats.lines += 1
        try:
            value = _loads(line)
        except (ValueError, RecursionError) as error:
            # ValueError covers JSONDecodeError and UnicodeDecodeError.
            stats.malformed += 1
            stats.last_problem = f"malformed line: {_short(str(error))}"
            return
        stats.reports += 1
        values.append(value)


def _loads(line: bytes) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)  # the reference parser decides (and words the error)


def iter_values(stream: BinaryIO, reader: NDJSONReader) -> Iterator[Any]:
    """Every JSON value of a binary file or pipe, read in chunks until EOF."""
    read = getattr(stream, "read1", None) or stream.read
    while True:
        chunk = read(CHUNK_BYTES)
        if not chunk:
            break
        yield from reader.feed(chunk)
    yield from reader.finish()


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
