"""Websocket authentication with the API's JWT access tokens (``?token=<access>`` or a Bearer header).

The user lookup is an authentication lookup: it runs as the owner, before any security context.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser

from .context import system_context


def _token_from_scope(scope: dict[str, Any]) -> str | None:
    query = parse_qs(scope.get("query_string", b"").decode())
    if query.get("token"):
        return query["token"][0]
    for name, value in scope.get("headers", []):
        if name == b"authorization" and value.startswith(b"Bearer "):
            return value[7:].decode()
    return None


@database_sync_to_async
def _user_for_token(raw: str) -> Any:
    from rest_framework.exceptions import APIException
    from rest_framework_simplejwt.authentication import JWTAuthentication

    auth = JWTAuthentication()
    try:
        with system_context():
            user = auth.get_user(auth.get_validated_token(raw.encode()))
    except APIException:
        return AnonymousUser()
    return user if user.is_active else AnonymousUser()


class JwtAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        raw = _token_from_scope(scope)
        if raw:
            scope["user"] = await _user_for_token(raw)
        return await super().__call__(scope, receive, send)
