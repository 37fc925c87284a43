"""Bounded, time-indexed history of compact monitor samples.

A full snapshot at trn2 scale is tens of KB as Python objects; an hour of them
at a 1 s period would not fit the memory budget. The history therefore keeps a
:class:`HistoryPoint` per report: per-core utilization and per-device memory
in packed arrays, a few host figures and one small record per process. That
is what time-series charts need; the latest full snapshot is kept elsewhere.

Each point is also serialized to JSON once, when it is recorded, so that a
request for an hour of history only joins bytes (a few milliseconds) instead
of building and encoding 3,600 objects on the event loop.
"""

from __future__ import annotations

import bisect
import json
import sys
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .snapshot import Snapshot

T = TypeVar("T")


@dataclass(slots=True)
class HistoryPoint:
    """The time-series part of one snapshot."""

    seq: int
    timestamp: float
    #: utilization percent per core, in core-index order
    cores: array
    #: device memory used per device, in device order
    device_memory: array
    host_memory_used_bytes: int | None
    vcpu_used_percent: float | None
    #: per process, parallel arrays: pid, mean utilization, host and device bytes
    pids: array
    process_utilization: array
    process_host_bytes: array
    process_device_bytes: array
    tags: tuple[str, ...]
    #: :meth:`to_dict` as compact JSON, serialized once (see :meth:`encode`)
    encoded: bytes = b""

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> HistoryPoint:
        """Keep what the charts need from ``snapshot``."""
        processes = snapshot.processes
        system = snapshot.system
        point = cls(
            seq=snapshot.seq,
            timestamp=snapshot.timestamp,
            cores=array("f", [c.utilization for c in snapshot.cores]),
            device_memory=array("q", [d.memory_used_bytes for d in snapshot.devices]),
            host_memory_used_bytes=None if system is None else system.memory_used_bytes,
            vcpu_used_percent=None if system is None else system.vcpu_used_percent,
            pids=array("q", [p.pid if p.pid is not None else -1 for p in processes]),
            process_utilization=array("f", [p.utilization for p in processes]),
            process_host_bytes=array("q", [p.host_bytes for p in processes]),
            process_device_bytes=array("q", [p.device_bytes for p in processes]),
            # Interned: the same few tags repeat in every point.
            tags=tuple(sys.intern(p.tag) for p in processes),
        )
        point.encode()
        return point

    def encode(self) -> bytes:
        """Serialize :meth:`to_dict` (again) and keep it in :attr:`encoded`."""
        # The standard library here: orjson's result holds far more memory than its
        # length (about 16 KiB for a 1.5 KB point), and an hour keeps 3,600 of them.
        self.encoded = json.dumps(self.to_dict(), separators=(",", ":")).encode()
        return self.encoded

    def to_dict(self) -> dict[str, Any]:
        """JSON form, documented in ``docs/monitor-api.md``."""
        vcpu = self.vcpu_used_percent
        return {
            "seq": self.seq,
            "timestamp": self.timestamp,
            "cores": [round(v, 2) for v in self.cores],
            "device_memory_used_bytes": self.device_memory.tolist(),
            "host_memory_used_bytes": self.host_memory_used_bytes,
            "vcpu_used_percent": None if vcpu is None else round(vcpu, 2),
            "processes": [
                {
                    "pid": None if pid < 0 else pid,
                    "tag": tag,
                    "utilization": round(util, 2),
                    "host_bytes": host,
                    "device_bytes": device,
                }
                for pid, tag, util, host, device in zip(
                    self.pids,
                    self.tags,
                    self.process_utilization,
                    self.process_host_bytes,
                    self.process_device_bytes,
                    strict=True,
                )
            ],
        }


class _Ordered(Sequence, Generic[T]):
    """Oldest-first view of the ring, for :mod:`bisect` (no copying)."""

    def __init__(self, ring: HistoryBuffer[T]) -> None:
        self._ring = ring

    def __len__(self) -> int:
        return self._ring._size

    def __getitem__(self, i):  # type: ignore[override]
        ring = self._ring
        return ring._times[(ring._head + i) % ring.capacity]


class HistoryBuffer(Generic[T]):
    """A fixed-capacity ring of ``(timestamp, item)``; the oldest item drops out.

    Timestamps are kept non-decreasing (a clock step backwards is clamped to the
    previous timestamp) so that :meth:`since` can bisect.
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("history capacity must be at least 1")
        self.capacity = capacity
        self._items: list[T | None] = [None] * capacity
        self._times: list[float] = [0.0] * capacity
        self._head = 0
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def append(self, timestamp: float, item: T) -> None:
        """Add the newest item."""
        if self._size:
            last = self._times[(self._head + self._size - 1) % self.capacity]
            timestamp = max(timestamp, last)
        if self._size < self.capacity:
            slot = (self._head + self._size) % self.capacity
            self._size += 1
        else:
            slot = self._head
            self._head = (self._head + 1) % self.capacity
        self._items[slot] = item
        self._times[slot] = timestamp

    def since(self, timestamp: float | None = None, limit: int | None = None) -> list[T]:
        """Items newer than ``timestamp`` (all when ``None``), oldest first; with
        ``limit``, only the newest ``limit`` of them."""
        start = 0 if timestamp is None else bisect.bisect_right(_Ordered(self), timestamp)
        if limit is not None and limit >= 0:
            start = max(start, self._size - limit)
        return [self._at(i) for i in range(start, self._size)]

    def latest(self) -> T | None:
        """The newest item, if any."""
        return self._at(self._size - 1) if self._size else None

    def clear(self) -> None:
        """Forget everything."""
        self._items = [None] * self.capacity
        self._head = 0
        self._size = 0

    def __iter__(self) -> Iterator[T]:
        return iter(self.since())

    def _at(self, i: int) -> T:
        item = self._items[(self._head + i) % self.capacity]
        assert item is not None
        return item
