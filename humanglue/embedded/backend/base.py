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


def server_info() -> server.ServerInfo:
    return server.ensure_server(Path(settings.EMBEDDED_POSTGRES_DATA_DIR))


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
