"""The embedded PostgreSQL: cold start, recovery after kill -9, stale lock owned by another process."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from humanglue.embedded import server


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "pg"
    yield folder
    server.stop_server(folder)


def server_version(info: server.ServerInfo) -> int:
    with psycopg.connect(**info.conninfo()) as conn:
        return int(conn.execute("SHOW server_version_num").fetchone()[0])


def wait_gone(pid: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def test_starts_from_nothing_and_is_reused(data_dir: Path) -> None:
    assert not data_dir.exists()
    info = server.ensure_server(data_dir)
    assert (data_dir / "PG_VERSION").read_text().strip() == "18"
    assert server_version(info) >= 180000
    again = server.ensure_server(data_dir)
    assert again.pid == info.pid  # reused, not restarted

    server.ensure_database(info, "humanglue")
    with psycopg.connect(**info.conninfo("humanglue")) as conn:
        assert conn.execute("SELECT current_database()").fetchone()[0] == "humanglue"


def test_recovers_after_kill_9_of_the_postmaster(data_dir: Path) -> None:
    info = server.ensure_server(data_dir)
    os.kill(info.pid, signal.SIGKILL)
    wait_gone(info.pid)
    assert server.running_server(data_dir) is None

    restarted = server.ensure_server(data_dir)
    assert restarted.pid != info.pid
    assert server_version(restarted) >= 180000


def test_recovers_from_a_stale_lock_whose_pid_is_another_process(data_dir: Path) -> None:
    info = server.ensure_server(data_dir)
    assert server.stop_server(data_dir)
    # A postmaster.pid left behind whose pid now belongs to an unrelated live process (pid reuse).
    other = subprocess.Popen(["sleep", "60"])
    try:
        lines = [str(other.pid), str(data_dir), "0", str(info.port), str(info.socket_dir), "", "0 0", "ready"]
        (data_dir / "postmaster.pid").write_text("\n".join(lines) + "\n")
        assert server.running_server(data_dir) is None

        restarted = server.ensure_server(data_dir)
        assert restarted.pid != other.pid
        assert server_version(restarted) >= 180000
    finally:
        other.kill()
        other.wait()


def test_stop_reports_whether_it_was_running(data_dir: Path) -> None:
    server.ensure_server(data_dir)
    assert server.stop_server(data_dir) is True
    assert server.running_server(data_dir) is None
    assert server.stop_server(data_dir) is False


def test_the_backend_looks_the_server_up_once_not_on_every_connect(
        django_db_blocker, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """Finding the running server costs a test connection: done on the first connect of the process (and
    after a failed connect), not on each of the many connects of a served process."""
    from django.conf import settings
    from django.db import connection

    from humanglue.embedded.backend import base

    if not settings.USING_EMBEDDED_POSTGRES:
        pytest.skip("DATABASE_URL is set: the embedded backend is not in use")
    probes: list[server.ServerInfo] = []
    real_probe = server._can_connect
    monkeypatch.setattr(server, "_can_connect", lambda info: probes.append(info) or real_probe(info))
    base._forget_server()
    with django_db_blocker.unblock():
        for _ in range(5):
            # A wrapper of its own (not the test's connection), under the default alias Django's hooks expect.
            wrapper = base.DatabaseWrapper(dict(connection.settings_dict), alias="default")
            wrapper.ensure_connection()
            with wrapper.cursor() as cursor:
                cursor.execute("SELECT 1")
                assert cursor.fetchone() == (1,)
            wrapper.close()
    assert len(probes) == 1
