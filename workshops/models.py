"""Workshops, registrations and feedback (spec 50 §1–§3).

Capacity, waitlist, price, counters and the feedback's workshop/user are decided by the database
triggers of spec 50 §6; the models mark those columns read-only (``MaintainedColumnsModel``) so a
stale ``save()`` never fights a trigger. A registration's INSERT returns its final ``status`` (a
requested ``registered`` may come back ``waitlisted``), but not the ``price_paid``, ``payment_status``
or ``organization`` the trigger filled in: call ``refresh_from_db()`` when you need them. ON DELETE
actions live in the database (``DB_ON_DELETE`` below, applied by ``humanglue.db.operations.SetOnDelete``);
Django's side is ``DO_NOTHING``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.functions import TransactionNow
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Trim
from django.db.models.lookups import Exact

from humanglue.db.columns import (
    MaintainedColumnsModel,
    created_at,
    json_array,
    json_object,
    text_array,
    updated_at,
    uuid_pk,
)
from humanglue.db.constraints import ISO_CURRENCY_REGEX
from humanglue.db.fields import EnumField
from organizations.enums import (
    AiPillar,
    CourseDifficulty,
    PaymentStatus,
    RegistrationStatus,
    WorkshopStatus,
    WorkshopType,
)
from organizations.naming import day, related_label, user_name

# The ON DELETE action the database performs for every FK of this app (spec 50 §1–§3).
DB_ON_DELETE = {
    "workshop.organization": "CASCADE",
    "workshop.instructor": "RESTRICT",
    "workshopregistration.workshop": "CASCADE",
    "workshopregistration.user": "CASCADE",
    "workshopregistration.organization": "SET NULL",
    "workshopregistration.payment": "SET NULL",
    "workshopregistration.certificate": "SET NULL",
    "workshopfeedback.workshop": "CASCADE",
    "workshopfeedback.user": "CASCADE",
    "workshopfeedback.registration": "CASCADE",
}


# The full-text document of a workshop, spelled exactly as the SQL functions spell it
# (``to_tsvector('english', title || ' ' || description)``) so the planner can use the GIN index.
# Django's Concat would nest right-associatively and SearchVector adds COALESCE: different trees.
class WorkshopSearchDocument(models.Func):
    """``to_tsvector('english', title || ' ' || description)``, the expression of idx_workshops_search.

    A class (not a Func instance with an output_field argument) so that the migration autodetector
    sees the same index every time.
    """

    template = "to_tsvector('english', %(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = SearchVectorField()


def money(**kwargs: object) -> models.DecimalField:
    return models.DecimalField(max_digits=10, decimal_places=2, **kwargs)


class Workshop(MaintainedColumnsModel):
    """One scheduled live workshop or masterclass (spec 50 §1)."""

    id = uuid_pk()
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.DO_NOTHING, null=True, blank=True,
        related_name="workshops", db_index=False,  # partial index idx_workshops_org
    )
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="workshops_taught",
        db_index=False,  # covered by idx_workshops_instr_start
    )
    title = models.TextField()
    # Unique through Meta.constraints, not unique=True, which would add a second "_like" index on PostgreSQL.
    slug = models.TextField()
    description = models.TextField(default="", db_default="", blank=True)
    pillar = EnumField(enum_type="ai_pillar", choices=AiPillar.choices)
    level = EnumField(enum_type="course_difficulty", choices=CourseDifficulty.choices)
    format = EnumField(
        enum_type="workshop_type", choices=WorkshopType.choices, default=WorkshopType.ONLINE, db_default="online"
    )
    location = models.TextField(null=True, blank=True)
    meeting_url = models.TextField(null=True, blank=True)
    start_time = models.DateTimeField()
    end_time = models.DateTimeField()
    timezone = models.TextField(default="UTC", db_default="UTC")
    # NOT NULL, but left empty the BEFORE trigger fills it from end_time - start_time.
    duration_minutes = models.IntegerField(blank=True)
    capacity_total = models.IntegerField()
    capacity_remaining = models.IntegerField(db_default=0, editable=False)
    waitlist_enabled = models.BooleanField(default=False, db_default=False)
    waitlist_count = models.IntegerField(db_default=0, editable=False)
    enrolled_count = models.IntegerField(db_default=0, editable=False)
    attended_count = models.IntegerField(db_default=0, editable=False)
    price_amount = money(default=Decimal("0.00"), db_default=Decimal("0.00"))
    price_early_bird = money(null=True, blank=True)
    early_bird_deadline = models.DateTimeField(null=True, blank=True)
    currency = models.TextField(default="USD", db_default="USD")
    status = EnumField(
        enum_type="workshop_status", choices=WorkshopStatus.choices, default=WorkshopStatus.DRAFT, db_default="draft"
    )
    is_featured = models.BooleanField(default=False, db_default=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    outcomes = text_array()
    prerequisites = text_array()
    tags = text_array()
    syllabus = json_array()
    thumbnail_url = models.TextField(null=True, blank=True)
    video_url = models.TextField(null=True, blank=True)
    materials_url = models.TextField(null=True, blank=True)
    recording_url = models.TextField(null=True, blank=True)
    average_satisfaction = models.DecimalField(
        max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    feedback_count = models.IntegerField(db_default=0, editable=False)
    total_revenue = models.DecimalField(
        max_digits=12, decimal_places=2, db_default=Decimal("0.00"), editable=False
    )
    certificate_enabled = models.BooleanField(default=True, db_default=True)
    certificate_template_url = models.TextField(null=True, blank=True)
    metadata = json_object()
    created_at = created_at()
    updated_at = updated_at()

    # derive_workshop_columns_trigger recomputes these; total_revenue belongs to the payments app.
    maintained_fields = (
        "capacity_remaining", "waitlist_count", "enrolled_count", "attended_count", "average_satisfaction",
        "feedback_count", "total_revenue", "published_at", "updated_at",
    )

    class Meta:
        db_table = "workshops"
        ordering = ["start_time", "title"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="workshops_slug_key"),
            models.CheckConstraint(condition=~models.Q(Exact(Trim("title"), "")), name="workshops_title_check"),
            models.CheckConstraint(condition=~models.Q(slug=""), name="workshops_slug_check"),
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")), name="workshops_end_time_check"
            ),
            models.CheckConstraint(condition=models.Q(duration_minutes__gt=0), name="workshops_duration_minutes_check"),
            models.CheckConstraint(condition=models.Q(capacity_total__gt=0), name="workshops_capacity_total_check"),
            models.CheckConstraint(
                condition=models.Q(capacity_remaining__gte=0, capacity_remaining__lte=models.F("capacity_total")),
                name="workshops_capacity_remaining_check",
            ),
            models.CheckConstraint(condition=models.Q(price_amount__gte=0), name="workshops_price_amount_check"),
            models.CheckConstraint(
                condition=models.Q(price_early_bird__isnull=True)
                | models.Q(price_early_bird__gte=0, price_early_bird__lt=models.F("price_amount")),
                name="workshops_price_early_bird_check",
            ),
            models.CheckConstraint(
                condition=models.Q(early_bird_deadline__isnull=True)
                | models.Q(price_early_bird__isnull=False, early_bird_deadline__lte=models.F("start_time")),
                name="workshops_early_bird_deadline_check",
            ),
            models.CheckConstraint(
                condition=models.Q(currency__regex=ISO_CURRENCY_REGEX), name="workshops_currency_check"
            ),
            models.CheckConstraint(
                condition=models.Q(average_satisfaction__range=(0, 5)), name="workshops_average_satisfaction_check"
            ),
            models.CheckConstraint(condition=models.Q(total_revenue__gte=0), name="workshops_total_revenue_check"),
        ]
        indexes = [
            models.Index(fields=["instructor", "start_time"], name="idx_workshops_instr_start"),
            models.Index(
                fields=["organization"], condition=models.Q(organization__isnull=False), name="idx_workshops_org"
            ),
            models.Index(fields=["pillar", "level"], name="idx_workshops_pillar_level"),
            # Drives get_available_workshops.
            models.Index(
                fields=["-is_featured", "start_time"], condition=models.Q(status="published"),
                name="idx_workshops_catalog",
            ),
            models.Index(fields=["start_time"], name="idx_workshops_start"),
            GinIndex(fields=["tags"], name="idx_workshops_tags"),
            GinIndex(fields=["outcomes"], name="idx_workshops_outcomes"),
            GinIndex(WorkshopSearchDocument(models.F("title"), models.F("description")), name="idx_workshops_search"),
            models.Index(
                fields=["average_satisfaction"], condition=models.Q(average_satisfaction__isnull=False),
                name="idx_workshops_rating",
            ),
        ]

    def __str__(self) -> str:
        when = day(self.start_time)
        return f"{self.title} ({when})" if when else self.title


class WorkshopRegistration(MaintainedColumnsModel):
    """One user's seat, waitlist entry, attendance record or cancelled registration (spec 50 §2).

    Write ordinary columns with ``update_fields``; the status may be changed by the admission trigger.
    """

    id = uuid_pk()
    workshop = models.ForeignKey(
        Workshop, on_delete=models.DO_NOTHING, related_name="registrations",
        db_index=False,  # covered by the unique (workshop_id, user_id)
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="workshop_registrations",
        db_index=False,  # covered by idx_wsreg_user_status
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.DO_NOTHING, null=True, blank=True,
        related_name="workshop_registrations", db_index=False,  # partial index idx_wsreg_org
    )
    status = EnumField(
        enum_type="registration_status", choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED,
        db_default="registered",
    )
    status_changed_at = models.DateTimeField(db_default=TransactionNow(), editable=False)
    # NOT NULL, but left empty the BEFORE trigger fills in the workshop's current price.
    price_paid = money(blank=True)
    payment_status = EnumField(enum_type="payment_status", choices=PaymentStatus.choices, null=True, blank=True)
    # Circular with payments: the FK constraints are added by workshops/0002, after payments/0001.
    payment = models.ForeignKey(
        "payments.Payment", on_delete=models.DO_NOTHING, null=True, blank=True, db_column="payment_id",
        related_name="workshop_registrations", db_index=False,  # partial index idx_wsreg_payment
    )
    attendance_duration_minutes = models.IntegerField(null=True, blank=True)
    attendance_percentage = models.IntegerField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    certificate = models.ForeignKey(
        "payments.Certificate", on_delete=models.DO_NOTHING, null=True, blank=True, db_column="certificate_id",
        related_name="workshop_registrations", db_index=False,  # partial index idx_wsreg_certificate
    )
    registered_at = models.DateTimeField(db_default=TransactionNow(), editable=False)
    metadata = json_object()
    updated_at = updated_at()

    maintained_fields = ("status_changed_at", "completed_at", "updated_at")

    class Meta:
        db_table = "workshop_registrations"
        ordering = ["-registered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"], name="workshop_registrations_workshop_id_user_id_key"
            ),
            models.CheckConstraint(
                condition=models.Q(price_paid__gte=0), name="workshop_registrations_price_paid_check"
            ),
            models.CheckConstraint(
                condition=models.Q(attendance_duration_minutes__gte=0),
                name="workshop_registrations_attendance_duration_minutes_check",
            ),
            models.CheckConstraint(
                condition=models.Q(attendance_percentage__range=(0, 100)),
                name="workshop_registrations_attendance_percentage_check",
            ),
        ]
        indexes = [
            models.Index(fields=["workshop", "status"], name="idx_wsreg_workshop_status"),
            # The FIFO waitlist.
            models.Index(
                fields=["workshop", "status_changed_at", "id"], condition=models.Q(status="waitlisted"),
                name="idx_wsreg_waitlist",
            ),
            models.Index(fields=["user", "status"], name="idx_wsreg_user_status"),
            models.Index(
                fields=["organization"], condition=models.Q(organization__isnull=False), name="idx_wsreg_org"
            ),
            models.Index(fields=["payment"], condition=models.Q(payment__isnull=False), name="idx_wsreg_payment"),
            models.Index(
                fields=["certificate"], condition=models.Q(certificate__isnull=False), name="idx_wsreg_certificate"
            ),
            # The sweep for expired payment holds (release_expired_workshop_holds).
            models.Index(
                fields=["status_changed_at"], condition=models.Q(status="registered", payment_status="pending"),
                name="idx_wsreg_pending_holds",
            ),
        ]

    def __str__(self) -> str:
        return f"{user_name(self, 'user')} in {related_label(self, 'workshop')} ({self.get_status_display()})"


class WorkshopFeedback(MaintainedColumnsModel):
    """The post-workshop survey of one attendee (spec 50 §3). ``workshop`` and ``user`` are copied
    from the registration by the BEFORE trigger."""

    id = uuid_pk()
    workshop = models.ForeignKey(
        Workshop, on_delete=models.DO_NOTHING, related_name="feedback", editable=False,
        db_index=False,  # covered by the unique (workshop_id, user_id)
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="workshop_feedback", editable=False
    )
    registration = models.OneToOneField(
        WorkshopRegistration, on_delete=models.DO_NOTHING, related_name="feedback"
    )
    overall_satisfaction = models.IntegerField()
    content_rating = models.IntegerField(null=True, blank=True)
    delivery_rating = models.IntegerField(null=True, blank=True)
    interaction_rating = models.IntegerField(null=True, blank=True)
    what_went_well = models.TextField(null=True, blank=True)
    what_could_improve = models.TextField(null=True, blank=True)
    would_recommend = models.BooleanField(null=True, blank=True)
    nps_score = models.IntegerField(null=True, blank=True)
    metadata = json_object()
    submitted_at = models.DateTimeField(db_default=TransactionNow(), editable=False)
    updated_at = updated_at()

    maintained_fields = ("workshop", "user", "updated_at")

    class Meta:
        db_table = "workshop_feedback"
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="workshop_feedback_workshop_id_user_id_key"),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__range": (1, 5)}), name=f"workshop_feedback_{name}_check"
                )
                for name in ("overall_satisfaction", "content_rating", "delivery_rating", "interaction_rating")
            ),
            models.CheckConstraint(
                condition=models.Q(nps_score__range=(0, 10)), name="workshop_feedback_nps_score_check"
            ),
        ]
        indexes = [
            models.Index(fields=["workshop", "-submitted_at"], name="idx_wsfb_workshop_submitted"),
        ]

    def __str__(self) -> str:
        return (f"Feedback {self.overall_satisfaction}/5 on {related_label(self, 'workshop')} "
                f"by {user_name(self, 'user')}")
