"""Acceptance examples AE1-AE15 of spec 30 §10 on the spec's fixture F, with the exact expected values.

Fixture F (tests/instructors/acceptance_data.py) is built once per module, each numbered step committed in its own
transaction (so now() differs per step as in the spec); what the spec observes between steps is recorded
while building. Every test then runs inside a transaction that is rolled back, so tests that continue
"from F" (refunds, lesson changes, student helpers) do not see each other. Reads "as X" run under the app
role with app.current_user_id() = X (acting_as).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from instructors.models import (
    AssignmentSubmission,
    Course,
    CourseLesson,
    CourseSection,
    Enrollment,
    InstructorProfile,
    QuizAttempt,
    StudentActivity,
    StudentProgress,
)
from payments.models import Payment, RevenueTransaction
from tests.db import as_user
from tests.instructors.acceptance_data import (
    ADMIN,
    INSTRUCTOR_1,
    INSTRUCTOR_2,
    STUDENT_1,
    STUDENT_2,
    STUDENT_3,
    AcceptanceData,
    build_acceptance_data,
    delete_acceptance_data,
)
from tests.world import acting_as
from workshops.models import Workshop, WorkshopRegistration

pytestmark = pytest.mark.django_db

D = Decimal
NOBODY = uuid.UUID("00000000-0000-0000-0000-0000000000ff")


@pytest.fixture(scope="module")
def f(django_db_setup: None, django_db_blocker: Any) -> Iterator[AcceptanceData]:
    with django_db_blocker.unblock():
        fixture = build_acceptance_data()
    try:
        yield fixture
    finally:
        with django_db_blocker.unblock():
            delete_acceptance_data(fixture)


def rows(sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        names = [c.name for c in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def as_(user_id: uuid.UUID | None, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    with acting_as(_User(user_id) if user_id else None):
        return rows(sql, params)


class _User:
    """acting_as() only needs .pk."""

    def __init__(self, pk: uuid.UUID) -> None:
        self.pk = pk


def refusal(user_id: uuid.UUID | None, sql: str, params: list[Any] | None = None) -> tuple[str, str]:
    """(SQLSTATE, CONSTRAINT reason) of the error the statement raises for this caller."""
    with acting_as(_User(user_id) if user_id else None):
        with pytest.raises(DatabaseError) as info, transaction.atomic():
            rows(sql, params)
    cause = info.value.__cause__
    return cause.sqlstate, cause.diag.constraint_name


def money(values: dict[str, Any], *names: str) -> tuple[str, ...]:
    """Money as text, so the scale (two decimals) is checked too."""
    return tuple(str(values[n]) for n in names)


def dashboard(caller: uuid.UUID | None, instructor: uuid.UUID | None) -> dict[str, Any]:
    (row,) = as_(caller, "SELECT * FROM get_instructor_dashboard_stats(%s)", [instructor])
    return row


def breakdown(caller: uuid.UUID, instructor: uuid.UUID, start: Any = None, end: Any = None) -> list[tuple]:
    sql = "SELECT * FROM get_instructor_revenue_breakdown(%s, %s, %s)"
    return [(r["transaction_type"], r["transaction_count"], str(r["total_amount"]), str(r["total_fees"]),
             str(r["total_earnings"]))
            for r in as_(caller, sql, [instructor, start, end])]


AE6 = {
    "total_students": 3, "total_courses": 2, "total_workshops": 2, "total_revenue": "596.98",
    "pending_revenue": "496.98", "average_rating": "4.33", "total_reviews": 3, "active_enrollments": 2,
    "upcoming_workshops": 1, "total_enrollments": 4, "completed_enrollments": 1, "completion_rate": "25.00",
    "total_earnings": "477.58",
}


def as_text(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()}


# --- AE1-AE5: what the triggers maintain ------------------------------------------------------------

def test_ae1_one_progress_row_per_lesson_after_step_5(f: AcceptanceData) -> None:
    snap = f.snapshots["after_step_5"]
    assert {k: len(v) for k, v in snap["progress_rows"].items()} == {"E1": 4, "E2": 4, "E3": 2, "E4": 2, "E5": 0}
    assert sum(len(v) for v in snap["progress_rows"].values()) == 12
    for progress_rows in snap["progress_rows"].values():
        for r in progress_rows:
            assert r == {"is_completed": False, "completion_percentage": 0, "time_spent_seconds": 0,
                         "last_accessed_at": None, "completed_at": None}
    for state in snap["enrollments"].values():
        assert (state["status"], state["progress_percentage"], state["last_accessed_at"]) == ("enrolled", 0, None)


def test_ae2_roll_up_after_each_lesson(f: AcceptanceData) -> None:
    got = [(s["status"], s["progress_percentage"], s["completed_at"] is not None) for s in f.snapshots["step_6"]]
    assert got == [("in_progress", 25, False), ("in_progress", 50, False), ("in_progress", 75, False),
                   ("completed", 100, True)]
    a, b = f.snapshots["step_7a"], f.snapshots["step_7b"]
    assert (a["status"], a["progress_percentage"]) == ("enrolled", 0)
    assert a["last_accessed_at"] is not None
    assert a["last_accessed_lesson_id"] == f.lessons["C1 L1"].pk
    assert (b["status"], b["progress_percentage"]) == ("in_progress", 25)


def test_ae3_course_counters_after_step_8(f: AcceptanceData) -> None:
    expected = {"C1": (2, 1), "C2": (2, 0), "C3": (0, 0), "C4": (1, 0)}
    assert f.snapshots["after_step_8"] == expected
    assert {k: tuple(Course.objects.filter(pk=c.pk).values_list("enrolled_count", "completed_count").get())
            for k, c in f.courses.items()} == expected


def test_ae4_revenue_rows_and_item_totals_after_step_9(f: AcceptanceData) -> None:
    snap = f.snapshots["after_step_9"]
    by_payment = {r["payment_id"]: r for r in snap["rows"]}
    assert len(snap["rows"]) == 6
    expected = {
        "E1": ("course_enrollment", "99.00", "19.80", "79.20", INSTRUCTOR_1),
        "E2": ("course_enrollment", "99.00", "19.80", "79.20", INSTRUCTOR_1),
        "E3": ("course_enrollment", "49.99", "10.00", "39.99", INSTRUCTOR_1),
        "E4": ("course_enrollment", "49.99", "10.00", "39.99", INSTRUCTOR_1),
        "E5": ("course_enrollment", "10.00", "2.00", "8.00", INSTRUCTOR_2),
        "P_W1": ("workshop_registration", "199.00", "39.80", "159.20", INSTRUCTOR_1),
    }
    for key, (kind, amount, fee, earnings, instructor) in expected.items():
        r = by_payment[f.payments[key].pk]
        assert (r["transaction_type"], *money(r, "amount", "platform_fee_amount", "instructor_earnings"),
                r["payment_status"], r["instructor_id"]) == (kind, amount, fee, earnings, "completed", instructor)
        if key.startswith("E"):
            assert r["enrollment_id"] == f.enrollments[key].pk
        else:
            assert (r["workshop_id"], r["workshop_registration_id"]) == (f.workshops["W1"].pk, f.registration.pk)
    assert {k: str(v) for k, v in snap["course_revenue"].items()} == {
        "C1": "198.00", "C2": "99.98", "C3": "0.00", "C4": "10.00"}
    assert str(snap["w1_revenue"]) == "199.00"
    # E4's sale row stays after E4 was dropped (dropping is not a refund), and nothing changed later.
    assert RevenueTransaction.objects.filter(payment=f.payments["E4"]).count() == 1
    assert str(Course.objects.values_list("total_revenue", flat=True).get(pk=f.courses["C2"].pk)) == "99.98"


def test_ae5_ratings_and_profiles(f: AcceptanceData) -> None:
    ratings = {k: (str(avg) if avg is not None else None, n) for k, avg, n in (
        (k, *Course.objects.filter(pk=c.pk).values_list("average_rating", "review_count").get())
        for k, c in f.courses.items())}
    assert ratings == {"C1": ("4.50", 2), "C2": ("4.00", 1), "C3": (None, 0), "C4": (None, 0)}
    cols = ("total_students", "total_courses", "total_workshops", "average_rating", "total_reviews")
    i1 = InstructorProfile.objects.filter(user_id=INSTRUCTOR_1).values_list(*cols).get()
    i2 = InstructorProfile.objects.filter(user_id=INSTRUCTOR_2).values_list(*cols).get()
    assert (i1[:3], str(i1[3]), i1[4]) == ((3, 2, 2), "4.33", 3)
    assert i2 == (1, 1, 0, None, 0)


# --- AE6-AE10: the dashboard functions and their caller checks -----------------------------------------

def test_ae6_dashboard_stats_as_the_instructor(f: AcceptanceData) -> None:
    assert as_text(dashboard(INSTRUCTOR_1, INSTRUCTOR_1)) == AE6


def test_dashboard_invariants_against_the_stored_counters(f: AcceptanceData) -> None:
    stats = dashboard(INSTRUCTOR_1, INSTRUCTOR_1)
    profile = InstructorProfile.objects.get(user_id=INSTRUCTOR_1)
    assert (stats["total_students"], stats["total_courses"], stats["total_workshops"], stats["average_rating"],
            stats["total_reviews"]) == (profile.total_students, profile.total_courses, profile.total_workshops,
                                        profile.average_rating, profile.total_reviews)
    courses = Course.objects.filter(instructor_id=INSTRUCTOR_1)
    assert stats["total_enrollments"] == sum(c.enrolled_count for c in courses)
    assert stats["completed_enrollments"] == sum(c.completed_count for c in courses)


def test_ae7_revenue_breakdown(f: AcceptanceData) -> None:
    assert breakdown(INSTRUCTOR_1, INSTRUCTOR_1) == [
        ("course_enrollment", 4, "297.98", "59.60", "238.38"),
        ("workshop_registration", 1, "199.00", "39.80", "159.20"),
        ("consultation", 1, "100.00", "20.00", "80.00"),
    ]
    assert breakdown(INSTRUCTOR_1, INSTRUCTOR_1, "2025-01-01", "2025-01-31") == [
        ("consultation", 1, "100.00", "20.00", "80.00")]
    assert breakdown(INSTRUCTOR_1, INSTRUCTOR_1, "2025-02-01", "2025-01-31") == []
    # Both bounds are inclusive: the consultation row is dated exactly 2025-01-15T12:00Z.
    instant = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
    assert breakdown(INSTRUCTOR_1, INSTRUCTOR_1, instant, instant) == [("consultation", 1, "100.00", "20.00", "80.00")]
    # K2's payment is pending: it wrote no revenue row.
    assert not RevenueTransaction.objects.filter(payment=f.payments["K2"]).exists()


def test_ae8_student_progress_list(f: AcceptanceData) -> None:
    got = as_(INSTRUCTOR_1, "SELECT * FROM get_instructor_student_progress(%s)", [INSTRUCTOR_1])
    assert [(r["student_name"], r["course_title"], r["progress_percentage"], r["status"],
             r["last_activity_at"] is not None) for r in got] == [
        ("Test Student 2", "AI Transformation Fundamentals", 25, "in_progress", True),
        ("Test Student 1", "AI Transformation Fundamentals", 100, "completed", True),
        ("Test Student 3", "AI Strategy Deep Dive", 0, "dropped", False),
        ("Test Student 1", "AI Strategy Deep Dive", 0, "enrolled", False),
    ]
    first = got[0]
    assert (first["student_id"], first["student_email"], first["course_id"], first["enrollment_id"]) == (
        STUDENT_2, "f-s2@example.com", f.courses["C1"].pk, f.enrollments["E2"].pk)
    assert got[1]["completed_at"] is not None and got[0]["completed_at"] is None
    progress = "SELECT * FROM get_instructor_student_progress(%s, %s)"
    assert len(as_(INSTRUCTOR_1, progress, [INSTRUCTOR_1, f.courses["C2"].pk])) == 2
    assert as_(INSTRUCTOR_1, progress, [INSTRUCTOR_1, f.courses["C4"].pk]) == []
    assert as_(INSTRUCTOR_1, progress, [INSTRUCTOR_1, NOBODY]) == []


PAGE = "SELECT * FROM get_instructor_student_progress(%s, %s, %s, %s)"


def _enrollment_ids(result: list[dict[str, Any]]) -> list[uuid.UUID]:
    return [r["enrollment_id"] for r in result]


def test_student_progress_pages(f: AcceptanceData) -> None:
    """Contract version 2: (p_instructor_id, p_course_id, p_limit, p_offset), in AE8's order."""
    everything = as_(INSTRUCTOR_1, "SELECT * FROM get_instructor_student_progress(%s)", [INSTRUCTOR_1])
    order = _enrollment_ids(everything)
    assert len(order) == 4
    # the 1- and 2-argument calls keep their meaning: every row, the same as limit NULL
    assert as_(INSTRUCTOR_1, PAGE, [INSTRUCTOR_1, None, None, 0]) == everything
    assert as_(INSTRUCTOR_1, PAGE, [INSTRUCTOR_1, None, None, None]) == everything
    assert _enrollment_ids(as_(INSTRUCTOR_1, "SELECT * FROM get_instructor_student_progress(%s, %s)",
                               [INSTRUCTOR_1, f.courses["C2"].pk])) == order[2:]
    for limit, offset, expected in [
        (2, 0, order[:2]), (2, 2, order[2:]), (3, 2, order[2:]), (2, 4, []), (1, 1, order[1:2]),
        (0, 0, []), (-1, 0, []), (10, -5, order), (10, None, order), (1000, 0, order),  # a limit above the cap of 500
    ]:
        got = _enrollment_ids(as_(INSTRUCTOR_1, PAGE, [INSTRUCTOR_1, None, limit, offset]))
        assert got == expected, (limit, offset)
    assert _enrollment_ids(as_(INSTRUCTOR_1, PAGE, [INSTRUCTOR_1, f.courses["C1"].pk, 1, 1])) == order[1:2]
    assert as_(INSTRUCTOR_1, PAGE, [INSTRUCTOR_1, f.courses["C4"].pk, 10, 0]) == []  # another instructor's course
    # the pages are whole rows, identical to the unpaged ones
    assert as_(INSTRUCTOR_1, PAGE, [INSTRUCTOR_1, None, 2, 1]) == everything[1:3]


