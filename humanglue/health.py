"""Health facts shared by ``GET /healthz`` and ``manage.py health``."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def database_health(alias: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Reachability, server version and unapplied migrations of one database. Never raises."""
    result: dict[str, Any] = {"reachable": False, "server_version": None, "unapplied_migrations": None}
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version')")
            result["server_version"] = cursor.fetchone()[0]
        result["reachable"] = True
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        result["unapplied_migrations"] = [f"{m.app_label}.{m.name}" for m, _backwards in plan]
    except Exception as exc:  # reported, not raised: health must answer even when the database is down
        result["error"] = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
    return result


def health_report() -> dict[str, Any]:
    db = database_health()
    healthy = db["reachable"] and db["unapplied_migrations"] == []
    return {"status": "ok" if healthy else "error", "database": db}
