"""Reads of the assessments app: the caller's assessments, and the database's read functions
(``get_assessment_progress``, ``get_user_latest_assessment``, ``get_org_adaptability_trend``).

Everything runs under the caller's rights: the querysets and the SECURITY INVOKER functions see what row
security lets the caller see (own rows; an org admin their organization's assessments but not the raw
answers; a platform admin everything). The trend function is SECURITY DEFINER and refuses (42501) any
caller who is neither an org admin of the organization nor a platform admin.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import Q, QuerySet

from .models import Assessment, AssessmentResponse

UNFINISHED = ("not_started", "in_progress")

LATEST_COLUMNS = ("assessment_id", "overall_score", "individual_score", "leadership_score", "cultural_score",
                  "embedding_score", "velocity_score", "completed_at", "assessment_type", "pillar")
PROGRESS_COLUMNS = ("dimension", "total_questions", "answered_questions", "completion_percentage",
                    "skipped_questions")
TREND_COLUMNS = ("month", "avg_overall_score", "avg_individual_score", "avg_leadership_score",
                 "avg_cultural_score", "avg_embedding_score", "avg_velocity_score", "assessment_count")


def _rows(sql: str, params: list[Any], columns: tuple[str, ...]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def caller_is_platform_admin() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app.is_platform_admin()")
        return bool(cursor.fetchone()[0])


def assessment_list(*, user_id: UUID) -> QuerySet[Assessment]:
    """The user's own assessments (filtered for clarity and the (user_id, status) index; RLS agrees)."""
    return Assessment.objects.filter(user_id=user_id)


def unfinished_assessment(*, user_id: UUID, pillar: str, assessment_type: str) -> Assessment | None:
    """The user's newest not yet completed assessment of this pillar and type, to resume."""
    return (Assessment.objects.filter(user_id=user_id, pillar=pillar, assessment_type=assessment_type,
                                      status__in=UNFINISHED)
            .order_by("-created_at", "-id").first())


def response_list(*, assessment_id: UUID) -> QuerySet[AssessmentResponse]:
    """The answers of an assessment, in display order (only its owner and platform admins see any)."""
    return AssessmentResponse.objects.filter(assessment_id=assessment_id).order_by(
        "question_number", "question_id")


# An answer counts as given as get_assessment_progress counts it: not skipped, and a value, a non-blank
# text or a recording.
ANSWERED = Q(skipped=False) & (Q(answer_value__isnull=False) | Q(response_text__regex=r"\S")
                               | Q(response_audio_url__isnull=False))


def pending_questions(responses: QuerySet[AssessmentResponse], pending: bool) -> QuerySet[AssessmentResponse]:
    """Questions still to answer (neither answered nor skipped), or the others."""
    settled = ANSWERED | Q(skipped=True)
    return responses.exclude(settled) if pending else responses.filter(settled)


def assessment_progress(*, assessment_id: UUID) -> list[dict[str, Any]]:
    """``get_assessment_progress``: one row per dimension among the existing answers (the unscored ones
    under ``dimension`` null). Zero rows for a caller who may not read the answers."""
    return _rows(f"SELECT {', '.join(PROGRESS_COLUMNS)} FROM public.get_assessment_progress(%s)",
                 [assessment_id], PROGRESS_COLUMNS)


def latest_assessment(*, user_id: UUID) -> dict[str, Any] | None:
    """``get_user_latest_assessment``: the user's newest completed assessment the caller may see."""
    rows = _rows(f"SELECT {', '.join(LATEST_COLUMNS)} FROM public.get_user_latest_assessment(%s)",
                 [user_id], LATEST_COLUMNS)
    return rows[0] if rows else None


def latest_by_pillar(*, user_id: UUID) -> list[Assessment]:
    """The newest completed assessment of each pillar (the function's rule, per pillar: greatest
    ``completed_at``, then id; archived ones are not "latest"), among those the caller may see."""
    return list(Assessment.objects.filter(user_id=user_id, status="completed")
                .order_by("pillar", "-completed_at", "-id").distinct("pillar"))


def org_adaptability_trend(*, organization_id: UUID, months: int) -> list[dict[str, Any]]:
    """``get_org_adaptability_trend``: monthly averages of the organization's completed adaptability
    assessments, newest month first. Raises the database's 42501 for a caller who is not allowed."""
    return _rows(f"SELECT {', '.join(TREND_COLUMNS)} FROM public.get_org_adaptability_trend(%s, %s)",
                 [organization_id, months], TREND_COLUMNS)
