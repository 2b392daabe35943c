"""Health facts shared by ``GET /healthz`` and ``manage.py health``."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from humanglue.security.context import APP_ROLE

MAIN_TABLES = ("organizations", "users", "courses", "enrollments", "workshops", "workshop_registrations",
               "assessments", "talent_profiles", "payments", "notifications")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"


def database_health(alias: str = DEFAULT_DB_ALIAS, *, row_counts: bool = False) -> dict[str, Any]:
    """Reachability, server version, unapplied migrations, the app role and (optionally) row counts.

    Never raises: an unreachable database is a fact to report."""
    result: dict[str, Any] = {"reachable": False, "server_version": None, "unapplied_migrations": None,
                              "app_role": None}
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version'), "
                           "EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s)", [APP_ROLE])
            result["server_version"], result["app_role"] = cursor.fetchone()
        result["reachable"] = True
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        result["unapplied_migrations"] = [f"{m.app_label}.{m.name}" for m, _backwards in plan]
        if row_counts:
            result["row_counts"] = _row_counts(connection)
    except Exception as exc:  # reported, not raised: health must answer even when the database is down
        result["error"] = _first_line(exc)
    return result


def _row_counts(connection: Any) -> dict[str, int | None]:
    counts: dict[str, int | None] = {}
    with connection.cursor() as cursor:
        for table in MAIN_TABLES:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"public.{table}"])
            if not cursor.fetchone()[0]:
                counts[table] = None
                continue
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # names from the constant above
            counts[table] = cursor.fetchone()[0]
    return counts


def listener_health() -> dict[str, Any]:
    """The realtime listener (DESIGN.md §4) is not part of this build yet."""
    return {"status": "not_configured"}


def health_report(*, row_counts: bool = False) -> dict[str, Any]:
    db = database_health(row_counts=row_counts)
    healthy = bool(db["reachable"] and db["unapplied_migrations"] == [] and db["app_role"])
    return {"status": "ok" if healthy else "error", "database": db, "listener": listener_health()}
