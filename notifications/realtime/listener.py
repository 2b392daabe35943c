"""The NOTIFY listener (spec 40, "Listener and groups", "Resume", "Operations").

One psycopg 3 async connection per process, as the owner, directly to PostgreSQL (LISTEN does not survive
a transaction-mode pooler), in autocommit mode so it never holds a transaction open (a listener stuck in
a transaction would let the NOTIFY queue fill, and every notifying commit would then fail).

Roles: with the in-memory channel layer every process publishes to its own sockets. With ``channels_redis``
(``elect=True``) every process LISTENs but only the holder of a session-level advisory lock publishes;
the others retry the lock, so one takes over when the leader's session ends. The lock holder also ticks
the resume cursor and runs the maintenance functions.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.conf import settings

from .groups import ALL, CHANNEL, groups_for

log = logging.getLogger(__name__)

LEADER_LOCK_KEY = settings.HUMANGLUE_LISTENER_LOCK_KEY
APPLICATION_NAME = settings.HUMANGLUE_LISTENER_APPLICATION_NAME
CONNINFO_KEYS = ("dbname", "user", "password", "host", "port", "sslmode", "sslrootcert", "sslcert", "sslkey",
                 "connect_timeout", "passfile", "options")
# NOTIFY orders by commit, so once the listener receives its own tick, every transaction below X has been
# delivered ahead of it. Snapshot and NOTIFY in one statement: the snapshot is taken before the tick is queued.
TICK_SQL = ("SELECT pg_notify(%s, json_build_object('v', 1, 'tick', "
            "pg_snapshot_xmin(pg_current_snapshot())::text)::text)")


def owner_conninfo() -> dict[str, Any]:
    """psycopg connection keywords of the owner's database settings (settings.DATABASE_OWNER)."""
    from django.db.utils import load_backend

    owner = dict(settings.DATABASE_OWNER)
    owner.setdefault("OPTIONS", {})
    owner["OPTIONS"] = {k: v for k, v in owner["OPTIONS"].items() if k != "pool"}
    for key, default in (("TIME_ZONE", None), ("CONN_MAX_AGE", 0), ("CONN_HEALTH_CHECKS", False),
                         ("AUTOCOMMIT", True), ("ATOMIC_REQUESTS", False), ("TEST", {}), ("HOST", ""),
                         ("PORT", ""), ("USER", ""), ("PASSWORD", "")):
        owner.setdefault(key, default)
    # The backend computes host/port (the embedded server's socket directory too).
    wrapper = load_backend(owner["ENGINE"]).DatabaseWrapper(owner, alias="realtime_listener")
    params = wrapper.get_connection_params()
    conninfo = {k: v for k, v in params.items() if k in CONNINFO_KEYS and v not in (None, "")}
    conninfo["application_name"] = APPLICATION_NAME
    return conninfo


@dataclass
class ListenerState:
    """What health reports: connection, role, the last tick received."""

    connected: bool = False
    leader: bool = False
    publishing: bool = False
    elect: bool = False
    last_tick_at: float | None = None  # time.time() of the last tick received
    last_tick: str | None = None
    connects: int = 0
    events: int = 0
    last_error: str | None = None
    started_at: float = field(default_factory=time.time)

    def as_dict(self) -> dict[str, Any]:
        age = None if self.last_tick_at is None else round(time.time() - self.last_tick_at, 3)
        return {"running": True, "pid": os.getpid(), "connected": self.connected,
                "role": "leader" if self.leader else ("publisher" if self.publishing else "follower"),
                "leader": self.leader, "publishing": self.publishing, "elected": self.elect,
                "last_tick_age_seconds": age,
                "last_tick": self.last_tick, "connects": self.connects, "events": self.events,
                "last_error": self.last_error}


