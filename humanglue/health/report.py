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


# QUEUE_WARN: above this share of the NOTIFY queue, warn (a full queue fails every notifying commit).
QUEUE_WARN = 0.5


def listener_health(alias: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """The realtime listener (spec 40, "Operations"): this process's own listener when it runs one (the ASGI
    server), and what the database knows: listener sessions, whether a leader holds the lock, and
    ``pg_notification_queue_usage()``. Never raises."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    process = import_string(settings.HUMANGLUE_LISTENER_STATE)()
    result: dict[str, Any] = {"status": "not_running", "process": process, "sessions": None, "leader_elected": None,
                              "notification_queue_usage": None}
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
                "        AND datname = current_database()), "
                "       EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "               AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                "               AND classid = (%s >> 32)::oid AND objid = (%s & 4294967295)::oid AND objsubid = 1), "
                "       pg_notification_queue_usage()",
                [settings.HUMANGLUE_LISTENER_APPLICATION_NAME, settings.HUMANGLUE_LISTENER_LOCK_KEY,
                 settings.HUMANGLUE_LISTENER_LOCK_KEY])
            sessions, leader, usage = cursor.fetchone()
        result.update(sessions=sessions, leader_elected=leader, notification_queue_usage=float(usage))
    except Exception as exc:  # reported, not raised
        result["error"] = _first_line(exc)
    result["status"] = _listener_status(process, result)
    return result


def _listener_status(process: dict[str, Any] | None, result: dict[str, Any]) -> str:
    if process is not None and not process["connected"]:
        return "error"
    if process is None and not result["sessions"]:
        return "not_running"
    usage = result["notification_queue_usage"]
    if usage is not None and usage > QUEUE_WARN:
        return "warn"
    if process is not None:
        from django.conf import settings

        age = process["last_tick_age_seconds"]
        stale_after = 3 * settings.REALTIME_IDLE_TICK_INTERVAL
        if age is not None and age > stale_after:
            return "warn"  # ticks stopped arriving: nobody publishes, or the connection is stuck
    return "ok"


def health_report(*, row_counts: bool = False) -> dict[str, Any]:
    db = database_health(row_counts=row_counts)
    listener = listener_health()
    # A server whose own listener is down cannot deliver realtime: unhealthy. Warnings stay healthy.
    healthy = bool(db["reachable"] and db["unapplied_migrations"] == [] and db["app_role"]
                   and listener["status"] != "error")
    return {"status": "ok" if healthy else "error", "database": db, "listener": listener}
