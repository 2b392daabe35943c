"""Serializers of the instructor portal (``/api/v1/instructor/``).

The student rows come from ``get_instructor_student_progress`` (plus the spec 30 §4 stats), so they are plain
serializers over dicts. Profile and settings are the caller's own rows: maintained, restricted and secret
columns are read-only or absent (``payment_details`` and ``calendar_sync_token`` never appear).
"""

from __future__ import annotations

import json
from typing import Any

from rest_framework import serializers

from organizations.api.people import PersonField, WithPeopleSerializer
from organizations.enums import AiPillar, EnrollmentStatus, PayoutSchedule

from ..models import (
    EMAIL_NOTIFICATION_DEFAULTS,
    PUSH_NOTIFICATION_DEFAULTS,
    InstructorProfile,
    InstructorSettings,
    StudentActivity,
)
from ..portal_selectors import DEFAULT_STUDENT_SORT, STUDENT_SORTS

MAX_JSON_CHARS = 20_000
SORT_CHOICES = [key for name in STUDENT_SORTS for key in (name, f"-{name}")]


def http_url(value: str | None) -> str | None:
    if value and not value.lower().startswith(("https://", "http://")):
        raise serializers.ValidationError("Give an http(s) address.", code="invalid")
    return value


def bounded_json(value: Any) -> Any:
    if len(json.dumps(value)) > MAX_JSON_CHARS:
        raise serializers.ValidationError(f"At most {MAX_JSON_CHARS} characters of JSON.", code="max_length")
    return value


# --- dashboard and revenue --------------------------------------------------------------------------


class DashboardSerializer(serializers.Serializer):
    """``get_instructor_dashboard_stats`` (spec 30 §1): live figures, money with 2 decimals."""

    total_students = serializers.IntegerField()
    total_courses = serializers.IntegerField(help_text="Published courses.")
    total_workshops = serializers.IntegerField(help_text="Published, running or completed workshops.")
    total_revenue = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Net of refunds.")
    pending_revenue = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Not yet paid out.")
    average_rating = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    total_reviews = serializers.IntegerField()
    active_enrollments = serializers.IntegerField()
    upcoming_workshops = serializers.IntegerField()
    total_enrollments = serializers.IntegerField()
    completed_enrollments = serializers.IntegerField()
    completion_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    total_earnings = serializers.DecimalField(max_digits=12, decimal_places=2,
                                              help_text="The instructor's share after the platform fee.")


class RevenueQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="First day (UTC), inclusive.")
    end = serializers.DateField(required=False, help_text="Last day (UTC), inclusive.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("start") and attrs.get("end") and attrs["start"] > attrs["end"]:
            raise serializers.ValidationError({"start": serializers.ErrorDetail(
                "The start date is after the end date.", code="start_after_end")})
        return attrs


class RevenueRowSerializer(serializers.Serializer):
    transaction_type = serializers.CharField()
    transaction_count = serializers.IntegerField()
    total_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    total_fees = serializers.DecimalField(max_digits=12, decimal_places=2)
    total_earnings = serializers.DecimalField(max_digits=12, decimal_places=2)


class RevenueTotalsSerializer(serializers.Serializer):
    transaction_count = serializers.IntegerField()
    total_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    total_fees = serializers.DecimalField(max_digits=12, decimal_places=2)
    total_earnings = serializers.DecimalField(max_digits=12, decimal_places=2)


class RevenueSerializer(serializers.Serializer):
    """``get_instructor_revenue_breakdown`` (spec 30 §1) by transaction type; refunds are negative, so the
    totals are net."""

    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    breakdown = RevenueRowSerializer(many=True)
    totals = RevenueTotalsSerializer()


# --- students ---------------------------------------------------------------------------------------


class StudentListQuerySerializer(serializers.Serializer):
    course_id = serializers.UUIDField(required=False, help_text="Only this course (of yours).")
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices, required=False)
    search = serializers.CharField(required=False, max_length=200, allow_blank=True,
                                   help_text="Part of the student's name or e-mail.")
    ordering = serializers.ChoiceField(choices=SORT_CHOICES, required=False, default=DEFAULT_STUDENT_SORT)