def test_student_progress_pages_are_stable_on_ties(f: AcceptanceData) -> None:
    """Equal last_accessed_at and enrolled_at: enrollment_id breaks the tie, so pages never overlap."""
    ids = [f.enrollments[k].pk for k in ("E1", "E2", "E3", "E4")]
    same = datetime(2025, 6, 1, tzinfo=UTC)
    Enrollment.objects.filter(pk__in=ids[:2]).update(last_accessed_at=same, enrolled_at=same - timedelta(days=1))
    Enrollment.objects.filter(pk__in=ids[2:]).update(last_accessed_at=None, enrolled_at=same - timedelta(days=1))
    expected = sorted(ids[:2]) + sorted(ids[2:])
    assert _enrollment_ids(as_(INSTRUCTOR_1, PAGE, [INSTRUCTOR_1, None, None, 0])) == expected
    pages = [_enrollment_ids(as_(INSTRUCTOR_1, PAGE, [INSTRUCTOR_1, None, 1, n])) for n in range(4)]
    assert [p[0] for p in pages] == expected


def test_student_progress_pages_keep_the_caller_check(f: AcceptanceData) -> None:
    assert refusal(STUDENT_1, PAGE, [INSTRUCTOR_1, None, 50, 0]) == ("42501", "instructor_access_denied")
    assert refusal(None, PAGE, [INSTRUCTOR_1, None, 50, 0]) == ("42501", "instructor_access_denied")
    # refused before paging
    assert refusal(INSTRUCTOR_2, PAGE, [INSTRUCTOR_1, None, 0, 0]) == ("42501", "instructor_access_denied")
    assert refusal(ADMIN, PAGE, [None, None, 50, 0]) == ("22004", "instructor_id_required")
    assert len(as_(ADMIN, PAGE, [INSTRUCTOR_1, None, 50, 0])) == 4


