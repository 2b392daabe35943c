"""Course reviews (spec 20: course_reviews)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.lookups import LessThanOrEqual

from humanglue.db.columns import MaintainedColumnsModel, created_at, json_object, updated_at, uuid_pk
from organizations.naming import related_label, user_name

from .courses import Course
from .enrollments import Enrollment
from .helpers import char_length, non_negative_checks, rating_field


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
        return f"{self.rating}/5 for {related_label(self, 'course')} by {user_name(self, 'user')}"
