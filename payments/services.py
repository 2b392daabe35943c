"""The trusted payment paths of spec 60 "Payment flow": completion (step 5), failure (step 6) and
refunds (steps 4 and 7).

Each service runs in one transaction, inside ``humanglue.security.context.system_context()`` (the provider's
webhook and the client-confirm handler act beyond the payer's rights: a paid enrollment can only be
written in system context, conventions §8), and starts by locking the payment row by its
``transaction_id``, the idempotency key. A replayed or stale provider event changes nothing and
returns the payment as stored. Revenue rows, the item revenue totals, the consultation and engagement
payment mirrors and the instructor's notification all come from the payments triggers; these
services never write them.

Lock order, as the workshops fragment asks: payment row, then the workshop row, then the
registration.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from psycopg import sql

from assessments.models import Assessment
from humanglue.db.errors import classify
from humanglue.security.context import system_context
from instructors.models import Course, Enrollment
from organizations.enums import EnrollmentStatus, PaymentStatus, RegistrationStatus
from organizations.models import User
from talent.models import Consultation, EngagementRequest
from workshops.models import Workshop, WorkshopRegistration

from .models import Certificate, Payment

CENT = Decimal("0.01")
SETTLED = (PaymentStatus.COMPLETED, PaymentStatus.REFUNDED)
SEAT_HOLDING = (RegistrationStatus.REGISTERED, RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW)
ENGAGEMENT_PAYABLE = ("pending", "accepted", "payment_failed")
ENGAGEMENT_FINAL = ("completed", "cancelled", "declined")
# Trigger reasons (CONSTRAINT field) that mean "no seat can be given for this payment".
NO_SEAT_REASONS = ("workshop_full", "workshop_not_open")

# Error codes, stable: the API returns them as the error's `code`.
PAYMENT_NOT_FOUND = "payment_not_found"
PAYMENT_NOT_REFUNDABLE = "payment_not_refundable"
INVALID_REFUND_AMOUNT = "invalid_refund_amount"


class PaymentServiceError(Exception):
    """A payment service refused the request; ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _locked_payment(transaction_id: str) -> Payment:
    payment = Payment.objects.select_for_update().filter(transaction_id=transaction_id).first()
    if payment is None:
        raise PaymentServiceError(PAYMENT_NOT_FOUND, f"No payment has transaction id {transaction_id!r}.")
    return payment


def _lock_workshop(workshop_id: object) -> None:
    list(Workshop.objects.select_for_update().filter(pk=workshop_id).values_list("pk", flat=True))


class _NoSeat(Exception):
    """Internal: the workshop has no seat for a payment that succeeded late."""


def payment_complete(*, transaction_id: str) -> Payment:
    """Apply a succeeded provider payment (spec 60 flow step 5) and return the payment.

    Course: insert the payer's enrollment, or re-activate a dropped one. Workshop: record the payment
    on the payer's registration (re-admitting a registration the hold sweep cancelled; when no seat is
    left the payment is refunded in full). Engagement: the request becomes active. Then the payment
    becomes ``completed``. A payment already completed or refunded is a replay: nothing changes.
    """
    with transaction.atomic(), system_context():
        payment = _locked_payment(transaction_id)
        if payment.status in SETTLED:
            return payment
        seat_lost = False
        if payment.payment_type == Payment.Type.COURSE and payment.course_id:
            _enroll_payer(payment)
        elif payment.payment_type == Payment.Type.WORKSHOP and payment.workshop_id:
            seat_lost = not _confirm_registration(payment)
        elif payment.payment_type == Payment.Type.ENGAGEMENT and payment.engagement_request_id:
            _activate_engagement(payment)
        # Consultation: the mirror follows by trigger; the expert still confirms the slot.
        Payment.objects.filter(pk=payment.pk, status__in=(PaymentStatus.PENDING, PaymentStatus.FAILED)).update(
            status=PaymentStatus.COMPLETED, provider_status="succeeded"
        )
        if seat_lost:
            _write_refund(payment, payment.amount, "No seat left in the workshop when the payment succeeded.")
        payment.refresh_from_db()
        return payment


