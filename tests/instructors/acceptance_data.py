"""The acceptance data of spec 30 §10 (the spec's "fixture F"): built step by step, each numbered step committed in
its own transaction.

``build_acceptance_data()`` runs steps 1-11 exactly as the spec lists them (paid enrollments through the
payment-completion path, students working on lessons under the app role, the workshop payment, reviews,
consultations and the payout job) and records what the spec's acceptance examples observe *between*
steps (AE1 after step 5, AE2 after every lesson of steps 6-7, AE3 after step 8, AE4 after step 9) in
``AcceptanceData.snapshots``. ``delete_acceptance_data()`` removes every row it created.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from instructors.models import (
    Course,
    CourseLesson,
    CourseReview,
    CourseSection,
    Enrollment,
    StudentProgress,
)
from organizations.models import User
from payments.models import Payment, RevenueTransaction
from talent.models import Consultation
from tests.db import as_user
from tests.factories import InstructorProfileFactory, RoleGrantFactory, UserFactory
from workshops.models import Workshop, WorkshopRegistration


def uid(n: int) -> uuid.UUID:
    """The spec's ``…NN`` ids: 00000000-0000-0000-0000-0000000000NN."""
    return uuid.UUID(f"00000000-0000-0000-0000-{n:012d}")


# The spec's people I1, I2 (instructors), S1-S3 (students) and the platform admin.
INSTRUCTOR_1, INSTRUCTOR_2 = uid(10), uid(11)
STUDENT_1, STUDENT_2, STUDENT_3 = uid(20), uid(21), uid(22)
ADMIN = uid(99)


@dataclass
class AcceptanceData:
    users: dict[str, User] = field(default_factory=dict)
    courses: dict[str, Course] = field(default_factory=dict)
    sections: dict[str, CourseSection] = field(default_factory=dict)
    lessons: dict[str, CourseLesson] = field(default_factory=dict)
    workshops: dict[str, Workshop] = field(default_factory=dict)
    enrollments: dict[str, Enrollment] = field(default_factory=dict)
    payments: dict[str, Payment] = field(default_factory=dict)
    registration: WorkshopRegistration | None = None
    consultations: dict[str, Consultation] = field(default_factory=dict)
    snapshots: dict[str, Any] = field(default_factory=dict)


def enrollment_state(enrollment_id: uuid.UUID) -> dict[str, Any]:
    return Enrollment.objects.filter(pk=enrollment_id).values(
        "status", "progress_percentage", "completed_at", "last_accessed_at", "last_accessed_lesson_id").get()


def course_counters(f: AcceptanceData) -> dict[str, tuple[int, int]]:
    return {name: tuple(Course.objects.filter(pk=c.pk).values_list("enrolled_count", "completed_count").get())
            for name, c in f.courses.items()}


def revenue_snapshot(f: AcceptanceData) -> dict[str, Any]:
    rows = list(RevenueTransaction.objects.filter(instructor__in=[INSTRUCTOR_1, INSTRUCTOR_2]).values(
        "payment_id", "transaction_type", "amount", "platform_fee_amount", "instructor_earnings", "payment_status",
        "instructor_id", "course_id", "workshop_id", "enrollment_id", "workshop_registration_id"))
    return {
        "rows": rows,
        "course_revenue": {name: Course.objects.values_list("total_revenue", flat=True).get(pk=c.pk)
                           for name, c in f.courses.items()},
        "w1_revenue": Workshop.objects.values_list("total_revenue", flat=True).get(pk=f.workshops["W1"].pk),
    }


