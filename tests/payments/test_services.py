"""The payments services (payments/services.py): completion, failure and refunds (spec 60 "Payment flow").

The triggers do the bookkeeping (revenue rows, item totals, mirrors, notifications); these tests drive
the services and read what the database wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from humanglue.security.context import current_role, enter_app_role
from instructors.models import Course, Enrollment
from notifications.models import Notification
from organizations.models import Organization, User
from payments.models import Payment, RevenueTransaction
from payments.services import (
    INVALID_REFUND_AMOUNT,
    PAYMENT_NOT_FOUND,
    PAYMENT_NOT_REFUNDABLE,
    PaymentServiceError,
    payment_complete,
    payment_fail,
    payment_refund,
)
from talent.models import Consultation, EngagementRequest, TalentProfile
from workshops.models import Workshop, WorkshopRegistration

pytestmark = pytest.mark.django_db

PASSWORD = "services-Password-1"


@dataclass
class Shop:
    org: Organization
    instructor: User
    student: User
    course: Course


@pytest.fixture
def shop() -> Shop:
    org = Organization.objects.create(name="Shop Org", slug="shop-org")
    instructor = User.objects.create_user("teacher@shop.example", PASSWORD, full_name="Tess Teacher")
    student = User.objects.create_user("student@shop.example", PASSWORD, full_name="Sid Student", organization=org)
    course = Course.objects.create(title="Paid course", slug="paid-course", pillar="coaching", instructor=instructor,
                                   status="published", price_amount=Decimal("99.00"))
    return Shop(org=org, instructor=instructor, student=student, course=course)


def pending(user: User, transaction_id: str, payment_type: str, amount: str, **target: Any) -> Payment:
    return Payment.objects.create(user=user, organization=user.organization, amount=Decimal(amount),
                                  provider="stripe", transaction_id=transaction_id, payment_type=payment_type,
                                  **target)


def revenue(payment: Payment) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    """The payment's revenue rows: the sale first, then the refunds, smallest first."""
    rows = [(r.transaction_type, r.amount, r.platform_fee_amount, r.instructor_earnings)
            for r in RevenueTransaction.objects.filter(payment=payment)]
    return sorted(rows, key=lambda row: (row[0] == "refund", -row[1]))


def snapshot(payment: Payment) -> dict[str, Any]:
    """Everything a replay must leave unchanged."""
    payment.refresh_from_db()
    return {
        "payment": model_to_dict(payment) | {"updated_at": payment.updated_at},
        "revenue": sorted(RevenueTransaction.objects.values_list("id", "amount")),
        "enrollments": sorted(Enrollment.objects.values_list("id", "status", "updated_at")),
        "notifications": Notification.objects.count(),
    }


def test_course_completion_enrolls_and_writes_one_sale_row(shop: Shop) -> None:
    payment = pending(shop.student, "pi_course_1", "course", "99.00", course=shop.course)
    result = payment_complete(transaction_id="pi_course_1")
    assert (result.status, result.provider_status) == ("completed", "succeeded")
    assert result.processed_at is not None
    enrollment = Enrollment.objects.get(user=shop.student, course=shop.course)
    assert (enrollment.status, enrollment.organization_id) == ("enrolled", shop.org.pk)
    assert revenue(payment) == [("course_enrollment", Decimal("99.00"), Decimal("19.80"), Decimal("79.20"))]
    sale = RevenueTransaction.objects.get(payment=payment)
    assert (sale.enrollment_id, sale.instructor_id, sale.student_id) == (
        enrollment.pk, shop.instructor.pk, shop.student.pk)
    shop.course.refresh_from_db()
    assert (shop.course.total_revenue, shop.course.enrolled_count) == (Decimal("99.00"), 1)
    assert Notification.objects.filter(user=shop.instructor, type="payment").count() == 1


def test_replayed_completion_changes_nothing(shop: Shop) -> None:
    payment = pending(shop.student, "pi_course_2", "course", "99.00", course=shop.course)
    payment_complete(transaction_id="pi_course_2")
    before = snapshot(payment)
    again = payment_complete(transaction_id="pi_course_2")
    assert again.status == "completed"
    assert snapshot(payment) == before
    assert len(revenue(payment)) == 1


def test_refund_rows_are_negative_and_replays_write_nothing(shop: Shop) -> None:
    payment = pending(shop.student, "pi_course_3", "course", "99.00", course=shop.course)
    payment_complete(transaction_id="pi_course_3")

    partial = payment_refund(transaction_id="pi_course_3", amount_refunded=Decimal("30"), reason="goodwill")
    assert (partial.status, partial.refund_amount, partial.refund_reason) == ("refunded", Decimal("30.00"), "goodwill")
    assert partial.refunded_at is not None
    assert revenue(payment)[1:] == [("refund", Decimal("-30.00"), Decimal("-6.00"), Decimal("-24.00"))]
    assert Enrollment.objects.get(user=shop.student, course=shop.course).status == "enrolled"  # partial: kept

    before = snapshot(payment)
    payment_refund(transaction_id="pi_course_3", amount_refunded=Decimal("30.00"), reason="replayed webhook")
    payment_refund(transaction_id="pi_course_3", amount_refunded=Decimal("10.00"), reason="stale webhook")
    assert snapshot(payment) == before

    payment_refund(transaction_id="pi_course_3", amount_refunded=Decimal("99.00"), reason="full refund")
    assert revenue(payment) == [
        ("course_enrollment", Decimal("99.00"), Decimal("19.80"), Decimal("79.20")),
        ("refund", Decimal("-30.00"), Decimal("-6.00"), Decimal("-24.00")),
        ("refund", Decimal("-69.00"), Decimal("-13.80"), Decimal("-55.20")),
    ]
    shop.course.refresh_from_db()
    assert shop.course.total_revenue == Decimal("0.00")
    assert Enrollment.objects.get(user=shop.student, course=shop.course).status == "dropped"  # full: cancelled


