"""Re-reading rows for one socket (spec 40, "Per-recipient check"). Every function here runs inside
``call_as(<the socket's user>, ...)``: RLS decides, and a row the client cannot SELECT comes back as None.
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


def read_row(table: str, pk: str, user_id: str) -> dict[str, Any] | None:
    """The row as the REST API shows it, or None when the caller cannot SELECT it (or it is gone)."""
    if table == "notifications":
        # Only the caller's own, unexpired notifications (a platform admin's policy would show any).
        row = notification_inbox(user_id=user_id).filter(pk=pk).first()
        return None if row is None else dict(NotificationSerializer(row).data)
    model, serializer = serializer_for(table)
    row = model._default_manager.filter(pk=pk).first()
    return None if row is None else dict(serializer(row).data)


def read_event_row(table: str, pk: str, user_id: str) -> tuple[dict[str, Any] | None, int | None]:
    """``read_row`` plus, for notifications, the caller's unread count (one transaction)."""
    row = read_row(table, pk, user_id)
    count = unread_count(user_id=user_id) if table == "notifications" else None
    return row, count


def unread(user_id: str) -> int:
    return unread_count(user_id=user_id)


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
