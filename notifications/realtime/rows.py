"""Re-reading rows for one socket (spec 40, "Per-recipient check"). Every function here runs with the
socket's user as the caller under the app role (``call_as``, or the batch reader's per-user ``set_config``):
RLS decides, and a row the client cannot SELECT comes back as None (or is absent).
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import Any
from uuid import UUID

from django.apps import apps
from django.db import connection
from rest_framework import serializers

from ..api.serializers import NotificationSerializer
from ..selectors import encode_cursor, notification_inbox, unread_count

# table -> (model label, the REST serializer the API uses for that row). student_presence has no REST
# endpoint: its rows are sent with the plain serializer of its columns.
TABLES: dict[str, tuple[str, str | None]] = {
    "notifications": ("notifications.Notification", "notifications.api.serializers.NotificationSerializer"),
    "enrollments": ("instructors.Enrollment", "instructors.api.serializers.EnrollmentSerializer"),
    "workshop_registrations": ("workshops.WorkshopRegistration", "workshops.api.serializers.RegistrationSerializer"),
    "student_activity": ("instructors.StudentActivity", "instructors.api.portal_serializers.ActivitySerializer"),
    "course_reviews": ("instructors.CourseReview", "instructors.api.grading_serializers.ReviewSerializer"),
    "student_presence": ("notifications.StudentPresence", None),
    "payments": ("payments.Payment", "payments.api.payment_serializers.PaymentSerializer"),
}
# Columns never sent (internal, like notifications.txid).
HIDDEN = {"txid"}


@cache
def serializer_for(table: str) -> tuple[Any, type[serializers.BaseSerializer]]:
    label, path = TABLES[table]
    model = apps.get_model(label)
    if path is not None:
        module, _, name = path.rpartition(".")
        found = getattr(import_module(module), name)  # a renamed serializer fails loudly (a test imports each)
        if found.Meta.model is not model:
            raise LookupError(f"{path} does not serialize {label}")
        return model, found
    columns = [f.name for f in model._meta.concrete_fields if f.name not in HIDDEN]
    meta = type("Meta", (), {"model": model, "fields": columns, "read_only_fields": columns})
    return model, type(f"{model.__name__}RealtimeSerializer", (serializers.ModelSerializer,), {"Meta": meta})


@cache
def _representer(table: str) -> serializers.BaseSerializer:
    """One serializer instance per table, its fields built once: ``to_representation`` of each row read
    (building a serializer's fields costs ten times representing a row). No request context, as before."""
    _, serializer = serializer_for(table)
    instance = serializer()
    instance.fields  # noqa: B018 - built here, once, before threads share the instance
    return instance


INBOX_UNEXPIRED = "expires_at IS NULL OR expires_at > now()"
UNREAD_SQL = (f"SELECT count(*) FROM public.notifications WHERE user_id = %s AND read_at IS NULL "
              f"AND ({INBOX_UNEXPIRED})")


@cache
def _select(table: str) -> tuple[str, list[str], list[tuple[int, list[Any], Any]]]:
    """The batch read of a table's rows by primary key, in plain SQL: (statement, attnames, converters).

    RLS decides what the caller sees; notifications are narrowed further to the caller's unexpired inbox,
    as ``notification_inbox`` does (a test keeps the two equal). Plain SQL because building the query
    through the ORM costs several times running it, hundreds of times a second. Columns come in the
    model's field order, converted as the ORM converts them (JSON, arrays of enums) before ``from_db``."""
    model, _ = serializer_for(table)
    fields = model._meta.concrete_fields
    pk = model._meta.pk
    columns = ", ".join(f'"{f.column}"' for f in fields)
    sql = (f'SELECT {columns} FROM public."{model._meta.db_table}" '
           f'WHERE "{pk.column}" = ANY(%s::{pk.db_type(connection)}[])')
    if table == "notifications":
        sql += f" AND user_id = %s AND ({INBOX_UNEXPIRED})"
    converters = []
    for index, f in enumerate(fields):
        col = f.get_col(model._meta.db_table)
        found = [*connection.ops.get_db_converters(col), *f.get_db_converters(connection)]
        if found:
            converters.append((index, found, col))
    return sql, [f.attname for f in fields], converters


def rows_statement(table: str, pks: list[str], user_id: str) -> tuple[str, list[Any]]:
    """The statement reading ``pks`` of ``table`` for ``user_id`` (already the caller) and its parameters."""
    return _select(table)[0], ([pks, user_id] if table == "notifications" else [pks])


def represent(table: str, fetched: list[tuple]) -> dict[str, dict[str, Any]]:
    """Rows fetched by ``rows_statement`` as the REST API shows them: {pk: row}."""
    model, _ = serializer_for(table)
    _, attnames, converters = _select(table)
    representer = _representer(table)
    found = {}
    for values in fetched:
        values = list(values)
        for index, functions, col in converters:
            for function in functions:
                values[index] = function(values[index], col, connection)
        row = model.from_db(connection.alias, attnames, values)
        found[str(row.pk)] = dict(representer.to_representation(row))
    return found


def read_rows(table: str, pks: list[str], user_id: str) -> dict[str, dict[str, Any]]:
    """Rows of one table as the REST API shows them: {pk: row} of those the caller can SELECT (the batch
    reader sends the same statement inside its one message)."""
    with connection.cursor() as cursor:
        cursor.execute(*rows_statement(table, pks, user_id))
        return represent(table, cursor.fetchall())


def unread(user_id: str) -> int:
    """``unread_count`` in plain SQL (the same rows; a test keeps the two equal)."""
    with connection.cursor() as cursor:
        cursor.execute(UNREAD_SQL, [user_id])
        return cursor.fetchone()[0]


def read_event_row(table: str, pk: str, user_id: str) -> tuple[dict[str, Any] | None, int | None]:
    """One event's row (None when the caller cannot SELECT it) and, for notifications, the caller's unread
    count: the batch reader's read for a single request (its fallback, inside ``call_as``)."""
    row = read_rows(table, [pk], user_id).get(str(pk))
    return row, (unread(user_id) if table == "notifications" else None)


def may_hear_org_delete(org_id: str) -> bool:
    """DELETE events via ``org.<id>``: only org admins (at delivery time) and platform admins."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT app.is_org_admin(%s::uuid) OR app.is_platform_admin()", [org_id])
        return bool(cursor.fetchone()[0])


def may_subscribe(kind: str, ident: str, user_id: str) -> bool:
    """Spec 40: course — instructor, enrolled or platform admin; workshop — instructor, registered or
    platform admin; org — member or platform admin."""
    checks = {
        "course": "app.is_instructor_of_course(%s::uuid) OR app.is_enrolled_in_course(%s::uuid) "
                  "OR EXISTS (SELECT 1 FROM public.enrollments e WHERE e.course_id = %s::uuid "
                  "AND e.user_id = app.current_user_id())",
        "workshop": "app.is_workshop_instructor(%s::uuid) OR app.is_workshop_registrant(%s::uuid)",
        "org": "app.is_org_member(%s::uuid)",
    }
    sql = checks[kind]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({sql}) OR app.is_platform_admin()", [ident] * sql.count("%s"))
        return bool(cursor.fetchone()[0])


def replay(user_id: str, watermark: int | None, limit: int) -> tuple[list[dict[str, Any]], str, bool, int]:
    """The user's unexpired notifications with ``txid >= watermark`` and the new watermark, in one snapshot.

    ``watermark`` None (a client without a cursor, spec 40: its baseline is REST's) reads no rows, only the
    watermark. Returns (rows in commit order, new cursor, truncated, unread count).
    """
    if watermark is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")
            return [], encode_cursor(int(cursor.fetchone()[0])), False, unread_count(user_id=user_id)
    # One statement = one snapshot (READ COMMITTED): the rows and pg_snapshot_xmin agree.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH w AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
            SELECT w.xmin::text, n.id
            FROM w LEFT JOIN LATERAL (
                SELECT n.id, n.txid, n.created_at FROM public.notifications n
                WHERE n.user_id = %s AND n.txid >= %s::text::xid8
                  AND (n.expires_at IS NULL OR n.expires_at > now())
                ORDER BY n.txid, n.created_at, n.id LIMIT %s
            ) n ON true
            ORDER BY n.txid, n.created_at, n.id
            """,
            [user_id, str(watermark), limit + 1],
        )
        result = cursor.fetchall()
    new_cursor = encode_cursor(int(result[0][0]))
    ids = [row[1] for row in result if row[1] is not None]
    truncated = len(ids) > limit
    ids = ids[:limit]
    found = notification_inbox(user_id=user_id).in_bulk(ids)
    rows = [dict(NotificationSerializer(found[i]).data) for i in ids if i in found]
    return rows, new_cursor, truncated, unread_count(user_id=user_id)


def as_uuid(value: Any) -> str:
    return str(UUID(str(value)))