def test_completion_reactivates_a_dropped_enrollment(shop: Shop) -> None:
    first = pending(shop.student, "pi_course_4a", "course", "99.00", course=shop.course)
    payment_complete(transaction_id="pi_course_4a")
    enrollment = Enrollment.objects.get(user=shop.student, course=shop.course)
    Enrollment.objects.filter(pk=enrollment.pk).update(status="dropped")

    second = pending(shop.student, "pi_course_4b", "course", "99.00", course=shop.course)
    payment_complete(transaction_id="pi_course_4b")
    assert list(Enrollment.objects.filter(user=shop.student).values_list("id", "status")) == [
        (enrollment.pk, "enrolled")]
    assert RevenueTransaction.objects.get(payment=second).enrollment_id == enrollment.pk
    assert len(revenue(first)) == len(revenue(second)) == 1
    shop.course.refresh_from_db()
    assert (shop.course.enrolled_count, shop.course.total_revenue) == (1, Decimal("198.00"))


def test_completion_inside_a_request_context(shop: Shop) -> None:
    """The payer's own request (client-confirm path): the service steps into system context and back."""
    pending(shop.student, "pi_course_5", "course", "99.00", course=shop.course)
    with transaction.atomic():
        enter_app_role(shop.student.pk)
        result = payment_complete(transaction_id="pi_course_5")
        assert current_role() == "humanglue_app"
        assert result.status == "completed"
        assert Enrollment.objects.filter(user=shop.student, course=shop.course).exists()  # visible to its student
        transaction.set_rollback(True)


def test_workshop_completion_confirms_the_held_seat_and_failure_releases_it(shop: Shop) -> None:
    start = timezone.now() + timedelta(days=7)
    workshop = Workshop.objects.create(
        instructor=shop.instructor, title="Paid workshop", slug="paid-workshop", pillar="coaching", level="beginner",
        start_time=start, end_time=start + timedelta(hours=2), capacity_total=5, price_amount=Decimal("40.00"),
        status="published")
    buyer = User.objects.create_user("buyer@shop.example", PASSWORD, full_name="Bea Buyer")
    for user in (shop.student, buyer):
        WorkshopRegistration.objects.create(workshop=workshop, user=user, price_paid=None)
    holds = WorkshopRegistration.objects.filter(workshop=workshop).values_list("status", "payment_status")
    assert set(holds) == {("registered", "pending")}

    paid = pending(shop.student, "pi_ws_1", "workshop", "40.00", workshop=workshop)
    payment_complete(transaction_id="pi_ws_1")
    registration = WorkshopRegistration.objects.get(workshop=workshop, user=shop.student)
    assert (registration.status, registration.payment_status, registration.payment_id) == (
        "registered", "completed", paid.pk)
    assert revenue(paid) == [("workshop_registration", Decimal("40.00"), Decimal("8.00"), Decimal("32.00"))]
    assert RevenueTransaction.objects.get(payment=paid).workshop_registration_id == registration.pk

    pending(buyer, "pi_ws_2", "workshop", "40.00", workshop=workshop)
    failed = payment_fail(transaction_id="pi_ws_2", failure_code="card_declined", failure_message="Declined")
    assert (failed.status, failed.metadata["failure_code"]) == ("failed", "card_declined")
    registration = WorkshopRegistration.objects.get(workshop=workshop, user=buyer)
    assert (registration.status, registration.payment_status) == ("cancelled", "failed")
    workshop.refresh_from_db()
    assert (workshop.enrolled_count, workshop.total_revenue) == (1, Decimal("40.00"))

    payment_refund(transaction_id="pi_ws_1", amount_refunded=Decimal("40.00"), reason="event moved")
    registration = WorkshopRegistration.objects.get(workshop=workshop, user=shop.student)
    assert (registration.status, registration.payment_status) == ("cancelled", "refunded")
    workshop.refresh_from_db()
    assert (workshop.enrolled_count, workshop.total_revenue) == (0, Decimal("0.00"))