def test_ae9_recent_activity(f: AcceptanceData) -> None:
    feed = as_(INSTRUCTOR_1, "SELECT * FROM get_instructor_recent_activity(%s, 50)", [INSTRUCTOR_1])
    assert len(feed) == 15
    assert Counter(r["activity_type"] for r in feed) == {
        "enrolled": 4, "lesson_started": 5, "lesson_completed": 5, "course_completed": 1}
    assert all(r["course_id"] != f.courses["C4"].pk for r in feed)  # E5's row belongs to I2
    assert [r["occurred_at"] for r in feed] == sorted((r["occurred_at"] for r in feed), reverse=True)
    top = as_(INSTRUCTOR_1, "SELECT * FROM get_instructor_recent_activity(%s, 3)", [INSTRUCTOR_1])
    assert [(r["activity_type"], r["activity_title"], r["student_name"]) for r in top] == [
        ("lesson_completed", "Completed lesson C1 L1", "Test Student 2"),
        ("lesson_started", "Started lesson C1 L1", "Test Student 2"),
        ("course_completed", "Completed AI Transformation Fundamentals", "Test Student 1"),
    ]
    assert top[0]["course_title"] == "AI Transformation Fundamentals" and top[0]["workshop_title"] is None
    assert top[0]["lesson_id"] == f.lessons["C1 L1"].pk
    assert as_(INSTRUCTOR_1, "SELECT * FROM get_instructor_recent_activity(%s, 0)", [INSTRUCTOR_1]) == []
    assert as_(INSTRUCTOR_1, "SELECT * FROM get_instructor_recent_activity(%s, -5)", [INSTRUCTOR_1]) == []
    assert len(as_(INSTRUCTOR_1, "SELECT * FROM get_instructor_recent_activity(%s, NULL)", [INSTRUCTOR_1])) == 15
    assert len(as_(INSTRUCTOR_1, "SELECT * FROM get_instructor_recent_activity(%s)", [INSTRUCTOR_1])) == 15
    titles = Counter(r["activity_title"] for r in feed)
    assert titles["Enrolled in AI Transformation Fundamentals"] == 2
    assert titles["Enrolled in AI Strategy Deep Dive"] == 2