def payment_fail(*, transaction_id: str, failure_code: str = "", failure_message: str = "",
                 provider_status: str = "requires_payment_method") -> Payment:
    """Record a failed provider payment (spec 60 flow steps 4 and 6) and return the payment.

    The engagement becomes ``payment_failed`` (from pending or accepted); the workshop registration
    holding a seat for this payment is cancelled with ``payment_status = 'failed'``, which releases
    the seat. A settled payment is left alone (a stale event).
    """
    with transaction.atomic(), system_context():
        payment = _locked_payment(transaction_id)
        if payment.status in SETTLED:
            return payment
        metadata = {**payment.metadata, "failure_code": failure_code, "failure_message": failure_message}
        Payment.objects.filter(pk=payment.pk).update(
            status=PaymentStatus.FAILED, provider_status=provider_status, metadata=metadata
        )
        if payment.payment_type == Payment.Type.ENGAGEMENT and payment.engagement_request_id:
            EngagementRequest.objects.filter(
                pk=payment.engagement_request_id, status__in=("pending", "accepted")
            ).update(status="payment_failed")
        elif payment.payment_type == Payment.Type.WORKSHOP and payment.workshop_id:
            _lock_workshop(payment.workshop_id)
            WorkshopRegistration.objects.filter(
                workshop_id=payment.workshop_id, user_id=payment.user_id, status=RegistrationStatus.REGISTERED,
                payment_status=PaymentStatus.PENDING,
            ).update(status=RegistrationStatus.CANCELLED, payment_status=PaymentStatus.FAILED, payment_id=payment.pk)
        payment.refresh_from_db()
        return payment


def payment_refund(*, transaction_id: str, amount_refunded: Decimal, reason: str) -> Payment:
    """Record the provider's cumulative refunded amount (``charge.refunded``, flow steps 4 and 7).

    The database then marks the payment refunded and writes one negative ``refund`` revenue row for
    the increase. A full refund also cancels the purchase (enrollment dropped, registration cancelled,
    consultation or engagement cancelled unless completed). The same or a smaller cumulative amount
    is a replay and writes nothing.
    """
    amount = Decimal(amount_refunded).quantize(CENT)
    with transaction.atomic(), system_context():
        payment = _locked_payment(transaction_id)
        if payment.status not in SETTLED:
            raise PaymentServiceError(
                PAYMENT_NOT_REFUNDABLE, f"A {payment.status} payment cannot be refunded; only a completed one."
            )
        if amount <= 0 or amount > payment.amount:
            raise PaymentServiceError(
                INVALID_REFUND_AMOUNT, f"The refunded amount must be above 0 and at most {payment.amount}."
            )
        if amount <= (payment.refund_amount or Decimal("0")):
            return payment
        _write_refund(payment, amount, reason)
        payment.refresh_from_db()
        return payment


def _write_refund(payment: Payment, amount: Decimal, reason: str) -> None:
    Payment.objects.filter(pk=payment.pk).update(refund_amount=amount, refund_reason=reason)
    if amount == payment.amount:
        _cancel_purchase(payment)


def _enroll_payer(payment: Payment) -> None:
    enrollment, created = Enrollment.objects.get_or_create(
        user_id=payment.user_id, course_id=payment.course_id,
        defaults={"organization_id": payment.user.organization_id, "status": EnrollmentStatus.ENROLLED},
    )
    if not created and enrollment.status == EnrollmentStatus.DROPPED:
        Enrollment.objects.filter(pk=enrollment.pk, status=EnrollmentStatus.DROPPED).update(
            status=EnrollmentStatus.ENROLLED
        )


def _confirm_registration(payment: Payment) -> bool:
    """Record the payment on the payer's registration; False when no seat can be had."""
    _lock_workshop(payment.workshop_id)
    registration = WorkshopRegistration.objects.select_for_update().filter(
        workshop_id=payment.workshop_id, user_id=payment.user_id
    ).first()
    paid = {"payment_id": payment.pk, "payment_status": PaymentStatus.COMPLETED}
    if registration is not None and registration.status in SEAT_HOLDING:
        WorkshopRegistration.objects.filter(pk=registration.pk).update(**paid)
        return True
    # Missing, swept to cancelled, or waitlisted: try to (re-)admit it as registered.
    try:
        with transaction.atomic():
            if registration is None:
                registration = WorkshopRegistration.objects.create(
                    workshop_id=payment.workshop_id, user_id=payment.user_id, status=RegistrationStatus.REGISTERED,
                    price_paid=payment.amount, **paid,
                )
            else:
                WorkshopRegistration.objects.filter(pk=registration.pk).update(
                    status=RegistrationStatus.REGISTERED, **paid
                )
            registration.refresh_from_db(fields=["status"])
            if registration.status not in SEAT_HOLDING:
                raise _NoSeat  # only admitted to the waitlist: roll the attempt back
    except (_NoSeat, IntegrityError) as exc:
        if isinstance(exc, IntegrityError) and getattr(classify(exc), "code", None) not in NO_SEAT_REASONS:
            raise
        WorkshopRegistration.objects.filter(workshop_id=payment.workshop_id, user_id=payment.user_id).update(
            payment_id=payment.pk
        )
        return False
    return True


