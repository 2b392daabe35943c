"""The expert marketplace: profiles, engagements and consultations (spec 60, app ``talent``).

ON DELETE actions live in the database (``humanglue.db.operations.SetOnDelete``); Django's side is
``DO_NOTHING``. Counters, hours and payment mirrors belong to triggers (``MaintainedColumnsModel``).
SQL objects of this app that the models rely on are in ``sql/``: ``talent_search_document.sql``
(must exist before ``talent_profiles`` is created), ``composite_fks.sql`` (after the tables) and
``generated_not_null.sql`` (after the tables).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThanOrEqual, Range

from humanglue.db.columns import (
    MaintainedColumnsModel,
    created_at,
    json_array,
    json_object,
    text_array,
    updated_at,
    uuid_pk,
)
from humanglue.db.constraints import ISO_CURRENCY_REGEX, between, iso_currency, jsonb_typeof_is
from humanglue.db.fields import EnumArrayField, EnumField
from organizations.enums import AiPillar, ConsultationStatus, PaymentStatus
from organizations.naming import day, user_name

# The ON DELETE action the database performs for every FK of this app (spec 60), as
# "<model>.<field>": action. consultation.engagement_request is not here: it has no single-column
# constraint (db_constraint=False); its CASCADE belongs to the composite FK in DB_COMPOSITE_FKS.
DB_ON_DELETE = {
    "talentprofile.user": "CASCADE",
    "engagementrequest.client": "CASCADE",
    "engagementrequest.expert": "RESTRICT",
    "engagementrequest.organization": "SET NULL",
    "engagementrequest.payment": "SET NULL",
    "consultation.organization": "SET NULL",
    "consultation.user": "CASCADE",
    "consultation.expert": "RESTRICT",
    "consultation.payment": "SET NULL",
}

# FKs Django cannot express; created by sql/composite_fks.sql (spec 60, consultations).
DB_COMPOSITE_FKS = {
    "consultation.engagement_request": {
        "constraint": "consultations_engagement_request_id_user_id_expert_id_fkey",
        "columns": ("engagement_request_id", "user_id", "expert_id"),
        "references": ("engagement_requests", ("id", "client_id", "expert_id")),
        "on_delete": "CASCADE",
    },
}

# The ai_pillar[] literal must carry the enum array type, so it is written as SQL.
EMPTY_AI_PILLAR_ARRAY = models.expressions.RawSQL("'{}'::ai_pillar[]", ())

TRANSFORMATION_STAGES = ("assess", "reframe", "embed", "scale")


# The values of the text columns with a CHECK list. Module level, not nested in the model: a model's
# Meta cannot see the model's class attributes. The models keep them under their old nested names.
class Availability(models.TextChoices):
    AVAILABLE = "available"
    LIMITED = "limited"
    BOOKED = "booked"


class CoachingStyle(models.TextChoices):
    DIRECTIVE = "directive"
    FACILITATIVE = "facilitative"
    HYBRID = "hybrid"


class EngagementStatus(models.TextChoices):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    PAYMENT_FAILED = "payment_failed"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class SessionType(models.TextChoices):
    COACHING = "coaching"
    WORKSHOP = "workshop"
    CONSULTATION = "consultation"
    FOLLOW_UP = "follow_up"


class CancellationReason(models.TextChoices):
    CLIENT_CANCELLED = "client_cancelled"
    EXPERT_CANCELLED = "expert_cancelled"
    NO_SHOW = "no_show"
    PAYMENT_FAILED = "payment_failed"
    OTHER = "other"


def trimmed_length_at_least(column: str, minimum: int) -> GreaterThanOrEqual:
    """``length(trim(column)) >= minimum`` for a CHECK constraint."""
    return GreaterThanOrEqual(Length(Trim(column)), minimum)


class TsTzRange(models.Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class TalentProfile(MaintainedColumnsModel):
    """One user's expert/coach profile in the marketplace (spec 60, talent_profiles)."""

    Availability = Availability
    CoachingStyle = CoachingStyle

    id = uuid_pk()
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="talent_profile")
    title = models.TextField(null=True, blank=True)
    tagline = models.TextField()
    bio = models.TextField()
    location = models.TextField(null=True, blank=True)
    timezone = models.TextField(default="UTC", db_default="UTC")
    expertise = text_array()
    certifications = text_array()
    languages = text_array()
    pillars = EnumArrayField(
        EnumField(enum_type="ai_pillar", choices=AiPillar.choices), default=list, db_default=EMPTY_AI_PILLAR_ARRAY,
        blank=True,
    )
    transformation_success_rate = models.IntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    behavior_change_score = models.IntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    client_retention_rate = models.IntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    cultures_transformed = models.IntegerField(default=0, db_default=0, validators=[MinValueValidator(0)])
    years_experience = models.IntegerField(validators=[MinValueValidator(0), MaxValueValidator(100)])
    clients_transformed = models.IntegerField(default=0, db_default=0, validators=[MinValueValidator(0)])
    employees_reframed = models.IntegerField(default=0, db_default=0, validators=[MinValueValidator(0)])
    industries = text_array()
    transformation_stages = text_array()
    coaching_style = models.TextField(choices=CoachingStyle.choices, null=True, blank=True)
    # rating, review_count and total_sessions are written by update_talent_rating().
    rating = models.DecimalField(max_digits=3, decimal_places=2, default=0, db_default=0, editable=False)
    review_count = models.IntegerField(default=0, db_default=0, editable=False)
    total_sessions = models.IntegerField(default=0, db_default=0, editable=False)
    availability = models.TextField(
        choices=Availability.choices, default=Availability.AVAILABLE, db_default="available"
    )
    accepting_clients = models.BooleanField(default=True, db_default=True)
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.TextField(default="USD", db_default="USD", validators=[iso_currency])
    min_engagement_hours = models.IntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    max_hours_per_week = models.IntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(168)]
    )
    session_duration_minutes = models.IntegerField(default=60, db_default=60, validators=[MinValueValidator(1)])
    buffer_minutes = models.IntegerField(default=15, db_default=15, validators=[MinValueValidator(0)])
    booking_advance_days = models.IntegerField(default=1, db_default=1, validators=[MinValueValidator(0)])
    weekly_availability = json_array()
    testimonials = json_array()
    avatar_url = models.TextField(null=True, blank=True)
    video_intro_url = models.TextField(null=True, blank=True)
    is_public = models.BooleanField(default=True, db_default=True)
    metadata = json_object()
    # talent_search_document() is IMMUTABLE (sql/talent_search_document.sql); array_to_string is not.
    search_vector = models.GeneratedField(
        expression=models.Func(
            F("tagline"), F("title"), F("expertise"), F("industries"), F("bio"), F("location"),
            function="talent_search_document", output_field=SearchVectorField(),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created_at = created_at()
    updated_at = updated_at()

    maintained_fields = ("rating", "review_count", "total_sessions", "updated_at")

    class Meta:
        db_table = "talent_profiles"
        ordering = ["-rating", "-review_count"]
        constraints = [
            models.CheckConstraint(
                condition=Range(Length(Trim("tagline")), (1, 200)), name="talent_profiles_tagline_check"
            ),
            models.CheckConstraint(condition=trimmed_length_at_least("bio", 1), name="talent_profiles_bio_check"),
            models.CheckConstraint(
                condition=between("transformation_success_rate", 0, 100),
                name="talent_profiles_transformation_success_rate_check",
            ),
            models.CheckConstraint(
                condition=between("behavior_change_score", 0, 100), name="talent_profiles_behavior_change_score_check"
            ),
            models.CheckConstraint(
                condition=between("client_retention_rate", 0, 100), name="talent_profiles_client_retention_rate_check"
            ),
            models.CheckConstraint(
                condition=Q(cultures_transformed__gte=0), name="talent_profiles_cultures_transformed_check"
            ),
            models.CheckConstraint(
                condition=between("years_experience", 0, 100), name="talent_profiles_years_experience_check"
            ),
            models.CheckConstraint(
                condition=Q(clients_transformed__gte=0), name="talent_profiles_clients_transformed_check"
            ),
            models.CheckConstraint(
                condition=Q(employees_reframed__gte=0), name="talent_profiles_employees_reframed_check"
            ),
            models.CheckConstraint(
                condition=Q(transformation_stages__contained_by=list(TRANSFORMATION_STAGES)),
                name="talent_profiles_transformation_stages_check",
            ),
            models.CheckConstraint(
                condition=Q(coaching_style__in=CoachingStyle.values), name="talent_profiles_coaching_style_check"
            ),
            models.CheckConstraint(condition=between("rating", 0, 5), name="talent_profiles_rating_check"),
            models.CheckConstraint(condition=Q(review_count__gte=0), name="talent_profiles_review_count_check"),
            models.CheckConstraint(condition=Q(total_sessions__gte=0), name="talent_profiles_total_sessions_check"),
            models.CheckConstraint(
                condition=Q(availability__in=Availability.values), name="talent_profiles_availability_check"
            ),
            models.CheckConstraint(condition=Q(hourly_rate__gte=0), name="talent_profiles_hourly_rate_check"),
            models.CheckConstraint(
                condition=Q(currency__regex=ISO_CURRENCY_REGEX), name="talent_profiles_currency_check"
            ),
            models.CheckConstraint(
                condition=Q(min_engagement_hours__gt=0), name="talent_profiles_min_engagement_hours_check"
            ),
            models.CheckConstraint(
                condition=between("max_hours_per_week", 1, 168), name="talent_profiles_max_hours_per_week_check"
            ),
            models.CheckConstraint(
                condition=Q(session_duration_minutes__gt=0), name="talent_profiles_session_duration_minutes_check"
            ),
            models.CheckConstraint(condition=Q(buffer_minutes__gte=0), name="talent_profiles_buffer_minutes_check"),
            models.CheckConstraint(
                condition=Q(booking_advance_days__gte=0), name="talent_profiles_booking_advance_days_check"
            ),
            models.CheckConstraint(
                condition=jsonb_typeof_is("weekly_availability", "array"),
                name="talent_profiles_weekly_availability_check",
            ),
            models.CheckConstraint(
                condition=jsonb_typeof_is("testimonials", "array"), name="talent_profiles_testimonials_check"
            ),
            models.CheckConstraint(
                condition=jsonb_typeof_is("metadata", "object"), name="talent_profiles_metadata_check"
            ),
        ]
        indexes = [
            models.Index(fields=["availability"], name="idx_talent_availability"),
            # The marketplace listing and search_talent's default order.
            models.Index(
                fields=["-rating", "-review_count"],
                condition=Q(is_public=True, accepting_clients=True),
                name="idx_talent_marketplace",
            ),
            GinIndex(fields=["expertise"], name="idx_talent_expertise_gin"),
            GinIndex(fields=["industries"], name="idx_talent_industries_gin"),
            GinIndex(fields=["transformation_stages"], name="idx_talent_stages_gin"),
            GinIndex(fields=["pillars"], name="idx_talent_pillars_gin"),
            GinIndex(fields=["search_vector"], name="idx_talent_search_gin"),
            GinIndex(OpClass("tagline", name="gin_trgm_ops"), name="idx_talent_tagline_trgm"),
            # The column the public-read policy filters on (conventions §11).
            models.Index(fields=["is_public"], condition=Q(is_public=True), name="idx_talent_public"),
        ]

    def __str__(self) -> str:
        name = user_name(self, "user")
        return f"{name}, {self.title}" if self.title else f"Expert profile of {name}"


class EngagementRequest(MaintainedColumnsModel):
    """One client–expert engagement from request to completion (spec 60, engagement_requests)."""

    Status = EngagementStatus

    id = uuid_pk()
    # (client_id, status) and (expert_id, status) lead with the FK columns: no single-column index.
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="engagement_requests_as_client",
        db_index=False,
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="engagement_requests_as_expert",
        db_index=False,
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.DO_NOTHING, null=True, blank=True,
        related_name="engagement_requests", db_index=False,
    )
    title = models.TextField(null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    focus_area = models.TextField()
    initial_message = models.TextField(null=True, blank=True)
    timeline = models.TextField(null=True, blank=True)
    hours_total = models.DecimalField(max_digits=10, decimal_places=2)
    # Recomputed from completed sessions by update_engagement_hours().
    hours_used = models.DecimalField(max_digits=10, decimal_places=2, default=0, db_default=0, editable=False)
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.TextField(default="USD", db_default="USD", validators=[iso_currency])
    status = models.TextField(choices=Status.choices, default=Status.PENDING, db_default="pending")
    # Mirror of the relevant payment attempt, written by sync_payment_to_target().
    payment = models.ForeignKey(
        "payments.Payment", on_delete=models.DO_NOTHING, null=True, blank=True, editable=False,
        related_name="mirrored_engagement_requests", db_index=False,
    )
    payment_status = EnumField(
        enum_type="payment_status", choices=PaymentStatus.choices, null=True, blank=True, editable=False
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    estimated_completion_date = models.DateField(null=True, blank=True)
    deliverables = json_array()
    milestones = json_array()
    outcomes = json_object()
    client_satisfaction_score = models.IntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    metadata = json_object()
    created_at = created_at()
    updated_at = updated_at()
    completed_at = models.DateTimeField(null=True, blank=True)

    maintained_fields = ("hours_used", "payment", "payment_status", "updated_at")

    class Meta:
        db_table = "engagement_requests"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(hours_used__lte=F("hours_total")), name="check_hours_valid"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="check_dates_valid",
            ),
            models.CheckConstraint(
                condition=~Q(client=F("expert")), name="engagement_requests_client_not_expert_check"
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="engagement_requests_completed_at_check",
            ),
            # Trivially unique; the target of the consultations composite FK (sql/composite_fks.sql).
            models.UniqueConstraint(
                fields=["id", "client", "expert"], name="engagement_requests_id_client_id_expert_id_key"
            ),
            models.CheckConstraint(
                condition=trimmed_length_at_least("focus_area", 1), name="engagement_requests_focus_area_check"
            ),
            models.CheckConstraint(condition=Q(hours_total__gt=0), name="engagement_requests_hours_total_check"),
            models.CheckConstraint(condition=Q(hours_used__gte=0), name="engagement_requests_hours_used_check"),
            models.CheckConstraint(condition=Q(hourly_rate__gte=0), name="engagement_requests_hourly_rate_check"),
            models.CheckConstraint(
                condition=Q(currency__regex=ISO_CURRENCY_REGEX), name="engagement_requests_currency_check"
            ),
            models.CheckConstraint(
                condition=Q(status__in=EngagementStatus.values), name="engagement_requests_status_check"
            ),
            models.CheckConstraint(
                condition=jsonb_typeof_is("deliverables", "array"), name="engagement_requests_deliverables_check"
            ),
            models.CheckConstraint(
                condition=jsonb_typeof_is("milestones", "array"), name="engagement_requests_milestones_check"
            ),
            models.CheckConstraint(
                condition=jsonb_typeof_is("outcomes", "object"), name="engagement_requests_outcomes_check"
            ),
            models.CheckConstraint(
                condition=between("client_satisfaction_score", 1, 5),
                name="engagement_requests_client_satisfaction_score_check",
            ),
            models.CheckConstraint(
                condition=jsonb_typeof_is("metadata", "object"), name="engagement_requests_metadata_check"
            ),
        ]
        indexes = [
            models.Index(fields=["client", "status"], name="idx_eng_req_client_status"),
            models.Index(fields=["expert", "status"], name="idx_eng_req_expert_status"),
            models.Index(
                fields=["organization"], condition=Q(organization__isnull=False), name="idx_eng_req_org"
            ),
            models.Index(fields=["status"], name="idx_eng_req_status"),
            models.Index(fields=["start_date", "end_date"], name="idx_eng_req_dates"),
            GinIndex(fields=["deliverables"], name="idx_eng_req_deliverables_gin"),
            GinIndex(fields=["milestones"], name="idx_eng_req_milestones_gin"),
            models.Index(fields=["payment"], condition=Q(payment__isnull=False), name="idx_eng_req_payment"),
        ]

    def __str__(self) -> str:
        subject = self.title or self.focus_area or "Engagement"
        return f"{subject}: {user_name(self, 'client')} with {user_name(self, 'expert')} ({self.get_status_display()})"


class Consultation(MaintainedColumnsModel):
    """One scheduled one-to-one session, standalone or inside an engagement (spec 60, consultations)."""

    SessionType = SessionType
    CancellationReason = CancellationReason

    id = uuid_pk()
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.DO_NOTHING, null=True, blank=True,
        related_name="consultations", db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="consultations_as_client"
    )
    # (expert_id, scheduled_start) leads with expert_id: no single-column index.
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="consultations_as_expert",
        db_index=False,
    )
    # The database enforces (engagement_request_id, user_id, expert_id) -> engagement_requests
    # (id, client_id, expert_id) ON DELETE CASCADE (sql/composite_fks.sql), so Django adds no FK.
    engagement_request = models.ForeignKey(
        EngagementRequest, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="sessions",
        db_constraint=False, db_index=False,
    )
    status = EnumField(
        enum_type="consultation_status", choices=ConsultationStatus.choices, default=ConsultationStatus.REQUESTED,
        db_default="requested",
    )
    session_type = models.TextField(choices=SessionType.choices, null=True, blank=True)
    title = models.TextField(null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    topics = text_array()
    pillar = EnumField(enum_type="ai_pillar", choices=AiPillar.choices)
    scheduled_start = models.DateTimeField()
    scheduled_end = models.DateTimeField()
    actual_start = models.DateTimeField(null=True, blank=True)
    actual_end = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.IntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    meeting_url = models.TextField(null=True, blank=True)
    meeting_notes = models.TextField(null=True, blank=True)
    action_items = json_array()
    cancellation_reason = models.TextField(choices=CancellationReason.choices, null=True, blank=True)
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, default=0, db_default=0, validators=[MinValueValidator(0)]
    )
    currency = models.TextField(default="USD", db_default="USD", validators=[iso_currency])
    # Mirror of the relevant payment attempt, written by sync_payment_to_target().
    payment = models.ForeignKey(
        "payments.Payment", on_delete=models.DO_NOTHING, null=True, blank=True, editable=False,
        related_name="mirrored_consultations", db_index=False,
    )
    payment_status = EnumField(
        enum_type="payment_status", choices=PaymentStatus.choices, null=True, blank=True, editable=False
    )
    user_rating = models.IntegerField(null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)])
    user_feedback = models.TextField(null=True, blank=True)
    # Private to the expert: the API never returns it to the client.
    expert_notes = models.TextField(null=True, blank=True)
    metadata = json_object()
    created_at = created_at()
    updated_at = updated_at()

    maintained_fields = ("payment", "payment_status", "updated_at")

    class Meta:
        db_table = "consultations"
        ordering = ["-scheduled_start"]
        constraints = [
            models.CheckConstraint(condition=Q(scheduled_end__gt=F("scheduled_start")), name="valid_schedule"),
            models.CheckConstraint(
                condition=Q(actual_start__isnull=True) | Q(actual_end__isnull=True)
                | Q(actual_end__gte=F("actual_start")),
                name="consultations_actual_times_check",
            ),
            # A session is billed through its engagement.
            models.CheckConstraint(
                condition=Q(engagement_request__isnull=True) | Q(amount=0),
                name="consultations_session_amount_check",
            ),
            models.CheckConstraint(
                condition=Q(cancellation_reason__isnull=True) | Q(status=ConsultationStatus.CANCELLED),
                name="consultations_cancellation_reason_status_check",
            ),
            # No two scheduled sessions of one expert overlap on [scheduled_start, scheduled_end).
            ExclusionConstraint(
                name="consultations_no_double_booking_excl",
                index_type="gist",
                expressions=[
                    ("expert", RangeOperators.EQUAL),
                    (TsTzRange("scheduled_start", "scheduled_end", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=Q(status=ConsultationStatus.SCHEDULED),
            ),
            models.CheckConstraint(
                condition=Q(session_type__in=SessionType.values), name="consultations_session_type_check"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="consultations_duration_minutes_check"
            ),
            models.CheckConstraint(
                condition=jsonb_typeof_is("action_items", "array"), name="consultations_action_items_check"
            ),
            models.CheckConstraint(
                condition=Q(cancellation_reason__in=CancellationReason.values),
                name="consultations_cancellation_reason_check",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="consultations_amount_check"),
            models.CheckConstraint(
                condition=Q(currency__regex=ISO_CURRENCY_REGEX), name="consultations_currency_check"
            ),
            models.CheckConstraint(condition=between("user_rating", 1, 5), name="consultations_user_rating_check"),
            models.CheckConstraint(
                condition=jsonb_typeof_is("metadata", "object"), name="consultations_metadata_check"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization"], condition=Q(organization__isnull=False), name="idx_consult_org"
            ),
            # The expert's calendar; also serves expert_id FK lookups.
            models.Index(fields=["expert", "scheduled_start"], name="idx_consult_expert_start"),
            models.Index(fields=["status"], name="idx_consult_status"),
            models.Index(fields=["scheduled_start"], name="idx_consult_start"),
            models.Index(fields=["payment_status"], name="idx_consult_payment_status"),
            models.Index(
                fields=["engagement_request"], condition=Q(engagement_request__isnull=False),
                name="idx_consult_engagement",
            ),
            models.Index(fields=["payment"], condition=Q(payment__isnull=False), name="idx_consult_payment"),
        ]

    def __str__(self) -> str:
        subject = self.title or self.get_session_type_display()
        when = day(self.scheduled_start)
        return f"{subject} with {user_name(self, 'expert')} on {when} ({self.get_status_display()})"
