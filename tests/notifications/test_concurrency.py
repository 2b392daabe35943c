"""create_notification() racing a deletion of its recipient (spec 40: "p_user_id ... no users row with that
id: inserts nothing, returns NULL (no error), so trigger callers never abort the business write they ride
on"). Real parallel connections: the deleting transaction holds its lock while the notifying one waits."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection

from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def connect(transactional_db: None) -> Iterator[Any]:
    connection.ensure_connection()
    params = connection.get_connection_params()
    kwargs = {k: params[k] for k in ("dbname", "user", "password", "host", "port") if params.get(k)}
    opened: list[psycopg.Connection] = []

    def open_one() -> psycopg.Connection:
        conn = psycopg.connect(**kwargs)
        opened.append(conn)
        return conn

    yield open_one
    for conn in opened:
        conn.close()


def notify_in_thread(conn: psycopg.Connection, recipient: Any) -> tuple[threading.Thread, dict[str, Any]]:
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            with conn.transaction():
                result["id"] = conn.execute(
                    "SELECT public.create_notification(%s, 'announcement', 'Hi', 'm')", [recipient]).fetchone()[0]
        except Exception as exc:  # noqa: BLE001 - reported to the test thread
            result["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def wait_until_blocked(conn: psycopg.Connection, pid: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        row = conn.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
        if row and row[0] == "Lock":
            return
        time.sleep(0.02)
    raise AssertionError("the notifying transaction never waited for the deleting one")


@pytest.mark.parametrize(("outcome", "expect_row"), [("commit", False), ("rollback", True)])
def test_create_notification_waits_for_a_concurrent_recipient_deletion(
        connect: Any, outcome: str, expect_row: bool) -> None:
    recipient = UserFactory(full_name="Leaving Soon")
    deleter, notifier, observer = connect(), connect(), connect()
    observer.autocommit = True
    deleter.execute("DELETE FROM users WHERE id = %s", [recipient.pk])  # transaction open, row locked

    thread, result = notify_in_thread(notifier, recipient.pk)
    wait_until_blocked(observer, notifier.info.backend_pid)
    getattr(deleter, outcome)()
    thread.join(10)
    assert not thread.is_alive()

    assert "error" not in result, result.get("error")  # never a 23503 for the caller's business write
    assert (result["id"] is not None) is expect_row
    assert Notification.objects.filter(user_id=recipient.pk).count() == int(expect_row)
