"""Helpers for the REST API tests: clients acting as a user and assertions on the one error shape."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken


def client_for(user: Any | None) -> APIClient:
    """An API client with a bearer access token for ``user`` (None: anonymous)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def assert_error(response: Any, status: int, code: str | None = None, attr: str | None = None) -> dict[str, Any]:
    """``response`` is an error of the API's one shape with ``status`` (and the first error's code/attr)."""
    assert response.status_code == status, (response.status_code, getattr(response, "content", b"")[:500])
    body = response.json()
    assert body["type"] in {"validation_error", "client_error", "server_error"}, body
    assert body["errors"] and {"code", "detail", "attr"} <= body["errors"][0].keys(), body
    if code is not None:
        assert code in {e["code"] for e in body["errors"]}, body
    if attr is not None:
        assert attr in {e["attr"] for e in body["errors"]}, body
    return body
