"""Assessments and their responses (spec 50 §4–§5).

Dimension scores are re-derived from scored responses by ``derive_assessment_fields_trigger``;
``overall_score`` is a stored generated column (the API must never write it). Responses are frozen
once the assessment is completed or archived. ON DELETE actions live in the database
(``DB_ON_DELETE`` below, applied by ``humanglue.db.operations.SetOnDelete``); Django's side is
``DO_NOTHING``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.functions import TransactionNow
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone

from humanglue.db.columns import MaintainedColumnsModel, created_at, json_array, json_object, updated_at, uuid_pk
from humanglue.db.fields import EnumField
from organizations.enums import AiPillar, AssessmentStatus
from organizations.naming import related_label, user_name

# The ON DELETE action the database performs for every FK of this app (spec 50 §4–§5).
DB_ON_DELETE = {
    "assessment.user": "CASCADE",
    "assessment.organization": "CASCADE",
    "assessmentresponse.assessment": "CASCADE",
}

ASSESSMENT_TYPES = ("full", "quick", "follow_up")
DIMENSIONS = ("individual", "leadership", "cultural", "embedding", "velocity")
ANSWER_TYPES = ("scale", "multiChoice", "fearToConfidence", "text", "voice")
SCORE_FIELDS = tuple(f"{dimension}_score" for dimension in DIMENSIONS)


def _overall_score() -> models.Case:
    """The rounded mean of the dimension scores that are set; NULL when none is (spec 50 §4).

    SQL: CASE WHEN num_nonnulls(i, l, c, e, v) = 0 THEN NULL
              ELSE round((coalesce(i, 0) + ... + coalesce(v, 0))::numeric / num_nonnulls(i, l, c, e, v))::integer END
    Only immutable pg_catalog functions, as a generated column requires.
    """
    present = models.Func(*(models.F(name) for name in SCORE_FIELDS), function="num_nonnulls",
                          output_field=models.IntegerField())
    total = sum((Coalesce(models.F(name), 0) for name in SCORE_FIELDS[1:]), Coalesce(models.F(SCORE_FIELDS[0]), 0))
    # Django's Cast to DecimalField needs a precision; the contract divides as unbounded numeric.
    as_numeric = models.Func(total, template="(%(expressions)s)::numeric", output_field=models.DecimalField())
    mean = models.Func(as_numeric / present, function="round", output_field=models.DecimalField())
    return models.Case(
        models.When(Exact(present, 0), then=models.Value(None, output_field=models.IntegerField())),
        default=Cast(mean, models.IntegerField()),
        output_field=models.IntegerField(),
    )


def score() -> models.IntegerField:
    return models.IntegerField(null=True, blank=True)


class Assessment(MaintainedColumnsModel):
    """One attempt by one user at an assessment, with five dimension scores (spec 50 §4).

    Dimension scores that have scored responses are recomputed by the trigger whatever is written;
    the others stay writable for imports and staff.
    """

    id = uuid_pk()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="assessments",
        db_index=False,  # covered by idx_assess_user_status
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.DO_NOTHING, null=True, blank=True,
        related_name="assessments", db_index=False,  # partial index idx_assess_org
    )
    pillar = EnumField(
        enum_type="ai_pillar", choices=AiPillar.choices, default=AiPillar.ADAPTABILITY, db_default="adaptability"
    )
    assessment_type = models.TextField(
        choices=[(value, value.replace("_", " ").capitalize()) for value in ASSESSMENT_TYPES],
        default="full", db_default="full",
    )
    status = EnumField(
        enum_type="assessment_status", choices=AssessmentStatus.choices, default=AssessmentStatus.NOT_STARTED,
        db_default="not_started",
    )
    individual_score = score()
    leadership_score = score()
    cultural_score = score()
    embedding_score = score()
    velocity_score = score()
    overall_score = models.GeneratedField(
        expression=_overall_score(), output_field=models.IntegerField(), db_persist=True, null=True
    )
    results = json_object()
    recommendations = json_array()
    metadata = json_object()
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = created_at()
    updated_at = updated_at()

    maintained_fields = ("started_at", "completed_at", "updated_at")

    class Meta:
        db_table = "assessments"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(assessment_type__in=ASSESSMENT_TYPES), name="assessments_assessment_type_check"
            ),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__range": (0, 100)}), name=f"assessments_{name}_check"
                )
                for name in SCORE_FIELDS
            ),
            models.CheckConstraint(
                condition=~models.Q(status="completed")
                | models.Q(completed_at__isnull=False, overall_score__isnull=False),
                name="valid_completion",
            ),
            models.CheckConstraint(
                condition=models.Q(completed_at__isnull=True) | models.Q(status__in=["completed", "archived"]),
                name="assessments_completed_at_status_check",
            ),
            models.CheckConstraint(
                condition=models.Q(completed_at__isnull=True)
                | models.Q(started_at__isnull=True)
                | models.Q(completed_at__gte=models.F("started_at")),
                name="assessments_completed_after_started_check",
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "-completed_at"], condition=models.Q(status="completed"),
                name="idx_assess_user_completed",
            ),
            models.Index(fields=["user", "status"], name="idx_assess_user_status"),
            models.Index(
                fields=["organization", "completed_at"], condition=models.Q(status="completed"),
                name="idx_assess_org_completed",
            ),
            models.Index(
                fields=["organization"], condition=models.Q(organization__isnull=False), name="idx_assess_org"
            ),
            GinIndex(fields=["results"], name="idx_assess_results"),
            GinIndex(fields=["recommendations"], name="idx_assess_recommendations"),
        ]

    def __str__(self) -> str:
        return f"{self.get_pillar_display()} assessment of {user_name(self, 'user')} ({self.get_status_display()})"


class AssessmentResponse(models.Model):
    """One answer to one question of an assessment (spec 50 §5). The API upserts on
    (assessment, question_id)."""

    id = uuid_pk()
    assessment = models.ForeignKey(
        Assessment, on_delete=models.DO_NOTHING, related_name="responses",
        db_index=False,  # covered by the unique (assessment_id, question_id)
    )
    question_id = models.TextField()
    question_number = models.IntegerField(null=True, blank=True)
    question_text = models.TextField(null=True, blank=True)
    dimension = models.TextField(
        choices=[(value, value.capitalize()) for value in DIMENSIONS], null=True, blank=True,
        help_text="Empty for an unscored question.",
    )
    answer_type = models.TextField(
        choices=[(value, value) for value in ANSWER_TYPES], default="text", db_default="text"
    )
    answer_value = models.IntegerField(null=True, blank=True)
    question_weight = models.IntegerField(default=1, db_default=1)
    response_text = models.TextField(null=True, blank=True)
    response_audio_url = models.TextField(null=True, blank=True)
    response_duration_seconds = models.IntegerField(null=True, blank=True)
    ai_transcription = models.TextField(null=True, blank=True)
    ai_sentiment_score = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    ai_confidence_score = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    ai_analysis = json_object()
    skipped = models.BooleanField(default=False, db_default=False)
    # The API sets it again when the user re-answers.
    answered_at = models.DateTimeField(default=timezone.now, db_default=TransactionNow())
    metadata = json_object()
    created_at = created_at()

    class Meta:
        db_table = "assessment_responses"
        ordering = ["assessment_id", "question_number", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question_id"], name="assessment_responses_assessment_id_question_id_key"
            ),
            models.CheckConstraint(
                condition=models.Q(question_number__gt=0), name="assessment_responses_question_number_check"
            ),
            models.CheckConstraint(
                condition=models.Q(dimension__in=DIMENSIONS), name="assessment_responses_dimension_check"
            ),
            models.CheckConstraint(
                condition=models.Q(answer_type__in=ANSWER_TYPES), name="assessment_responses_answer_type_check"
            ),
            models.CheckConstraint(
                condition=models.Q(answer_value__range=(0, 100)), name="assessment_responses_answer_value_check"
            ),
            models.CheckConstraint(
                condition=models.Q(question_weight__gt=0), name="assessment_responses_question_weight_check"
            ),
            models.CheckConstraint(
                condition=models.Q(response_duration_seconds__gte=0),
                name="assessment_responses_response_duration_seconds_check",
            ),
            models.CheckConstraint(
                condition=models.Q(ai_sentiment_score__range=(-1, 1)),
                name="assessment_responses_ai_sentiment_score_check",
            ),
            models.CheckConstraint(
                condition=models.Q(ai_confidence_score__range=(0, 1)),
                name="assessment_responses_ai_confidence_score_check",
            ),
        ]
        indexes = [
            models.Index(fields=["assessment", "dimension"], name="idx_assresp_dimension"),
            models.Index(fields=["assessment", "question_number"], name="idx_assresp_question_number"),
        ]

    def __str__(self) -> str:
        return f"Question {self.question_number} ({self.question_id}) of {related_label(self, 'assessment')}"
