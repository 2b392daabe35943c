"""The ASGI lifespan protocol: starts the listener with the server and stops it with it."""

from __future__ import annotations

import asyncio
import gc
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
                # Everything loaded so far (Django, the apps, the URLconf) lives as long as the process: moved
                # out of the collector's reach, so a full collection under load walks only what came later
                # (a full collection is a pause for every socket: bench/realtime.py's slowest deliveries).
                gc.collect()
                gc.freeze()
                if settings.REALTIME_LISTENER:
                    listener.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await listener.stop()
                await asyncio.get_running_loop().run_in_executor(None, close_readers)
                await send({"type": "lifespan.shutdown.complete"})
                return
