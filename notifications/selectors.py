"""Reads of the notifications app beyond one queryset: the caller's inbox and the realtime resume cursor."""

from __future__ import annotations

from uuid import UUID

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Now

from .models import Notification


def encode_cursor(watermark: int) -> str:
    """The opaque resume cursor of spec 40 ("Resume") for a transaction watermark (an xid8)."""
    return str(watermark)


def decode_cursor(cursor: str) -> int:
    """The watermark of a cursor made by ``encode_cursor``; ValueError when it is not one."""
    if not cursor.isdigit():
        raise ValueError("not a realtime cursor")
    return int(cursor)


def realtime_cursor() -> str:
    """``pg_snapshot_xmin(pg_current_snapshot())`` as a cursor: every transaction below it has finished.

    Read it BEFORE a listing's query: the listing's own (later) snapshot then contains every notification
    the cursor claims the client already has (spec 40: "computed BEFORE its query").
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")
        return encode_cursor(int(cursor.fetchone()[0]))


def notification_inbox(*, user_id: UUID) -> QuerySet[Notification]:
    """The user's own unexpired notifications (expired rows are hidden everywhere, spec 40).

    Scoped to the user even though RLS already is: a platform admin's policy shows every inbox, and
    "my notifications" means the caller's.
    """
    return Notification.objects.filter(user_id=user_id).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=Now()))


def unread_count(*, user_id: UUID) -> int:
    """The badge count: unread, unexpired notifications of the user (the partial unread index)."""
    return notification_inbox(user_id=user_id).filter(read_at__isnull=True).count()