def _setup(f: AcceptanceData) -> None:
    """Users, profiles, courses with their sections and lessons, workshops (before step 1)."""
    now = timezone.now()
    names = {INSTRUCTOR_1: ("i1", "Test Instructor"), INSTRUCTOR_2: ("i2", "Other Instructor"),
             STUDENT_1: ("s1", "Test Student 1"), STUDENT_2: ("s2", "Test Student 2"),
             STUDENT_3: ("s3", "Test Student 3"), ADMIN: ("adm", "Admin")}
    for pk, (key, full_name) in names.items():
        # The spec's ids and e-mails; no password (built once per module, before the fast hasher is set).
        f.users[key] = UserFactory(id=pk, email=f"f-{key}@example.com", password=None, full_name=full_name)
    RoleGrantFactory(user=f.users["adm"], role="admin")
    for key in ("i1", "i2"):
        InstructorProfileFactory(user=f.users[key])

    def course(key: str, instructor: str, title: str, status: str, price: str) -> Course:
        f.courses[key] = Course.objects.create(
            title=title, slug=f"f-{key.lower()}", pillar="adaptability", instructor=f.users[instructor],
            status=status, price_amount=Decimal(price), published_at=now if status == "published" else None)
        return f.courses[key]

    def section(course_key: str, key: str, lessons: list[str]) -> None:
        s = f.sections[key] = CourseSection.objects.create(
            course=f.courses[course_key], title=key, sort_order=len(f.sections))
        for order, title in enumerate(lessons):
            f.lessons[title] = CourseLesson.objects.create(
                section=s, title=title, content_type="video", sort_order=order)

    course("C1", "i1", "AI Transformation Fundamentals", "published", "99.00")
    section("C1", "C1 S1", ["C1 L1", "C1 L2"])
    section("C1", "C1 S2", ["C1 L3", "C1 L4"])
    course("C2", "i1", "AI Strategy Deep Dive", "published", "49.99")
    section("C2", "C2 S1", ["C2 L1", "C2 L2"])
    course("C3", "i1", "Draft Course", "draft", "0.00")
    course("C4", "i2", "Other Course", "published", "10.00")

    def workshop(key: str, title: str, status: str, start: datetime, price: str) -> None:
        f.workshops[key] = Workshop.objects.create(
            instructor=f.users["i1"], title=title, slug=f"f-{key.lower()}", pillar="adaptability",
            level="beginner", start_time=start, end_time=start + timedelta(hours=2), duration_minutes=120,
            capacity_total=50, price_amount=Decimal(price), status=status)

    workshop("W1", "AI Strategy Workshop", "published", now + timedelta(days=7), "199.00")
    workshop("W2", "Past Workshop", "completed", now - timedelta(days=30), "0.00")
    workshop("W3", "Draft Workshop", "draft", now + timedelta(days=14), "0.00")


def _paid_enrollment(f: AcceptanceData, key: str, student: str, course: str) -> None:
    """Payment flow step 5 (spec 60): the pending payment exists; in one system-context transaction the
    completion path inserts the enrollment, then marks the payment completed (which writes the sale row)."""
    price = f.courses[course].price_amount
    f.payments[key] = Payment.objects.create(
        user=f.users[student], amount=price, provider="stripe", transaction_id=f"pi_f_{key}", payment_type="course",
        course=f.courses[course])
    with transaction.atomic():
        f.enrollments[key] = Enrollment.objects.create(user=f.users[student], course=f.courses[course])
        Payment.objects.filter(pk=f.payments[key].pk).update(status="completed")


def _progress(f: AcceptanceData, enrollment: str, lesson: str, **values: Any) -> None:
    StudentProgress.objects.filter(enrollment=f.enrollments[enrollment], lesson=f.lessons[lesson]).update(**values)