class QuizStatsSerializer(serializers.Serializer):
    total_attempts = serializers.IntegerField(source="quiz_total_attempts")
    passed_attempts = serializers.IntegerField(source="quiz_passed_attempts")
    failed_attempts = serializers.IntegerField(source="quiz_failed_attempts")
    average_score = serializers.DecimalField(source="quiz_average_score", max_digits=6, decimal_places=2,
                                             allow_null=True)
    highest_score = serializers.DecimalField(source="quiz_highest_score", max_digits=6, decimal_places=2,
                                             allow_null=True)
    latest_attempt_date = serializers.DateTimeField(source="quiz_latest_attempt_date", allow_null=True)


class AssignmentStatsSerializer(serializers.Serializer):
    total_submissions = serializers.IntegerField(source="assignment_total_submissions")
    graded_submissions = serializers.IntegerField(source="assignment_graded_submissions")
    pending_submissions = serializers.IntegerField(source="assignment_pending_submissions")
    average_grade = serializers.DecimalField(source="assignment_average_grade", max_digits=6, decimal_places=2,
                                             allow_null=True)
    highest_grade = serializers.DecimalField(source="assignment_highest_grade", max_digits=6, decimal_places=2,
                                             allow_null=True)
    latest_submission_date = serializers.DateTimeField(source="assignment_latest_submission_date", allow_null=True)


class StudentEnrollmentSerializer(serializers.Serializer):
    """One enrollment of a student in one of the caller's courses, with that course's figures."""

    enrollment_id = serializers.UUIDField()
    course_id = serializers.UUIDField()
    course_title = serializers.CharField()
    progress_percentage = serializers.IntegerField()
    status = serializers.ChoiceField(choices=EnrollmentStatus.choices)
    last_accessed_at = serializers.DateTimeField(source="last_activity_at", allow_null=True)
    enrolled_at = serializers.DateTimeField(source="enrollment_date")
    completed_at = serializers.DateTimeField(allow_null=True)
    quiz_stats = QuizStatsSerializer(source="*")
    assignment_stats = AssignmentStatsSerializer(source="*")
    time_spent = serializers.CharField(help_text='Watch time as "<H>h <M>m".')
    time_spent_seconds = serializers.IntegerField()


class StudentRowSerializer(StudentEnrollmentSerializer):
    """One row of the student list: a student in one of the caller's courses."""

    student_id = serializers.UUIDField()
    full_name = serializers.CharField(source="student_name")
    email = serializers.EmailField(source="student_email")
    avatar_url = serializers.CharField(source="student_avatar", allow_null=True)


class ActivitySerializer(WithPeopleSerializer):
    student = PersonField(source="student_id")
    course_title = serializers.SerializerMethodField()
    workshop_title = serializers.SerializerMethodField()

    class Meta(WithPeopleSerializer.Meta):
        model = StudentActivity
        fields = ["id", "student", "activity_type", "activity_title", "activity_description", "course_id",
                  "course_title", "workshop_id", "workshop_title", "lesson_id", "metadata", "occurred_at"]
        read_only_fields = fields

    def get_course_title(self, activity: StudentActivity) -> str | None:
        return activity.course.title if activity.course_id and activity.course else None

    def get_workshop_title(self, activity: StudentActivity) -> str | None:
        return activity.workshop.title if activity.workshop_id and activity.workshop else None


class StudentDetailSerializer(serializers.Serializer):
    """One student across the caller's courses, with the student's latest activity there."""

    student_id = serializers.UUIDField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    avatar_url = serializers.CharField(allow_null=True)
    enrollments = StudentEnrollmentSerializer(many=True)
    recent_activity = ActivitySerializer(many=True)


# --- profile and settings ---------------------------------------------------------------------------


class EnumListField(serializers.ListField):
    """A list of enum labels. The ORM hands a PostgreSQL enum array (``ai_pillar[]``) back in its text form,
    ``{a,b}`` (psycopg has no loader for that array type); enum labels hold no commas or quotes."""

    def to_representation(self, data: Any) -> list[Any]:
        if isinstance(data, str):
            inner = data.strip("{}")
            data = inner.split(",") if inner else []
        return super().to_representation(data)


