"""Quizzes and assignments (spec 20: quiz_attempts, assignment_submissions)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.functions import TransactionNow
from django.core.validators import MinValueValidator
from django.db import models

from humanglue.db.columns import created_at, json_array, json_object, updated_at, uuid_pk
from humanglue.db.constraints import jsonb_type_check
from organizations.naming import related_label, user_name

from .courses import Course, CourseLesson
from .helpers import non_negative_checks, percent_validators


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
        on = related_label(self, "lesson") if self.lesson_id else related_label(self, "course")
        return f"Attempt {self.attempt_number} by {user_name(self, 'user')} on {on} ({self.score}/{self.max_score})"


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
        on = related_label(self, "lesson") if self.lesson_id else related_label(self, "course")
        return f"{self.get_status_display()} submission by {user_name(self, 'user')} on {on}"
