"""Two server processes sharing Redis: one publishing listener elected by an advisory lock, takeover."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from contextlib import ExitStack

import httpx
import pytest
import redis

from notifications.models import Notification
from tests.conftest import uvicorn_server
from tests.factories import UserFactory
from tests.notifications.builders import course
from tests.realtime.conftest import FAST
from tests.realtime.wsclient import Socket, token_for

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("REALTIME_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")


def listener_of(base: str) -> dict:
    return httpx.get(f"{base}/healthz", timeout=10).json()["listener"]["process"]


def wait_until(check, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def test_one_leader_publishes_once_and_the_other_takes_over(transactional_db: None) -> None:
    redis_or_skip()
    from django.db import connection

    instructor, student = UserFactory(), UserFactory()
    course_row = course(instructor)
    db_name = connection.settings_dict["NAME"]
    with ExitStack() as stack:
        a = stack.enter_context(uvicorn_server(db_name, REDIS_URL=REDIS_URL, **FAST))
        b = stack.enter_context(uvicorn_server(db_name, REDIS_URL=REDIS_URL, **FAST))
        wait_until(lambda: sum(bool(listener_of(x)["leader"]) for x in (a, b)) == 1, "one leader")
        states = {x: listener_of(x) for x in (a, b)}
        assert all(s["elected"] and s["connected"] for s in states.values())
        leader, follower = (a, b) if states[a]["leader"] else (b, a)
        assert states[leader]["publishing"] and not states[follower]["publishing"]

        async def run() -> tuple[Socket, str, str]:
            async with Socket(follower, instructor) as sock:
                await sock.wait_for(lambda f: f.get("type") == "ready")
                # Committed through the leader's API, received on the follower's socket: exactly once.
                response = await asyncio.to_thread(
                    httpx.post, f"{leader}/api/v1/courses/{course_row.pk}/enroll/",
                    headers={"Authorization": f"Bearer {token_for(student)}"}, timeout=20)
                assert response.status_code == 201, response.text
                enrollment_id = response.json()["id"]
                await sock.wait_for(lambda f: f.get("type") == "change" and f["id"] == enrollment_id)
                await sock.drain(1.5)
                # Kill the leader outright: its session ends, the lock is free, the follower takes over.
                os.kill(listener_of(leader)["pid"], signal.SIGKILL)
                await sock.wait_for(lambda f: f.get("type") == "resync" and f["reason"] == "listener_restart", 20)
                later = Notification.objects.create(user=instructor, type="announcement", title="after takeover",
                                                    message="m")
                await sock.wait_for(lambda f: f.get("type") == "notification"
                                    and f["notification"]["id"] == str(later.pk), 20)
                await sock.drain(1.0)
                return sock, enrollment_id, str(later.pk)

        sock, enrollment_id, later_id = asyncio.run(run())
        assert [f["id"] for f in sock.of_type("change") if f["table"] == "enrollments"] == [enrollment_id]
        notes = sock.notification_ids()
        assert len(notes) == len(set(notes)) == 2 and later_id in notes
        new_state = listener_of(follower)
        assert new_state["leader"] and new_state["publishing"]


def test_a_quiet_socket_on_redis_stays_open_and_still_receives(transactional_db: None) -> None:
    """A socket's channel-layer receive blocks on Redis for as long as nothing comes: no client read timeout
    (redis-py 8's 5 s default) may end it."""
    redis_or_skip()
    from django.db import connection

    instructor = UserFactory()
    # Ticks only every 60 s (the default idle tick): nothing at all reaches the socket's channel meanwhile.
    quiet_ticks = {**FAST, "REALTIME_IDLE_TICK_INTERVAL": "60"}
    with uvicorn_server(connection.settings_dict["NAME"], REDIS_URL=REDIS_URL, **quiet_ticks) as base:
        wait_until(lambda: listener_of(base)["publishing"], "the only process publishes")

        async def run() -> Socket:
            async with Socket(base, instructor) as sock:
                await sock.wait_for(lambda f: f.get("type") == "ready")
                assert await sock.drain(8.0) == [] and sock.ws.close_code is None
                note = await asyncio.to_thread(Notification.objects.create, user=instructor, type="announcement",
                                               title="after a quiet while", message="m")
                await sock.wait_for(lambda f: f.get("type") == "notification"
                                    and f["notification"]["id"] == str(note.pk), 10)
                return sock

        sock = asyncio.run(run())
        assert len(sock.notification_ids()) == 1
