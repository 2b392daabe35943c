"""Instructor profiles and settings, courses and their structure, enrollments and learning records (spec 20).

Every table has a UUID key and timestamps with database defaults, so rows that SQL functions and
triggers insert (student_progress, student_activity) are valid without Django. ON DELETE actions live
in the database (``humanglue.db.operations.SetOnDelete``); Django's side is ``DO_NOTHING``. The
composite FKs that tie student_progress and course_reviews to their enrollment's user and course are
in ``sql/composite_fks.sql`` (Django cannot express multi-column FKs).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.functions import TransactionNow
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThanOrEqual
from django.utils.text import slugify

from humanglue.db.columns import (
    EMPTY_JSON_OBJECT,
    MaintainedColumnsModel,
    SecretColumnsModel,
    created_at,
    json_array,
    json_object,
    text_array,
    updated_at,
    uuid_pk,
)
from humanglue.db.constraints import jsonb_type_check
from humanglue.db.fields import EnumField, SecretJSONField
from organizations.enums import (
    ActivityType,
    AiPillar,
    CourseDifficulty,
    CourseStatus,
    EnrollmentStatus,
    LessonType,
    PayoutSchedule,
)

from ..selectors import LessonContent, lesson_content

# The ON DELETE action the database performs for every FK of this app (spec 20), as
# "<model>.<field>": action. Migrations apply them with humanglue.db.operations.SetOnDelete.
DB_ON_DELETE = {
    "instructorprofile.user": "CASCADE",
    "instructorsettings.user": "CASCADE",
    "course.instructor": "SET NULL",
    "course.organization": "CASCADE",
    "coursesection.course": "CASCADE",
    "courselesson.section": "CASCADE",
    "enrollment.organization": "SET NULL",
    "enrollment.user": "CASCADE",
    "enrollment.course": "CASCADE",
    "enrollment.last_accessed_lesson": "SET NULL",
    "studentprogress.enrollment": "CASCADE",
    "studentprogress.user": "CASCADE",
    "studentprogress.course": "CASCADE",
    "studentprogress.lesson": "CASCADE",
    "studentactivity.instructor": "CASCADE",
    "studentactivity.student": "CASCADE",
    "studentactivity.course": "CASCADE",
    "studentactivity.workshop": "CASCADE",
    "studentactivity.lesson": "CASCADE",
    "coursereview.course": "CASCADE",
    "coursereview.user": "CASCADE",
    "coursereview.enrollment": "CASCADE",
    "quizattempt.user": "CASCADE",
    "quizattempt.course": "CASCADE",
    "quizattempt.lesson": "CASCADE",
    "assignmentsubmission.user": "CASCADE",
    "assignmentsubmission.course": "CASCADE",
    "assignmentsubmission.lesson": "CASCADE",
    "assignmentsubmission.graded_by": "SET NULL",
}

EMPTY_PILLAR_ARRAY = models.Value(
    [], output_field=ArrayField(EnumField(enum_type="ai_pillar", choices=AiPillar.choices))
)

EMAIL_NOTIFICATION_DEFAULTS = {
    "new_enrollment": True,
    "new_question": True,
    "assignment_submitted": True,
    "course_review": True,
    "workshop_registration": True,
    "payment_received": True,
    "weekly_summary": True,
}
PUSH_NOTIFICATION_DEFAULTS = {
    "new_enrollment": True,
    "new_question": True,
    "assignment_submitted": False,
    "course_review": True,
    "workshop_registration": True,
    "payment_received": True,
}


def default_email_notifications() -> dict[str, bool]:
    return dict(EMAIL_NOTIFICATION_DEFAULTS)


def default_push_notifications() -> dict[str, bool]:
    return dict(PUSH_NOTIFICATION_DEFAULTS)


def non_negative_checks(table: str, *columns: str) -> list[models.CheckConstraint]:
    """One CHECK ``column >= 0`` per column (NULL passes, as in SQL)."""
    return [
        models.CheckConstraint(condition=models.Q(**{f"{column}__gte": 0}), name=f"{table}_{column}_check")
        for column in columns
    ]


def char_length(column: str) -> models.Func:
    return models.Func(models.F(column), function="char_length", output_field=models.IntegerField())


def rating_field(**kwargs: Any) -> models.IntegerField:
    return models.IntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)], **kwargs)


def percent_validators() -> list[Any]:
    return [MinValueValidator(0), MaxValueValidator(100)]


# --- instructor_profiles ------------------------------------------------------------------------


class InstructorProfile(MaintainedColumnsModel):
    """Public teaching profile of a user, at most one per user (spec 20, instructor_profiles)."""

    id = uuid_pk()
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="instructor_profile"
    )
    # At most 2000 characters; at least 50 once the profile is verified or featured.
    bio = models.TextField(default="", db_default="", blank=True)
    professional_title = models.TextField()
    tagline = models.TextField(null=True, blank=True)
    cover_photo_url = models.TextField(null=True, blank=True)
    video_intro_url = models.TextField(null=True, blank=True)
    expertise_tags = text_array()
    pillars = ArrayField(
        EnumField(enum_type="ai_pillar", choices=AiPillar.choices), default=list, db_default=EMPTY_PILLAR_ARRAY,
        blank=True,
    )
    education = json_array()
    certifications = json_array()
    work_experience = json_array()
    social_links = json_object()
    # Maintained by refresh_instructor_stats() and the enrollments trigger (spec 30 §2.10).
    total_students = models.IntegerField(default=0, db_default=0, editable=False)
    total_courses = models.IntegerField(default=0, db_default=0, editable=False)
    total_workshops = models.IntegerField(default=0, db_default=0, editable=False)
    average_rating = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True, editable=False)
    total_reviews = models.IntegerField(default=0, db_default=0, editable=False)
    # Restricted: only a platform admin may change these (guard_instructor_profiles_columns).
    is_verified = models.BooleanField(default=False, db_default=False)
    is_featured = models.BooleanField(default=False, db_default=False)
    is_accepting_students = models.BooleanField(default=True, db_default=True)
    metadata = json_object()
    created_at = created_at()
    updated_at = updated_at()

    maintained_fields = (
        "total_students", "total_courses", "total_workshops", "average_rating", "total_reviews", "updated_at",
    )

    class Meta:
        db_table = "instructor_profiles"
        ordering = ["-is_featured", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(char_length("bio"), 2000), name="instructor_profiles_bio_length_check"
            ),
            models.CheckConstraint(
                condition=models.Q(is_verified=False, is_featured=False) | GreaterThanOrEqual(char_length("bio"), 50),
                name="instructor_profiles_public_bio_check",
            ),
            models.CheckConstraint(
                condition=models.Q(tagline__isnull=True) | LessThanOrEqual(char_length("tagline"), 200),
                name="instructor_profiles_tagline_check",
            ),
            models.CheckConstraint(
                condition=models.Q(average_rating__range=(0, 5)), name="instructor_profiles_average_rating_check"
            ),
            *non_negative_checks(
                "instructor_profiles", "total_students", "total_courses", "total_workshops", "total_reviews"
            ),
            jsonb_type_check("instructor_profiles", "education", "array"),
            jsonb_type_check("instructor_profiles", "certifications", "array"),
            jsonb_type_check("instructor_profiles", "work_experience", "array"),
            jsonb_type_check("instructor_profiles", "social_links", "object"),
            jsonb_type_check("instructor_profiles", "metadata", "object"),
        ]
        indexes = [
            models.Index(fields=["is_verified"], condition=models.Q(is_verified=True), name="idx_instr_prof_verified"),
            models.Index(fields=["is_featured"], condition=models.Q(is_featured=True), name="idx_instr_prof_featured"),
            models.Index(
                fields=["is_accepting_students"], condition=models.Q(is_accepting_students=True),
                name="idx_instr_prof_accepting",
            ),
            GinIndex(fields=["expertise_tags"], name="idx_instr_prof_tags"),
            GinIndex(fields=["pillars"], name="idx_instr_prof_pillars"),
            models.Index(
                fields=["average_rating"], condition=models.Q(average_rating__isnull=False),
                name="idx_instr_prof_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.professional_title} ({self.user_id})"


# --- instructor_settings ------------------------------------------------------------------------

# The values of the text columns with a CHECK list. Module level, not nested in the model: a model's
# Meta cannot see the model's class attributes. The models keep them under their old nested names.
class PaymentMethod(models.TextChoices):
    STRIPE = "stripe"
    PAYPAL = "paypal"
    BANK_TRANSFER = "bank_transfer"


class CalendarProvider(models.TextChoices):
    GOOGLE = "google"
    OUTLOOK = "outlook"
    ICAL = "ical"


class InstructorSettings(SecretColumnsModel):
    """One instructor's notification, privacy, payout and calendar preferences (spec 20, instructor_settings).

    ``payment_details`` and ``calendar_sync_token`` hold application-encrypted secrets: never put
    them in API responses, admin lists, seed output or realtime payloads. The app role may write them but
    not SELECT them (issue 9 item 3): the instructor sets them through the API and never reads them back;
    the payout job reads them as the owner (``with_secrets()``).
    """

    PaymentMethod = PaymentMethod
    CalendarProvider = CalendarProvider

    id = uuid_pk()
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="instructor_settings"
    )
    email_notifications = models.JSONField(
        default=default_email_notifications,
        db_default=models.Value(EMAIL_NOTIFICATION_DEFAULTS, output_field=models.JSONField()),
        blank=True,
    )
    push_notifications = models.JSONField(
        default=default_push_notifications,
        db_default=models.Value(PUSH_NOTIFICATION_DEFAULTS, output_field=models.JSONField()),
        blank=True,
    )
    auto_approve_enrollments = models.BooleanField(default=True, db_default=True)
    allow_student_questions = models.BooleanField(default=True, db_default=True)
    allow_course_reviews = models.BooleanField(default=True, db_default=True)
    show_email_to_students = models.BooleanField(default=False, db_default=False)
    show_phone_to_students = models.BooleanField(default=False, db_default=False)
    show_student_count = models.BooleanField(default=True, db_default=True)
    show_revenue_stats = models.BooleanField(default=False, db_default=False)
    payment_method = models.TextField(choices=PaymentMethod.choices, null=True, blank=True)
    payment_details = SecretJSONField(default=dict, db_default=EMPTY_JSON_OBJECT, blank=True)  # secret
    payout_schedule = EnumField(
        enum_type="payout_schedule", choices=PayoutSchedule.choices, default=PayoutSchedule.MONTHLY,
        db_default="monthly",
    )
    minimum_payout_amount = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("100.00"), db_default=Decimal("100.00"),
        validators=[MinValueValidator(0)],
    )
    currency = models.TextField(default="USD", db_default="USD")
    calendar_sync_enabled = models.BooleanField(default=False, db_default=False)
    calendar_provider = models.TextField(choices=CalendarProvider.choices, null=True, blank=True)
    calendar_sync_token = models.TextField(null=True, blank=True)  # secret, encrypted by the application
    metadata = json_object()
    created_at = created_at()
    updated_at = updated_at()

    secret_fields = ("payment_details", "calendar_sync_token")

    class Meta:
        db_table = "instructor_settings"
        ordering = ["-created_at"]
        base_manager_name = "objects"
        verbose_name_plural = "instructor settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(payment_method__in=PaymentMethod.values),
                name="instructor_settings_payment_method_check",
            ),
            models.CheckConstraint(
                condition=models.Q(calendar_provider__in=CalendarProvider.values),
                name="instructor_settings_calendar_provider_check",
            ),
            *non_negative_checks("instructor_settings", "minimum_payout_amount"),
            jsonb_type_check("instructor_settings", "email_notifications", "object"),
            jsonb_type_check("instructor_settings", "push_notifications", "object"),
            jsonb_type_check("instructor_settings", "payment_details", "object"),
            jsonb_type_check("instructor_settings", "metadata", "object"),
        ]

    def __str__(self) -> str:
        return f"Instructor settings of {self.user_id}"


# --- courses ------------------------------------------------------------------------------------


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


# --- enrollments and progress -------------------------------------------------------------------


class Enrollment(MaintainedColumnsModel):
    """A student's enrollment in a course, carrying course-level progress (spec 20, enrollments)."""

    id = uuid_pk()
    # The learner's organization at enrollment time; NULL for standalone learners.
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="enrollments"
    )
    # user_id leads the (user_id, course_id) unique index; course_id leads (course_id, last_accessed_at).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="enrollments", db_index=False
    )
    course = models.ForeignKey(Course, on_delete=models.DO_NOTHING, related_name="enrollments", db_index=False)
    status = EnumField(
        enum_type="enrollment_status", choices=EnrollmentStatus.choices, default=EnrollmentStatus.ENROLLED,
        db_default="enrolled",
    )
    # Maintained by the progress roll-up (update_enrollment_progress_trigger, spec 30 §2.5).
    progress_percentage = models.IntegerField(default=0, db_default=0, editable=False)
    last_accessed_lesson = models.ForeignKey(
        CourseLesson, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="+", db_index=False,
        editable=False,
    )
    last_accessed_at = models.DateTimeField(null=True, blank=True)
    enrolled_at = models.DateTimeField(db_default=TransactionNow())
    # Set by the roll-up or by guard_enrollments_columns when status becomes 'completed'.
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Restricted: course instructor or platform admin.
    certificate_url = models.TextField(null=True, blank=True)
    metadata = json_object()
    created_at = created_at()
    updated_at = updated_at()

    maintained_fields = ("progress_percentage", "last_accessed_lesson", "completed_at", "updated_at")

    class Meta:
        db_table = "enrollments"
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="enrollments_user_id_course_id_key"),
            # Redundant with the PK; the target of the composite FKs (sql/composite_fks.sql).
            models.UniqueConstraint(fields=["id", "user", "course"], name="enrollments_id_user_id_course_id_key"),
            models.CheckConstraint(
                condition=models.Q(progress_percentage__range=(0, 100)), name="enrollments_progress_percentage_check"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="completed") | models.Q(completed_at__isnull=False),
                name="enrollments_completed_at_check",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=models.F("enrolled_at")),
                name="enrollments_expires_at_check",
            ),
        ]
        indexes = [
            models.Index(fields=["course", "-last_accessed_at"], name="idx_enrollments_course_access"),
            models.Index(fields=["status"], name="idx_enrollments_status"),
            models.Index(fields=["course", "status"], include=["user"], name="idx_enrollments_course_status"),
            models.Index(
                fields=["last_accessed_lesson"], condition=models.Q(last_accessed_lesson__isnull=False),
                name="idx_enrollments_last_lesson",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_id} ({self.status})"


class StudentProgress(models.Model):
    """One student's progress on one lesson of an enrolled course (spec 20 §0.1, student_progress).

    Rows are created by ``auto_create_student_progress``; services upsert on (enrollment_id, lesson_id).
    """

    id = uuid_pk()
    # (enrollment_id, user_id, course_id) must match the enrollment: composite FK in sql/composite_fks.sql.
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.DO_NOTHING, related_name="lesson_progress", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="lesson_progress", db_index=False
    )
    course = models.ForeignKey(Course, on_delete=models.DO_NOTHING, related_name="lesson_progress", db_index=False)
    lesson = models.ForeignKey(CourseLesson, on_delete=models.DO_NOTHING, related_name="progress_records")
    is_completed = models.BooleanField(default=False, db_default=False)
    completion_percentage = models.IntegerField(default=0, db_default=0, validators=percent_validators())
    time_spent_seconds = models.IntegerField(default=0, db_default=0, validators=[MinValueValidator(0)])
    last_position_seconds = models.IntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    last_accessed_at = models.DateTimeField(null=True, blank=True)  # NULL = lesson not started
    completed_at = models.DateTimeField(null=True, blank=True)
    metadata = json_object()
    created_at = created_at()
    updated_at = updated_at()

    class Meta:
        db_table = "student_progress"
        ordering = ["enrollment_id", "created_at"]
        verbose_name_plural = "student progress"
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "lesson"], name="student_progress_enrollment_id_lesson_id_key"
            ),
            models.CheckConstraint(
                condition=models.Q(completion_percentage__range=(0, 100)),
                name="student_progress_completion_percentage_check",
            ),
            *non_negative_checks("student_progress", "time_spent_seconds", "last_position_seconds"),
            models.CheckConstraint(
                condition=models.Q(is_completed=False) | models.Q(completed_at__isnull=False),
                name="student_progress_completed_at_check",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "course"], name="idx_student_progress_user"),
            models.Index(fields=["course", "-last_accessed_at"], name="idx_student_progress_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on lesson {self.lesson_id}"


class StudentActivity(models.Model):
    """An append-only timeline event for an instructor (spec 20, student_activity).

    Written only by SECURITY DEFINER triggers and owner-run services; the app role may only read it.
    """

    id = uuid_pk()
    # Indexed by (instructor_id, occurred_at DESC, id DESC) and (student_id, occurred_at DESC).
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="instructor_activity", db_index=False
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="student_activity", db_index=False
    )
    activity_type = EnumField(enum_type="activity_type", choices=ActivityType.choices)
    activity_title = models.TextField()
    activity_description = models.TextField(null=True, blank=True)
    # Exactly one of course and workshop is set; the three FKs have partial indexes instead.
    course = models.ForeignKey(
        Course, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="activities", db_index=False
    )
    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="student_activities",
        db_index=False,
    )
    lesson = models.ForeignKey(
        CourseLesson, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="activities", db_index=False
    )
    metadata = json_object()
    occurred_at = models.DateTimeField(db_default=TransactionNow())
    created_at = created_at()

    class Meta:
        db_table = "student_activity"
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "student activities"
        constraints = [
            models.CheckConstraint(
                condition=Exact(
                    models.Func(
                        models.F("course"), models.F("workshop"), function="num_nonnulls",
                        output_field=models.IntegerField(),
                    ),
                    1,
                ),
                name="student_activity_scope_check",
            ),
            models.CheckConstraint(
                condition=models.Q(lesson__isnull=True) | models.Q(course__isnull=False),
                name="student_activity_lesson_course_check",
            ),
        ]
        indexes = [
            models.Index(fields=["instructor", "-occurred_at", "-id"], name="idx_student_activity_feed"),
            models.Index(fields=["student", "-occurred_at"], name="idx_student_activity_student"),
            models.Index(fields=["activity_type"], name="idx_student_activity_type"),
            models.Index(
                fields=["course"], condition=models.Q(course__isnull=False), name="idx_student_activity_course"
            ),
            models.Index(
                fields=["workshop"], condition=models.Q(workshop__isnull=False), name="idx_student_activity_workshop"
            ),
            models.Index(
                fields=["lesson"], condition=models.Q(lesson__isnull=False), name="idx_student_activity_lesson"
            ),
            models.Index(fields=["-occurred_at"], name="idx_student_activity_occurred"),
        ]

    def __str__(self) -> str:
        return self.activity_title


