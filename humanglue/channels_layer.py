"""The in-memory channel layer for one process, made cheap enough to fan out to 1,000 sockets.

Channels' ``InMemoryChannelLayer`` is written for tests: ``group_send`` starts one task per member and waits
for them all, ``send`` builds a new ``asyncio.Queue`` on every call (``setdefault``), and every ``send``,
``group_send`` and ``receive`` walks every channel and group membership to drop expired messages. With
1,000 sockets one ``group_send`` to all of them (the realtime cursor tick) held the event loop for about
300 ms. Here a group send puts the message straight on each member's queue, a channel's queue is built once
and kept while it is used, and the sweep runs at most once a second (dropping the queues of channels nobody
reads any more). Messages still expire after ``expiry`` seconds.

A group message that does not fit a member's full channel is not dropped silently, as Channels does: the
channel's pending messages are replaced by ``overflow_message`` (when configured), so its consumer learns
that it missed something (the realtime consumer answers ``rt.resync`` with a resync and a replay).
"""

from __future__ import annotations

import asyncio
import logging
import time
from copy import deepcopy
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer

log = logging.getLogger(__name__)


def _copy(value: Any) -> Any:
    """A copy of a message: its dicts and lists copied, anything else as is (``deepcopy`` for the rest).
    Channel messages are msgpack-able data (Channels' rule for every layer), so this is a full copy at a
    fraction of ``deepcopy``'s cost, which is most of a fan-out to 1,000 sockets."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    if isinstance(value, (str, int, float, bool, bytes, type(None))):
        return value
    return deepcopy(value)


class SweepingInMemoryChannelLayer(InMemoryChannelLayer):
    sweep_interval = 1.0
    group_send_slice = 50  # members per slice of a group send ...
    group_send_pause = 0.002  # ... and the pause between slices (seconds)

    def __init__(self, *args: Any, overflow_message: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.overflow_message = overflow_message
        self.overflows = 0  # group messages that found a full channel

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - getattr(self, "_last_sweep", 0.0) >= self.sweep_interval:
            self._last_sweep = now
            super()._clean_expired()
            # Channels drops a channel's queue after each receive that empties it (a new queue per message);
            # here queues stay while used and the sweep drops the empty ones nobody waits on (closed sockets).
            for channel, queue in list(self.channels.items()):
                if queue.empty() and not queue._getters:
                    del self.channels[channel]

    def _queue(self, channel: str) -> asyncio.Queue:
        queue = self.channels.get(channel)
        if queue is None:
            queue = self.channels[channel] = asyncio.Queue(maxsize=self.get_capacity(channel))
        return queue

    def _put(self, channel: str, message: dict[str, Any]) -> None:
        # A copy per receiver, as Channels does: a consumer may change the message it was given.
        self._queue(channel).put_nowait((time.time() + self.expiry, _copy(message)))

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_channel_name(channel)
        assert "__asgi_channel__" not in message
        try:
            self._put(channel, message)
        except asyncio.QueueFull:
            raise ChannelFull(channel) from None

    async def receive(self, channel: str) -> dict[str, Any]:
        self.require_valid_channel_name(channel)
        self._clean_expired()
        _, message = await self._queue(channel).get()
        return message

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        for number, channel in enumerate(list(self.groups.get(group, ())), start=1):
            try:
                self._put(channel, message)
            except asyncio.QueueFull:
                self._overflow(channel)
            if number % self.group_send_slice == 0:
                # Every put wakes a consumer: a short pause between slices lets the loop run other sockets'
                # deliveries in between, instead of queueing them behind a thousand wake-ups at once.
                await asyncio.sleep(self.group_send_pause)

    def _overflow(self, channel: str) -> None:
        self.overflows += 1
        if self.overflow_message is None:
            log.warning("channel %s is full: a group message was dropped", channel)
            return
        log.warning("channel %s is full: its pending messages are replaced by %s", channel,
                    self.overflow_message.get("type"))
        queue = self._queue(channel)
        while not queue.empty():
            queue.get_nowait()
        self._put(channel, self.overflow_message)
