"""Serializers of the learning endpoints: course reviews, quiz attempts, assignment submissions.

Output serializers name people through the projection the caller may read (PersonField); the
columns triggers and guards own (counters, grades of quizzes, stamps, status moves) are read-only.
Input serializers list exactly what a client may send, so anything else in a body is ignored.
"""

from __future__ import annotations

import json
from typing import Any

from rest_framework import serializers

from humanglue.api.people import PersonField, WithPeopleSerializer

from ..models import AssignmentSubmission, CourseReview, QuizAttempt

MAX_REVIEW_TITLE = 200
MAX_REVIEW_TEXT = 5000  # course_reviews_review_text_check
MAX_RESPONSE = 5000
MAX_SUBMISSION_TEXT = 50_000
MAX_FEEDBACK = 10_000
MAX_URL = 2000
MAX_ATTACHMENTS = 20
MAX_ANSWERS = 500
MAX_ANSWERS_JSON = 64 * 1024
MAX_TIME_SPENT = 7 * 24 * 3600


def http_url(value: str | None) -> str | None:
    """Only web addresses: http(s) with a host."""
    if value and not value.lower().startswith(("https://", "http://")):
        raise serializers.ValidationError("Give an http(s) address.", code="invalid")
    return value


def rating_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=5, **kwargs)


def optional_text(max_length: int) -> serializers.CharField:
    """Absent or null is fine; blank (whitespace only) is a 400 ``blank``; the text is trimmed."""
    return serializers.CharField(max_length=max_length, required=False, allow_null=True)


# --- course reviews -------------------------------------------------------------------------------------


class ReviewSerializer(WithPeopleSerializer):
    """A course review as readers see it; the reviewer comes from the people projection."""

    reviewer = PersonField(source="user_id")

    class Meta(WithPeopleSerializer.Meta):
        model = CourseReview
        fields = ["id", "course", "reviewer", "rating", "title", "review_text", "content_quality_rating",
                  "instructor_rating", "value_rating", "is_published", "instructor_response",
                  "instructor_responded_at", "helpful_count", "created_at", "updated_at"]
        read_only_fields = fields


class ReviewInputSerializer(serializers.Serializer):
    """What the author writes. Everything else (publication, reply, counters, who and which course) is not
    the author's: it is not read from the body."""

    rating = rating_field()
    title = optional_text(MAX_REVIEW_TITLE)
    review_text = optional_text(MAX_REVIEW_TEXT)
    content_quality_rating = rating_field(required=False, allow_null=True)
    instructor_rating = rating_field(required=False, allow_null=True)
    value_rating = rating_field(required=False, allow_null=True)


class ReviewResponseSerializer(serializers.Serializer):
    """The course instructor's reply; null takes it back."""

    instructor_response = serializers.CharField(max_length=MAX_RESPONSE, allow_null=True)


# --- quiz attempts --------------------------------------------------------------------------------------


class QuizAttemptSerializer(WithPeopleSerializer):
    """An attempt with the grade the database gave it."""

    student = PersonField(source="user_id")
    answers = serializers.SerializerMethodField()

    class Meta(WithPeopleSerializer.Meta):
        model = QuizAttempt
        fields = ["id", "course", "lesson", "student", "attempt_number", "answers", "score", "max_score",
                  "percentage", "passed", "time_spent_seconds", "created_at", "completed_at"]
        read_only_fields = fields

    def get_answers(self, attempt: QuizAttempt) -> Any:
        return (attempt.quiz_data or {}).get("answers")


class QuizAnswersField(serializers.JSONField):
    """Answers keyed by question id or 0-based position (an object), or by position (an array)."""

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if not isinstance(value, (dict, list)):
            raise serializers.ValidationError("Answers are an object (question id -> answer) or an array.",
                                              code="invalid")
        if len(value) > MAX_ANSWERS:
            raise serializers.ValidationError(f"At most {MAX_ANSWERS} answers.", code="max_length")
        if isinstance(value, dict) and any(len(key) > 200 for key in value):
            raise serializers.ValidationError("A question id has at most 200 characters.", code="max_length")
        if len(json.dumps(value)) > MAX_ANSWERS_JSON:
            raise serializers.ValidationError("The answers are too large.", code="max_length")
        return value


class QuizAttemptInputSerializer(serializers.Serializer):
    """What a student sends: the answers and the time spent. The score, the pass mark and the attempt number
    are the server's; a body that carries them is not read for them."""

    answers = QuizAnswersField()
    time_spent_seconds = serializers.IntegerField(min_value=0, max_value=MAX_TIME_SPENT, required=False, default=0)


# --- assignment submissions -----------------------------------------------------------------------------


class SubmissionSerializer(WithPeopleSerializer):
    student = PersonField(source="user_id")
    graded_by = PersonField(source="graded_by_id")

    class Meta(WithPeopleSerializer.Meta):
        model = AssignmentSubmission
        fields = ["id", "course", "lesson", "student", "status", "submission_text", "submission_url", "attachments",
                  "grade", "feedback", "graded_by", "submitted_at", "graded_at", "created_at", "updated_at"]
        read_only_fields = fields


class AttachmentsField(serializers.ListField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.CharField(max_length=MAX_URL, validators=[http_url]),
                         max_length=MAX_ATTACHMENTS, **kwargs)


class SubmissionInputSerializer(serializers.Serializer):
    """The student's work. ``draft`` keeps it unsubmitted; grade, feedback and status are not theirs."""

    submission_text = optional_text(MAX_SUBMISSION_TEXT)
    submission_url = serializers.CharField(max_length=MAX_URL, required=False, allow_null=True,
                                           validators=[http_url])
    attachments = AttachmentsField(required=False)
    draft = serializers.BooleanField(required=False, default=False)


class SubmissionUpdateSerializer(serializers.Serializer):
    """A change of one's own work; ``submit`` turns a draft into a submission."""

    submission_text = optional_text(MAX_SUBMISSION_TEXT)
    submission_url = serializers.CharField(max_length=MAX_URL, required=False, allow_null=True,
                                           validators=[http_url])
    attachments = AttachmentsField(required=False)
    submit = serializers.BooleanField(required=False, default=False)


class GradeInputSerializer(serializers.Serializer):
    """The instructor's decision: 'graded' needs a grade (0..100); 'returned' asks for rework."""

    STATUSES = ("graded", "returned", "under_review")

    grade = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False,
                                     allow_null=True)
    feedback = optional_text(MAX_FEEDBACK)
    status = serializers.ChoiceField(choices=STATUSES, required=False, default="graded")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["status"] == "graded" and data.get("grade") is None:
            raise serializers.ValidationError({"grade": serializers.ErrorDetail(
                "A graded submission needs a grade.", code="required")})
        return data
