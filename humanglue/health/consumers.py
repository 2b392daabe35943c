from __future__ import annotations

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class PingConsumer(AsyncJsonWebsocketConsumer):
    """``/ws/ping/``: answers every message with ``{"type": "pong"}``; proves the websocket stack is up."""

    async def receive_json(self, content: dict, **kwargs: object) -> None:
        await self.send_json({"type": "pong", "echo": content})
