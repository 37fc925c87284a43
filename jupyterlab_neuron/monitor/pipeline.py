"""Bytes in, snapshots out: the NDJSON reader and the normalizer together.

Shared by the server's monitor service and the ``jupyter neuron monitor``
command, so both count skipped lines and number snapshots the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from .normalizer import InstanceShape, ReportShapeError, normalize_report
from .reader import DEFAULT_MAX_LINE_BYTES, NDJSONReader, iter_values
from .snapshot import Snapshot


class SnapshotPipeline:
    """Turns chunks of neuron-monitor output into numbered snapshots.

    A line that is not JSON, too long, or JSON that is not a report is counted
    in ``reader.stats`` and skipped.
    """

    def __init__(
        self,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        *,
        simulated: bool = False,
        fallback_shape: InstanceShape | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.reader = NDJSONReader(max_line_bytes)
        self.simulated = simulated
        self.fallback_shape = fallback_shape
        self._clock = clock
        self.seq = 0

    @property
    def skipped_lines(self) -> int:
        """Lines skipped so far."""
        return self.reader.stats.skipped

    def feed(self, chunk: bytes) -> list[Snapshot]:
        """Snapshots of the reports completed by ``chunk``."""
        return self._snapshots(self.reader.feed(chunk))

    def finish(self) -> list[Snapshot]:
        """End of one stream: the unterminated last line, if it is a report."""
        return self._snapshots(self.reader.finish())

    def read_stream(self, stream: BinaryIO) -> Iterator[Snapshot]:
        """Snapshots of a whole binary file or pipe, read in chunks until EOF."""
        for value in iter_values(stream, self.reader):
            snapshot = self.normalize(value)
            if snapshot is not None:
                yield snapshot

    def normalize(self, value: Any) -> Snapshot | None:
        """One parsed line as a snapshot, or ``None`` (counted as skipped)."""
        try:
            snapshot = normalize_report(
                value,
                seq=self.seq + 1,
                timestamp=self._clock(),
                simulated=self.simulated,
                skipped_lines=self.reader.stats.skipped,
                fallback_shape=self.fallback_shape,
            )
        except ReportShapeError as error:
            self.reader.reject(f"not a neuron-monitor report: {error}")
            return None
        self.seq = snapshot.seq
        return snapshot

    def _snapshots(self, values: list[Any]) -> list[Snapshot]:
        snapshots = []
        for value in values:
            snapshot = self.normalize(value)
            if snapshot is not None:
                snapshots.append(snapshot)
        return snapshots
