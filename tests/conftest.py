"""Shared fixtures. Every test talks to a real PostgreSQL: the embedded server by default, or the
server in DATABASE_URL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def uvicorn_server(db_name: str, **env_extra: str) -> Iterator[str]:
    """A real uvicorn process serving humanglue.asgi on a free loopback port, on ``db_name``; its base URL."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "humanglue.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=PROJECT_DIR, env={**server_env(db_name), **env_extra},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                httpx.get(f"{base}/healthz", timeout=5)
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


@pytest.fixture
def live_asgi_server(transactional_db: None) -> Iterator[str]:
    """A real uvicorn process serving humanglue.asgi on a free loopback port, on the test database."""
    from django.db import connection

    with uvicorn_server(connection.settings_dict["NAME"]) as base:
        yield base


@pytest.fixture(scope="module")
def seeded_live_server(django_db_setup: None, django_db_blocker) -> Iterator[str]:  # noqa: ANN001
    """The demo data (``seed``) served by a real uvicorn process for a whole test module; emptied after.

    The module's tests must carry ``pytest.mark.django_db`` (so pytest-django creates the test database);
    they should only read, or write through the server, since the rows stay for the module's other tests.
    """
    from django.core.management import call_command
    from django.db import connection

    with django_db_blocker.unblock():
        call_command("seed", verbosity=0)
        try:
            # Throttles would answer most of a module's logins and generated requests with 429.
            with uvicorn_server(connection.settings_dict["NAME"], THROTTLE_LOGIN_ADDRESS="100000/min",
                                THROTTLE_LOGIN_ACCOUNT="100000/min", THROTTLE_ANONYMOUS_FORM="100000/min",
                                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend") as base:
                yield base
        finally:
            call_command("flush", interactive=False, verbosity=0)  # later tests expect an empty database


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings) -> None:  # noqa: ANN001 - pytest-django's settings fixture
    """Tests create many users; the production hasher's iterations would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
