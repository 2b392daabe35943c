"""The one-process channel layer: a group send reaches every member once, in order per channel; a full
channel gets the configured overflow message instead of silently losing a group message."""

from __future__ import annotations

import asyncio

from humanglue.channels_layer import SweepingInMemoryChannelLayer

OVERFLOW = {"type": "rt.resync", "reason": "slow_client"}


def test_a_group_send_reaches_every_member_once_and_in_order() -> None:
    async def run() -> list[list[dict]]:
        layer = SweepingInMemoryChannelLayer(capacity=100, overflow_message=OVERFLOW)
        channels = [await layer.new_channel() for _ in range(120)]  # more than one slice of the fan-out
        for name in channels:
            await layer.group_add("everyone", name)
        await layer.group_send("everyone", {"type": "rt.cursor", "cursor": "1"})
        await layer.send(channels[0], {"type": "rt.event", "event": {"id": "x", "tags": ["a"]}})
        await layer.group_send("everyone", {"type": "rt.cursor", "cursor": "2"})
        got = []
        for name in channels:
            messages = []
            while name in layer.channels and not layer.channels[name].empty():
                messages.append(await layer.receive(name))
            got.append(messages)
        return got

    got = asyncio.run(run())
    assert [m["cursor"] for m in got[1]] == ["1", "2"]
    assert [m["type"] for m in got[0]] == ["rt.cursor", "rt.event", "rt.cursor"]
    assert all(len(messages) == 2 for messages in got[1:])


def test_each_receiver_gets_its_own_copy() -> None:
    async def run() -> tuple[dict, dict]:
        layer = SweepingInMemoryChannelLayer()
        a, b = await layer.new_channel(), await layer.new_channel()
        for name in (a, b):
            await layer.group_add("g", name)
        await layer.group_send("g", {"type": "t", "event": {"tags": ["x"]}})
        first = await layer.receive(a)
        first["event"]["tags"].append("changed by a")
        return first, await layer.receive(b)

    _, second = asyncio.run(run())
    assert second["event"]["tags"] == ["x"]


def test_a_full_channel_gets_the_overflow_message_instead_of_losing_one() -> None:
    async def run() -> tuple[list[dict], list[dict], int]:
        layer = SweepingInMemoryChannelLayer(capacity=3, overflow_message=OVERFLOW)
        slow, fast = await layer.new_channel(), await layer.new_channel()
        for name in (slow, fast):
            await layer.group_add("g", name)
        for n in range(4):  # the fourth does not fit the slow channel
            await layer.group_send("g", {"type": "rt.event", "n": n})
            if n < 3:
                await layer.receive(fast)
        slow_got = [await layer.receive(slow)]
        fast_got = [await layer.receive(fast)]
        return slow_got, fast_got, layer.overflows

    slow_got, fast_got, overflows = asyncio.run(run())
    assert slow_got == [OVERFLOW] and overflows == 1  # what it had pending is replaced: it must resync
    assert fast_got == [{"type": "rt.event", "n": 3}]


def test_the_sweep_drops_queues_nobody_reads() -> None:
    async def run() -> tuple[bool, bool]:
        layer = SweepingInMemoryChannelLayer()
        gone, waiting = await layer.new_channel(), await layer.new_channel()
        await layer.send(gone, {"type": "t"})
        await layer.receive(gone)  # emptied; its socket then closes
        reader = asyncio.ensure_future(layer.receive(waiting))
        await asyncio.sleep(0)
        layer._last_sweep = 0.0
        layer._clean_expired()
        kept = waiting in layer.channels
        await layer.send(waiting, {"type": "t"})
        await reader
        return gone in layer.channels, kept

    gone_kept, waiting_kept = asyncio.run(run())
    assert not gone_kept and waiting_kept
