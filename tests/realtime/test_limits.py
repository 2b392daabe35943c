"""Heartbeat, the idle close and the bounded per-socket queue, on a server with small limits."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import re
import socket
import time
from collections.abc import Iterator

import pytest

from notifications.models import Notification, StudentPresence
from tests.conftest import uvicorn_server
from tests.factories import UserFactory
from tests.notifications.builders import course, enroll
from tests.realtime.conftest import FAST
from tests.realtime.wsclient import Socket, token_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def tight_server(django_db_setup: None, django_db_blocker) -> Iterator[str]:  # noqa: ANN001
    from django.db import connection

    with django_db_blocker.unblock():
        with uvicorn_server(connection.settings_dict["NAME"], REALTIME_IDLE_TIMEOUT="5",
                            REALTIME_SOCKET_QUEUE="5", **FAST) as base:
            yield base


def test_a_silent_socket_is_closed_with_4408_and_leaves_its_presence(tight_server: str) -> None:
    instructor, student = UserFactory(), UserFactory()
    course_row = course(instructor)
    enroll(student, course_row)

    async def run() -> tuple[int, list]:
        async with Socket(tight_server, student) as silent, Socket(tight_server, instructor) as pinging:
            await silent.send({"type": "presence.join", "course_id": str(course_row.pk)})
            await silent.wait_for(lambda f: f.get("type") == "change")
            for _ in range(14):  # 7 s of pings every 0.5 s: well past the 5 s idle limit
                await pinging.send({"type": "ping"})
                await asyncio.sleep(0.5)
            await silent.ws.wait_closed()
            pongs = [f for f in await pinging.drain(0.5) + pinging.frames if f.get("type") == "pong"]
            assert pinging.ws.close_code is None  # still open
            return silent.ws.close_code, pongs

    code, pongs = asyncio.run(run())
    assert code == 4408 and pongs
    row = StudentPresence.objects.get(user=student, course=course_row)
    deadline = 50
    while row.status != "offline" and deadline:
        asyncio.run(asyncio.sleep(0.1))
        row.refresh_from_db()
        deadline -= 1
    assert (row.status, row.connection_count) == ("offline", 0)


def _masked_text_frame(text: str) -> bytes:
    """A client's text frame (clients must mask), enough for the short pings below."""
    payload = text.encode()
    mask = os.urandom(4)
    return bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def test_a_client_that_stops_reading_gets_resync_and_is_closed_then_resumes_everything(tight_server: str) -> None:
    """A raw client that completes the handshake and then never reads: the server's sends block, its
    per-socket queue (5 here) fills, and it queues resync + close 1013 instead of buffering without end."""
    user = UserFactory()
    host, port = tight_server.removeprefix("http://").split(":")
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect((host, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    raw.sendall((f"GET /ws/realtime/?token={token_for(user)} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                 f"Origin: http://localhost:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    raw.settimeout(10)
    received = b""
    while b'"type":"ready"' not in received:
        received += raw.recv(65536)
    cursor = re.search(rb'"type":"ready","cursor":"(\d+)"', received).group(1).decode()
    rows = Notification.objects.bulk_create(
        Notification(user=user, type="announcement", title=f"burst {i}", message="x" * 19000,
                     data={"blob": "y" * 60000}) for i in range(150))  # ~12 MB: more than the kernel buffers
    for _ in range(16):  # 8 s without reading; pings keep the socket from the idle close
        raw.sendall(_masked_text_frame('{"type":"ping"}'))
        time.sleep(0.5)
    raw.settimeout(5)
    with contextlib.suppress(OSError):  # now read everything the server queued, until it closes
        while chunk := raw.recv(1 << 20):
            received += chunk
    raw.close()
    assert b'{"type":"resync","reason":"slow_client"}' in received
    assert b"\x88\x02\x03\xf5" in received  # the close frame, code 1013
    assert received.count(b'"type":"notification"') < len(rows)  # it was cut off...

    async def resume() -> Socket:
        async with Socket(tight_server, user, cursor=cursor) as again:
            await again.wait_for(lambda f: f.get("type") == "replay_complete", 60)
        return again

    again = asyncio.run(resume())
    assert sorted(again.notification_ids()) == sorted(str(r.pk) for r in rows)  # ...and resuming gives all


def test_a_long_lived_socket_renews_its_groups_before_the_layer_expires_them(transactional_db: None) -> None:
    """Channel layers drop a group membership after ``group_expiry`` (a day by default) without a word: a
    socket open longer must renew its memberships, or it would stop hearing its groups (scaled down here)."""
    from django.db import connection

    user = UserFactory()
    with uvicorn_server(connection.settings_dict["NAME"], CHANNEL_GROUP_EXPIRY="2",
                        REALTIME_GROUP_REFRESH_INTERVAL="0.5", **FAST) as base:

        async def run() -> str:
            async with Socket(base, user) as sock:
                await sock.wait_for(lambda f: f.get("type") == "ready")
                await sock.drain(5.0)  # longer than the expiry; ticks meanwhile make the layer sweep
                note = await asyncio.to_thread(Notification.objects.create, user=user, type="announcement",
                                               title="still listening", message="m")
                await sock.wait_for(lambda f: f.get("type") == "notification"
                                    and f["notification"]["id"] == str(note.pk), 10)
                return str(note.pk)

        assert asyncio.run(run())
