"""Writes of the assessments app (keyword-only arguments), all under the caller's rights.

The database does the scoring: ``refresh_assessment_dimension_scores`` rescores the parent on every
answer, ``derive_assessment_fields`` recomputes every dimension an end user's write touches (a score a
client could send is replaced, or set to NULL where no scored answer exists) and stamps ``started_at`` /
``completed_at``; ``overall_score`` is a generated column. Answers are frozen once the assessment is
completed or archived (``enforce_assessment_response_rules``: 23514 ``assessment_frozen``). These
functions check first only what they can explain better than a bare refusal, and translate the
database's refusals of this domain into one error with a stable code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django.db import DatabaseError, connection, transaction
from psycopg import sql
from rest_framework import exceptions, status

from humanglue.db.errors import classify
from organizations.models import User

from . import selectors
from .models import Assessment, AssessmentResponse

# Error codes, stable: the API returns them as the error's ``code``.
NOT_ASSESSMENT_OWNER = "not_assessment_owner"
ANSWERS_PRIVATE = "answers_private"
ASSESSMENT_FROZEN = "assessment_frozen"
ALREADY_COMPLETED = "already_completed"
ASSESSMENT_ARCHIVED = "assessment_archived"
NOTHING_TO_SCORE = "nothing_to_score"

FROZEN_MESSAGE = "The answers of a completed or archived assessment are frozen."

# Layout of a question: written when given, kept otherwise when the question is answered again.
QUESTION_FIELDS = ("question_number", "question_text", "dimension", "answer_type", "question_weight", "metadata")
# The answer itself: replaced by every write (a skip clears it).
ANSWER_FIELDS = ("answer_value", "response_text", "response_audio_url", "response_duration_seconds", "skipped")


class AssessmentRefused(exceptions.APIException):
    """A rule of the assessments domain refused the request; ``code`` is stable, ``status_code`` says why
    (403 not allowed, 409 the assessment's state does not allow it)."""

    def __init__(self, status_code: int, code: str, detail: str) -> None:
        self.status_code = status_code
        super().__init__(detail=detail, code=code)


def _refusal_code(error: DatabaseError) -> str | None:
    refusal = classify(error)
    return refusal.code if refusal is not None else None


def require_writer(assessment: Assessment, user: User) -> None:
    """Only the assessment's owner (or a platform admin, staff) answers and completes it. An org admin who
    can read a member's assessment gets 403, not the policy's silent no-op."""
    if assessment.user_id != user.pk and not selectors.caller_is_platform_admin():
        raise AssessmentRefused(status.HTTP_403_FORBIDDEN, NOT_ASSESSMENT_OWNER,
                                "Only the person who takes the assessment may answer or complete it.")


def require_answer_reader(assessment: Assessment, user: User) -> None:
    """Raw answers are the owner's (and platform admins'): an org admin sees the scores only (spec 50 §5)."""
    if assessment.user_id != user.pk and not selectors.caller_is_platform_admin():
        raise AssessmentRefused(status.HTTP_403_FORBIDDEN, ANSWERS_PRIVATE,
                                "Only the person who takes the assessment reads its answers.")


def _require_unfinished(assessment: Assessment) -> None:
    if assessment.status == "completed":
        raise AssessmentRefused(status.HTTP_409_CONFLICT, ALREADY_COMPLETED, "The assessment is already completed.")
    if assessment.status == "archived":
        raise AssessmentRefused(status.HTTP_409_CONFLICT, ASSESSMENT_ARCHIVED, "The assessment is archived.")


def assessment_start(*, user: User, pillar: str, assessment_type: str = "full",
                     organization_id: UUID | None = None, metadata: Mapping[str, Any] | None = None
                     ) -> tuple[Assessment, bool]:
    """Start an assessment of ``pillar`` for the caller, or resume their unfinished one of the same pillar
    and type (``created`` False). Its organization defaults to the user's own (the trigger); another one
    must be an organization the user belongs to (42501 ``user_outside_organization``). Scores and
    timestamps are never taken from the client."""
    with connection.cursor() as cursor:
        # Two concurrent starts of the same pillar resume one assessment instead of creating two.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                       [f"assessment-start:{user.pk}:{pillar}:{assessment_type}"])
    existing = selectors.unfinished_assessment(user_id=user.pk, pillar=pillar, assessment_type=assessment_type)
    if existing is not None:
        if existing.status == "not_started":
            Assessment.objects.filter(pk=existing.pk).update(status="in_progress")
            existing.refresh_from_db()
        return existing, False
    assessment = Assessment(user_id=user.pk, pillar=pillar, assessment_type=assessment_type, status="in_progress",
                            organization_id=organization_id, metadata=dict(metadata or {}))
    assessment.save()
    assessment.refresh_from_db()
    return assessment, True


def _upsert_statement(given: set[str]) -> sql.Composed:
    """INSERT ... ON CONFLICT (assessment_id, question_id) DO UPDATE: the spec's upsert on that pair. On a
    second answer the question's layout columns change only where given; the answer is replaced."""
    columns = ["assessment_id", "question_id", *QUESTION_FIELDS, *ANSWER_FIELDS]
    defaults = {"answer_type": sql.SQL("'text'"), "question_weight": sql.SQL("1"), "metadata": sql.SQL("'{}'::jsonb"),
                "skipped": sql.SQL("false")}
    values = []
    for column in columns:
        placeholder = sql.Placeholder(column)
        if column == "metadata":
            placeholder = sql.SQL("{}::jsonb").format(placeholder)
        values.append(sql.SQL("COALESCE({}, {})").format(placeholder, defaults[column]) if column in defaults
                      else placeholder)
    updates = [sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c))
               for c in (*[f for f in QUESTION_FIELDS if f in given], *ANSWER_FIELDS)]
    updates.append(sql.SQL("answered_at = now()"))
    return sql.SQL(
        "INSERT INTO public.assessment_responses AS r ({columns}, answered_at) VALUES ({values}, now()) "
        "ON CONFLICT (assessment_id, question_id) DO UPDATE SET {updates} "
        "RETURNING r.id, (r.xmax = 0) AS inserted"
    ).format(columns=sql.SQL(", ").join(map(sql.Identifier, columns)), values=sql.SQL(", ").join(values),
             updates=sql.SQL(", ").join(updates))


