"""A small real websocket client for the realtime tests (the ``websockets`` package, no mocks)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import websockets
from rest_framework_simplejwt.tokens import AccessToken


def token_for(user: Any) -> str:
    return str(AccessToken.for_user(user))


class Socket:
    """One ``/ws/realtime/`` connection; frames are kept in ``frames`` as they are read."""

    def __init__(self, base: str, user: Any | None, cursor: str | None = None, *, header: bool = False) -> None:
        self.url = base.replace("http://", "ws://") + "/ws/realtime/"
        params = []
        headers = {}
        if user is not None:
            if header:
                headers["Authorization"] = f"Bearer {token_for(user)}"
            else:
                params.append(f"token={token_for(user)}")
        if cursor:
            params.append(f"cursor={cursor}")
        if params:
            self.url += "?" + "&".join(params)
        self.headers = headers
        self.origin = base.replace("127.0.0.1", "localhost")
        self.frames: list[dict[str, Any]] = []
        self.ws: Any = None

    async def __aenter__(self) -> Socket:
        self.ws = await websockets.connect(self.url, origin=self.origin, additional_headers=self.headers)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(frame))

    async def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 15) -> dict[str, Any]:
        """The first frame (already read or new) matching ``predicate``."""
        for frame in self.frames:
            if predicate(frame):
                return frame
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching frame within {timeout}s; got {self.frames}")
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), remaining))
            self.frames.append(frame)
            if predicate(frame):
                return frame

    async def drain(self, seconds: float) -> list[dict[str, Any]]:
        """Every frame that arrives within ``seconds`` (appended to ``frames`` too)."""
        got: list[dict[str, Any]] = []
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                frame = json.loads(await asyncio.wait_for(self.ws.recv(), remaining))
            except TimeoutError:
                break
            self.frames.append(frame)
            got.append(frame)
        return got

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [f for f in self.frames if f.get("type") == kind]

    def notification_ids(self) -> list[str]:
        return [f["notification"]["id"] for f in self.of_type("notification")]

    def latest_cursor(self) -> str:
        """The newest cursor the server gave (ready, replay_complete or cursor frames)."""
        cursors = [f["cursor"] for f in self.frames if f.get("type") in ("ready", "replay_complete", "cursor")]
        return max(cursors, key=int)
