from __future__ import annotations

from typing import Any

from django.contrib.auth.models import update_last_login

from humanglue.security.context import system_context


def update_last_login_as_system(sender: Any, user: Any, **kwargs: Any) -> None:
    """Django's last_login update, as the owner: at login time the request's caller is still anonymous."""
    with system_context():
        update_last_login(sender, user, **kwargs)