CALLS = {
    "dashboard": "SELECT * FROM get_instructor_dashboard_stats(%s)",
    "student_progress": "SELECT * FROM get_instructor_student_progress(%s)",
    "recent_activity": "SELECT * FROM get_instructor_recent_activity(%s)",
    "revenue_breakdown": "SELECT * FROM get_instructor_revenue_breakdown(%s)",
}


@pytest.mark.parametrize("call", CALLS)
def test_ae10_a_student_is_refused_every_dashboard_function(f: AcceptanceData, call: str) -> None:
    assert refusal(STUDENT_1, CALLS[call], [INSTRUCTOR_1]) == ("42501", "instructor_access_denied")
    assert refusal(ADMIN, CALLS[call], [None]) == ("22004", "instructor_id_required")
    as_(ADMIN, CALLS[call], [INSTRUCTOR_1])  # allowed: no error
    as_(INSTRUCTOR_1, CALLS[call], [INSTRUCTOR_1])


def test_ae10_caller_checks(f: AcceptanceData) -> None:
    assert refusal(INSTRUCTOR_1, CALLS["dashboard"], [INSTRUCTOR_2]) == ("42501", "instructor_access_denied")
    assert refusal(None, CALLS["dashboard"], [INSTRUCTOR_1]) == ("42501", "instructor_access_denied")  # anonymous
    assert refusal(INSTRUCTOR_1, CALLS["revenue_breakdown"], [INSTRUCTOR_2]) == ("42501", "instructor_access_denied")
    # The owner with no caller (system context) gets no exception either.
    with pytest.raises(DatabaseError) as info, transaction.atomic():
        rows(CALLS["dashboard"], [INSTRUCTOR_1])
    assert (info.value.__cause__.sqlstate, info.value.__cause__.diag.constraint_name) == (
        "42501", "instructor_access_denied")
    assert as_text(dashboard(ADMIN, INSTRUCTOR_1)) == AE6
    assert as_text(dashboard(ADMIN, NOBODY)) == {
        "total_students": 0, "total_courses": 0, "total_workshops": 0, "total_revenue": "0.00",
        "pending_revenue": "0.00", "average_rating": None, "total_reviews": 0, "active_enrollments": 0,
        "upcoming_workshops": 0, "total_enrollments": 0, "completed_enrollments": 0, "completion_rate": "0.00",
        "total_earnings": "0.00"}
    assert refusal(ADMIN, CALLS["dashboard"], [None]) == ("22004", "instructor_id_required")
    # I2 reads their own figures.
    assert as_text(dashboard(INSTRUCTOR_2, INSTRUCTOR_2)) == {
        "total_students": 1, "total_courses": 1, "total_workshops": 0, "total_revenue": "10.00",
        "pending_revenue": "10.00", "average_rating": None, "total_reviews": 0, "active_enrollments": 1,
        "upcoming_workshops": 0, "total_enrollments": 1, "completed_enrollments": 0, "completion_rate": "0.00",
        "total_earnings": "8.00"}


