"""A live uvicorn serving the realtime bridge for a whole module, with fast cursor ticks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import uvicorn_server

FAST = {"REALTIME_TICK_INTERVAL": "0.3", "REALTIME_IDLE_TICK_INTERVAL": "1", "REALTIME_LEADER_RETRY_INTERVAL": "0.5",
        "REALTIME_PRESENCE_SWEEP_INTERVAL": "1"}


@pytest.fixture(scope="module")
def rt_server(django_db_setup: None, django_db_blocker) -> Iterator[str]:  # noqa: ANN001
    from django.db import connection

    with django_db_blocker.unblock():
        with uvicorn_server(connection.settings_dict["NAME"], **FAST) as base:
            yield base


@pytest.fixture(autouse=True)
def _orm_in_async_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests drive real sockets from asyncio and write with the ORM in between (blocking is fine here)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _end_leftover_sessions(django_db_setup: None, django_db_blocker) -> Iterator[None]:  # noqa: ANN001
    """ORM calls made inside ``asyncio.run`` open connections in the event loop's context that nothing closes;
    end them before pytest-django drops the test database (else: "being accessed by other users")."""
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
