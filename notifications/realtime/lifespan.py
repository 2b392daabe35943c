"""The ASGI lifespan protocol: starts the listener with the server and stops it with it."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from . import listener


class RealtimeLifespan:
    """``ProtocolTypeRouter``'s ``"lifespan"`` application (uvicorn sends startup/shutdown)."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if settings.REALTIME_LISTENER:
                    listener.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await listener.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return
