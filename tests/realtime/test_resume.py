"""Resume by cursor: nothing lost across disconnects and listener restarts (spec 40, "Resume")."""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from django.db import connection

from notifications.models import Notification
from notifications.realtime.listener import APPLICATION_NAME
from notifications.selectors import realtime_cursor
from tests.factories import UserFactory
from tests.realtime.wsclient import Socket

pytestmark = pytest.mark.django_db(transaction=True)


def note(user, title: str) -> Notification:
    return Notification.objects.create(user=user, type="announcement", title=title, message="A message")


def is_type(kind: str):
    return lambda frame: frame.get("type") == kind


def owner_connection() -> psycopg.Connection:
    params = connection.get_connection_params()
    keys = ("dbname", "user", "password", "host", "port")
    return psycopg.connect(**{k: params[k] for k in keys if params.get(k)})


def test_disconnect_three_notifications_reconnect_exactly_those_three_once(rt_server: str) -> None:
    user = UserFactory()
    baseline = realtime_cursor()  # as the REST listing's X-Realtime-Cursor header would give it
    before = str(note(user, "before").pk)

    async def run() -> tuple[list[str], Socket, Socket]:
        async with Socket(rt_server, user, cursor=baseline) as first:
            await first.wait_for(is_type("replay_complete"))
            await first.wait_for(is_type("cursor"), timeout=10)  # a tick after connecting
            cursor = first.latest_cursor()
        missed = [str(note(user, f"missed {i}").pk) for i in range(3)]
        async with Socket(rt_server, user, cursor=cursor) as second:
            await second.wait_for(is_type("replay_complete"))
            await second.drain(1.0)
        return missed, first, second

    missed, first, second = asyncio.run(run())
    assert first.notification_ids() == [before]
    assert second.frames[0]["type"] == "ready"
    replayed = second.notification_ids()
    assert all(f["replay"] for f in second.of_type("notification"))
    assert len(replayed) == len(set(replayed))  # nothing twice
    # Exactly the three missed ones, in commit order; a cursor held back by some other session's open
    # transaction (the cluster-wide xmin) may repeat what the client already had, which it drops by id.
    assert [i for i in replayed if i not in first.notification_ids()] == missed


def test_resume_frame_instead_of_query_parameter(rt_server: str) -> None:
    user = UserFactory()

    async def run() -> tuple[str, Socket]:
        async with Socket(rt_server, user) as first:
            cursor = (await first.wait_for(is_type("ready")))["cursor"]
        missed = str(note(user, "missed").pk)
        async with Socket(rt_server, user) as second:
            await second.wait_for(is_type("ready"))
            await second.send({"type": "resume", "cursor": cursor})
            await second.wait_for(is_type("replay_complete"))
        return missed, second

    missed, second = asyncio.run(run())
    assert missed in second.notification_ids()
    assert len(second.notification_ids()) == len(set(second.notification_ids()))


def test_a_long_transaction_committing_late_is_still_delivered_on_resume(rt_server: str) -> None:
    user = UserFactory()

    async def run() -> tuple[str, str, Socket]:
        with owner_connection() as long_tx:
            long_tx.execute("INSERT INTO notifications (user_id, type, title, message) "
                            "VALUES (%s, 'announcement', 'slow', 'm') RETURNING id", [user.pk])
            slow_id = str(long_tx.execute("SELECT id FROM notifications WHERE title = 'slow'").fetchone()[0])
            async with Socket(rt_server, user) as first:
                await first.wait_for(is_type("ready"))
                fast = note(user, "fast")  # a later transaction, committed first
                await first.wait_for(lambda f: f.get("type") == "notification"
                                     and f["notification"]["id"] == str(fast.pk))
                # Ticks keep coming; none may move the cursor past the open transaction.
                await first.drain(1.5)
                cursor = first.latest_cursor()
            long_tx.commit()
        async with Socket(rt_server, user, cursor=cursor) as second:
            await second.wait_for(is_type("replay_complete"))
        return slow_id, str(fast.pk), second

    slow_id, _fast_id, second = asyncio.run(run())
    assert slow_id in second.notification_ids()


def test_listener_killed_by_the_database_reconnects_resyncs_and_loses_nothing(rt_server: str) -> None:
    user = UserFactory()

    def kill_listener() -> int:
        with owner_connection() as conn:
            return conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = %s AND datname = current_database()", [APPLICATION_NAME]).fetchone()[0]

    async def run() -> tuple[list[str], Socket, Socket]:
        async with Socket(rt_server, user) as sock:
            await sock.wait_for(is_type("ready"))
            assert kill_listener() == 1
            during = [str(note(user, f"during {i}").pk) for i in range(2)]
            await sock.wait_for(lambda f: f.get("type") == "resync" and f["reason"] == "listener_restart")
            after = str(note(user, "after").pk)
            await sock.wait_for(lambda f: f.get("type") == "notification" and f["notification"]["id"] == after)
            await sock.drain(1.0)
            cursor = sock.latest_cursor()
        async with Socket(rt_server, user, cursor=cursor) as again:
            await again.wait_for(is_type("replay_complete"))
        return [*during, after], sock, again

    expected, sock, again = asyncio.run(run())
    # Live plus the server's own replay after the restart: every notification, each once on the socket.
    assert sorted(sock.notification_ids()) == sorted(expected)
    # Resuming with the last cursor gives nothing new that was missed (at most repeats, de-duplicated by id).
    assert set(again.notification_ids()) <= set(expected)
