"""The ASGI app in a real uvicorn process: HTTP and websockets from one server."""

from __future__ import annotations

import asyncio
import json

import httpx
import websockets


def test_http_healthz_and_admin_login_page(live_asgi_server: str) -> None:
    health = httpx.get(f"{live_asgi_server}/healthz", timeout=10)
    assert health.status_code == 200 and health.json()["database"]["reachable"] is True
    login = httpx.get(f"{live_asgi_server}/admin/login/", timeout=10)
    assert login.status_code == 200 and "Django administration" in login.text


def test_websocket_ping_pong(live_asgi_server: str) -> None:
    url = live_asgi_server.replace("http://", "ws://") + "/ws/ping/"

    async def talk() -> dict:
        async with websockets.connect(url, origin=live_asgi_server.replace("127.0.0.1", "localhost")) as ws:
            await ws.send(json.dumps({"hello": 1}))
            return json.loads(await asyncio.wait_for(ws.recv(), 10))

    assert asyncio.run(talk()) == {"type": "pong", "echo": {"hello": 1}}


def test_websocket_database_calls_run_under_the_callers_context(live_asgi_server: str) -> None:
    from rest_framework_simplejwt.tokens import AccessToken

    from organizations.models import User

    user = User.objects.create_user("ws@example.com", "pw-Secret-12345", full_name="Socket User")
    token = str(AccessToken.for_user(user))
    base = live_asgi_server.replace("http://", "ws://") + "/ws/context/"
    origin = live_asgi_server.replace("127.0.0.1", "localhost")

    async def ask(url: str) -> dict:
        async with websockets.connect(url, origin=origin) as ws:
            await ws.send(json.dumps({}))
            return json.loads(await asyncio.wait_for(ws.recv(), 10))

    # The server connects as the LOGIN role humanglue_web, never as the owner (issue 9 item 12).
    assert asyncio.run(ask(f"{base}?token={token}")) == {
        "type": "context", "role": "humanglue_app", "user_id": str(user.pk), "login": "humanglue_web"}
    assert asyncio.run(ask(base))["user_id"] == ""
    assert asyncio.run(ask(f"{base}?token=garbage"))["user_id"] == ""