# --- reviews, quizzes, assignments --------------------------------------------------------------


class CourseReview(MaintainedColumnsModel):
    """A student's rating and review of a completed course, with an instructor reply (spec 20, course_reviews)."""

    id = uuid_pk()
    # course_id leads the (course_id, user_id) unique index.
    course = models.ForeignKey(Course, on_delete=models.DO_NOTHING, related_name="reviews", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="course_reviews")
    # (enrollment_id, user_id, course_id) must match the enrollment: composite FK in sql/composite_fks.sql.
    enrollment = models.ForeignKey(Enrollment, on_delete=models.DO_NOTHING, related_name="reviews")
    rating = rating_field()
    title = models.TextField(null=True, blank=True)
    review_text = models.TextField(null=True, blank=True)
    content_quality_rating = rating_field(null=True, blank=True)
    instructor_rating = rating_field(null=True, blank=True)
    value_rating = rating_field(null=True, blank=True)
    # Restricted: platform admin (moderation).
    is_published = models.BooleanField(default=True, db_default=True)
    # Restricted: course instructor or platform admin; the guard stamps instructor_responded_at.
    instructor_response = models.TextField(null=True, blank=True)
    instructor_responded_at = models.DateTimeField(null=True, blank=True, editable=False)
    helpful_count = models.IntegerField(default=0, db_default=0, editable=False)
    metadata = json_object()
    created_at = created_at()
    updated_at = updated_at()

    maintained_fields = ("helpful_count", "updated_at")

    class Meta:
        db_table = "course_reviews"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="course_reviews_course_id_user_id_key"),
            models.CheckConstraint(condition=models.Q(rating__range=(1, 5)), name="course_reviews_rating_check"),
            models.CheckConstraint(
                condition=models.Q(content_quality_rating__range=(1, 5)),
                name="course_reviews_content_quality_rating_check",
            ),
            models.CheckConstraint(
                condition=models.Q(instructor_rating__range=(1, 5)), name="course_reviews_instructor_rating_check"
            ),
            models.CheckConstraint(
                condition=models.Q(value_rating__range=(1, 5)), name="course_reviews_value_rating_check"
            ),
            models.CheckConstraint(
                condition=models.Q(review_text__isnull=True) | LessThanOrEqual(char_length("review_text"), 5000),
                name="course_reviews_review_text_check",
            ),
            *non_negative_checks("course_reviews", "helpful_count"),
        ]
        indexes = [
            models.Index(fields=["course", "-created_at"], name="idx_course_reviews_course"),
            models.Index(fields=["rating"], name="idx_course_reviews_rating"),
            models.Index(
                fields=["is_published"], condition=models.Q(is_published=True), name="idx_course_reviews_published"
            ),
            models.Index(
                fields=["course"], include=["rating"], condition=models.Q(is_published=True),
                name="idx_course_reviews_pub_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 for {self.course_id} by {self.user_id}"


class QuizAttempt(models.Model):
    """One graded attempt at a quiz lesson, or a course-level quiz when lesson is NULL (spec 20, quiz_attempts).

    Written once. In request traffic the database grades it (``guard_quiz_attempts_columns``): score,
    max_score, passed and completed_at come from ``quiz_data = {"answers": {<question id or position>:
    <answer>}}`` checked against the lesson's ``quiz_questions``, whatever the client sends; a course-level
    attempt (no questions to grade against) is recorded only by the system context.
    """

    id = uuid_pk()
    # user_id leads the (user_id, course_id, lesson_id, attempt_number) unique index.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="quiz_attempts", db_index=False
    )
    course = models.ForeignKey(Course, on_delete=models.DO_NOTHING, related_name="quiz_attempts")
    lesson = models.ForeignKey(
        CourseLesson, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="quiz_attempts"
    )
    quiz_data = json_object()
    score = models.DecimalField(max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    max_score = models.DecimalField(max_digits=5, decimal_places=2)
    percentage = models.GeneratedField(
        expression=models.F("score") / models.F("max_score") * 100,
        output_field=models.DecimalField(max_digits=5, decimal_places=2),
        db_persist=True,
    )
    passed = models.BooleanField(default=False, db_default=False)
    attempt_number = models.IntegerField(default=1, db_default=1, validators=[MinValueValidator(1)])
    time_spent_seconds = models.IntegerField(default=0, db_default=0, validators=[MinValueValidator(0)])
    metadata = json_object()
    created_at = created_at()
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = updated_at()

    class Meta:
        db_table = "quiz_attempts"
        ordering = ["-created_at"]
        constraints = [
            # NULLS NOT DISTINCT: course-level attempts (lesson NULL) are unique per number too.
            models.UniqueConstraint(
                fields=["user", "course", "lesson", "attempt_number"], nulls_distinct=False,
                name="quiz_attempts_user_id_course_id_lesson_id_attempt_number_key",
            ),
            jsonb_type_check("quiz_attempts", "quiz_data", "object"),
            models.CheckConstraint(condition=models.Q(score__gte=0), name="quiz_attempts_score_check"),
            models.CheckConstraint(condition=models.Q(max_score__gt=0), name="quiz_attempts_max_score_check"),
            models.CheckConstraint(
                condition=models.Q(score__lte=models.F("max_score")), name="quiz_attempts_score_max_check"
            ),
            models.CheckConstraint(
                condition=models.Q(attempt_number__gte=1), name="quiz_attempts_attempt_number_check"
            ),
            *non_negative_checks("quiz_attempts", "time_spent_seconds"),
        ]
        indexes = [models.Index(fields=["-created_at"], name="idx_quiz_attempts_created")]

    def __str__(self) -> str:
        return f"Attempt {self.attempt_number} by {self.user_id} ({self.score}/{self.max_score})"


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    GRADED = "graded"
    RETURNED = "returned"
    RESUBMITTED = "resubmitted"


class AssignmentSubmission(models.Model):
    """A student's assignment submission and its grading (spec 20, assignment_submissions)."""

    Status = SubmissionStatus

    id = uuid_pk()
    # user_id leads the (user_id, course_id) index.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="assignment_submissions", db_index=False
    )
    course = models.ForeignKey(Course, on_delete=models.DO_NOTHING, related_name="assignment_submissions")
    lesson = models.ForeignKey(
        CourseLesson, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="assignment_submissions"
    )
    # Restricted: submitter or platform admin.
    submission_text = models.TextField(null=True, blank=True)
    submission_url = models.TextField(null=True, blank=True)
    attachments = json_array()
    # Restricted: course instructor or platform admin.
    feedback = models.TextField(null=True, blank=True)
    grade = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True, validators=percent_validators())
    status = models.TextField(choices=Status.choices, default=Status.SUBMITTED, db_default="submitted")
    # graded_by and graded_at are stamped by guard_assignment_submissions_columns when a grade is given.
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
        related_name="graded_submissions", db_column="graded_by", editable=False,
    )
    created_at = created_at()
    # NULL only for drafts; the guard stamps it when a draft is submitted.
    submitted_at = models.DateTimeField(null=True, blank=True, db_default=TransactionNow())
    graded_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = updated_at()
    metadata = json_object()

    class Meta:
        db_table = "assignment_submissions"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=SubmissionStatus.values), name="assignment_submissions_status_check"
            ),
            models.CheckConstraint(
                condition=models.Q(grade__range=(0, 100)), name="assignment_submissions_grade_check"
            ),
            jsonb_type_check("assignment_submissions", "attachments", "array"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                name="assignment_submissions_submitted_at_check",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="graded") | models.Q(grade__isnull=False),
                name="assignment_submissions_graded_check",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "course"], name="idx_assign_sub_user_course"),
            models.Index(fields=["status"], name="idx_assign_sub_status"),
            models.Index(fields=["-created_at"], name="idx_assign_sub_created"),
            models.Index(
                fields=["-submitted_at"], condition=models.Q(submitted_at__isnull=False),
                name="idx_assign_sub_submitted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} submission by {self.user_id}"
