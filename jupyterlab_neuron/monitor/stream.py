"""Fan-out of monitor messages to any number of subscribers (browser tabs).

Each subscriber has two latest-only slots, one for the monitor status and one
for the newest snapshot. Publishing overwrites the slot: a slow client skips to
the newest snapshot instead of queueing old ones, so memory per subscriber is
bounded whatever the client's speed.
"""

from __future__ import annotations

import asyncio
from typing import Generic, TypeVar

M = TypeVar("M")


class Subscriber(Generic[M]):
    """One consumer of the stream; obtain it from :meth:`MonitorStream.subscribe`."""

    def __init__(self) -> None:
        self._status: M | None = None
        self._snapshot: M | None = None
        self._wakeup = asyncio.Event()
        self.closed = False
        #: snapshots overwritten before this subscriber took them
        self.dropped = 0
        #: snapshots taken
        self.delivered = 0

    def offer_snapshot(self, message: M) -> None:
        """Put ``message`` in the snapshot slot, replacing an untaken one."""
        if self._snapshot is not None:
            self.dropped += 1
        self._snapshot = message
        self._wakeup.set()

    def offer_status(self, message: M) -> None:
        """Put ``message`` in the status slot, replacing an untaken one."""
        self._status = message
        self._wakeup.set()

    def take(self) -> list[M]:
        """Messages waiting now (status first), without blocking."""
        messages: list[M] = []
        if self._status is not None:
            messages.append(self._status)
            self._status = None
        if self._snapshot is not None:
            messages.append(self._snapshot)
            self._snapshot = None
            self.delivered += 1
        self._wakeup.clear()
        return messages

    async def next(self) -> list[M]:
        """Wait for at least one message (status first); ``[]`` once closed."""
        while not self.closed:
            messages = self.take()
            if messages:
                return messages
            await self._wakeup.wait()
        return []

    def close(self) -> None:
        """Wake any waiter and stop delivering."""
        self.closed = True
        self._status = self._snapshot = None
        self._wakeup.set()


class MonitorStream(Generic[M]):
    """The set of subscribers and the latest messages new ones start from."""

    def __init__(self) -> None:
        self._subscribers: set[Subscriber[M]] = set()
        self.latest_snapshot: M | None = None
        self.latest_status: M | None = None

    def __len__(self) -> int:
        return len(self._subscribers)

    def subscribe(self) -> Subscriber[M]:
        """A new subscriber, primed with the latest status and snapshot."""
        subscriber: Subscriber[M] = Subscriber()
        if self.latest_status is not None:
            subscriber.offer_status(self.latest_status)
        if self.latest_snapshot is not None:
            subscriber.offer_snapshot(self.latest_snapshot)
        self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber[M]) -> None:
        """Remove ``subscriber`` (idempotent) and close it."""
        self._subscribers.discard(subscriber)
        subscriber.close()

    def publish_snapshot(self, message: M) -> None:
        """Offer a snapshot message to every subscriber."""
        self.latest_snapshot = message
        for subscriber in self._subscribers:
            subscriber.offer_snapshot(message)

    def publish_status(self, message: M) -> None:
        """Offer a status message to every subscriber."""
        self.latest_status = message
        for subscriber in self._subscribers:
            subscriber.offer_status(message)

    def close(self) -> None:
        """Close every subscriber."""
        for subscriber in list(self._subscribers):
            self.unsubscribe(subscriber)