def _activate_engagement(payment: Payment) -> None:
    engagement = EngagementRequest.objects.select_for_update().filter(pk=payment.engagement_request_id).first()
    if engagement is None or engagement.status not in ENGAGEMENT_PAYABLE:
        return
    changes: dict[str, object] = {"status": "active"}
    if engagement.start_date is None:
        changes["start_date"] = timezone.now().date()
    EngagementRequest.objects.filter(pk=engagement.pk).update(**changes)


def _cancel_purchase(payment: Payment) -> None:
    """A full refund cancels what the payment bought (flow step 7)."""
    if payment.payment_type == Payment.Type.COURSE and payment.course_id:
        Enrollment.objects.filter(user_id=payment.user_id, course_id=payment.course_id).exclude(
            status=EnrollmentStatus.DROPPED
        ).update(status=EnrollmentStatus.DROPPED)
    elif payment.payment_type == Payment.Type.WORKSHOP and payment.workshop_id:
        _lock_workshop(payment.workshop_id)
        WorkshopRegistration.objects.filter(workshop_id=payment.workshop_id, user_id=payment.user_id).update(
            status=RegistrationStatus.CANCELLED, payment_status=PaymentStatus.REFUNDED
        )
    elif payment.payment_type == Payment.Type.CONSULTATION and payment.consultation_id:
        Consultation.objects.filter(pk=payment.consultation_id).exclude(status__in=("completed", "cancelled")).update(
            status="cancelled", cancellation_reason=Consultation.CancellationReason.OTHER
        )
    elif payment.payment_type == Payment.Type.ENGAGEMENT and payment.engagement_request_id:
        EngagementRequest.objects.filter(pk=payment.engagement_request_id).exclude(
            status__in=ENGAGEMENT_FINAL
        ).update(status="cancelled")


# --- Certificates ---------------------------------------------------------------------------------------
# Issuing runs under the caller's rights: the policies say who may issue what (the course or workshop
# instructor, platform admins for every type), generate_certificate_number() refuses a holder who has not
# completed the source (spec 60's API rule, contract v2). The checks below only say why, before the database
# refuses.

CERTIFICATE_EXISTS = "certificate_exists"
NOT_CERTIFICATE_ISSUER = "not_certificate_issuer"
CERTIFICATE_UNIQUE = ("certificates_user_id_course_id_key", "certificates_user_id_workshop_id_key",
                      "certificates_user_id_assessment_id_key")
# The columns an issuer writes; the others keep their database defaults.
ISSUED_COLUMNS = ("id", "user", "certificate_type", "title", "description", "course", "workshop", "assessment",
                  "certificate_number", "issue_date", "expiry_date", "skills_demonstrated", "certificate_url",
                  "badge_url", "verification_url", "is_verified", "issued_by", "issuer_name", "issuer_title")


