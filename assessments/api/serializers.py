"""Serializers of the assessment endpoints (``/api/v1/assessments/``).

Scores, status and timestamps are read-only everywhere: the database derives them (spec 50 §6.10–§6.12),
so a score a client sends is not a field of any input serializer and is ignored. The AI analysis of an
answer (transcription, sentiment, confidence, analysis) is the server's too.
"""

from __future__ import annotations

import json
from typing import Any

from rest_framework import serializers

from humanglue.db import bounds
from organizations.api.people import PersonField, WithPeopleSerializer
from organizations.enums import AiPillar

from ..models import ANSWER_TYPES, ASSESSMENT_TYPES, Assessment, AssessmentResponse

MAX_WEIGHT = 1000
# The model's choices, so that the schema has one enum of dimensions.
DIMENSION_CHOICES = AssessmentResponse._meta.get_field("dimension").choices
MAX_NUMBER = 100_000
MAX_DURATION = 24 * 3600


def _json_object(value: Any) -> Any:
    if not isinstance(value, dict):
        raise serializers.ValidationError("Give an object.", code="invalid")
    if len(json.dumps(value, ensure_ascii=False).encode()) > bounds.JSON_BYTES:
        raise serializers.ValidationError(f"At most {bounds.JSON_BYTES} bytes.", code="max_length")
    return value


def _http_url(value: str | None) -> str | None:
    if value and not value.lower().startswith(("https://", "http://")):
        raise serializers.ValidationError("Give an http(s) address.", code="invalid")
    return value


SCORES = ["individual_score", "leadership_score", "cultural_score", "embedding_score", "velocity_score",
          "overall_score"]


class AssessmentSerializer(WithPeopleSerializer):
    """An assessment with its scores as the database computed them."""

    user = PersonField(source="user_id")
    organization = serializers.UUIDField(source="organization_id", read_only=True, allow_null=True)
    overall_score = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta(WithPeopleSerializer.Meta):
        model = Assessment
        fields = ["id", "user", "organization", "pillar", "assessment_type", "status", *SCORES, "results",
                  "recommendations", "metadata", "started_at", "completed_at", "created_at", "updated_at"]
        read_only_fields = fields


class AssessmentStartSerializer(serializers.Serializer):
    """What a client chooses when starting: the pillar, the kind of assessment, optionally which of their
    organizations it counts for. Anything else (scores, status, dates) is ignored."""

    pillar = serializers.ChoiceField(choices=AiPillar.choices)
    assessment_type = serializers.ChoiceField(choices=list(ASSESSMENT_TYPES), default="full")
    organization = serializers.UUIDField(required=False, allow_null=True,
                                         help_text="Defaults to the caller's own organization.")
    metadata = serializers.JSONField(required=False, validators=[_json_object])


class AssessmentAnswerSerializer(serializers.ModelSerializer):
    """One answer, as its owner reads it."""

    class Meta:
        model = AssessmentResponse
        fields = ["id", "question_id", "question_number", "question_text", "dimension", "answer_type",
                  "answer_value", "question_weight", "response_text", "response_audio_url",
                  "response_duration_seconds", "ai_transcription", "ai_sentiment_score", "ai_confidence_score",
                  "ai_analysis", "skipped", "answered_at", "metadata", "created_at"]
        read_only_fields = fields


