"""payments/0004_revenue_totals (spec 30 §1, §2.8; conventions §6): item revenue totals follow the revenue
rows that record_payment_revenue() writes (sale rows, signed refund rows), and the instructor revenue
breakdown sums them per type. Payments are written by the payments service in system context (the owner)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from instructors.models import Course, InstructorProfile
from organizations.models import User
from payments.models import Payment, RevenueTransaction
from tests.world import acting_as
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop() -> dict[str, Any]:
    teacher = User.objects.create_user("r-teacher@example.com", None, full_name="Teacher")
    InstructorProfile.objects.create(user=teacher, professional_title="Teacher")
    student = User.objects.create_user("r-student@example.com", None, full_name="Student")
    course = Course.objects.create(title="Paid", slug="r-paid", pillar="coaching", instructor=teacher,
                                   status="published", price_amount=Decimal("80.00"))
    start = timezone.now() + timedelta(days=5)
    workshop = Workshop.objects.create(
        instructor=teacher, title="Paid workshop", slug="r-paid-w", pillar="coaching", level="beginner",
        start_time=start, end_time=start + timedelta(hours=1), duration_minutes=60, capacity_total=10,
        price_amount=Decimal("120.00"), status="published")
    return {"teacher": teacher, "student": student, "course": course, "workshop": workshop}


def pay(shop: dict[str, Any], key: str, amount: str, **target: Any) -> Payment:
    payment = Payment.objects.create(user=shop["student"], amount=Decimal(amount), provider="stripe",
                                     transaction_id=f"pi_r_{key}", **target)
    Payment.objects.filter(pk=payment.pk).update(status="completed")
    return payment


def totals(shop: dict[str, Any]) -> tuple[str, str]:
    course = Course.objects.values_list("total_revenue", flat=True).get(pk=shop["course"].pk)
    workshop = Workshop.objects.values_list("total_revenue", flat=True).get(pk=shop["workshop"].pk)
    return str(course), str(workshop)


def breakdown(caller: User, *args: Any) -> list[tuple]:
    with acting_as(caller), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM get_instructor_revenue_breakdown(%s, %s, %s)", [caller.pk, *args])
        return [(t, n, str(a), str(f), str(e)) for t, n, a, f, e in cursor.fetchall()]


def test_totals_are_net_sums_of_the_revenue_rows(shop: dict[str, Any]) -> None:
    course_payment = pay(shop, "c", "80.00", payment_type="course", course=shop["course"])
    workshop_payment = pay(shop, "w", "120.00", payment_type="workshop", workshop=shop["workshop"])
    assert totals(shop) == ("80.00", "120.00")
    Payment.objects.filter(pk=workshop_payment.pk).update(refund_amount=Decimal("20.00"))
    Payment.objects.filter(pk=workshop_payment.pk).update(refund_amount=Decimal("50.00"))  # cumulative: +30
    assert totals(shop) == ("80.00", "70.00")
    Payment.objects.filter(pk=course_payment.pk).update(refund_amount=Decimal("80.00"))
    assert totals(shop) == ("0.00", "70.00")
    assert breakdown(shop["teacher"], None, None) == [
        ("course_enrollment", 1, "80.00", "16.00", "64.00"),
        ("workshop_registration", 1, "120.00", "24.00", "96.00"),
        ("refund", 3, "-130.00", "-26.00", "-104.00"),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM rebuild_instructor_counters(true) WHERE counter LIKE '%%total_revenue'")
        assert dict(cursor.fetchall()) == {"courses.total_revenue": 0, "workshops.total_revenue": 0}


def test_a_deleted_course_keeps_its_revenue_rows_for_the_dashboard(shop: dict[str, Any]) -> None:
    pay(shop, "c", "80.00", payment_type="course", course=shop["course"])
    Course.objects.filter(pk=shop["course"].pk).delete()  # revenue_transactions.course_id SET NULL: no error
    row = RevenueTransaction.objects.get(instructor=shop["teacher"])
    assert (row.course_id, row.amount) == (None, Decimal("80.00"))
    with acting_as(shop["teacher"]), connection.cursor() as cursor:
        cursor.execute("SELECT total_revenue, total_earnings FROM get_instructor_dashboard_stats(%s)",
                       [shop["teacher"].pk])
        assert cursor.fetchone() == (Decimal("80.00"), Decimal("64.00"))


def test_breakdown_date_bounds_and_caller_check(shop: dict[str, Any]) -> None:
    payment = Payment.objects.create(user=shop["student"], amount=Decimal("80.00"), provider="stripe",
                                     transaction_id="pi_r_dated", payment_type="course", course=shop["course"])
    Payment.objects.filter(pk=payment.pk).update(status="completed",
                                                 processed_at=datetime(2025, 6, 30, 23, 59, tzinfo=UTC))
    teacher = shop["teacher"]
    assert breakdown(teacher, "2025-06-01", "2025-06-30") == []  # a date bound means midnight
    assert breakdown(teacher, "2025-06-01", "2025-07-01")[0][:3] == ("course_enrollment", 1, "80.00")
    assert breakdown(teacher, "2025-07-01", None) == []
    assert breakdown(teacher, None, "2025-07-01")[0][1] == 1
    for caller, instructor, code in ((shop["student"], teacher.pk, "42501"), (teacher, None, "22004")):
        with acting_as(caller):
            with pytest.raises(DatabaseError) as info, transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT * FROM get_instructor_revenue_breakdown(%s)", [instructor])
        assert info.value.__cause__.sqlstate == code


def test_the_app_role_cannot_call_the_trigger_function_or_write_revenue(shop: dict[str, Any]) -> None:
    with acting_as(shop["teacher"]):
        with pytest.raises(DatabaseError) as info, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE courses SET total_revenue = 1000 WHERE id = %s RETURNING total_revenue",
                           [shop["course"].pk])
            assert cursor.fetchone() == (Decimal("0.00"),)  # the guard keeps the maintained column
            cursor.execute("INSERT INTO revenue_transactions (instructor_id, student_id, transaction_type, amount, "
                           "platform_fee_amount, instructor_earnings) VALUES (%s, %s, 'consultation', 1, 0, 1)",
                           [shop["teacher"].pk, shop["student"].pk])
        assert info.value.__cause__.sqlstate == "42501"