class CertificateRefused(PaymentServiceError):
    """An issuance the caller may not make (403) or that exists already (409)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code, message)
        self.status = status


def _ask(question: str, *args: object) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {question}", [str(a) for a in args])
        return bool(cursor.fetchone()[0])


def _missing(field: str, what: str) -> ValidationError:
    return ValidationError({field: ValidationError(f"No {what} with this id.", code="does_not_exist")})


def _check_issuer(*, issuer_id: UUID, certificate_type: str, course_id: UUID | None, workshop_id: UUID | None,
                  assessment_id: UUID | None) -> None:
    admin = _ask("app.is_platform_admin()")
    if certificate_type == Certificate.Type.COURSE:
        if not Course.objects.filter(pk=course_id).exists():
            raise _missing("course", "course")
        allowed = admin or _ask("app.is_instructor_of_course(%s)", course_id)
    elif certificate_type == Certificate.Type.WORKSHOP:
        workshop = Workshop.objects.filter(pk=workshop_id).values("instructor_id").first()
        if workshop is None:
            raise _missing("workshop", "workshop")
        allowed = admin or workshop["instructor_id"] == issuer_id
    else:
        if certificate_type == Certificate.Type.ASSESSMENT and not Assessment.objects.filter(pk=assessment_id).exists():
            raise _missing("assessment", "assessment")
        allowed = admin  # program and assessment certificates: platform admins or the system
    if not allowed:
        raise CertificateRefused(403, NOT_CERTIFICATE_ISSUER,
                                 f"Only the instructor of this {certificate_type} or a platform admin may issue "
                                 "its certificates." if certificate_type in ("course", "workshop") else
                                 f"Only a platform admin may issue {certificate_type} certificates.")


def certificate_issue(*, issuer_id: UUID, user_id: UUID, certificate_type: str, title: str,
                      course_id: UUID | None = None, workshop_id: UUID | None = None,
                      assessment_id: UUID | None = None, description: str | None = None,
                      expiry_date: datetime.date | None = None, skills_demonstrated: list[str] | None = None,
                      certificate_url: str | None = None, badge_url: str | None = None,
                      verification_url: str | None = None, is_verified: bool = False,
                      issuer_name: str | None = None, issuer_title: str | None = None) -> Certificate:
    """Issue a certificate to ``user_id`` for a source they completed; the database draws its number.

    An instructor may issue but not read a certificate of someone else (no SELECT policy): they get back
    what they sent, with ``certificate_number`` None. The holder and platform admins read the stored row.
    """
    if not User.objects.filter(pk=user_id).exists():
        raise _missing("user", "user")
    _check_issuer(issuer_id=issuer_id, certificate_type=certificate_type, course_id=course_id,
                  workshop_id=workshop_id, assessment_id=assessment_id)
    if not issuer_name:
        issuer_name = User.objects.filter(pk=issuer_id).values_list("full_name", flat=True).first() or "HumanGlue"
    certificate = Certificate(
        id=uuid.uuid4(), user_id=user_id, certificate_type=certificate_type, title=title, description=description,
        course_id=course_id, workshop_id=workshop_id, assessment_id=assessment_id, certificate_number="",
        expiry_date=expiry_date, skills_demonstrated=skills_demonstrated or [], certificate_url=certificate_url,
        badge_url=badge_url, verification_url=verification_url, is_verified=is_verified, issued_by_id=issuer_id,
        issuer_name=issuer_name, issuer_title=issuer_title)
    fields = [Certificate._meta.get_field(name) for name in ISSUED_COLUMNS]
    # A plain INSERT, not the ORM's INSERT ... RETURNING: RETURNING needs the SELECT policy, which the issuer
    # of someone else's certificate does not pass.
    statement = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        sql.Identifier(Certificate._meta.db_table), sql.SQL(", ").join(sql.Identifier(f.column) for f in fields),
        sql.SQL(", ").join(sql.Placeholder() * len(fields)))
    values = [f.get_db_prep_save(getattr(certificate, f.attname), connection) for f in fields]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, values)
    except IntegrityError as error:
        if getattr(classify(error), "code", None) in CERTIFICATE_UNIQUE:
            raise CertificateRefused(409, CERTIFICATE_EXISTS,
                                     "This user already has a certificate for this source.") from error
        raise  # certificate_source_not_completed and the CHECKs: 400 from the database's reason
    stored = Certificate.objects.filter(pk=certificate.pk).first()
    if stored is not None:
        return stored
    certificate.certificate_number = None
    return certificate


# --- Creating a pending payment (spec 60 flow steps 1-2; the API's POST /payments/) ---------------------
# Runs under the caller's rights: the item must be visible to them (RLS), and the policy "Users can create
# pending payments" admits only their own pending attempt. The amount and currency are the server's.

ITEM_NOT_FOUND = "not_found"
ITEM_FREE = "item_free"
COURSE_NOT_PUBLISHED = "course_not_published"
ALREADY_ENROLLED = "already_enrolled"
ALREADY_PAID = "already_paid"
NO_HELD_REGISTRATION = "no_held_registration"
NOT_YOUR_CONSULTATION = "not_your_consultation"
CONSULTATION_NOT_PAYABLE = "consultation_not_payable"
NOT_YOUR_ENGAGEMENT = "not_your_engagement"
ENGAGEMENT_NOT_ACCEPTED = "engagement_not_accepted"
IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"

PAYABLE_TYPES = (Payment.Type.COURSE, Payment.Type.WORKSHOP, Payment.Type.CONSULTATION, Payment.Type.ENGAGEMENT)
TARGET_FIELD = {Payment.Type.COURSE: "course_id", Payment.Type.WORKSHOP: "workshop_id",
                Payment.Type.CONSULTATION: "consultation_id", Payment.Type.ENGAGEMENT: "engagement_request_id"}
CONSULTATION_PAYABLE = ("requested", "scheduled")
ENGAGEMENT_OPEN_FOR_PAYMENT = ("accepted", "payment_failed")
PROVIDER = Payment.Provider.STRIPE  # Stripe-shaped intents and events; there is no provider call yet
# ISO 4217 currencies without minor units (Stripe's "zero-decimal" list); every other one has two.
ZERO_DECIMAL_CURRENCIES = frozenset({"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX",
                                     "VND", "VUV", "XAF", "XOF", "XPF"})


class PaymentRefused(PaymentServiceError):
    """The API refuses the request: ``status`` is the HTTP answer (404 invisible item, 403 not the payer's,
    409 not payable now)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code, message)
        self.status = status