def build_acceptance_data() -> AcceptanceData:
    f = AcceptanceData()
    with transaction.atomic():
        _setup(f)

    # Steps 1-5: paid enrollments.
    for key, student, course in (("E1", "s1", "C1"), ("E2", "s2", "C1"), ("E3", "s1", "C2"), ("E4", "s3", "C2"),
                                 ("E5", "s3", "C4")):
        _paid_enrollment(f, key, student, course)
    f.snapshots["after_step_5"] = {
        "progress_rows": {key: list(StudentProgress.objects.filter(enrollment=e).values(
            "is_completed", "completion_percentage", "time_spent_seconds", "last_accessed_at", "completed_at"))
            for key, e in f.enrollments.items()},
        "enrollments": {key: enrollment_state(e.pk) for key, e in f.enrollments.items()},
    }

    # Step 6: S1 completes C1 L1-L4, one transaction each, as S1 under the app role.
    f.snapshots["step_6"] = []
    for lesson in ("C1 L1", "C1 L2", "C1 L3", "C1 L4"):
        with as_user(f.users["s1"]):
            _progress(f, "E1", lesson, is_completed=True, time_spent_seconds=600)
        f.snapshots["step_6"].append(enrollment_state(f.enrollments["E1"].pk))

    # Step 7: S2 works on C1 L1 in two transactions.
    with as_user(f.users["s2"]):
        _progress(f, "E2", "C1 L1", time_spent_seconds=3725)
    f.snapshots["step_7a"] = enrollment_state(f.enrollments["E2"].pk)
    with as_user(f.users["s2"]):
        _progress(f, "E2", "C1 L1", is_completed=True)
    f.snapshots["step_7b"] = enrollment_state(f.enrollments["E2"].pk)

    # Step 8: E4 is dropped (by its student).
    with as_user(f.users["s3"]):
        Enrollment.objects.filter(pk=f.enrollments["E4"].pk).update(status="dropped")
    f.snapshots["after_step_8"] = course_counters(f)

    # Step 9: S2 registers for W1 (seat held, payment pending), then the payment completes.
    with transaction.atomic():
        f.registration = WorkshopRegistration.objects.create(
            workshop=f.workshops["W1"], user=f.users["s2"], status="registered", price_paid=Decimal("199.00"),
            payment_status="pending")
    f.payments["P_W1"] = Payment.objects.create(
        user=f.users["s2"], amount=Decimal("199.00"), provider="stripe", transaction_id="pi_f_w1",
        payment_type="workshop", workshop=f.workshops["W1"])
    with transaction.atomic():
        WorkshopRegistration.objects.filter(pk=f.registration.pk).update(
            payment=f.payments["P_W1"], payment_status="completed")
        Payment.objects.filter(pk=f.payments["P_W1"].pk).update(status="completed")
    f.snapshots["after_step_9"] = revenue_snapshot(f)

    # Step 10: reviews.
    with transaction.atomic():
        for student, course, enrollment, rating, published in (
                ("s1", "C1", "E1", 5, True), ("s2", "C1", "E2", 4, True), ("s1", "C2", "E3", 4, True),
                ("s3", "C2", "E4", 1, False)):
            CourseReview.objects.create(course=f.courses[course], user=f.users[student],
                                        enrollment=f.enrollments[enrollment], rating=rating, is_published=published)

    # Step 11: I1 works as an expert; S1 books and pays two consultations; the payout job pays K1's row.
    with transaction.atomic():
        start = timezone.now() + timedelta(days=3)
        for key, amount, offset in (("K1", "100.00", 0), ("K2", "50.00", 2)):
            f.consultations[key] = Consultation.objects.create(
                user=f.users["s1"], expert=f.users["i1"], pillar="coaching",
                scheduled_start=start + timedelta(hours=offset), scheduled_end=start + timedelta(hours=offset + 1),
                amount=Decimal(amount))
        f.payments["K1"] = Payment.objects.create(
            user=f.users["s1"], amount=Decimal("100.00"), provider="stripe", transaction_id="pi_f_k1",
            payment_type="consultation", consultation=f.consultations["K1"])
        f.payments["K2"] = Payment.objects.create(
            user=f.users["s1"], amount=Decimal("50.00"), provider="stripe", transaction_id="pi_f_k2",
            payment_type="consultation", consultation=f.consultations["K2"],
            created_at=datetime(2025, 1, 20, 12, 0, tzinfo=UTC))
    with transaction.atomic():
        Payment.objects.filter(pk=f.payments["K1"].pk).update(
            status="completed", processed_at=datetime(2025, 1, 15, 12, 0, tzinfo=UTC))
    with transaction.atomic():
        RevenueTransaction.objects.filter(payment=f.payments["K1"]).update(
            payout_status="paid", payout_date=timezone.now())
    return f


def delete_acceptance_data(f: AcceptanceData) -> None:
    """Delete every row of F (the database cascades do the rest); RESTRICT parents go first."""
    with transaction.atomic(), connection.cursor() as cursor:
        users = [u.pk for u in f.users.values()]
        cursor.execute("DELETE FROM consultations WHERE expert_id = ANY(%s) OR user_id = ANY(%s)", [users, users])
        cursor.execute("DELETE FROM workshops WHERE instructor_id = ANY(%s)", [users])
        cursor.execute("DELETE FROM courses WHERE id = ANY(%s)", [[c.pk for c in f.courses.values()]])
        cursor.execute("DELETE FROM users WHERE id = ANY(%s)", [users])
