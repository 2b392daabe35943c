"""The in-memory channel layer for one process, without its per-call sweep.

Channels' ``InMemoryChannelLayer`` walks every channel and group membership on each ``send``, ``group_send``
and ``receive`` to drop expired messages (2 ms per call with 1,000 sockets: most of a busy process's time).
Here the sweep runs at most once a second. Messages still expire after ``expiry`` seconds; the realtime
consumer drains its channel at once into its own bounded queue and resyncs a socket that falls behind, so
nothing should ever wait that long.
"""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer


class SweepingInMemoryChannelLayer(InMemoryChannelLayer):
    sweep_interval = 1.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - getattr(self, "_last_sweep", 0.0) >= self.sweep_interval:
            self._last_sweep = now
            super()._clean_expired()