@dataclass(frozen=True)
class Price:
    amount: Decimal
    currency: str


def minor_units_to_amount(value: int, currency: str) -> Decimal:
    """A provider's integer minor units as major units, exactly (flow step 1): /100 for USD, /1 for JPY."""
    exponent = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    return (Decimal(int(value)) / (Decimal(10) ** exponent)).quantize(CENT)


def amount_to_minor_units(amount: Decimal, currency: str) -> int:
    exponent = 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2
    return int((Decimal(amount) * (Decimal(10) ** exponent)).to_integral_value(ROUND_HALF_UP))


def _not_found(payment_type: str) -> PaymentRefused:
    return PaymentRefused(404, ITEM_NOT_FOUND, f"No {payment_type} with this id.")


def _free(payment_type: str) -> PaymentRefused:
    return PaymentRefused(409, ITEM_FREE, f"This {payment_type} costs nothing: there is nothing to pay.")


def _course_price(user: User, item_id: UUID) -> Price:
    course = Course.objects.filter(pk=item_id).only("status", "price_amount", "currency").first()
    if course is None:
        raise _not_found("course")
    if course.status != "published":
        raise PaymentRefused(409, COURSE_NOT_PUBLISHED, "Only a published course can be bought.")
    if course.price_amount <= 0:
        raise _free("course")
    enrolled = Enrollment.objects.filter(user_id=user.pk, course_id=course.pk).exclude(status=EnrollmentStatus.DROPPED)
    if enrolled.exists():
        raise PaymentRefused(409, ALREADY_ENROLLED, "You are already enrolled in this course.")
    return Price(course.price_amount, course.currency)


def _workshop_price(user: User, item_id: UUID) -> Price:
    """The price agreed on the caller's held registration (the database computed it at registration from
    ``workshop_current_price``, early bird included), so a hold keeps its price until it expires."""
    workshop = Workshop.objects.filter(pk=item_id).only("currency").first()
    if workshop is None:
        raise _not_found("workshop")
    registration = (WorkshopRegistration.objects.filter(workshop_id=workshop.pk, user_id=user.pk)
                    .only("status", "payment_status", "price_paid").first())
    if registration is not None and registration.status in SEAT_HOLDING:
        if registration.payment_status in SETTLED:
            raise PaymentRefused(409, ALREADY_PAID, "Your registration for this workshop is already paid.")
        if registration.price_paid <= 0:
            raise _free("workshop")
        if registration.payment_status in (PaymentStatus.PENDING, PaymentStatus.FAILED):
            return Price(registration.price_paid, workshop.currency)
    raise PaymentRefused(409, NO_HELD_REGISTRATION,
                         "You hold no seat awaiting payment in this workshop: register first (a held seat "
                         "is released when its hold expires).")


def _consultation_price(user: User, item_id: UUID) -> Price:
    consultation = (Consultation.objects.filter(pk=item_id)
                    .only("user_id", "status", "amount", "currency", "payment_status").first())
    if consultation is None:
        raise _not_found("consultation")
    if consultation.user_id != user.pk:
        raise PaymentRefused(403, NOT_YOUR_CONSULTATION, "Only the client who booked a consultation pays it.")
    if consultation.payment_status in SETTLED:
        raise PaymentRefused(409, ALREADY_PAID, "This consultation is already paid.")
    if consultation.status not in CONSULTATION_PAYABLE:
        raise PaymentRefused(409, CONSULTATION_NOT_PAYABLE,
                             f"A {consultation.status} consultation cannot be paid.")
    if consultation.amount <= 0:
        raise _free("consultation")
    return Price(consultation.amount, consultation.currency)


