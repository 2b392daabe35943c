"""Enrollments and learning records (spec 20: enrollments, student_progress, student_activity)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.functions import TransactionNow
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.lookups import Exact

from humanglue.db.columns import MaintainedColumnsModel, created_at, json_object, updated_at, uuid_pk
from humanglue.db.fields import EnumField
from organizations.enums import ActivityType, EnrollmentStatus
from organizations.naming import related_label, user_name

from .courses import Course, CourseLesson
from .helpers import non_negative_checks, percent_validators


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
        return f"{user_name(self, 'user')} in {related_label(self, 'course')}"


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
        return f"{user_name(self, 'user')} on {related_label(self, 'lesson')}"


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