class InstructorProfileSerializer(serializers.ModelSerializer):
    """The caller's own teaching profile. Figures are maintained by the database; ``is_verified`` and
    ``is_featured`` only a platform admin may change (elsewhere)."""

    bio = serializers.CharField(min_length=50, max_length=2000, required=False)
    professional_title = serializers.CharField(max_length=200, required=False)
    tagline = serializers.CharField(max_length=200, allow_null=True, allow_blank=True, required=False)
    cover_photo_url = serializers.CharField(max_length=2000, allow_null=True, required=False,
                                            validators=[http_url])
    video_intro_url = serializers.CharField(max_length=2000, allow_null=True, required=False,
                                            validators=[http_url])
    expertise_tags = serializers.ListField(child=serializers.CharField(max_length=60), max_length=30,
                                           required=False)
    pillars = EnumListField(child=serializers.ChoiceField(choices=AiPillar.choices),
                            max_length=len(AiPillar.choices), required=False)
    education = serializers.ListField(child=serializers.DictField(), max_length=50, required=False,
                                      validators=[bounded_json])
    certifications = serializers.ListField(child=serializers.DictField(), max_length=50, required=False,
                                           validators=[bounded_json])
    work_experience = serializers.ListField(child=serializers.DictField(), max_length=50, required=False,
                                            validators=[bounded_json])
    social_links = serializers.DictField(child=serializers.CharField(max_length=2000, validators=[http_url]),
                                         required=False, validators=[bounded_json])

    class Meta:
        model = InstructorProfile
        fields = ["id", "user_id", "bio", "professional_title", "tagline", "cover_photo_url", "video_intro_url",
                  "expertise_tags", "pillars", "education", "certifications", "work_experience", "social_links",
                  "is_accepting_students", "total_students", "total_courses", "total_workshops",
                  "average_rating", "total_reviews", "is_verified", "is_featured", "created_at", "updated_at"]
        read_only_fields = ["id", "user_id", "total_students", "total_courses", "total_workshops",
                            "average_rating", "total_reviews", "is_verified", "is_featured", "created_at",
                            "updated_at"]

    def validate_professional_title(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("A title cannot be blank.", code="blank")
        return value.strip()

    def validate_expertise_tags(self, value: list[str]) -> list[str]:
        tags = [tag.strip() for tag in value]
        if not all(tags):
            raise serializers.ValidationError("A tag cannot be blank.", code="blank")
        return list(dict.fromkeys(tags))

    def validate_pillars(self, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


def preference_flags(defaults: dict[str, bool]) -> serializers.DictField:
    def known_keys(value: dict[str, bool]) -> dict[str, bool]:
        unknown = sorted(set(value) - set(defaults))
        if unknown:
            raise serializers.ValidationError(f"Unknown preference: {', '.join(unknown)}.", code="invalid")
        return value

    return serializers.DictField(child=serializers.BooleanField(), required=False, validators=[known_keys],
                                 help_text=f"Flags among {', '.join(defaults)}; keys left out keep their value.")


class InstructorSettingsSerializer(serializers.ModelSerializer):
    """The caller's own settings. The payout details and the calendar token are secrets and never appear."""

    email_notifications = preference_flags(EMAIL_NOTIFICATION_DEFAULTS)
    push_notifications = preference_flags(PUSH_NOTIFICATION_DEFAULTS)
    payment_method = serializers.ChoiceField(choices=InstructorSettings.PaymentMethod.choices, allow_null=True,
                                             required=False)
    payout_schedule = serializers.ChoiceField(choices=PayoutSchedule.choices, required=False)
    minimum_payout_amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0,
                                                     required=False)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, help_text="ISO 4217 code, e.g. USD.")
    calendar_provider = serializers.ChoiceField(choices=InstructorSettings.CalendarProvider.choices,
                                                allow_null=True, required=False)

    class Meta:
        model = InstructorSettings
        fields = ["id", "user_id", "email_notifications", "push_notifications", "auto_approve_enrollments",
                  "allow_student_questions", "allow_course_reviews", "show_email_to_students",
                  "show_phone_to_students", "show_student_count", "show_revenue_stats", "payment_method",
                  "payout_schedule", "minimum_payout_amount", "currency", "calendar_sync_enabled",
                  "calendar_provider", "created_at", "updated_at"]
        read_only_fields = ["id", "user_id", "created_at", "updated_at"]