# --- AE12: refunds go through the payment -------------------------------------------------------------

def _refund(payment: Payment, amount: str) -> None:
    """The payments service (system context) records the cumulative refunded amount."""
    Payment.objects.filter(pk=payment.pk).update(refund_amount=D(amount), refund_reason="requested_by_customer")


def _refund_rows(payment: Payment) -> list[tuple]:
    return [(r.transaction_type, str(r.amount), str(r.platform_fee_amount), str(r.instructor_earnings))
            for r in RevenueTransaction.objects.filter(payment=payment, transaction_type="refund")]


def test_ae12_full_refund_of_the_workshop_payment(f: AcceptanceData) -> None:
    p_w1 = f.payments["P_W1"]
    _refund(p_w1, "199.00")
    assert Payment.objects.values_list("status", flat=True).get(pk=p_w1.pk) == "refunded"
    assert _refund_rows(p_w1) == [("refund", "-199.00", "-39.80", "-159.20")]
    refund = RevenueTransaction.objects.get(payment=p_w1, transaction_type="refund")
    assert (refund.workshop_id, refund.workshop_registration_id) == (f.workshops["W1"].pk, f.registration.pk)
    assert RevenueTransaction.objects.get(payment=p_w1, transaction_type="workshop_registration").payment_status \
        == "completed"
    # Full refund: the service cancels the registration, which releases the seat.
    WorkshopRegistration.objects.filter(pk=f.registration.pk).update(status="cancelled", payment_status="refunded")
    w1 = Workshop.objects.get(pk=f.workshops["W1"].pk)
    assert (str(w1.total_revenue), w1.enrolled_count) == ("0.00", 0)
    assert money(dashboard(INSTRUCTOR_1, INSTRUCTOR_1), "total_revenue", "pending_revenue", "total_earnings") == (
        "397.98", "297.98", "318.38")
    assert breakdown(INSTRUCTOR_1, INSTRUCTOR_1) == [
        ("course_enrollment", 4, "297.98", "59.60", "238.38"),
        ("workshop_registration", 1, "199.00", "39.80", "159.20"),
        ("consultation", 1, "100.00", "20.00", "80.00"),
        ("refund", 1, "-199.00", "-39.80", "-159.20"),
    ]
    # A replayed charge.refunded webhook with the same cumulative amount writes nothing.
    _refund(p_w1, "199.00")
    assert len(_refund_rows(p_w1)) == 1
    assert str(Workshop.objects.values_list("total_revenue", flat=True).get(pk=w1.pk)) == "0.00"


