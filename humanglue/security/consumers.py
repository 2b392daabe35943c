from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .context import acall_as, current_app_user_id, current_role


def _database_context() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT session_user")
        login = cursor.fetchone()[0]
    return {"role": current_role(), "user_id": current_app_user_id(), "login": login}


class ContextConsumer(AsyncJsonWebsocketConsumer):
    """``/ws/context/``: reports the security context its database calls run under (operators, tests)."""

    async def receive_json(self, content: dict, **kwargs: object) -> None:
        user = self.scope.get("user")
        user_id = user.pk if user is not None and user.is_authenticated else None
        await self.send_json({"type": "context", **await acall_as(user_id, _database_context)})
