from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .db import system_context


class EmailBackend(ModelBackend):
    """Django's model backend; the login lookup by e-mail is an authentication lookup, so it runs in
    the system context (the caller is still anonymous and no policy would show the row)."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> Any:
        with system_context():
            return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id: Any) -> Any:
        with system_context():
            return super().get_user(user_id)