def _engagement_price(user: User, item_id: UUID) -> Price:
    engagement = (EngagementRequest.objects.filter(pk=item_id)
                  .only("client_id", "status", "hours_total", "hourly_rate", "currency", "payment_status").first())
    if engagement is None:
        raise _not_found("engagement")
    if engagement.client_id != user.pk:
        raise PaymentRefused(403, NOT_YOUR_ENGAGEMENT, "Only the engagement's client pays it.")
    if engagement.payment_status in SETTLED:
        raise PaymentRefused(409, ALREADY_PAID, "This engagement is already paid.")
    if engagement.status not in ENGAGEMENT_OPEN_FOR_PAYMENT:
        raise PaymentRefused(409, ENGAGEMENT_NOT_ACCEPTED,
                             f"An engagement is paid once the expert accepted it; this one is {engagement.status}.")
    amount = (engagement.hours_total * engagement.hourly_rate).quantize(CENT, ROUND_HALF_UP)
    if amount <= 0:
        raise _free("engagement")
    return Price(amount, engagement.currency)


PRICE_OF = {Payment.Type.COURSE: _course_price, Payment.Type.WORKSHOP: _workshop_price,
            Payment.Type.CONSULTATION: _consultation_price, Payment.Type.ENGAGEMENT: _engagement_price}


def _advisory_lock(*parts: object) -> None:
    """A transaction-level lock on a name: serializes concurrent requests for the same thing (a hash collision
    only serializes two unrelated requests)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [":".join(str(p) for p in parts)])


def new_transaction_id() -> str:
    """A provider intent id. There is no provider call yet: the id is drawn here, Stripe-shaped."""
    return "pi_" + secrets.token_hex(12)


def payment_create(*, user: User, payment_type: str, item_id: UUID) -> tuple[Payment, bool]:
    """The caller's pending payment for an item (flow step 2): their open attempt for the same item when
    there is one (``created`` False), otherwise a new one priced by the server. Refusals raise
    ``PaymentRefused``."""
    if payment_type not in PAYABLE_TYPES:
        raise PaymentRefused(400, "invalid_choice", f"{payment_type!r} cannot be bought here.")
    with transaction.atomic():
        # Two concurrent requests for the same item must not open two attempts.
        _advisory_lock("payment_create", user.pk, payment_type, item_id)
        price = PRICE_OF[payment_type](user, item_id)
        open_attempt = (Payment.objects.filter(user_id=user.pk, payment_type=payment_type,
                                               related_entity_id=item_id, status=PaymentStatus.PENDING)
                        .order_by("-created_at", "-id").first())
        if open_attempt is not None:
            return open_attempt, False
        payment = Payment(user_id=user.pk, organization_id=user.organization_id, amount=price.amount,
                          currency=price.currency, provider=PROVIDER, transaction_id=new_transaction_id(),
                          payment_type=payment_type, **{TARGET_FIELD[payment_type]: item_id})
        payment.save()
        payment.refresh_from_db()
        return payment, True


# --- Idempotency-Key: the first answer of POST /payments/ per (caller, key) -----------------------------


def request_fingerprint(data: object) -> str:
    """A digest of the request body, key order and spacing aside."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def idempotent_answer(*, user_id: UUID, key: str, fingerprint: str) -> tuple[int, Any] | None:
    """The stored (status, body) of the caller's earlier request with this key, or None if there is none.

    Takes a lock on (caller, key) for the rest of the request's transaction first, so a concurrent request
    with the same key waits for this one's answer to be stored (or rolled back) and then reads it. A key
    sent with another body raises ``PaymentRefused`` 409 ``idempotency_key_reused``."""
    _advisory_lock("idempotency", user_id, key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT request_fingerprint, response_status, response_body FROM public.payment_idempotency_keys"
                       " WHERE user_id = %s AND idempotency_key = %s", [user_id, key])
        row = cursor.fetchone()
    if row is None:
        return None
    stored_fingerprint, status, body = row
    if stored_fingerprint != fingerprint:
        raise PaymentRefused(409, IDEMPOTENCY_KEY_REUSED,
                             "This Idempotency-Key was used with another request body; use a new key.")
    return status, json.loads(body) if isinstance(body, str) else body


