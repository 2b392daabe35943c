"""Payments, certificates and revenue rows (spec 60, app ``payments``; conventions §5–§7).

ON DELETE actions live in the database (``humanglue.db.operations.SetOnDelete``); Django's side is
``DO_NOTHING``. Revenue rows are written only by the ``record_payment_revenue()`` trigger on
``payments`` (conventions §6); the API role may only read them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.postgres.functions import TransactionNow
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Cast, Coalesce, Length, Now
from django.db.models.lookups import GreaterThan

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
from humanglue.db.fields import EnumField
from organizations.enums import PaymentStatus, TransactionType
from organizations.naming import user_name

# The ON DELETE action the database performs for every FK of this app (spec 60), as
# "<model>.<field>": action.
DB_ON_DELETE = {
    "payment.user": "CASCADE",
    "payment.organization": "SET NULL",
    "payment.course": "SET NULL",
    "payment.workshop": "SET NULL",
    "payment.consultation": "SET NULL",
    "payment.engagement_request": "SET NULL",
    "certificate.user": "CASCADE",
    "certificate.course": "SET NULL",
    "certificate.workshop": "SET NULL",
    "certificate.assessment": "SET NULL",
    "certificate.issued_by": "SET NULL",
    "revenuetransaction.instructor": "CASCADE",
    "revenuetransaction.student": "CASCADE",
    "revenuetransaction.course": "SET NULL",
    "revenuetransaction.workshop": "SET NULL",
    "revenuetransaction.enrollment": "SET NULL",
    "revenuetransaction.workshop_registration": "SET NULL",
    "revenuetransaction.payment": "SET NULL",
    "revenuetransaction.consultation": "SET NULL",
    "revenuetransaction.engagement_request": "SET NULL",
}


# The values of the text columns with a CHECK list. Module level, not nested in the model: a model's
# Meta cannot see the model's class attributes. The models keep them under their old nested names.
class PaymentMethod(models.TextChoices):
    CREDIT_CARD = "credit_card"
    DEBIT_CARD = "debit_card"
    BANK_TRANSFER = "bank_transfer"
    PAYPAL = "paypal"
    STRIPE = "stripe"


class PaymentProvider(models.TextChoices):
    STRIPE = "stripe"
    PAYPAL = "paypal"
    MANUAL = "manual"


class PaymentType(models.TextChoices):
    COURSE = "course"
    WORKSHOP = "workshop"
    CONSULTATION = "consultation"
    ENGAGEMENT = "engagement"
    SUBSCRIPTION = "subscription"
    OTHER = "other"


class CertificateType(models.TextChoices):
    COURSE = "course"
    WORKSHOP = "workshop"
    PROGRAM = "program"
    ASSESSMENT = "assessment"


class PayoutStatus(models.TextChoices):
    PENDING = "pending"
    PROCESSING = "processing"
    PAID = "paid"
    FAILED = "failed"


# current_date would follow the session time zone; the contract's default is the UTC date.
UTC_TODAY = Cast(
    models.Func(models.Value("UTC"), TransactionNow(), function="timezone"), output_field=models.DateField()
)


def utc_today() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()


def target_matches_type(type_field: str, pairs: dict[str, str]) -> Q:
    """Only the target column named by the type may be set (NULL stays allowed, for ON DELETE SET NULL)."""
    condition = Q()
    for type_value, column in pairs.items():
        condition &= Q(**{type_field: type_value}) | Q(**{f"{column}__isnull": True})
    return condition


class Payment(MaintainedColumnsModel):
    """One payment attempt for one item; refunds on the same row (spec 60, payments)."""

    Method = PaymentMethod
    Provider = PaymentProvider
    Type = PaymentType

    id = uuid_pk()
    # (user_id, created_at DESC) leads with user_id: no single-column index.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="payments", db_index=False
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="payments",
        db_index=False,
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.TextField(default="USD", db_default="USD", validators=[iso_currency])
    payment_method = models.TextField(choices=Method.choices, null=True, blank=True)
    provider = models.TextField(choices=Provider.choices)
    # The provider's payment id (Stripe PaymentIntent id) and the idempotency key of the flow.
    transaction_id = models.TextField(null=True, blank=True)
    provider_customer_id = models.TextField(null=True, blank=True)
    provider_status = models.TextField(null=True, blank=True)
    status = EnumField(
        enum_type="payment_status", choices=PaymentStatus.choices, default=PaymentStatus.PENDING,
        db_default="pending",
    )
    payment_type = models.TextField(choices=Type.choices)
    course = models.ForeignKey(
        "instructors.Course", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="payments",
        db_index=False,
    )
    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="payments",
        db_index=False,
    )
    consultation = models.ForeignKey(
        "talent.Consultation", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="payments",
        db_index=False,
    )
    engagement_request = models.ForeignKey(
        "talent.EngagementRequest", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="payments",
        db_index=False,
    )
    # Read-only, kept for the original API that reads and filters on it.
    related_entity_id = models.GeneratedField(
        expression=Coalesce("course", "workshop", "consultation", "engagement_request"),
        output_field=models.UUIDField(),
        db_persist=True,
        null=True,
    )
    invoice_number = models.TextField(null=True, blank=True)
    invoice_url = models.TextField(null=True, blank=True)
    # Cumulative amount refunded; validate_payment_change() sets status and refunded_at from it.
    refund_amount = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    refund_reason = models.TextField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True, editable=False)
    metadata = json_object()
    created_at = created_at()
    updated_at = updated_at()
    # Filled by validate_payment_change() when the payment completes and the writer left it empty.
    processed_at = models.DateTimeField(null=True, blank=True, editable=False)

    maintained_fields = ("refunded_at", "updated_at")

    class Meta:
        db_table = "payments"
        ordering = ["-created_at"]
        constraints = [
            # UniqueConstraint rather than unique=True: a unique TextField also gets a text_pattern_ops
            # "_like" index on PostgreSQL, which the contract does not have.
            models.UniqueConstraint(fields=["transaction_id"], name="payments_transaction_id_key"),
            models.UniqueConstraint(fields=["invoice_number"], name="payments_invoice_number_key"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payments_amount_check"),
            models.CheckConstraint(condition=Q(currency__regex=ISO_CURRENCY_REGEX), name="payments_currency_check"),
            models.CheckConstraint(
                condition=Q(payment_method__in=PaymentMethod.values), name="payments_payment_method_check"
            ),
            models.CheckConstraint(condition=Q(provider__in=PaymentProvider.values), name="payments_provider_check"),
            models.CheckConstraint(
                condition=Q(transaction_id__isnull=True) | GreaterThan(Length("transaction_id"), 0),
                name="payments_transaction_id_not_empty_check",
            ),
            models.CheckConstraint(
                condition=Q(provider="manual") | Q(transaction_id__isnull=False),
                name="payments_transaction_id_required_check",
            ),
            models.CheckConstraint(
                condition=Q(payment_type__in=PaymentType.values), name="payments_payment_type_check"
            ),
            models.CheckConstraint(
                condition=target_matches_type(
                    "payment_type",
                    {
                        "course": "course",
                        "workshop": "workshop",
                        "consultation": "consultation",
                        "engagement": "engagement_request",
                    },
                ),
                name="payments_target_check",
            ),
            # (status = 'refunded') = (COALESCE(refund_amount, 0) > 0); status is NOT NULL.
            models.CheckConstraint(
                condition=Q(status=PaymentStatus.REFUNDED, refund_amount__gt=0)
                | (~Q(status=PaymentStatus.REFUNDED) & (Q(refund_amount__isnull=True) | Q(refund_amount__lte=0))),
                name="payments_refund_status_check",
            ),
            models.CheckConstraint(
                condition=~Q(status=PaymentStatus.REFUNDED) | Q(refunded_at__isnull=False),
                name="payments_refunded_at_check",
            ),
            models.CheckConstraint(
                condition=Q(refund_amount__isnull=True) | Q(refund_amount__gte=0, refund_amount__lte=F("amount")),
                name="payments_refund_amount_check",
            ),
            models.CheckConstraint(condition=jsonb_typeof_is("metadata", "object"), name="payments_metadata_check"),
        ]
        indexes = [
            # Payment history; also serves user_id FK lookups.
            models.Index(fields=["user", "-created_at"], name="idx_payments_user_created"),
            models.Index(fields=["user", "status"], name="idx_payments_user_status"),
            models.Index(fields=["organization"], condition=Q(organization__isnull=False), name="idx_payments_org"),
            models.Index(fields=["status"], name="idx_payments_status"),
            models.Index(fields=["payment_type"], name="idx_payments_type"),
            models.Index(fields=["provider"], name="idx_payments_provider"),
            models.Index(fields=["-created_at"], name="idx_payments_created"),
            GinIndex(fields=["metadata"], name="idx_payments_metadata_gin"),
            models.Index(fields=["course"], condition=Q(course__isnull=False), name="idx_payments_course"),
            models.Index(fields=["workshop"], condition=Q(workshop__isnull=False), name="idx_payments_workshop"),
            models.Index(
                fields=["consultation"], condition=Q(consultation__isnull=False), name="idx_payments_consultation"
            ),
            models.Index(
                fields=["engagement_request"], condition=Q(engagement_request__isnull=False),
                name="idx_payments_engagement",
            ),
            # "Reuse my open attempt for this item" (flow step 2).
            models.Index(
                fields=["user", "payment_type", "related_entity_id"], condition=Q(status=PaymentStatus.PENDING),
                name="idx_payments_open_attempt",
            ),
            models.Index(
                fields=["provider", "provider_customer_id"], condition=Q(provider_customer_id__isnull=False),
                name="idx_payments_customer",
            ),
        ]

    def __str__(self) -> str:
        kind = self.get_payment_type_display()
        return f"{kind} payment of {self.amount} {self.currency} ({self.get_status_display()})"


class Certificate(models.Model):
    """A credential for a course, workshop, program or assessment (spec 60, certificates)."""

    Type = CertificateType

    id = uuid_pk()
    # (user_id, issue_date DESC) leads with user_id: no single-column index.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="certificates", db_index=False
    )
    certificate_type = models.TextField(choices=Type.choices)
    title = models.TextField()
    description = models.TextField(null=True, blank=True)
    # The per-source unique indexes lead with user_id; the contract's index count leaves these three
    # FK columns without an index of their own.
    course = models.ForeignKey(
        "instructors.Course", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="certificates",
        db_index=False,
    )
    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="certificates",
        db_index=False,
    )
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.DO_NOTHING, null=True, blank=True,
        related_name="certificates", db_index=False,
    )
    # No Python default: '' (Django's value for an unset text field) makes generate_certificate_number()
    # draw a number; on UPDATE a blank value keeps the stored one. A non-blank number is kept as given.
    certificate_number = models.TextField(blank=True, editable=False)
    issue_date = models.DateField(default=utc_today, db_default=UTC_TODAY)
    expiry_date = models.DateField(null=True, blank=True)
    skills_demonstrated = text_array()
    competencies = json_array()
    certificate_url = models.TextField(null=True, blank=True)
    badge_url = models.TextField(null=True, blank=True)
    verification_url = models.TextField(null=True, blank=True)
    is_verified = models.BooleanField(default=False, db_default=False)
    # The contract's index count gives issued_by no index (see the report of the schema issue).
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True,
        related_name="issued_certificates", db_column="issued_by", db_index=False,
    )
    issuer_name = models.TextField()
    issuer_title = models.TextField(null=True, blank=True)
    metadata = json_object()
    created_at = created_at()
    updated_at = updated_at()

    class Meta:
        db_table = "certificates"
        ordering = ["-issue_date", "-created_at"]
        constraints = [
            # Not unique=True on the field: that would add a "_like" index the contract does not have.
            models.UniqueConstraint(fields=["certificate_number"], name="certificates_certificate_number_key"),
            models.CheckConstraint(
                condition=Q(certificate_type__in=CertificateType.values), name="certificates_certificate_type_check"
            ),
            models.CheckConstraint(
                condition=target_matches_type(
                    "certificate_type", {"course": "course", "workshop": "workshop", "assessment": "assessment"}
                ),
                name="certificates_source_check",
            ),
            # One certificate per user per source: automatic issuance is idempotent.
            models.UniqueConstraint(
                fields=["user", "course"], condition=Q(course__isnull=False), name="certificates_user_id_course_id_key"
            ),
            models.UniqueConstraint(
                fields=["user", "workshop"], condition=Q(workshop__isnull=False),
                name="certificates_user_id_workshop_id_key",
            ),
            models.UniqueConstraint(
                fields=["user", "assessment"], condition=Q(assessment__isnull=False),
                name="certificates_user_id_assessment_id_key",
            ),
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True) | Q(expiry_date__gte=F("issue_date")),
                name="certificates_expiry_date_check",
            ),
            models.CheckConstraint(
                condition=jsonb_typeof_is("competencies", "array"), name="certificates_competencies_check"
            ),
            models.CheckConstraint(
                condition=jsonb_typeof_is("metadata", "object"), name="certificates_metadata_check"
            ),
        ]
        indexes = [
            # The column the public verification policy filters on (conventions §11).
            models.Index(fields=["is_verified"], condition=Q(is_verified=True), name="idx_certs_verified"),
            models.Index(fields=["user", "-issue_date"], name="idx_certs_user_issued"),
            models.Index(fields=["certificate_type"], name="idx_certs_type"),
            models.Index(fields=["-issue_date"], name="idx_certs_issue_date"),
            GinIndex(fields=["skills_demonstrated"], name="idx_certs_skills_gin"),
            GinIndex(fields=["competencies"], name="idx_certs_competencies_gin"),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_number or 'certificate'}: {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        generated = not (self.certificate_number or "").strip()
        super().save(*args, **kwargs)
        if generated:
            # The trigger drew (or kept) the number; Django does not read it back by itself.
            self.refresh_from_db(fields=["certificate_number"])


class RevenueTransaction(models.Model):
    """A sale or (negative) refund row per payment, with the fee split (spec 60, revenue_transactions).

    Written only by record_payment_revenue(); afterwards only the payout columns change.
    """

    PayoutStatus = PayoutStatus

    id = uuid_pk()
    # The (instructor_id, payment_status, transaction_date) covering index leads with instructor_id.
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="revenue_transactions", db_index=False
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="revenue_transactions_as_student"
    )
    transaction_type = EnumField(enum_type="transaction_type", choices=TransactionType.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.TextField(default="USD", db_default="USD", validators=[iso_currency])
    platform_fee_percentage = models.DecimalField(
        max_digits=5, decimal_places=2, default=20, db_default=20,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    platform_fee_amount = models.DecimalField(max_digits=10, decimal_places=2)
    instructor_earnings = models.DecimalField(max_digits=10, decimal_places=2)
    course = models.ForeignKey(
        "instructors.Course", on_delete=models.DO_NOTHING, null=True, blank=True,
        related_name="revenue_transactions", db_index=False,
    )
    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.DO_NOTHING, null=True, blank=True,
        related_name="revenue_transactions", db_index=False,
    )
    enrollment = models.ForeignKey(
        "instructors.Enrollment", on_delete=models.DO_NOTHING, null=True, blank=True,
        related_name="revenue_transactions", db_index=False,
    )
    workshop_registration = models.ForeignKey(
        "workshops.WorkshopRegistration", on_delete=models.DO_NOTHING, null=True, blank=True,
        related_name="revenue_transactions", db_index=False,
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="revenue_transactions",
        db_index=False,
    )
    consultation = models.ForeignKey(
        "talent.Consultation", on_delete=models.DO_NOTHING, null=True, blank=True,
        related_name="revenue_transactions", db_index=False,
    )
    engagement_request = models.ForeignKey(
        "talent.EngagementRequest", on_delete=models.DO_NOTHING, null=True, blank=True,
        related_name="revenue_transactions", db_index=False,
    )
    payment_provider = models.TextField(null=True, blank=True)
    payment_provider_transaction_id = models.TextField(null=True, blank=True)
    # Every row is written 'completed' (conventions §6); the default is never used.
    payment_status = EnumField(
        enum_type="payment_status", choices=PaymentStatus.choices, default=PaymentStatus.PENDING,
        db_default="pending",
    )
    payout_id = models.UUIDField(null=True, blank=True)
    payout_status = models.TextField(choices=PayoutStatus.choices, null=True, blank=True)
    payout_date = models.DateTimeField(null=True, blank=True)
    transaction_date = models.DateTimeField(db_default=TransactionNow())
    created_at = created_at()
    updated_at = updated_at()

    class Meta:
        db_table = "revenue_transactions"
        ordering = ["-transaction_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount=F("platform_fee_amount") + F("instructor_earnings")),
                name="revenue_transactions_split_check",
            ),
            # Refund rows are negative, sale rows are not (conventions §6).
            models.CheckConstraint(
                condition=Q(
                    transaction_type=TransactionType.REFUND, amount__lte=0, platform_fee_amount__lte=0,
                    instructor_earnings__lte=0,
                )
                | (
                    ~Q(transaction_type=TransactionType.REFUND)
                    & Q(amount__gte=0, platform_fee_amount__gte=0, instructor_earnings__gte=0)
                ),
                name="revenue_transactions_sign_check",
            ),
            models.CheckConstraint(
                condition=between("platform_fee_percentage", 0, 100),
                name="revenue_transactions_platform_fee_percentage_check",
            ),
            models.CheckConstraint(
                condition=Q(payout_status__in=PayoutStatus.values), name="revenue_transactions_payout_status_check"
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=ISO_CURRENCY_REGEX), name="revenue_transactions_currency_check"
            ),
            # Idempotency for provider webhooks.
            models.UniqueConstraint(
                fields=["payment_provider", "payment_provider_transaction_id"],
                condition=Q(payment_provider_transaction_id__isnull=False),
                name="revenue_transactions_provider_txn_key",
            ),
            # One sale row per payment; the ON CONFLICT target of record_payment_revenue().
            models.UniqueConstraint(
                fields=["payment"], condition=~Q(transaction_type=TransactionType.REFUND),
                name="revenue_transactions_payment_sale_key",
            ),
        ]
        indexes = [
            # Revenue by period, with index-only sums for the dashboard and the breakdown.
            models.Index(
                fields=["instructor", "payment_status", "transaction_date"],
                include=["transaction_type", "amount", "platform_fee_amount", "instructor_earnings", "payout_status"],
                name="idx_revenue_instr_period",
            ),
            models.Index(fields=["transaction_type"], name="idx_revenue_type"),
            models.Index(fields=["course"], condition=Q(course__isnull=False), name="idx_revenue_course"),
            models.Index(fields=["workshop"], condition=Q(workshop__isnull=False), name="idx_revenue_workshop"),
            models.Index(fields=["-transaction_date"], name="idx_revenue_date"),
            models.Index(fields=["payout_status", "payout_date"], name="idx_revenue_payout"),
            models.Index(fields=["enrollment"], condition=Q(enrollment__isnull=False), name="idx_revenue_enrollment"),
            models.Index(
                fields=["workshop_registration"], condition=Q(workshop_registration__isnull=False),
                name="idx_revenue_registration",
            ),
            models.Index(fields=["payment"], condition=Q(payment__isnull=False), name="idx_revenue_payment"),
            models.Index(
                fields=["consultation"], condition=Q(consultation__isnull=False), name="idx_revenue_consultation"
            ),
            models.Index(
                fields=["engagement_request"], condition=Q(engagement_request__isnull=False),
                name="idx_revenue_engagement",
            ),
        ]

    def __str__(self) -> str:
        return (f"{self.get_transaction_type_display()} {self.amount} {self.currency} "
                f"for {user_name(self, 'instructor')}")


# --- Bookkeeping of the payments API (payments/0008; outside the contract's tables) --------------------------
# Created by payments/sql/0008_api_idempotency_and_provider_events.sql (RLS, grants, checks); the models give
# Django the tables (flush, the ORM) without foreign keys, so a key outlives a deleted user harmlessly.


class PaymentIdempotencyKey(models.Model):
    """The first answer to ``POST /api/v1/payments/`` per (caller, ``Idempotency-Key``): a retry gets it again."""

    pk = models.CompositePrimaryKey("user_id", "idempotency_key")
    user_id = models.UUIDField()
    idempotency_key = models.TextField()
    request_fingerprint = models.TextField()
    response_status = models.IntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "payment_idempotency_keys"

    def __str__(self) -> str:
        return f"Idempotency-Key {self.idempotency_key} of {self.user_id}"


class PaymentProviderEvent(models.Model):
    """A provider event the webhook applied: each event id once (spec 60 flow step 3)."""

    event_id = models.TextField(primary_key=True)
    event_type = models.TextField()
    payment_id = models.UUIDField(null=True)
    transaction_id = models.TextField()
    result = models.TextField()
    payment_status = models.TextField(null=True)
    received_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "payment_provider_events"

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
