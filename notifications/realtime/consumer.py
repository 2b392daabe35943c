"""``/ws/realtime/``: spec 40's websocket protocol.

Group messages from the listener are only queued by the dispatch loop (``rt_*`` handlers); one worker task
per socket takes them in order, re-reads each row under the socket's security context and sends it, so
messages leave in commit order and a slow client never slows the listener. A client whose queue fills is
told ``resync`` and disconnected.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from rest_framework.utils.encoders import JSONEncoder

from humanglue.security.context import acall_as

from ..selectors import decode_cursor
from . import presence, rows
from .groups import ALL, DELETE_AUDIENCE, group, parse_subscription
from .reader import reader

log = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_IDLE = 4408
CLOSE_TRY_AGAIN = 1013  # the client fell behind (after a resync frame)
SEEN_EVENTS = 4096  # event ids remembered for de-duplication (one event can arrive via several groups)
SENT_NOTIFICATIONS = 4096  # notification ids remembered so a replay never repeats a live one


class _Bounded(OrderedDict):
    """A set that forgets its oldest members beyond ``limit``."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def add(self, key: str) -> bool:
        """True when ``key`` is new."""
        if key in self:
            return False
        self[key] = None
        if len(self) > self.limit:
            self.popitem(last=False)
        return True


class RealtimeConsumer(AsyncJsonWebsocketConsumer):
    user_id: str | None = None

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        # Rows come from the REST serializers: UUIDs, datetimes and decimals as the API renders them.
        return json.dumps(content, cls=JSONEncoder, separators=(",", ":"))

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        # Not JSON: answered with bad_request by receive_json instead of ending the socket.
        try:
            return json.loads(text_data)
        except ValueError:
            return None

    # --- connection -----------------------------------------------------------------------------------
    async def connect(self) -> None:
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user_id = str(user.pk)
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=settings.REALTIME_SOCKET_QUEUE)  # group messages
        self.out: asyncio.Queue = asyncio.Queue(maxsize=settings.REALTIME_SOCKET_QUEUE)  # frames to send
        self.closing = False
        self.sender = asyncio.create_task(self._send_loop())
        self.seen_events = _Bounded(SEEN_EVENTS)
        self.sent_notifications = _Bounded(SENT_NOTIFICATIONS)
        self.joined_groups: set[str] = set()
        self.subscriptions: set[str] = set()
        self.presence: dict[tuple[str, str], None] = {}  # (column, target) this socket joined
        self.cursor: int | None = None
        self.last_frame = time.monotonic()
        self.last_heartbeat = 0.0
        # Groups first: nothing committed from now on can be missed; then the snapshot of the replay.
        for name in (group("user", self.user_id), group("instructor", self.user_id), ALL):
            await self._join(name)
        query = parse_qs(self.scope.get("query_string", b"").decode())
        raw_cursor = (query.get("cursor") or [None])[0]
        watermark = None
        if raw_cursor:
            try:
                watermark = decode_cursor(raw_cursor)
            except ValueError:
                await self._error("bad_request", "cursor is not a realtime cursor")
        # The worker sends ready and the replay first; live messages queue behind them.
        self.working = False  # the worker is between messages
        self.queue.put_nowait(("ready", watermark))
        self.worker = asyncio.create_task(self._work())
        self.idle_watch = asyncio.create_task(self._watch_idle())

    async def disconnect(self, code: int) -> None:
        if self.user_id is None:
            return
        self.closing = True
        for name in ("worker", "idle_watch", "sender"):
            task = getattr(self, name, None)
            if task is not None:
                task.cancel()
        for name in list(self.joined_groups):
            await self.channel_layer.group_discard(name, self.channel_name)
        if self.presence:
            joined = list(self.presence)
            self.presence.clear()
            with contextlib.suppress(Exception):  # the socket is gone either way; stale sweep covers it
                await acall_as(self.user_id, presence.leave_all, joined)

    async def _join(self, name: str) -> None:
        await self.channel_layer.group_add(name, self.channel_name)
        self.joined_groups.add(name)

    async def _watch_idle(self) -> None:
        timeout = settings.REALTIME_IDLE_TIMEOUT
        refreshed = time.monotonic()
        while True:
            await asyncio.sleep(min(timeout / 3, 10, settings.REALTIME_GROUP_REFRESH_INTERVAL))
            now = time.monotonic()
            if now - self.last_frame > timeout:
                self._push_close(CLOSE_IDLE)
                return
            if now - refreshed >= settings.REALTIME_GROUP_REFRESH_INTERVAL:
                # Channel layers end a group membership after group_expiry (a day by default), silently: a
                # socket open that long would stop hearing its groups. Joining again renews them.
                refreshed = now
                for name in list(self.joined_groups):
                    await self.channel_layer.group_add(name, self.channel_name)

    # --- client frames -------------------------------------------------------------------------------------
    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if self.user_id is None:
            return
        self.last_frame = time.monotonic()
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self._error("bad_request", "every frame is a JSON object with a type")
            return
        handler = {
            "ping": self._on_ping, "resume": self._on_resume, "subscribe": self._on_subscribe,
            "unsubscribe": self._on_unsubscribe, "presence.join": self._on_presence_join,
            "presence.status": self._on_presence_status, "presence.leave": self._on_presence_leave,
            "presence.snapshot": self._on_presence_snapshot,
        }.get(content["type"])
        if handler is None:
            await self._error("bad_request", f"unknown frame type {content['type']!r}")
            return
        await handler(content)

    async def _on_ping(self, content: dict[str, Any]) -> None:
        now = time.monotonic()
        if self.presence and now - self.last_heartbeat >= settings.REALTIME_HEARTBEAT_INTERVAL:
            self.last_heartbeat = now
            await acall_as(self.user_id, presence.heartbeat, list(self.presence))
        self._push({"type": "pong"})

    async def _on_resume(self, content: dict[str, Any]) -> None:
        try:
            watermark = decode_cursor(str(content.get("cursor", "")))
        except ValueError:
            await self._error("bad_request", "cursor is not a realtime cursor")
            return
        self._enqueue(("replay", watermark))

    async def _on_subscribe(self, content: dict[str, Any]) -> None:
        try:
            kind, ident = parse_subscription(content.get("group"))
        except ValueError as exc:
            await self._error("bad_request", str(exc))
            return
        if not await acall_as(self.user_id, rows.may_subscribe, kind, ident, self.user_id):
            await self._error("forbidden", f"not allowed to subscribe to {kind}.{ident}")
            return
        name = group(kind, ident)
        await self._join(name)
        self.subscriptions.add(name)
        self._push({"type": "subscribed", "group": name})

    async def _on_unsubscribe(self, content: dict[str, Any]) -> None:
        try:
            kind, ident = parse_subscription(content.get("group"))
        except ValueError as exc:
            await self._error("bad_request", str(exc))
            return
        name = group(kind, ident)
        if name in self.subscriptions:
            self.subscriptions.discard(name)
            self.joined_groups.discard(name)
            await self.channel_layer.group_discard(name, self.channel_name)
        self._push({"type": "unsubscribed", "group": name})

    def _target(self, content: dict[str, Any]) -> tuple[str, str] | None:
        present = [c for c in presence.TARGETS if content.get(c)]
        if len(present) != 1:
            return None
        try:
            return present[0], rows.as_uuid(content[present[0]])
        except ValueError:
            return None

    async def _presence_args(self, content: dict[str, Any]) -> tuple[tuple[str, str], str, Any] | None:
        target = self._target(content)
        status = content.get("status", "online")
        metadata = content.get("metadata")
        valid_metadata = metadata is None or isinstance(metadata, dict)
        if target is None or status not in presence.JOIN_STATUSES or not valid_metadata:
            await self._error("bad_request", "one of course_id or workshop_id (a uuid), status online or away, "
                                             "metadata an object")
            return None
        return target, status, metadata

    async def _on_presence_join(self, content: dict[str, Any]) -> None:
        args = await self._presence_args(content)
        if args is None:
            return
        (column, target), status, metadata = args
        if (column, target) in self.presence:
            await acall_as(self.user_id, presence.set_status, column, target, status, metadata)
            return
        try:
            await acall_as(self.user_id, presence.join, column, target, status, metadata)
        except presence.PresenceRefused:
            await self._error("forbidden", "not enrolled in, registered for or teaching this target")
            return
        self.presence[(column, target)] = None
        self.last_heartbeat = time.monotonic()

    async def _on_presence_status(self, content: dict[str, Any]) -> None:
        args = await self._presence_args(content)
        if args is None:
            return
        (column, target), status, metadata = args
        if (column, target) not in self.presence:
            await self._error("not_found", "join this target first")
            return
        await acall_as(self.user_id, presence.set_status, column, target, status, metadata)

    async def _on_presence_leave(self, content: dict[str, Any]) -> None:
        target = self._target(content)
        if target is None:
            await self._error("bad_request", "one of course_id or workshop_id (a uuid)")
            return
        if target not in self.presence:
            await self._error("not_found", "this socket has not joined that target")
            return
        del self.presence[target]
        await acall_as(self.user_id, presence.leave, *target)

    async def _on_presence_snapshot(self, content: dict[str, Any]) -> None:
        target = self._target(content)
        if target is None:
            await self._error("bad_request", "one of course_id or workshop_id (a uuid)")
            return
        members = await acall_as(self.user_id, presence.snapshot, *target)
        self._push({"type": "presence.snapshot", target[0]: target[1], "members": members})

    async def _error(self, code: str, message: str) -> None:
        self._push({"type": "error", "code": code, "message": message})

    # --- group messages (queued; the worker sends) ----------------------------------------------------------
    async def dispatch(self, message: dict[str, Any]) -> None:
        """Group messages (``rt.*``) go straight to their handler: Channels would first close old database
        connections on the process's one database thread, so under load every socket's channel backed up
        behind the deliveries' reads until the channel layer expired the messages (silently, and the socket
        with them). The ``rt_*`` handlers only queue; the worker does the reads."""
        if message["type"].startswith("rt."):
            await getattr(self, get_handler_name(message))(message)
            return
        await super().dispatch(message)

    async def rt_event(self, message: dict[str, Any]) -> None:
        if self.user_id is not None and self.seen_events.add(message["event_id"]):
            self._enqueue(("event", message["event"]))

    async def rt_cursor(self, message: dict[str, Any]) -> None:
        if self.user_id is None:
            return
        if self.queue.empty() and not self.working:
            # Nothing before it still to send: forwarded at once, without waking the worker (a tick reaches
            # every socket of the process at the same moment).
            self._advance(message["cursor"])
        else:
            self._enqueue(("cursor", message["cursor"]))

    async def rt_resync(self, message: dict[str, Any]) -> None:
        if self.user_id is not None:
            self._enqueue(("resync", message.get("reason", "listener_restart")))

    def _enqueue(self, item: tuple[str, Any]) -> None:
        if self.closing:
            return
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self._overflow()

    # --- outgoing frames: one sender task, so nothing else ever waits on a slow client's connection ---------
    def _push(self, frame: dict[str, Any]) -> None:
        if self.closing:
            return
        try:
            self.out.put_nowait(frame)
        except asyncio.QueueFull:
            self._overflow()

    async def _put(self, frame: dict[str, Any]) -> None:
        """For a replay (bounded by REALTIME_REPLAY_LIMIT): waits for room instead of overflowing; only the
        worker calls it, so live messages pile up in ``queue`` meanwhile and overflow there if need be."""
        if not self.closing:
            await self.out.put(frame)

    def _push_close(self, code: int) -> None:
        if not self.closing:
            self.closing = True
            with contextlib.suppress(asyncio.QueueFull):
                self.out.put_nowait({"__close__": code})

    def _overflow(self) -> None:
        """Falling behind: drop what is queued, tell the client to refetch, close; it resumes by cursor."""
        if self.closing:
            return
        self.closing = True
        while not self.out.empty():
            self.out.get_nowait()
        if getattr(self, "worker", None) is not None:
            self.worker.cancel()
        self.out.put_nowait({"type": "resync", "reason": "slow_client"})
        self.out.put_nowait({"__close__": CLOSE_TRY_AGAIN})

    async def _send_loop(self) -> None:
        while True:
            frame = await self.out.get()
            if "__close__" in frame:
                await self.close(code=frame["__close__"])
                return
            await self.send_json(frame)

    # --- the worker -------------------------------------------------------------------------------------
    async def _work(self) -> None:
        while True:
            kind, value = await self.queue.get()
            self.working = True
            try:
                if kind == "event":
                    await self._deliver(value)
                elif kind == "cursor":
                    self._advance(value)
                elif kind == "resync":
                    self._push({"type": "resync", "reason": value})
                    # Notifications committed while nobody published are replayed from this socket's cursor.
                    await self._replay(self.cursor, ready=False, resumed=False)
                elif kind == "replay":
                    await self._replay(value, ready=False, resumed=True)
                elif kind == "ready":
                    await self._replay(value, ready=True, resumed=value is not None)
            except asyncio.CancelledError:
                raise
            except Exception:  # one bad event must not end the socket's stream
                log.exception("realtime delivery failed")
            finally:
                self.working = False

    def _advance(self, raw: str) -> None:
        try:
            value = decode_cursor(raw)
        except ValueError:
            return
        if self.cursor is None or value > self.cursor:
            self.cursor = value
            self._push({"type": "cursor", "cursor": raw})

    async def _replay(self, watermark: int | None, *, ready: bool, resumed: bool) -> None:
        limit = settings.REALTIME_REPLAY_LIMIT
        found, cursor, truncated, unread = await acall_as(self.user_id, rows.replay, self.user_id, watermark, limit)
        if ready:
            await self._put({"type": "ready", "cursor": str(watermark) if resumed else cursor,
                             "unread_count": unread, "heartbeat_interval": settings.REALTIME_HEARTBEAT_INTERVAL})
        sent = 0
        for row in found:
            if self.sent_notifications.add(row["id"]):
                await self._put({"type": "notification", "notification": _public(row), "replay": True})
                sent += 1
        new_cursor = decode_cursor(cursor)
        if self.cursor is None or new_cursor > self.cursor:
            self.cursor = new_cursor
        if resumed:
            await self._put({"type": "replay_complete", "count": sent, "cursor": str(self.cursor)})
        elif not ready:
            await self._put({"type": "cursor", "cursor": str(self.cursor)})
        if truncated:
            await self._put({"type": "resync", "reason": "replay_window_exceeded"})
        if sent and not ready:
            await self._put({"type": "unread_count", "count": unread})

    async def _deliver(self, event: dict[str, Any]) -> None:
        table, op, pk = event.get("table"), event.get("op"), str(event.get("id"))
        if table not in DELETE_AUDIENCE:
            return
        if op == "DELETE":
            if not await self._may_hear_delete(table, event):
                return
            self._push({"type": "change", "table": table, "op": op, "id": pk, "row": None})
            if table == "notifications":
                self._push({"type": "unread_count", "count": await acall_as(self.user_id, rows.unread,
                                                                                    self.user_id)})
            return
        row, unread = await reader().read(self.user_id, table, pk)
        if row is None:
            return  # the client cannot SELECT it (or it is gone, or expired): nothing for this socket
        if table == "notifications" and op == "INSERT":
            if self.sent_notifications.add(pk):
                self._push({"type": "notification", "notification": _public(row), "replay": False})
        else:
            self._push({"type": "change", "table": table, "op": op, "id": pk, "row": row})
        if unread is not None:
            self._push({"type": "unread_count", "count": unread})

    async def _may_hear_delete(self, table: str, event: dict[str, Any]) -> bool:
        audience = DELETE_AUDIENCE[table]
        if "user" in audience and event.get("user_id") == self.user_id:
            return True
        if "instructor" in audience and event.get("instructor_id") == self.user_id:
            return True
        org = event.get("organization_id")
        if "org" in audience and org and group("org", org) in self.subscriptions:
            return bool(await acall_as(self.user_id, rows.may_hear_org_delete, org))
        return False


NOTIFICATION_FIELDS = ("id", "type", "title", "message", "data", "read_at", "created_at", "expires_at")


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """The notification frame's fields (spec 40)."""
    return {key: row.get(key) for key in NOTIFICATION_FIELDS}