def response_record(*, assessment: Assessment, user: User, question_id: str, data: Mapping[str, Any]
                    ) -> tuple[AssessmentResponse, bool]:
    """Record (or change, or skip) the answer to one question of an assessment in progress; ``created`` says
    whether the question is new. A skip stores no answer. The database rescores the assessment and moves a
    not started one to in progress; once it is completed or archived the answers are frozen: 400
    ``assessment_frozen`` (spec 50)."""
    require_writer(assessment, user)
    values: dict[str, Any] = {name: data.get(name) for name in (*QUESTION_FIELDS, *ANSWER_FIELDS)}
    values["skipped"] = bool(data.get("skipped", False))
    if values["skipped"]:
        for name in ("answer_value", "response_text", "response_audio_url"):
            values[name] = None
    if values["metadata"] is not None:
        values["metadata"] = json.dumps(values["metadata"])
    values.update(assessment_id=assessment.pk, question_id=question_id)
    statement = _upsert_statement({name for name in QUESTION_FIELDS if name in data})
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement.as_string(cursor.connection), values)
            response_id, inserted = cursor.fetchone()
    except DatabaseError as error:
        if _refusal_code(error) == ASSESSMENT_FROZEN:
            # Spec 50 (HGA01) and conventions §10 answer the trigger's 23514 with 400, its reason as the code.
            raise AssessmentRefused(status.HTTP_400_BAD_REQUEST, ASSESSMENT_FROZEN, FROZEN_MESSAGE) from error
        raise
    assessment.refresh_from_db()
    return AssessmentResponse.objects.get(pk=response_id), bool(inserted)


def assessment_complete(*, assessment: Assessment, user: User) -> Assessment:
    """Complete an assessment in progress. Its scores are the database's (derived from the scored answers);
    without any scored answer there is nothing to score: 400 ``nothing_to_score`` (the ``valid_completion``
    check)."""
    require_writer(assessment, user)
    _require_unfinished(assessment)
    try:
        with transaction.atomic():
            updated = Assessment.objects.filter(pk=assessment.pk, status__in=selectors.UNFINISHED).update(
                status="completed")
    except DatabaseError as error:
        if _refusal_code(error) == "valid_completion":  # a CHECK constraint: 400 (conventions §10)
            raise AssessmentRefused(status.HTTP_400_BAD_REQUEST, NOTHING_TO_SCORE,
                                    "Answer at least one scored question before completing the assessment.") \
                from error
        raise
    assessment.refresh_from_db()
    if not updated:  # completed or archived meanwhile
        _require_unfinished(assessment)
    return assessment


def assessment_archive(*, assessment: Assessment, user: User) -> Assessment:
    """Abandon an unfinished assessment (``archived``: 003's "abandoned"); its answers are frozen."""
    require_writer(assessment, user)
    _require_unfinished(assessment)
    updated = Assessment.objects.filter(pk=assessment.pk, status__in=selectors.UNFINISHED).update(status="archived")
    assessment.refresh_from_db()
    if not updated:
        _require_unfinished(assessment)
    return assessment
