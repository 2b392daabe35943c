"""Presence writes and reads for one socket (spec 40, "Presence semantics").

Every function runs inside ``call_as(<the socket's user>, ...)``: the RLS policies of ``student_presence``
decide who may appear where (enrollment, registration or instructorship) and who sees whom.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection

from ..models import StudentPresence

TARGETS = ("course_id", "workshop_id")
JOIN_STATUSES = ("online", "away")


class PresenceRefused(Exception):
    """The database refused the write (not enrolled, not registered, not the instructor)."""


def _target_sql(column: str) -> str:
    if column not in TARGETS:
        raise ValueError(column)
    return column


def join(column: str, target: str, status: str, metadata: dict[str, Any] | None) -> None:
    """Upsert the caller's row: status, last_seen_at now, one more connection (1 if it was offline)."""
    col = _target_sql(column)
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO public.student_presence AS p
                    (user_id, {col}, status, metadata, connection_count, last_seen_at)
                VALUES (app.current_user_id(), %s, %s, coalesce(%s::jsonb, '{{}}'::jsonb), 1, now())
                ON CONFLICT (user_id, {col}) WHERE {col} IS NOT NULL DO UPDATE SET
                    status = EXCLUDED.status,
                    metadata = coalesce(%s::jsonb, p.metadata),
                    last_seen_at = now(),
                    connection_count = CASE WHEN p.status = 'offline' THEN 1 ELSE p.connection_count + 1 END
                """,
                [target, status, _json(metadata), _json(metadata)],
            )
    except DatabaseError as exc:
        raise PresenceRefused(str(exc).splitlines()[0]) from exc


def set_status(column: str, target: str, status: str, metadata: dict[str, Any] | None) -> bool:
    col = _target_sql(column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE public.student_presence SET status = %s, metadata = coalesce(%s::jsonb, metadata), "
            f"last_seen_at = now() WHERE user_id = app.current_user_id() AND {col} = %s AND status <> 'offline'",
            [status, _json(metadata), target],
        )
        return cursor.rowcount > 0


def leave(column: str, target: str) -> None:
    """One connection fewer; at zero the row goes offline (always allowed by the update policy)."""
    col = _target_sql(column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE public.student_presence SET
                connection_count = greatest(connection_count - 1, 0),
                status = CASE WHEN connection_count <= 1 THEN 'offline' ELSE status END,
                last_seen_at = CASE WHEN connection_count <= 1 THEN now() ELSE last_seen_at END
            WHERE user_id = app.current_user_id() AND {col} = %s
            """,
            [target],
        )


def leave_all(joined: list[tuple[str, str]]) -> None:
    for column, target in joined:
        leave(column, target)


def heartbeat(joined: list[tuple[str, str]]) -> None:
    """Refresh last_seen_at of the rows this socket joined (silent: the trigger ignores it)."""
    with connection.cursor() as cursor:
        for column, target in joined:
            col = _target_sql(column)
            cursor.execute(
                f"UPDATE public.student_presence SET last_seen_at = now() "
                f"WHERE user_id = app.current_user_id() AND {col} = %s AND status <> 'offline'",
                [target],
            )


def snapshot(column: str, target: str) -> list[dict[str, Any]]:
    """Rows of the target the caller may SELECT: a student their own, an instructor everyone's."""
    col = _target_sql(column)
    rows = StudentPresence.objects.filter(**{col: target}).order_by("user_id")
    return [{"user_id": str(r.user_id), "status": r.status, "last_seen_at": r.last_seen_at.isoformat(),
             "metadata": r.metadata} for r in rows]


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value)
