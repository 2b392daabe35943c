"""PostgreSQL backend that starts the embedded server on the first connection.

Settings point here only when DATABASE_URL is unset. Starting lazily (not at settings import) keeps
commands that never touch the database, such as ``dbserver stop``, from starting a server.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.backends.postgresql import base

from humanglue.embedded import server

_lock = threading.Lock()
_ensured_databases: set[str] = set()
# The server found (or started) by this process. Looking it up costs a test connection, so it is done once,
# not on every connect; a connect that fails forgets it and looks again (the server was stopped or killed).
_known: server.ServerInfo | None = None


def server_info() -> server.ServerInfo:
    global _known
    if _known is None:
        _known = server.ensure_server(Path(settings.EMBEDDED_POSTGRES_DATA_DIR))
    return _known


def _forget_server() -> bool:
    """Drop the remembered server; True when there was one (a retry may find or start it again)."""
    global _known
    with _lock:
        known, _known = _known, None
        _ensured_databases.clear()
    return known is not None


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        with _lock:
            info = server_info()
            main_db = settings.EMBEDDED_POSTGRES_DATABASE
            # Only the project's own database is created here; test databases are Django's business.
            if params.get("dbname") == main_db and main_db not in _ensured_databases:
                server.ensure_database(info, main_db)
                _ensured_databases.add(main_db)
        params["host"] = str(info.socket_dir)
        params["port"] = info.port
        return params

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        try:
            return super().get_new_connection(conn_params)
        except base.Database.OperationalError:
            if self.pool is not None or not _forget_server():
                raise
            return super().get_new_connection(self.get_connection_params())
