"""Shared fixtures. Every test talks to a real PostgreSQL: the embedded server by default, or the
server in DATABASE_URL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(db_name: str) -> dict[str, str]:
    """Environment for a child process that must use the same (test) database as this process."""
    env = dict(os.environ)
    url = env.get("DATABASE_URL")
    if url:
        parts = urlsplit(url)
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{db_name}"))
    else:
        env["HUMANGLUE_DB_NAME"] = db_name
    return env


@pytest.fixture
def live_asgi_server(transactional_db: None) -> Iterator[str]:
    """A real uvicorn process serving humanglue.asgi on a free loopback port, on the test database."""
    from django.db import connection

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "humanglue.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=PROJECT_DIR, env=server_env(connection.settings_dict["NAME"]),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                httpx.get(f"{base}/healthz", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("uvicorn did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings) -> None:  # noqa: ANN001 - pytest-django's settings fixture
    """Tests create many users; the production hasher's iterations would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