def idempotent_answer_store(*, user_id: UUID, key: str, fingerprint: str, status: int, body: Any) -> None:
    """Remember the answer, in the request's transaction (a refused request rolls back and is not stored)."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO public.payment_idempotency_keys (user_id, idempotency_key, request_fingerprint, "
                       "response_status, response_body) VALUES (%s, %s, %s, %s, %s::jsonb)",
                       [user_id, key, fingerprint, status, json.dumps(body, default=str)])


# --- Provider webhook (spec 60 flow steps 3-7) --------------------------------------------------------------
# The signature header: "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, f'{t}.{raw body}')>" (several v1= may be
# given while a secret is rotated). Events older or newer than the tolerance are refused, so a captured
# request cannot be replayed later.

SIGNATURE_HEADER = "X-HumanGlue-Signature"
SIGNATURE_TOLERANCE_SECONDS = 300
WEBHOOK_NOT_CONFIGURED = "webhook_not_configured"
SIGNATURE_MISSING = "signature_missing"
SIGNATURE_INVALID = "signature_invalid"
SIGNATURE_EXPIRED = "signature_expired"
INVALID_EVENT = "invalid_event"
AMOUNT_MISMATCH = "amount_mismatch"

EVENT_SUCCEEDED = "payment_intent.succeeded"
EVENT_FAILED = "payment_intent.payment_failed"
EVENT_CANCELED = "payment_intent.canceled"
EVENT_REFUNDED = "charge.refunded"
HANDLED_EVENTS = (EVENT_SUCCEEDED, EVENT_FAILED, EVENT_CANCELED, EVENT_REFUNDED)
# Results of a webhook call, in the answer's ``result``.
PROCESSED = "processed"  # the payment changed
UNCHANGED = "unchanged"  # acknowledged, nothing to change (a stale or replayed state, spec 60 step 3)
DUPLICATE = "duplicate"  # this event id was applied before: nothing done
IGNORED = "ignored"  # no payment has this transaction id, or the event type is not one we act on


def webhook_secret() -> str:
    return getattr(settings, "PAYMENTS_WEBHOOK_SECRET", "") or ""


def sign_payload(body: bytes, *, secret: str, timestamp: int | None = None) -> str:
    """The signature header value for ``body`` (the test-event command and tests use it too)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(body: bytes, header: str | None, *, secret: str, now: float | None = None) -> None:
    """Raise ``PaymentRefused`` (400) unless ``header`` signs ``body`` with ``secret`` within the tolerance."""
    if not secret:
        raise PaymentRefused(503, WEBHOOK_NOT_CONFIGURED, "The payments webhook has no secret configured.")
    if not header:
        raise PaymentRefused(400, SIGNATURE_MISSING, f"The {SIGNATURE_HEADER} header is missing.")
    timestamp, signatures = None, []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isascii() and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif name == "v1" and value:
            signatures.append(value.strip().lower().encode())
    if timestamp is None or not signatures:
        raise PaymentRefused(400, SIGNATURE_INVALID, f"The {SIGNATURE_HEADER} header is not t=<unix>,v1=<hex>.")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest().encode()
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise PaymentRefused(400, SIGNATURE_INVALID, "The signature does not match the body.")
    if abs((time.time() if now is None else now) - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        raise PaymentRefused(400, SIGNATURE_EXPIRED,
                             f"The signature's timestamp is more than {SIGNATURE_TOLERANCE_SECONDS} s away from now.")


@dataclass(frozen=True)
class ProviderEvent:
    id: str
    type: str
    object: dict[str, Any]

    @property
    def transaction_id(self) -> str | None:
        # A PaymentIntent carries its own id; a Charge names its PaymentIntent.
        key = "payment_intent" if self.type.startswith("charge.") else "id"
        value = self.object.get(key)
        return value if isinstance(value, str) and 0 < len(value) <= 255 else None


def parse_event(body: bytes) -> ProviderEvent:
    """The event in a verified body, or ``PaymentRefused`` 400 ``invalid_event``."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        data = None
    event_id = data.get("id") if isinstance(data, dict) else None
    event_type = data.get("type") if isinstance(data, dict) else None
    obj = data.get("data", {}).get("object") if isinstance(data, dict) and isinstance(data.get("data"), dict) else None
    if not (isinstance(event_id, str) and 0 < len(event_id) <= 255 and isinstance(event_type, str)
            and isinstance(obj, dict)):
        raise PaymentRefused(400, INVALID_EVENT, 'An event is {"id": "evt_...", "type": "...", '
                                                 '"data": {"object": {...}}}.')
    return ProviderEvent(id=event_id, type=event_type, object=obj)


@dataclass(frozen=True)
class WebhookOutcome:
    event_id: str
    result: str
    payment: Payment | None
    detail: str


def _integer(obj: dict[str, Any], key: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PaymentRefused(400, INVALID_EVENT, f"data.object.{key} must be a non-negative integer (minor units).")
    return value


def _check_currency(payment: Payment, obj: dict[str, Any]) -> None:
    currency = obj.get("currency")
    if currency is not None and (not isinstance(currency, str) or currency.upper() != payment.currency):
        raise PaymentRefused(400, AMOUNT_MISMATCH, f"The event's currency is not the payment's ({payment.currency}).")


def _apply(event: ProviderEvent, payment: Payment) -> None:
    obj = event.object
    _check_currency(payment, obj)
    if event.type == EVENT_SUCCEEDED:
        received = _integer(obj, "amount_received")
        received = _integer(obj, "amount") if received is None else received
        if received is not None and minor_units_to_amount(received, payment.currency) != payment.amount:
            raise PaymentRefused(400, AMOUNT_MISMATCH, f"The event's amount is not the payment's ({payment.amount}).")
        payment_complete(transaction_id=payment.transaction_id)
    elif event.type in (EVENT_FAILED, EVENT_CANCELED):
        error = obj.get("last_payment_error") if isinstance(obj.get("last_payment_error"), dict) else {}
        canceled = event.type == EVENT_CANCELED
        code = obj.get("cancellation_reason") if canceled else error.get("code")
        message = error.get("message") or ("The payment was canceled." if canceled else "The payment failed.")
        status = "canceled" if canceled else obj.get("status")
        payment_fail(transaction_id=payment.transaction_id, failure_code=str(code or "")[:200],
                     failure_message=str(message)[:1000],
                     provider_status=status if isinstance(status, str) and status else "requires_payment_method")
    elif event.type == EVENT_REFUNDED:
        refunded = _integer(obj, "amount_refunded")
        if refunded is None:
            raise PaymentRefused(400, INVALID_EVENT, "A charge.refunded event carries data.object.amount_refunded.")
        refunds = obj.get("refunds", {}).get("data") if isinstance(obj.get("refunds"), dict) else None
        reason = refunds[0].get("reason") if isinstance(refunds, list) and refunds and isinstance(refunds[0], dict) \
            else None
        try:
            payment_refund(transaction_id=payment.transaction_id,
                           amount_refunded=minor_units_to_amount(refunded, payment.currency),
                           reason=str(reason or "refunded by the provider")[:1000])
        except PaymentServiceError as error:
            # A refund of a payment not (yet) completed here: refused, so the provider retries it later.
            status = 400 if error.code == INVALID_REFUND_AMOUNT else 409
            raise PaymentRefused(status, error.code, error.message) from error


def _state(payment: Payment) -> tuple[object, ...]:
    return payment.status, payment.refund_amount, payment.provider_status, payment.metadata


def webhook_event_apply(event: ProviderEvent) -> WebhookOutcome:
    """Apply a verified provider event through the trusted payment services, once per event id.

    In system context (the webhook acts for the provider, conventions §1). The payment row is locked first,
    so events for one payment (the same one twice, or two different ones racing) run one after the other;
    the applied event ids are recorded with the outcome, and a replayed id changes nothing. A refusal
    (``PaymentRefused``) leaves nothing written: the request's transaction rolls back.
    """
    transaction_id = event.transaction_id
    if event.type not in HANDLED_EVENTS:
        return WebhookOutcome(event.id, IGNORED, None, f"Events of type {event.type!r} are not acted on.")
    if transaction_id is None:
        raise PaymentRefused(400, INVALID_EVENT, "The event names no payment intent.")
    with transaction.atomic(), system_context():
        payment = Payment.objects.select_for_update().filter(transaction_id=transaction_id).first()
        if payment is None:
            return WebhookOutcome(event.id, IGNORED, None, "No payment has this transaction id.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT payment_id FROM public.payment_provider_events WHERE event_id = %s", [event.id])
            seen = cursor.fetchone()
        if seen is not None:
            if seen[0] != payment.pk:
                raise PaymentRefused(409, "event_payment_mismatch", "This event id was applied to another payment.")
            return WebhookOutcome(event.id, DUPLICATE, payment, "This event was applied before; nothing changed.")
        before = _state(payment)
        _apply(event, payment)
        payment.refresh_from_db()
        result = PROCESSED if _state(payment) != before else UNCHANGED
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO public.payment_provider_events (event_id, event_type, payment_id, "
                           "transaction_id, result, payment_status) VALUES (%s, %s, %s, %s, %s, %s)",
                           [event.id, event.type, payment.pk, transaction_id, result, payment.status])
    detail = "Applied." if result == PROCESSED else "Nothing to change (a stale or replayed state)."
    return WebhookOutcome(event.id, result, payment, detail)
