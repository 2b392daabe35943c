"""Courses and their structure (spec 20: courses, course_sections, course_lessons)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.text import slugify

from humanglue.db.columns import (
    MaintainedColumnsModel,
    SecretColumnsModel,
    created_at,
    json_object,
    text_array,
    updated_at,
    uuid_pk,
)
from humanglue.db.constraints import jsonb_type_check
from humanglue.db.fields import EnumField
from organizations.enums import AiPillar, CourseDifficulty, CourseStatus, LessonType

from ..selectors import LessonContent, lesson_content
from .helpers import non_negative_checks, percent_validators


class Course(MaintainedColumnsModel):
    """A course in the catalog, owned by one instructor and optionally one organization (spec 20, courses)."""

    id = uuid_pk()
    title = models.TextField()
    # NOT NULL UNIQUE (courses_slug_key in Meta, which avoids Django's extra text_pattern_ops index for
    # unique=True); filled from the title by save() when the caller sends none.
    slug = models.TextField(blank=True)
    description = models.TextField(null=True, blank=True)
    pillar = EnumField(enum_type="ai_pillar", choices=AiPillar.choices)
    level = EnumField(
        enum_type="course_difficulty", choices=CourseDifficulty.choices, default=CourseDifficulty.BEGINNER,
        db_default="beginner",
    )
    thumbnail_url = models.TextField(null=True, blank=True)
    trailer_url = models.TextField(null=True, blank=True)
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="taught_courses"
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="courses"
    )
    # The source of truth for publishing; is_published only mirrors it for old filters.
    status = EnumField(
        enum_type="course_status", choices=CourseStatus.choices, default=CourseStatus.DRAFT, db_default="draft"
    )
    is_published = models.GeneratedField(
        expression=models.Q(status="published"), output_field=models.BooleanField(), db_persist=True
    )
    published_at = models.DateTimeField(null=True, blank=True)
    category = models.TextField(null=True, blank=True)
    tags = text_array()
    what_you_will_learn = text_array()
    target_audience = text_array()
    prerequisites = text_array()
    duration_hours = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    estimated_effort = models.TextField(null=True, blank=True)
    language = models.TextField(default="en", db_default="en")
    price_amount = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0.00"), db_default=Decimal("0.00"),
        validators=[MinValueValidator(0)],
    )
    currency = models.TextField(default="USD", db_default="USD")
    # Maintained: auto_update_enrolled_count, update_course_rating_trigger and the payments app's
    # update_item_revenue_trigger (spec 30 §2.2, §2.7, §2.8).
    enrolled_count = models.IntegerField(default=0, db_default=0, editable=False)
    completed_count = models.IntegerField(default=0, db_default=0, editable=False)
    average_rating = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True, editable=False)
    review_count = models.IntegerField(default=0, db_default=0, editable=False)
    total_revenue = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0.00"), db_default=Decimal("0.00"), editable=False
    )
    certificate_enabled = models.BooleanField(default=True, db_default=True)
    certificate_template_url = models.TextField(null=True, blank=True)
    allow_comments = models.BooleanField(default=True, db_default=True)
    allow_qa = models.BooleanField(default=True, db_default=True)
    drip_content = models.BooleanField(default=False, db_default=False)
    drip_schedule = json_object()  # lesson id -> unlock timestamp
    sort_order = models.IntegerField(default=0, db_default=0)
    metadata = json_object()
    created_at = created_at()
    updated_at = updated_at()

    maintained_fields = (
        "enrolled_count", "completed_count", "average_rating", "review_count", "total_revenue", "updated_at",
    )

    class Meta:
        db_table = "courses"
        ordering = ["sort_order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="courses_slug_key"),
            *non_negative_checks(
                "courses", "price_amount", "duration_hours", "enrolled_count", "completed_count", "review_count",
                "total_revenue",
            ),
            models.CheckConstraint(
                condition=models.Q(average_rating__range=(0, 5)), name="courses_average_rating_check"
            ),
            jsonb_type_check("courses", "drip_schedule", "object"),
            jsonb_type_check("courses", "metadata", "object"),
        ]
        indexes = [
            models.Index(fields=["status"], name="idx_courses_status"),
            models.Index(fields=["category"], name="idx_courses_category"),
            GinIndex(fields=["tags"], name="idx_courses_tags"),
            models.Index(
                fields=["average_rating"], condition=models.Q(average_rating__isnull=False), name="idx_courses_rating"
            ),
            models.Index(fields=["enrolled_count"], name="idx_courses_enrolled_count"),
            models.Index(fields=["pillar"], name="idx_courses_pillar"),
            models.Index(fields=["level"], name="idx_courses_level"),
            models.Index(fields=["sort_order"], name="idx_courses_sort_order"),
            models.Index(
                fields=["instructor"], condition=models.Q(status="published"), name="idx_courses_instr_published"
            ),
            models.Index(
                fields=["-created_at"], condition=models.Q(status="published"), name="idx_courses_published_recent"
            ),
            GinIndex(OpClass("title", name="gin_trgm_ops"), name="idx_courses_title_trgm"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = self.unique_slug(self.title)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "slug" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "slug"]
        super().save(*args, **kwargs)

    @classmethod
    def unique_slug(cls, title: str) -> str:
        """``slugify(title)``, plus a short random suffix when a visible course already uses it.

        Under RLS a draft of another instructor is invisible, so a collision can still reach the
        UNIQUE constraint (23505, mapped to 409); the caller may retry.
        """
        base = slugify(title)[:80].strip("-") or "course"
        if not cls._default_manager.filter(slug=base).exists():
            return base
        return f"{base}-{uuid.uuid4().hex[:6]}"


class CourseSection(models.Model):
    """An ordered group of lessons inside a course, formerly course_modules (spec 20, course_sections)."""

    id = uuid_pk()
    # Indexed by (course_id, sort_order).
    course = models.ForeignKey(Course, on_delete=models.DO_NOTHING, related_name="sections", db_index=False)
    title = models.TextField()
    description = models.TextField(null=True, blank=True)
    sort_order = models.IntegerField(default=0, db_default=0)
    duration_minutes = models.IntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    metadata = json_object()
    created_at = created_at()
    updated_at = updated_at()

    class Meta:
        db_table = "course_sections"
        ordering = ["course_id", "sort_order"]
        constraints = non_negative_checks("course_sections", "duration_minutes")
        indexes = [models.Index(fields=["course", "sort_order"], name="idx_course_sections_order")]

    def __str__(self) -> str:
        return self.title


class CourseLesson(SecretColumnsModel):
    """One lesson (video, article, quiz, assignment, live session) in a section (spec 20, course_lessons).

    The paid content (``secret_fields``) is not readable by the app role (issue 9 item 8): the syllabus
    (title, type, order, preview flag) is, the content comes through ``content()`` /
    ``instructors.selectors.lesson_content``, which applies the gating rules and strips quiz answers.
    ``resource_url`` is content too: live-session links and downloadable material of paid lessons.
    """

    id = uuid_pk()
    # Indexed by (section_id, sort_order).
    section = models.ForeignKey(CourseSection, on_delete=models.DO_NOTHING, related_name="lessons", db_index=False)
    title = models.TextField()
    description = models.TextField(null=True, blank=True)
    # Named content_type for API compatibility, typed lesson_type (the content_type enum is unused).
    content_type = EnumField(enum_type="lesson_type", choices=LessonType.choices)
    video_url = models.TextField(null=True, blank=True)
    video_duration_seconds = models.IntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    duration_minutes = models.IntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    article_content = models.TextField(null=True, blank=True)
    resource_url = models.TextField(null=True, blank=True)
    quiz_questions = models.JSONField(null=True, blank=True)
    quiz_passing_score = models.IntegerField(null=True, blank=True, validators=percent_validators())
    sort_order = models.IntegerField(default=0, db_default=0)
    is_preview = models.BooleanField(default=False, db_default=False)
    metadata = json_object()
    created_at = created_at()
    updated_at = updated_at()

    secret_fields = ("video_url", "article_content", "resource_url", "quiz_questions")

    class Meta:
        db_table = "course_lessons"
        ordering = ["section_id", "sort_order"]
        base_manager_name = "objects"
        constraints = [
            *non_negative_checks("course_lessons", "video_duration_seconds", "duration_minutes"),
            models.CheckConstraint(
                condition=models.Q(quiz_passing_score__range=(0, 100)), name="course_lessons_quiz_passing_score_check"
            ),
        ]
        indexes = [
            models.Index(fields=["section", "sort_order"], name="idx_course_lessons_order"),
            models.Index(fields=["content_type"], name="idx_course_lessons_type"),
            models.Index(fields=["is_preview"], condition=models.Q(is_preview=True), name="idx_course_lessons_preview"),
        ]

    def __str__(self) -> str:
        return self.title

    def content(self) -> LessonContent | None:
        """This lesson's content for the current caller, or None when they may not read it."""
        return lesson_content(self.pk)
