"""Instructor profiles and settings (spec 20: instructor_profiles, instructor_settings)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual

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
from humanglue.db.fields import EnumArrayField, EnumField, SecretJSONField
from organizations.enums import AiPillar, PayoutSchedule
from organizations.naming import user_name

from .helpers import char_length, non_negative_checks

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
    pillars = EnumArrayField(
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
        name = user_name(self, "user")
        return f"{name}, {self.professional_title}" if self.professional_title else f"Instructor profile of {name}"


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
        return f"Instructor settings of {user_name(self, 'user')}"