class AssessmentAnswerInputSerializer(serializers.Serializer):
    """The answer to one question (created, or replaced if the question was answered before). The
    question's layout (number, text, dimension, type, weight, metadata) is kept when left out of a later
    answer. ``skipped`` true records a skip and clears the answer."""

    question_id = serializers.CharField(max_length=bounds.CODE_LENGTH)
    question_number = serializers.IntegerField(min_value=1, max_value=MAX_NUMBER, required=False, allow_null=True)
    question_text = serializers.CharField(max_length=bounds.LONG_TEXT_LENGTH, required=False, allow_null=True)
    dimension = serializers.ChoiceField(choices=DIMENSION_CHOICES, required=False, allow_null=True,
                                        help_text="The scored dimension; null for an unscored question.")
    answer_type = serializers.ChoiceField(choices=list(ANSWER_TYPES), required=False)
    question_weight = serializers.IntegerField(min_value=1, max_value=MAX_WEIGHT, required=False)
    metadata = serializers.JSONField(required=False, validators=[_json_object])
    answer_value = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)
    response_text = serializers.CharField(max_length=bounds.LONG_TEXT_LENGTH, required=False, allow_null=True,
                                          allow_blank=True)
    response_audio_url = serializers.CharField(max_length=bounds.URL_LENGTH, required=False, allow_null=True,
                                               validators=[_http_url])
    response_duration_seconds = serializers.IntegerField(min_value=0, max_value=MAX_DURATION, required=False,
                                                         allow_null=True)
    skipped = serializers.BooleanField(required=False, default=False)


class AssessmentQuestionSerializer(serializers.ModelSerializer):
    """A question of the assessment and whether it is settled; never the answer or its AI analysis."""

    answered = serializers.SerializerMethodField()

    class Meta:
        model = AssessmentResponse
        fields = ["question_id", "question_number", "question_text", "dimension", "answer_type",
                  "question_weight", "answered", "skipped"]
        read_only_fields = fields

    def get_answered(self, response: AssessmentResponse) -> bool:
        return not response.skipped and (response.answer_value is not None
                                         or bool((response.response_text or "").strip())
                                         or response.response_audio_url is not None)


class AssessmentDimensionResultSerializer(serializers.Serializer):
    dimension = serializers.CharField(allow_null=True, help_text="Null: the unscored questions.")
    score = serializers.IntegerField(allow_null=True)
    total_questions = serializers.IntegerField()
    answered_questions = serializers.IntegerField()
    skipped_questions = serializers.IntegerField()
    completion_percentage = serializers.IntegerField()


class AssessmentResultsSerializer(serializers.Serializer):
    """The assessment, its five dimensions (score and progress; the progress of the answers the caller may
    read, so zero questions for an org admin) and the unscored questions' progress."""

    assessment = AssessmentSerializer()
    dimensions = AssessmentDimensionResultSerializer(many=True)
    unscored = AssessmentDimensionResultSerializer(allow_null=True)
    total_questions = serializers.IntegerField()
    answered_questions = serializers.IntegerField()
    completion_percentage = serializers.IntegerField()


class LatestAssessmentSerializer(serializers.Serializer):
    """A row of ``get_user_latest_assessment``."""

    assessment_id = serializers.UUIDField()
    pillar = serializers.CharField()
    assessment_type = serializers.CharField()
    overall_score = serializers.IntegerField(allow_null=True)
    individual_score = serializers.IntegerField(allow_null=True)
    leadership_score = serializers.IntegerField(allow_null=True)
    cultural_score = serializers.IntegerField(allow_null=True)
    embedding_score = serializers.IntegerField(allow_null=True)
    velocity_score = serializers.IntegerField(allow_null=True)
    completed_at = serializers.DateTimeField()


class LatestAssessmentsSerializer(serializers.Serializer):
    latest = LatestAssessmentSerializer(allow_null=True, help_text="The newest completed assessment, any pillar.")
    by_pillar = LatestAssessmentSerializer(many=True, help_text="The newest completed assessment of each pillar.")


class LatestAssessmentsQuerySerializer(serializers.Serializer):
    user = serializers.UUIDField(required=False, help_text=(
        "Whose latest assessments (default: the caller). An org admin may ask about a member of their "
        "organization; anyone else's answer is empty."))


class AdaptabilityTrendQuerySerializer(serializers.Serializer):
    months = serializers.IntegerField(min_value=1, max_value=120, default=6, help_text="Calendar months, 1 to 120.")


class AdaptabilityTrendMonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    avg_overall_score = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    avg_individual_score = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    avg_leadership_score = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    avg_cultural_score = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    avg_embedding_score = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    avg_velocity_score = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    assessment_count = serializers.IntegerField()
