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
import uuid
from decimal import Decimal
from uuid import UUID

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
