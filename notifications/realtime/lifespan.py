"""The ASGI lifespan protocol: starts the listener with the server and stops it with it."""

from __future__ import annotations

import asyncio
from typing import Any

from django.conf import settings

from . import listener
from .reader import close_readers


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
                await asyncio.get_running_loop().run_in_executor(None, close_readers)
                await send({"type": "lifespan.shutdown.complete"})
                return