def test_ae12_full_refund_of_an_enrollment_payment(f: AcceptanceData) -> None:
    c1 = f.courses["C1"]
    _refund(f.payments["E2"], "99.00")
    assert _refund_rows(f.payments["E2"]) == [("refund", "-99.00", "-19.80", "-79.20")]
    refund = RevenueTransaction.objects.get(payment=f.payments["E2"], transaction_type="refund")
    assert (refund.course_id, refund.enrollment_id) == (c1.pk, f.enrollments["E2"].pk)
    Enrollment.objects.filter(pk=f.enrollments["E2"].pk).update(status="dropped")  # the service drops E2
    stats = dashboard(INSTRUCTOR_1, INSTRUCTOR_1)
    assert (stats["active_enrollments"], stats["total_enrollments"]) == (1, 4)
    assert Course.objects.values_list("enrolled_count", "total_revenue").get(pk=c1.pk) == (2, D("99.00"))
    assert str(Course.objects.values_list("total_revenue", flat=True).get(pk=c1.pk)) == "99.00"
    assert money(stats, "total_revenue", "pending_revenue", "total_earnings") == ("497.98", "397.98", "398.38")
    assert breakdown(INSTRUCTOR_1, INSTRUCTOR_1)[-1] == ("refund", 1, "-99.00", "-19.80", "-79.20")


def test_ae12_partial_refund_keeps_the_enrollment(f: AcceptanceData) -> None:
    _refund(f.payments["E2"], "49.50")
    assert _refund_rows(f.payments["E2"]) == [("refund", "-49.50", "-9.90", "-39.60")]
    assert Enrollment.objects.values_list("status", flat=True).get(pk=f.enrollments["E2"].pk) == "in_progress"
    assert str(Course.objects.values_list("total_revenue", flat=True).get(pk=f.courses["C1"].pk)) == "148.50"
    assert dashboard(INSTRUCTOR_1, INSTRUCTOR_1)["active_enrollments"] == 2


# --- AE13: lesson and section changes recompute the percentages --------------------------------------

def _pct(f: AcceptanceData, *keys: str) -> list[tuple[int, str]]:
    return [tuple(Enrollment.objects.filter(pk=f.enrollments[k].pk).values_list("progress_percentage", "status")
                  .get()) for k in keys]


def test_ae13_lesson_and_section_changes(f: AcceptanceData) -> None:
    progress_rows = StudentProgress.objects.count()
    with as_user(f.users["i1"]):  # the instructor edits the course structure through the app role
        l5 = CourseLesson.objects.create(section=f.sections["C1 S2"], title="C1 L5", content_type="video")
    assert StudentProgress.objects.count() == progress_rows  # lazy: no new rows
    assert _pct(f, "E1", "E2") == [(80, "completed"), (20, "in_progress")]

    with as_user(f.users["i1"]):
        CourseLesson.objects.filter(pk=l5.pk).delete()
    assert _pct(f, "E1", "E2") == [(100, "completed"), (25, "in_progress")]

    with as_user(f.users["s2"]):
        StudentProgress.objects.filter(enrollment=f.enrollments["E2"],
                                       lesson__in=[f.lessons["C1 L2"], f.lessons["C1 L3"]]).update(is_completed=True)
    assert _pct(f, "E2") == [(75, "in_progress")]

    completed_before = StudentActivity.objects.filter(student_id=STUDENT_2, activity_type="course_completed").count()
    with as_user(f.users["i1"]):
        CourseLesson.objects.filter(pk=f.lessons["C1 L4"].pk).delete()
    assert _pct(f, "E1", "E2") == [(100, "completed"), (100, "completed")]
    assert Enrollment.objects.get(pk=f.enrollments["E2"].pk).completed_at is not None
    assert Course.objects.get(pk=f.courses["C1"].pk).completed_count == 2
    assert StudentActivity.objects.filter(student_id=STUDENT_2, activity_type="course_completed").count() == \
        completed_before + 1 == 1

    with as_user(f.users["i1"]):
        CourseSection.objects.filter(pk=f.sections["C1 S2"].pk).update(course=f.courses["C2"])
    assert _pct(f, "E1", "E2", "E3", "E4") == [(100, "completed"), (100, "completed"), (0, "enrolled"),
                                               (0, "dropped")]

    with as_user(f.users["i1"]):
        CourseSection.objects.filter(pk=f.sections["C1 S1"].pk).delete()
    assert _pct(f, "E1", "E2") == [(0, "completed"), (0, "completed")]
    assert rows("SELECT * FROM rebuild_instructor_counters(true)") == [
        {"counter": name, "mismatched": 0} for name in COUNTER_FAMILIES]


