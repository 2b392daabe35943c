"""Writes of the notifications app. The app role may UPDATE only ``read_at`` (column grant, spec 40), so every
write here touches that column alone; deletes and updates run under the caller's rights."""

from __future__ import annotations

from uuid import UUID

from django.db.models.functions import Now
from django.utils import timezone

from .models import Notification
from .selectors import notification_inbox


def notification_set_read(*, notification: Notification, is_read: bool) -> Notification:
    """Mark one notification read (keeping the first read time) or unread."""
    if is_read and notification.read_at is None:
        notification.read_at = timezone.now()
    elif not is_read:
        notification.read_at = None
    else:
        return notification  # already read: nothing to write
    notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user_id: UUID) -> int:
    """One UPDATE of the user's unread, unexpired notifications; the number changed."""
    return notification_inbox(user_id=user_id).filter(read_at__isnull=True).update(read_at=Now())


def notification_delete(*, notification: Notification) -> None:
    notification.delete()