class Listener:
    def __init__(self, channel_layer: Any, *, elect: bool) -> None:
        self.layer = channel_layer
        self.elect = elect
        self.state = ListenerState(elect=elect)
        self._stop = asyncio.Event()
        self._traffic = False
        self._last_tick_sent = 0.0
        self._last_lock_try = 0.0
        self._last_sweep = 0.0
        self._last_purge = 0.0
        self._tasks: set[asyncio.Task] = set()  # cursor fan-outs in progress

    async def run(self) -> None:
        """Listen forever, reconnecting with capped exponential backoff and jitter."""
        backoff = 0.2
        while not self._stop.is_set():
            try:
                await self._session()
                backoff = 0.2
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any failure: drop the connection, wait, connect again
                self.state.last_error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}"
                log.warning("realtime listener lost its connection: %s", self.state.last_error)
            finally:
                self.state.connected = self.state.leader = self.state.publishing = False
            if self._stop.is_set():
                break
            try:
                await asyncio.wait_for(self._stop.wait(), backoff * (1 + random.random() / 2))
            except TimeoutError:
                pass
            backoff = min(backoff * 2, 10.0)

    def stop(self) -> None:
        self._stop.set()

    async def _session(self) -> None:
        conn = await psycopg.AsyncConnection.connect(autocommit=True, **owner_conninfo())
        async with conn:
            await conn.execute(f"LISTEN {CHANNEL}")
            self.state.connected = True
            self.state.connects += 1
            self.state.last_error = None
            if not self.elect:
                # In-memory layer: this process publishes to its own sockets; the lock only picks who
                # runs maintenance.
                await self._set_publishing(True)
            await self._try_lead(conn)
            while not self._stop.is_set():
                async for notify in conn.notifies(timeout=0.25):
                    await self._handle(notify.payload)
                await self._periodic(conn)

    async def _set_publishing(self, publishing: bool) -> None:
        became = publishing and not self.state.publishing
        self.state.publishing = publishing
        if became:
            # Sockets may have missed events while nobody published: they replay and tell clients.
            await self.layer.group_send(ALL, {"type": "rt.resync", "reason": "listener_restart"})
            self._traffic = True  # tick soon, so cursors advance past the gap

    async def _try_lead(self, conn: psycopg.AsyncConnection) -> None:
        self._last_lock_try = time.monotonic()
        cur = await conn.execute("SELECT pg_try_advisory_lock(%s)", [LEADER_LOCK_KEY])
        got = (await cur.fetchone())[0]
        if got and not self.state.leader:
            self.state.leader = True
            if self.elect:
                await self._set_publishing(True)

    async def _handle(self, raw: str) -> None:
        try:
            payload = json.loads(raw)
        except ValueError:
            return
        if "tick" in payload:
            self.state.last_tick_at = time.time()
            self.state.last_tick = str(payload["tick"])
            if self.state.publishing:
                # Every socket gets it: on a task of its own, so the events after the tick keep flowing while
                # it fans out. Safe: every event before the tick is already on its sockets' channels, and an
                # event after it that overtakes the cursor only makes the client's cursor a little older.
                self._spawn(self.layer.group_send(ALL, {"type": "rt.cursor", "cursor": str(payload["tick"])}))
            return
        self.state.events += 1
        self._traffic = True
        if not self.state.publishing:
            return
        message = {"type": "rt.event", "event_id": uuid.uuid4().hex, "event": payload}
        for name in groups_for(payload):
            await self.layer.group_send(name, message)

    def _spawn(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _periodic(self, conn: psycopg.AsyncConnection) -> None:
        now = time.monotonic()
        if not self.state.leader and now - self._last_lock_try >= settings.REALTIME_LEADER_RETRY_INTERVAL:
            await self._try_lead(conn)
        if self.state.publishing:
            since = now - self._last_tick_sent
            busy_due = self._traffic and since >= settings.REALTIME_TICK_INTERVAL
            if busy_due or since >= settings.REALTIME_IDLE_TICK_INTERVAL:
                self._traffic = False
                self._last_tick_sent = now
                await conn.execute(TICK_SQL, [CHANNEL])
        if self.state.leader:
            if now - self._last_sweep >= settings.REALTIME_PRESENCE_SWEEP_INTERVAL:
                self._last_sweep = now
                await conn.execute("SELECT public.cleanup_stale_presence()")
            if now - self._last_purge >= settings.REALTIME_NOTIFICATION_PURGE_INTERVAL:
                self._last_purge = now
                await conn.execute("SELECT public.cleanup_old_notifications()")


_listener: Listener | None = None
_task: asyncio.Task | None = None


def current() -> Listener | None:
    """This process's listener, if its ASGI lifespan started one."""
    return _listener


def health_state() -> dict[str, Any] | None:
    """This process's listener for ``/healthz``; None when the process runs none (commands)."""
    return None if _listener is None else _listener.state.as_dict()


def start() -> Listener:
    """Start the listener in the running event loop (idempotent)."""
    global _listener, _task
    if _listener is None:
        from channels.layers import InMemoryChannelLayer, get_channel_layer

        layer = get_channel_layer()
        # One process's own layer: it publishes to its own sockets; a shared layer (Redis): elect one publisher.
        elect = not isinstance(layer, InMemoryChannelLayer)
        _listener = Listener(layer, elect=elect)
        _task = asyncio.get_running_loop().create_task(_listener.run(), name="realtime-listener")
    return _listener


async def stop() -> None:
    global _listener, _task
    if _listener is not None and _task is not None:
        _listener.stop()
        _task.cancel()
        try:
            await _task
        except (asyncio.CancelledError, Exception):
            pass
    _listener, _task = None, None
