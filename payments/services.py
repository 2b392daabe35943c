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

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from humanglue.db.errors import classify
from humanglue.security.context import system_context
from instructors.models import Enrollment
from organizations.enums import EnrollmentStatus, PaymentStatus, RegistrationStatus
from talent.models import Consultation, EngagementRequest
from workshops.models import Workshop, WorkshopRegistration

from .models import Payment

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
