"""Reads of the workshops app: the public catalog and a user's workshop history through their database
functions (``get_available_workshops``, ``get_user_workshop_history``), the current price, and the caller's
rights as the database's helpers answer them.

The two functions page and order the rows themselves; the sequences below give Django's paginator what it
needs (``count()`` and ``[a:b]``, one query each).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib.postgres.functions import TransactionNow
from django.db import connection
from django.db.models import Q

from organizations.enums import PaymentStatus, RegistrationStatus, WorkshopStatus

from .models import Workshop, WorkshopRegistration

CATALOG_COLUMNS = (
    "id", "title", "description", "pillar", "level", "format", "schedule_date", "schedule_time",
    "capacity_remaining", "price_amount", "price_early_bird", "instructor_name", "is_featured", "slug",
    "start_time", "end_time", "timezone", "duration_minutes", "currency", "current_price", "waitlist_enabled",
    "waitlist_count", "thumbnail_url", "average_satisfaction", "instructor_avatar_url",
)
HISTORY_COLUMNS = (
    "workshop_id", "workshop_title", "status", "registered_at", "completed_at", "rating", "certificate_id",
    "registration_id", "workshop_status", "start_time", "end_time", "price_paid", "payment_status",
    "waitlist_position",
)
# get_available_workshops clamps p_limit to this.
CATALOG_MAX_PAGE = 100


def _fetch(query: str, params: list[Any], columns: tuple[str, ...]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _ask(query: str, params: list[Any]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return bool(cursor.fetchone()[0])


@dataclass(frozen=True)
class CatalogRows:
    """The open workshops as ``get_available_workshops`` lists them (featured first, then by start time).

    The function returns no total: ``count()`` counts the same rows under the caller's RLS (every
    published workshop is public, so the caller sees exactly the function's set).
    """

    pillar: str | None = None
    level: str | None = None

    def count(self) -> int:
        rows = Workshop.objects.filter(status=WorkshopStatus.PUBLISHED, end_time__gt=TransactionNow()).filter(
            Q(capacity_remaining__gt=0) | Q(waitlist_enabled=True))
        if self.pillar:
            rows = rows.filter(pillar=self.pillar)
        if self.level:
            rows = rows.filter(level=self.level)
        return rows.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        offset = window.start or 0
        limit = (window.stop - offset) if window.stop is not None else CATALOG_MAX_PAGE
        return _fetch(
            f"SELECT {', '.join(CATALOG_COLUMNS)} FROM public.get_available_workshops(%s, %s, %s, %s)",
            [self.pillar, self.level, min(limit, CATALOG_MAX_PAGE), offset], CATALOG_COLUMNS)


@dataclass(frozen=True)
class HistoryRows:
    """One user's registrations as ``get_user_workshop_history`` returns them (newest first), optionally of
    one status. The function checks the caller's right (self, an org admin of the user's organization, a
    platform admin; otherwise 42501 ``history_forbidden``)."""

    user_id: UUID
    status: str | None = None

    def _where(self) -> tuple[str, list[Any]]:
        if self.status:
            return "WHERE h.status = %s", [self.status]
        return "", []

    def count(self) -> int:
        where, params = self._where()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM public.get_user_workshop_history(%s) h {where}",
                           [self.user_id, *params])
            return cursor.fetchone()[0]

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        offset = window.start or 0
        limit = (window.stop - offset) if window.stop is not None else None
        where, params = self._where()
        return _fetch(
            f"SELECT {', '.join('h.' + c for c in HISTORY_COLUMNS)} FROM public.get_user_workshop_history(%s) h "
            f"{where} ORDER BY h.registered_at DESC, h.registration_id LIMIT %s OFFSET %s",
            [self.user_id, *params, limit, offset], HISTORY_COLUMNS)


def waitlist_position(registration: WorkshopRegistration) -> int | None:
    """The 1-based FIFO position of the caller's own waitlisted registration (None when not waitlisted).
    Other people's rows are invisible to a registrant: the history function counts them."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT waitlist_position FROM public.get_user_workshop_history(%s) "
                       "WHERE registration_id = %s", [registration.user_id, registration.pk])
        row = cursor.fetchone()
    return row[0] if row else None


def current_price(workshop_id: UUID) -> Decimal | None:
    """``workshop_current_price()``: the early-bird price while it applies, else the regular price."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT public.workshop_current_price(%s)", [workshop_id])
        return cursor.fetchone()[0]


def workshop_by_id_or_slug(key: str) -> Workshop:
    """The visible workshop whose id (a UUID) or slug is ``key``; Http404 otherwise."""
    from django.shortcuts import get_object_or_404

    try:
        return get_object_or_404(Workshop.objects.all(), pk=UUID(key))
    except ValueError:
        return get_object_or_404(Workshop.objects.all(), slug=key)


def caller_is_staff(workshop_id: UUID) -> bool:
    """The caller runs the workshop: its instructor or a platform admin (spec 50 §0.2, without the system
    context, which request traffic never is)."""
    return _ask("SELECT app.is_workshop_instructor(%s) OR app.is_platform_admin()", [workshop_id])


def caller_is_platform_admin() -> bool:
    return _ask("SELECT app.is_platform_admin()", [])


def caller_sees_private_links(workshop: Workshop, user_id: UUID | None) -> bool:
    """``meeting_url`` and ``materials_url`` are for staff and for registrants with a confirmed seat
    (spec 50 §10: registered or attended; an unpaid hold is not confirmed yet)."""
    if user_id is None:
        return False
    if workshop.instructor_id == user_id or caller_is_platform_admin():
        return True
    return WorkshopRegistration.objects.filter(workshop_id=workshop.pk, user_id=user_id).filter(
        Q(status=RegistrationStatus.ATTENDED)
        | Q(status=RegistrationStatus.REGISTERED, payment_status__isnull=True)
        | Q(status=RegistrationStatus.REGISTERED, payment_status=PaymentStatus.COMPLETED)).exists()


def own_registration(workshop_id: UUID, user_id: UUID | None) -> WorkshopRegistration | None:
    if user_id is None:
        return None
    return WorkshopRegistration.objects.filter(workshop_id=workshop_id, user_id=user_id).first()


def workshops_by_id(ids: Any) -> dict[UUID, Workshop]:
    """The workshops among ``ids`` the caller may see (a registration an org admin reads may belong to a
    workshop they cannot see: it renders as null)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {w.pk: w for w in Workshop.objects.filter(pk__in=wanted).only(
        "id", "title", "slug", "status", "start_time", "end_time", "timezone", "format", "instructor_id")}