def test_late_payment_without_a_seat_is_refunded(shop: Shop) -> None:
    """The hold was swept and the seat taken meanwhile: the payment completes and is refunded in full."""
    start = timezone.now() + timedelta(days=7)
    workshop = Workshop.objects.create(
        instructor=shop.instructor, title="One seat", slug="one-seat", pillar="coaching", level="beginner",
        start_time=start, end_time=start + timedelta(hours=1), capacity_total=1, price_amount=Decimal("25.00"),
        status="published")
    WorkshopRegistration.objects.create(workshop=workshop, user=shop.student, price_paid=None)
    payment = pending(shop.student, "pi_ws_late", "workshop", "25.00", workshop=workshop)
    WorkshopRegistration.objects.filter(workshop=workshop, user=shop.student).update(status="cancelled")  # swept
    other = User.objects.create_user("other@shop.example", PASSWORD, full_name="Otto Other")
    WorkshopRegistration.objects.create(workshop=workshop, user=other, price_paid=None)

    result = payment_complete(transaction_id="pi_ws_late")
    assert (result.status, result.refund_amount) == ("refunded", Decimal("25.00"))
    assert revenue(payment) == [
        ("workshop_registration", Decimal("25.00"), Decimal("5.00"), Decimal("20.00")),
        ("refund", Decimal("-25.00"), Decimal("-5.00"), Decimal("-20.00")),
    ]
    registration = WorkshopRegistration.objects.get(workshop=workshop, user=shop.student)
    assert (registration.status, registration.payment_status, registration.payment_id) == (
        "cancelled", "refunded", payment.pk)
    workshop.refresh_from_db()
    assert (workshop.enrolled_count, workshop.total_revenue) == (1, Decimal("0.00"))


def test_engagement_payment_failure_marks_the_request(shop: Shop) -> None:
    expert = User.objects.create_user("expert2@shop.example", PASSWORD, full_name="Ed Expert")
    engagement = EngagementRequest.objects.create(client=shop.student, expert=expert, focus_area="Strategy",
                                                  hours_total=Decimal("2"), hourly_rate=Decimal("80.00"))
    payment = pending(shop.student, "pi_eng_fail", "engagement", "160.00", engagement_request=engagement)
    payment_fail(transaction_id="pi_eng_fail", failure_code="expired_card", failure_message="Expired")
    engagement.refresh_from_db()
    assert (engagement.status, engagement.payment_id, engagement.payment_status) == (
        "payment_failed", payment.pk, "failed")
    assert revenue(payment) == []

    completed = payment_complete(transaction_id="pi_eng_fail")  # the retry on the same intent succeeds
    assert completed.status == "completed"
    engagement.refresh_from_db()
    assert (engagement.status, engagement.payment_status) == ("active", "completed")
    assert payment_fail(transaction_id="pi_eng_fail").status == "completed"  # a stale failure changes nothing


def test_engagement_becomes_active_and_mirrors_follow(shop: Shop) -> None:
    expert = User.objects.create_user("expert@shop.example", PASSWORD, full_name="Eve Expert")
    TalentProfile.objects.create(user=expert, tagline="Coach for changing teams", bio="Long experience.",
                                 years_experience=10, hourly_rate=Decimal("100.00"))
    engagement = EngagementRequest.objects.create(client=shop.student, expert=expert, focus_area="Leadership",
                                                  hours_total=Decimal("3"), hourly_rate=Decimal("100.00"),
                                                  status="accepted")
    payment = pending(shop.student, "pi_eng_1", "engagement", "300.00", engagement_request=engagement)
    payment_complete(transaction_id="pi_eng_1")
    engagement.refresh_from_db()
    assert (engagement.status, engagement.start_date, engagement.payment_id, engagement.payment_status) == (
        "active", timezone.now().date(), payment.pk, "completed")
    assert revenue(payment) == [("consultation", Decimal("300.00"), Decimal("60.00"), Decimal("240.00"))]

    start = timezone.now() + timedelta(days=2)
    consultation = Consultation.objects.create(user=shop.student, expert=expert, pillar="coaching",
                                               scheduled_start=start, scheduled_end=start + timedelta(hours=1),
                                               amount=Decimal("100.00"))
    pending(shop.student, "pi_con_1", "consultation", "100.00", consultation=consultation)
    payment_complete(transaction_id="pi_con_1")
    payment_refund(transaction_id="pi_con_1", amount_refunded=Decimal("100.00"), reason="expert unavailable")
    consultation.refresh_from_db()
    assert (consultation.status, consultation.cancellation_reason, consultation.payment_status) == (
        "cancelled", "other", "refunded")


def test_errors_have_stable_codes(shop: Shop) -> None:
    with pytest.raises(PaymentServiceError) as missing:
        payment_complete(transaction_id="pi_unknown")
    assert missing.value.code == PAYMENT_NOT_FOUND

    pending(shop.student, "pi_course_6", "course", "99.00", course=shop.course)
    with pytest.raises(PaymentServiceError) as not_paid:
        payment_refund(transaction_id="pi_course_6", amount_refunded=Decimal("10"), reason="too early")
    assert not_paid.value.code == PAYMENT_NOT_REFUNDABLE

    payment_complete(transaction_id="pi_course_6")
    for amount in ("0", "-5", "99.01"):
        with pytest.raises(PaymentServiceError) as bad:
            payment_refund(transaction_id="pi_course_6", amount_refunded=Decimal(amount), reason="bad amount")
        assert bad.value.code == INVALID_REFUND_AMOUNT
