"""Serializers of the learning endpoints (``/api/v1/courses/``, ``sections/``, ``lessons/``, ``enrollments/``).

Trigger-maintained columns (counters, ratings, progress), status columns that only transitions change and
the owner/instructor columns are read-only. Lesson content never appears here except in
``LessonContentSerializer`` (the content endpoint, which reads it through ``app.lesson_content``), and
``courses.total_revenue`` never appears at all (spec 30 §3.1: anyone who sees a course could read it).
"""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from humanglue.db import bounds
from organizations.api.people import PeopleListSerializer, PersonField, WithPeopleSerializer

from .. import selectors
from ..models import Course, CourseLesson, CourseSection, Enrollment, StudentProgress

MAX_PRICE = 99_999_999  # numeric(10,2)


def _http_url(value: str | None) -> str | None:
    if value and not value.lower().startswith(("https://", "http://")):
        raise serializers.ValidationError("Give an http(s) address.", code="invalid")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise serializers.ValidationError("This field may not be blank.", code="blank")
    return value.strip()


def _text_list(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=bounds.SHORT_TEXT_LENGTH, allow_blank=False),
        max_length=bounds.ARRAY_ITEMS, required=False, **kwargs)


def _json_object_within(value: Any, limit: int, what: str = "an object") -> Any:
    if len(json.dumps(value, ensure_ascii=False).encode()) > limit:
        raise serializers.ValidationError(f"At most {limit} bytes.", code="max_length")
    if not isinstance(value, dict):
        raise serializers.ValidationError(f"Give {what}.", code="invalid")
    return value


URL_FIELD = {"max_length": bounds.URL_LENGTH, "allow_null": True, "required": False}
LONG_TEXT = {"max_length": bounds.LONG_TEXT_LENGTH, "allow_null": True, "required": False, "allow_blank": True}


# --- courses -----------------------------------------------------------------------------------------------

COURSE_READ_ONLY = ["id", "instructor", "status", "is_published", "published_at", "enrolled_count",
                    "completed_count", "average_rating", "review_count", "created_at", "updated_at"]


class CourseListSerializer(WithPeopleSerializer):
    """A catalog entry."""

    instructor = PersonField(source="instructor_id")
    is_free = serializers.SerializerMethodField()

    class Meta(WithPeopleSerializer.Meta):
        model = Course
        fields = ["id", "title", "slug", "description", "pillar", "level", "thumbnail_url", "instructor",
                  "organization", "status", "is_published", "published_at", "category", "tags", "duration_hours",
                  "language", "price_amount", "currency", "is_free", "enrolled_count", "completed_count",
                  "average_rating", "review_count", "sort_order", "created_at", "updated_at"]
        read_only_fields = fields

    def get_is_free(self, course: Course) -> bool:
        return course.price_amount == 0


class CourseWriteSerializer(serializers.ModelSerializer):
    """What an instructor writes on their course (create and partial update). ``organization`` defaults to
    the instructor's own organization on create; null makes the course standalone."""

    title = serializers.CharField(max_length=bounds.NAME_LENGTH)
    slug = serializers.RegexField(r"^[a-z0-9]+([._-][a-z0-9]+)*$", max_length=bounds.SLUG_LENGTH, required=False)
    description = serializers.CharField(**LONG_TEXT)
    thumbnail_url = serializers.CharField(**URL_FIELD)
    trailer_url = serializers.CharField(**URL_FIELD)
    certificate_template_url = serializers.CharField(**URL_FIELD)
    organization = serializers.UUIDField(allow_null=True, required=False)
    category = serializers.CharField(max_length=bounds.NAME_LENGTH, allow_null=True, required=False)
    estimated_effort = serializers.CharField(max_length=bounds.NAME_LENGTH, allow_null=True, required=False)
    language = serializers.CharField(max_length=bounds.CODE_LENGTH, required=False)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False)
    price_amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, max_value=MAX_PRICE,
                                            required=False)
    duration_hours = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, allow_null=True,
                                              required=False)
    tags = _text_list()
    what_you_will_learn = _text_list()
    target_audience = _text_list()
    prerequisites = _text_list()
    sort_order = serializers.IntegerField(min_value=-1_000_000, max_value=1_000_000, required=False)
    drip_schedule = serializers.JSONField(required=False)

    class Meta:
        model = Course
        fields = ["title", "slug", "description", "pillar", "level", "thumbnail_url", "trailer_url", "organization",
                  "category", "tags", "what_you_will_learn", "target_audience", "prerequisites", "duration_hours",
                  "estimated_effort", "language", "price_amount", "currency", "certificate_enabled",
                  "certificate_template_url", "allow_comments", "allow_qa", "drip_content", "drip_schedule",
                  "sort_order"]

    validate_title = staticmethod(_not_blank)
    validate_thumbnail_url = staticmethod(_http_url)
    validate_trailer_url = staticmethod(_http_url)
    validate_certificate_template_url = staticmethod(_http_url)

    def validate_drip_schedule(self, value: Any) -> Any:
        return _json_object_within(value, bounds.JSON_BYTES, "an object of lesson id to unlock time")


