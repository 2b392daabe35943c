"""Health of the listener: /healthz of the serving process and ``manage.py health``."""

from __future__ import annotations

import json
import time
from io import StringIO

import httpx
import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthz_reports_the_connected_listener_and_the_notify_queue(rt_server: str) -> None:
    deadline = time.monotonic() + 15
    while True:
        listener = httpx.get(f"{rt_server}/healthz", timeout=10).json()["listener"]
        if listener["process"]["last_tick_age_seconds"] is not None or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert listener["status"] == "ok"
    process = listener["process"]
    assert process["connected"] is True and process["publishing"] is True and process["elected"] is False
    assert process["role"] in ("leader", "publisher")
    assert 0 <= process["last_tick_age_seconds"] < 5
    assert listener["sessions"] >= 1 and 0 <= listener["notification_queue_usage"] < 0.5


def test_health_command_sees_the_listener_sessions_through_the_database(rt_server: str) -> None:
    out = StringIO()
    call_command("health", "--json", stdout=out)
    listener = json.loads(out.getvalue())["listener"]
    assert listener["process"] is None  # the command runs no listener of its own
    assert listener["status"] == "ok" and listener["sessions"] >= 1 and listener["leader_elected"] is True
