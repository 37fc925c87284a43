"""Fan-out with latest-only slots: a slow subscriber never queues."""

from __future__ import annotations

import asyncio

from jupyterlab_neuron.monitor.stream import MonitorStream


async def test_every_subscriber_gets_the_latest_snapshot_only() -> None:
    stream: MonitorStream[str] = MonitorStream()
    fast, slow = stream.subscribe(), stream.subscribe()
    stream.publish_snapshot("s1")
    assert await fast.next() == ["s1"]
    for n in range(2, 1002):
        stream.publish_snapshot(f"s{n}")
    # The slow one was away for 1000 snapshots: it gets the newest one, nothing queued.
    assert await slow.next() == ["s1001"]
    assert slow.dropped == 1000
    assert fast.take() == ["s1001"]
    assert slow.take() == []


async def test_status_comes_before_the_snapshot_and_new_subscribers_are_primed() -> None:
    stream: MonitorStream[str] = MonitorStream()
    stream.publish_status("running")
    stream.publish_snapshot("s1")
    late = stream.subscribe()
    assert await late.next() == ["running", "s1"]


async def test_waiting_subscriber_wakes_on_publish_and_on_close() -> None:
    stream: MonitorStream[str] = MonitorStream()
    subscriber = stream.subscribe()
    waiter = asyncio.ensure_future(subscriber.next())
    await asyncio.sleep(0)
    assert not waiter.done()
    stream.publish_snapshot("s1")
    assert await asyncio.wait_for(waiter, 1) == ["s1"]
    waiter = asyncio.ensure_future(subscriber.next())
    await asyncio.sleep(0)
    stream.unsubscribe(subscriber)
    assert await asyncio.wait_for(waiter, 1) == []
    assert len(stream) == 0
    stream.publish_snapshot("s2")  # no error with nobody left
