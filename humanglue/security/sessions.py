"""Django's database sessions, read and written only in the system context.

The app role has no privilege on ``django_session`` (a request that could read it could read every
login session); the session middleware and ``login()`` reach it through ``humanglue_system``.
Configured by ``SESSION_ENGINE = "humanglue.security.sessions"``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from .context import system_context


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict[str, Any]:
        with system_context():
            return super().load()

    def exists(self, session_key: str) -> bool:
        with system_context():
            return super().exists(session_key)

    def create(self) -> None:
        with system_context():
            super().create()

    def save(self, must_create: bool = False) -> None:
        with system_context():
            super().save(must_create)

    def delete(self, session_key: str | None = None) -> None:
        with system_context():
            super().delete(session_key)

    @classmethod
    def clear_expired(cls) -> None:
        with system_context():
            super().clear_expired()