# --- AE14: student helpers --------------------------------------------------------------------------------

def _ae14_data(f: AcceptanceData) -> None:
    def at(month: int, day: int) -> datetime:
        return datetime(2025, month, day, 10, 0, tzinfo=UTC)

    s1, c1, c2 = f.users["s1"], f.courses["C1"], f.courses["C2"]
    for course, score, max_score, passed, when, attempt in (
            (c1, 4, 10, False, at(3, 1), 1), (c1, 8, 10, True, at(3, 2), 2), (c2, 7, 8, True, at(3, 3), 1)):
        QuizAttempt.objects.create(user=s1, course=course, score=score, max_score=max_score, passed=passed,
                                   created_at=when, attempt_number=attempt)
    for status, grade, when in (("submitted", None, at(3, 5)), ("graded", 90, at(3, 1)), ("graded", 75, at(2, 1)),
                                ("draft", None, None)):
        AssignmentSubmission.objects.create(user=s1, course=c1, status=status, grade=grade, submitted_at=when)


def _quiz(caller: uuid.UUID, *args: Any) -> tuple:
    sql = "SELECT * FROM get_student_quiz_stats(%s)" if len(args) == 1 else \
        "SELECT * FROM get_student_quiz_stats(%s, %s)"
    (r,) = as_(caller, sql, list(args))
    return (r["total_attempts"], r["passed_attempts"], r["failed_attempts"],
            None if r["average_score"] is None else str(r["average_score"]),
            None if r["highest_score"] is None else str(r["highest_score"]), r["latest_attempt_date"])


def _watch(caller: uuid.UUID, *args: Any) -> str:
    sql = "SELECT get_student_watch_time(%s) AS t" if len(args) == 1 else \
        "SELECT get_student_watch_time(%s, %s) AS t"
    return as_(caller, sql, list(args))[0]["t"]


@pytest.mark.parametrize("caller", [INSTRUCTOR_1, ADMIN], ids=["instructor", "platform_admin"])
def test_ae14_student_helpers(f: AcceptanceData, caller: uuid.UUID) -> None:
    _ae14_data(f)
    assert _watch(caller, STUDENT_2) == "1h 2m"
    assert _watch(caller, STUDENT_1) == "0h 40m"
    assert _watch(caller, STUDENT_1, f.courses["C2"].pk) == "0h 0m"
    assert _watch(caller, NOBODY) == "0h 0m"
    assert _quiz(caller, STUDENT_1, f.courses["C1"].pk) == (
        2, 1, 1, "60.00", "80.00", datetime(2025, 3, 2, 10, tzinfo=UTC))
    assert _quiz(caller, STUDENT_1) == (3, 2, 1, "69.17", "87.50", datetime(2025, 3, 3, 10, tzinfo=UTC))
    assert _quiz(caller, STUDENT_2) == (0, 0, 0, None, None, None)
    (a,) = as_(caller, "SELECT * FROM get_student_assignment_stats(%s)", [STUDENT_1])
    assert (a["total_submissions"], a["graded_submissions"], a["pending_submissions"], str(a["average_grade"]),
            str(a["highest_grade"]), a["latest_submission_date"]) == (
        3, 2, 1, "82.50", "90.00", datetime(2025, 3, 5, 10, tzinfo=UTC))


def test_ae14_rls_decides_what_the_helpers_count(f: AcceptanceData) -> None:
    _ae14_data(f)
    assert _quiz(INSTRUCTOR_2, STUDENT_1) == (0, 0, 0, None, None, None)
    assert _watch(INSTRUCTOR_2, STUDENT_1) == "0h 0m"
    assert _quiz(STUDENT_1, STUDENT_1) == (3, 2, 1, "69.17", "87.50", datetime(2025, 3, 3, 10, tzinfo=UTC))  # own rows
    assert _watch(STUDENT_2, STUDENT_1) == "0h 0m"  # another student's rows are invisible
    (a,) = as_(INSTRUCTOR_2, "SELECT * FROM get_student_assignment_stats(%s)", [STUDENT_1])
    assert (a["total_submissions"], a["average_grade"], a["latest_submission_date"]) == (0, None, None)


@pytest.mark.parametrize("seconds, text", [(0, "0h 0m"), (59, "0h 0m"), (2400, "0h 40m"), (3725, "1h 2m"),
                                           (90000, "25h 0m")])