# --- sections and lessons ----------------------------------------------------------------------------------

LESSON_FIELDS = ["id", "section", "title", "description", "content_type", "video_duration_seconds",
                 "duration_minutes", "quiz_passing_score", "sort_order", "is_preview", "created_at", "updated_at"]


class LessonSerializer(serializers.ModelSerializer):
    """A lesson's outline (never its content). ``section`` is writable on update only: it moves the lesson
    to another section of a course the caller teaches."""

    title = serializers.CharField(max_length=bounds.NAME_LENGTH)
    description = serializers.CharField(**LONG_TEXT)
    video_duration_seconds = serializers.IntegerField(min_value=0, max_value=10_000_000, allow_null=True,
                                                      required=False)
    duration_minutes = serializers.IntegerField(min_value=0, max_value=100_000, allow_null=True, required=False)
    quiz_passing_score = serializers.IntegerField(min_value=0, max_value=100, allow_null=True, required=False)
    sort_order = serializers.IntegerField(min_value=-1_000_000, max_value=1_000_000, required=False)
    section = serializers.PrimaryKeyRelatedField(queryset=CourseSection.objects.all(), required=False)

    class Meta:
        model = CourseLesson
        fields = LESSON_FIELDS
        read_only_fields = ["id", "created_at", "updated_at"]

    validate_title = staticmethod(_not_blank)

    def validate_section(self, value: CourseSection) -> CourseSection:
        if self.instance is None:
            raise serializers.ValidationError("A lesson is created in the section of its URL.", code="read_only")
        return value


class SectionSerializer(serializers.ModelSerializer):
    title = serializers.CharField(max_length=bounds.NAME_LENGTH)
    description = serializers.CharField(**LONG_TEXT)
    duration_minutes = serializers.IntegerField(min_value=0, max_value=1_000_000, allow_null=True, required=False)
    sort_order = serializers.IntegerField(min_value=-1_000_000, max_value=1_000_000, required=False)

    class Meta:
        model = CourseSection
        fields = ["id", "course", "title", "description", "sort_order", "duration_minutes", "created_at",
                  "updated_at"]
        read_only_fields = ["id", "course", "created_at", "updated_at"]

    validate_title = staticmethod(_not_blank)


class SectionOutlineSerializer(SectionSerializer):
    lessons = LessonSerializer(many=True, read_only=True, source="outline")

    class Meta(SectionSerializer.Meta):
        fields = [*SectionSerializer.Meta.fields, "lessons"]
        read_only_fields = fields


class ReorderSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.UUIDField(), max_length=1000, allow_empty=False)


class LessonContentSerializer(serializers.Serializer):
    """A lesson's content: for students and preview readers quiz answers are already stripped by the
    database. On PUT (the course's instructor) all four are replaced; an omitted one becomes null."""

    lesson_id = serializers.UUIDField(read_only=True)
    video_url = serializers.CharField(**URL_FIELD)
    article_content = serializers.CharField(max_length=bounds.ARTICLE_LENGTH, allow_null=True, required=False,
                                            allow_blank=True)
    resource_url = serializers.CharField(**URL_FIELD)
    quiz_questions = serializers.JSONField(allow_null=True, required=False)

    validate_video_url = staticmethod(_http_url)
    validate_resource_url = staticmethod(_http_url)

    def validate_quiz_questions(self, value: Any) -> Any:
        if value is None:
            return value
        if len(json.dumps(value, ensure_ascii=False).encode()) > bounds.JSON_CONTENT_BYTES:
            raise serializers.ValidationError(f"At most {bounds.JSON_CONTENT_BYTES} bytes.", code="max_length")
        questions = value.get("questions") if isinstance(value, dict) else value
        if not isinstance(questions, list) or not all(isinstance(q, dict) for q in questions):
            raise serializers.ValidationError(
                'Give a list of question objects (or an object whose "questions" is one).', code="invalid")
        return value


