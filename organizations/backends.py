from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from humanglue.security.context import system_context


class EmailBackend(ModelBackend):
    """Django's model backend; the login lookup by e-mail is an authentication lookup, so it runs in
    the system context (the caller is still anonymous and no policy would show the row)."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> Any:
        with system_context():
            return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id: Any) -> Any:
        # With the password hash: the session check (get_session_auth_hash) needs it.
        from django.contrib.auth import get_user_model

        with system_context():
            try:
                user = get_user_model()._default_manager.with_secrets().get(pk=user_id)
            except (get_user_model().DoesNotExist, ValueError, TypeError):
                return None
            return user if self.user_can_authenticate(user) else None
