"""Reads of the talent marketplace (spec 60). Everything runs under the caller's RLS context: the queries
only narrow what the policies already let the caller see.

The lifecycle's moves and the parties who may make them are asked of the database's own rule tables
(``app.engagement_request_status_moves()``, ``app.consultation_status_moves()``, talent/0005), so the API
explains a refusal with the same rules the guards enforce instead of keeping a second copy of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db import connection
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from .models import Consultation, EngagementRequest, TalentProfile

CLIENT, EXPERT, ADMIN = "client", "expert", "admin"


def _ask(sql: str, params: Sequence[Any]) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        row = cursor.fetchone()
        return row[0] if row else None


def caller_is_platform_admin() -> bool:
    return bool(_ask("SELECT app.is_platform_admin()", []))


def caller_is_org_member(organization_id: UUID | str) -> bool:
    return bool(_ask("SELECT app.is_org_member(%s)", [str(organization_id)]))


# --- profiles ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TalentSearch:
    """The marketplace filters: ``search_talent``'s (expertise, industries, min_rating, availability, text)
    plus pillars and an hourly-rate range."""

    expertise: list[str] | None = None
    industries: list[str] | None = None
    pillars: list[str] | None = None
    min_rating: Decimal | None = None
    availability: str | None = None
    rate_min: Decimal | None = None
    rate_max: Decimal | None = None
    query: str | None = None


def talent_marketplace(search: TalentSearch) -> QuerySet[TalentProfile]:
    """Public profiles that accept clients, filtered and ranked as ``search_talent`` does.

    ``search_talent`` has no pillar or rate parameter and clamps its page to 100 rows without a total, so
    the list cannot page through it; this is the same query over ``talent_profiles`` under the caller's RLS
    (the public-read policy), on the same indexes: array overlap (GIN), the generated ``search_vector``
    (full text) or the tagline's trigram, then rating and review count.
    """
    qs = TalentProfile.objects.filter(is_public=True, accepting_clients=True)
    if search.expertise:
        qs = qs.filter(expertise__overlap=search.expertise)
    if search.industries:
        qs = qs.filter(industries__overlap=search.industries)
    if search.pillars:
        qs = qs.filter(pillars__overlap=search.pillars)
    if search.min_rating is not None:
        qs = qs.filter(rating__gte=search.min_rating)
    if search.availability:
        qs = qs.filter(availability=search.availability)
    if search.rate_min is not None:
        qs = qs.filter(hourly_rate__gte=search.rate_min)
    if search.rate_max is not None:
        qs = qs.filter(hourly_rate__lte=search.rate_max)
    text = (search.query or "").strip()
    if not text:
        return qs.order_by("-rating", "-review_count", "id")
    ts = SearchQuery(text, search_type="websearch", config="english")
    return (
        qs.filter(Q(search_vector=ts) | Q(tagline__trigram_similar=text))
        .annotate(relevance=SearchRank(F("search_vector"), ts) + Coalesce(TrigramSimilarity("tagline", text),
                                                                           Value(0.0)))
        .order_by("-relevance", "-rating", "-review_count", "id")
    )


def own_profile(user_id: UUID) -> TalentProfile | None:
    return TalentProfile.objects.filter(user_id=user_id).first()


def bookable_profile(expert_id: UUID) -> TalentProfile | None:
    """The expert's profile if it is public and accepts clients (what the booking policies require)."""
    return TalentProfile.objects.filter(user_id=expert_id, is_public=True, accepting_clients=True).first()


# --- engagements and consultations ----------------------------------------------------------------------------


def my_engagements(user_id: UUID) -> QuerySet[EngagementRequest]:
    """The caller's engagements as client or expert (org admins' and platform admins' wider reads are for
    the detail endpoint; a list of "mine" stays mine)."""
    return EngagementRequest.objects.filter(Q(client_id=user_id) | Q(expert_id=user_id))


def my_consultations(user_id: UUID) -> QuerySet[Consultation]:
    return Consultation.objects.filter(Q(user_id=user_id) | Q(expert_id=user_id))


def parties(*, user_id: UUID | None, client_id: UUID, expert_id: UUID) -> list[str]:
    """The caller's parties on a row, as the guards count them."""
    found = []
    if user_id is not None and user_id == client_id:
        found.append(CLIENT)
    if user_id is not None and user_id == expert_id:
        found.append(EXPERT)
    if caller_is_platform_admin():
        found.append(ADMIN)
    return found


def engagement_movers(from_status: str, to_status: str) -> list[str] | None:
    """The parties who may move an engagement request between these statuses; None: not a move at all."""
    return _ask("SELECT parties FROM app.engagement_request_status_moves() WHERE from_status = %s AND to_status = %s",
                [from_status, to_status])


def consultation_movers(from_status: str, to_status: str) -> list[str] | None:
    return _ask("SELECT parties FROM app.consultation_status_moves() "
                "WHERE from_status = %s::consultation_status AND to_status = %s::consultation_status",
                [from_status, to_status])


def expert_calendar_conflict(*, expert_id: UUID, start: Any, end: Any, buffer_minutes: int,
                             exclude_id: UUID | None = None) -> bool:
    """Another scheduled session of the expert closer than the profile's buffer (spec 60: buffer_minutes
    cannot be part of the exclusion constraint, so the API checks it; the overlap itself is the
    constraint's)."""
    return bool(_ask(
        "SELECT EXISTS (SELECT 1 FROM public.consultations c WHERE c.expert_id = %s AND c.status = 'scheduled' "
        "AND c.id IS DISTINCT FROM %s AND tstzrange(c.scheduled_start, c.scheduled_end, '[)') && "
        "tstzrange(%s::timestamptz - make_interval(mins => %s), %s::timestamptz + make_interval(mins => %s), '[)'))",
        [str(expert_id), str(exclude_id) if exclude_id else None, start, buffer_minutes, end, buffer_minutes]))


def expert_buffer_minutes(expert_id: UUID) -> int:
    """The expert's buffer between bookings (0 when the caller cannot read the profile)."""
    value = TalentProfile.objects.filter(user_id=expert_id).values_list("buffer_minutes", flat=True).first()
    return value or 0


def session_minutes(expert_id: UUID) -> int:
    """The expert's default session length (60 when the caller cannot read the profile)."""
    value = TalentProfile.objects.filter(user_id=expert_id).values_list("session_duration_minutes", flat=True).first()
    return value or 60


@dataclass(frozen=True)
class EngagementSummary:
    total_engagements: int
    active_engagements: int
    total_hours_purchased: Decimal
    total_hours_used: Decimal
    total_spent: Decimal


def client_engagement_summary(client_id: UUID) -> EngagementSummary | None:
    """``get_client_engagement_summary``: one row for the client themself or a platform admin, else None."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT total_engagements, active_engagements, total_hours_purchased, total_hours_used, "
                       "total_spent FROM public.get_client_engagement_summary(%s)", [str(client_id)])
        row = cursor.fetchone()
    return EngagementSummary(*row) if row else None