class CourseDetailSerializer(CourseListSerializer):
    """A course with its outline: sections and their lessons (titles, types, durations, preview flags)."""

    sections = serializers.SerializerMethodField()

    class Meta(CourseListSerializer.Meta):
        fields = [*CourseListSerializer.Meta.fields, "trailer_url", "what_you_will_learn", "target_audience",
                  "prerequisites", "estimated_effort", "certificate_enabled", "allow_comments", "allow_qa",
                  "drip_content", "drip_schedule", "sections"]
        read_only_fields = fields

    @extend_schema_field(SectionOutlineSerializer(many=True))
    def get_sections(self, course: Course) -> list[dict[str, Any]]:
        return SectionOutlineSerializer(selectors.course_outline(course.pk), many=True).data


# --- enrollments -------------------------------------------------------------------------------------------


class CourseBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Course
        fields = ["id", "title", "slug", "thumbnail_url", "pillar", "level", "status", "instructor"]
        read_only_fields = fields


@extend_schema_field(CourseBriefSerializer(allow_null=True))
class CourseBriefField(serializers.Field):
    """The enrollment's course as the caller may see it (null when hidden), from ``context["courses"]``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> dict[str, Any] | None:
        courses = self.context.setdefault("courses", {})
        if value not in courses:
            courses.update(selectors.courses_by_id([value]))
        course = courses.get(value)
        return CourseBriefSerializer(course).data if course is not None else None


class EnrollmentListSerializer(PeopleListSerializer):
    """Loads the page's courses in one query too (never a join: a hidden course must not hide the row)."""

    def to_representation(self, data: Any) -> list[Any]:
        items = list(data.all() if hasattr(data, "all") else data)
        self.child.context.setdefault("courses", {}).update(selectors.courses_by_id(i.course_id for i in items))
        return super().to_representation(items)


class EnrollmentSerializer(WithPeopleSerializer):
    student = PersonField(source="user_id")
    course = CourseBriefField(source="course_id")

    class Meta(WithPeopleSerializer.Meta):
        list_serializer_class = EnrollmentListSerializer
        model = Enrollment
        fields = ["id", "course", "student", "organization", "status", "progress_percentage", "last_accessed_lesson",
                  "last_accessed_at", "enrolled_at", "completed_at", "expires_at", "certificate_url", "created_at",
                  "updated_at"]
        read_only_fields = fields


class LessonProgressSerializer(serializers.ModelSerializer):
    class Meta:
        model = StudentProgress
        fields = ["id", "lesson", "is_completed", "completion_percentage", "time_spent_seconds",
                  "last_position_seconds", "last_accessed_at", "completed_at", "updated_at"]
        read_only_fields = fields


class EnrollmentDetailSerializer(EnrollmentSerializer):
    """An enrollment with its per-lesson progress (the rows the caller may read)."""

    lessons = serializers.SerializerMethodField()

    class Meta(EnrollmentSerializer.Meta):
        fields = [*EnrollmentSerializer.Meta.fields, "lessons"]
        read_only_fields = fields

    @extend_schema_field(LessonProgressSerializer(many=True))
    def get_lessons(self, enrollment: Enrollment) -> list[dict[str, Any]]:
        rows = StudentProgress.objects.filter(enrollment_id=enrollment.pk).order_by("created_at", "id")
        return LessonProgressSerializer(rows, many=True).data


class ProgressReportSerializer(serializers.Serializer):
    """One report of a lesson's progress. Every report marks the lesson accessed (a report with nothing
    else means "started"); ``seconds_spent`` is added to the lesson's time; the others replace the stored
    values when given."""

    lesson = serializers.UUIDField()
    completed = serializers.BooleanField(required=False, allow_null=True, default=None)
    seconds_spent = serializers.IntegerField(min_value=0, max_value=86_400, required=False, default=0)
    completion_percentage = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True,
                                                     default=None)
    last_position_seconds = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False,
                                                     allow_null=True, default=None)


class ProgressResultSerializer(serializers.Serializer):
    enrollment = EnrollmentSerializer(read_only=True)
    lesson_progress = LessonProgressSerializer(read_only=True)