def test_watch_time_format(f: AcceptanceData, seconds: int, text: str) -> None:
    StudentProgress.objects.filter(user_id=STUDENT_3).delete()
    StudentProgress.objects.create(enrollment=f.enrollments["E4"], user_id=STUDENT_3, course=f.courses["C2"],
                                   lesson=f.lessons["C2 L1"], time_spent_seconds=seconds)
    assert _watch(ADMIN, STUDENT_3) == text


# --- AE15: the views are tenant-safe -------------------------------------------------------------------

VIEWS = ("instructor_course_performance", "course_enrollments", "lesson_progress", "student_engagement_summary")


@pytest.mark.parametrize("caller, counts", [
    (INSTRUCTOR_1, (3, 4, 12, 3)), (INSTRUCTOR_2, (1, 1, 0, 1)), (STUDENT_1, (0, 2, 6, 1)),
], ids=["I1", "I2", "S1"])
def test_ae15_view_row_counts(f: AcceptanceData, caller: uuid.UUID, counts: tuple[int, ...]) -> None:
    got = tuple(as_(caller, f"SELECT count(*) AS n FROM {view}")[0]["n"] for view in VIEWS)
    assert got == counts


def test_ae15_view_values(f: AcceptanceData) -> None:
    perf = {r["course_title"]: (str(r["completion_rate"]), r["active_students_last_7_days"])
            for r in as_(INSTRUCTOR_1, "SELECT * FROM instructor_course_performance")}
    assert perf == {"AI Transformation Fundamentals": ("50.00", 2), "AI Strategy Deep Dive": ("0.00", 0),
                    "Draft Course": ("0.00", 0)}
    (c4,) = as_(INSTRUCTOR_2, "SELECT * FROM instructor_course_performance")
    assert (c4["course_id"], str(c4["total_revenue"])) == (f.courses["C4"].pk, "10.00")
    summary = {r["full_name"]: (r["total_courses"], str(r["avg_progress"]), r["total_watch_time"],
                                r["total_lessons_completed"], str(r["engagement_score"]))
               for r in as_(INSTRUCTOR_1, "SELECT * FROM student_engagement_summary")}
    assert summary == {"Test Student 1": (2, "50.00", 2400, 4, "60.00"),
                       "Test Student 2": (1, "25.00", 3725, 1, "15.00"),
                       "Test Student 3": (1, "0.00", 0, 0, "0.00")}
    (own,) = as_(STUDENT_1, "SELECT * FROM student_engagement_summary")
    assert (own["instructor_id"], own["user_id"]) == (INSTRUCTOR_1, STUDENT_1)
    (e1,) = as_(STUDENT_1, "SELECT * FROM course_enrollments WHERE id = %s", [f.enrollments["E1"].pk])
    assert (e1["completion_percentage"], e1["progress_percentage"]) == (100, 100)
    lp = as_(STUDENT_1, "SELECT title, completed, last_position, section_id FROM lesson_progress "
                 "WHERE enrollment_id = %s ORDER BY title", [f.enrollments["E1"].pk])
    assert [(r["title"], r["completed"]) for r in lp] == [("C1 L1", True), ("C1 L2", True), ("C1 L3", True),
                                                          ("C1 L4", True)]


def test_ae15_workshop_performance(f: AcceptanceData) -> None:
    got = {r["workshop_title"]: (r["enrolled_count"], str(r["total_revenue"]), str(r["attendance_rate"]),
                                 str(r["capacity_filled_percentage"]))
           for r in as_(INSTRUCTOR_1, "SELECT * FROM instructor_workshop_performance")}
    assert got == {"AI Strategy Workshop": (1, "199.00", "0.00", "2.00"), "Past Workshop": (0, "0.00", "0.00", "0.00"),
                   "Draft Workshop": (0, "0.00", "0.00", "0.00")}
    assert as_(STUDENT_2, "SELECT * FROM instructor_workshop_performance") == []
    by_instructor = "SELECT * FROM instructor_workshop_performance WHERE instructor_id = %s"
    assert len(as_(ADMIN, by_instructor, [INSTRUCTOR_1])) == 3


# --- §5 on F: every invariant holds -------------------------------------------------------------------------

COUNTER_FAMILIES = ("courses.enrolled_count", "courses.completed_count", "courses.rating", "courses.total_revenue",
                    "workshops.total_revenue", "instructor_profiles.stats", "enrollments.progress")


def test_rebuild_reports_zero_for_every_family_on_f(f: AcceptanceData) -> None:
    assert rows("SELECT * FROM rebuild_instructor_counters(true)") == [
        {"counter": name, "mismatched": 0} for name in COUNTER_FAMILIES]
    assert rows("SELECT * FROM rebuild_instructor_counters()") == [
        {"counter": name, "mismatched": 0} for name in COUNTER_FAMILIES]
