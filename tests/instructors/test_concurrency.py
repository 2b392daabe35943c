"""Counters under real concurrency (spec 30 §0.1 patterns A and B, §2.2, §2.7, §2.10, AE11).

Every writer is its own psycopg connection and thread with its own READ COMMITTED transaction; a barrier
releases them together. Students write under the request security context (app role + caller), the
payment-completion path writes as the owner. The data is committed (``transaction=True``) so every
connection sees it; afterwards the counters must be exact and rebuild_instructor_counters(true) must find
nothing to repair.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from instructors.models import (
    Course,
    CourseLesson,
    CourseReview,
    CourseSection,
    Enrollment,
    InstructorProfile,
    StudentActivity,
    StudentProgress,
)
from organizations.models import User
from tests.factories import InstructorFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

Job = Callable[[psycopg.Connection], Any]


def connect() -> psycopg.Connection:
    connection.ensure_connection()
    params = connection.get_connection_params()
    return psycopg.connect(**{k: params[k] for k in ("dbname", "user", "password", "host", "port") if params.get(k)})


def simultaneously(jobs: list[tuple[Any, Job]], as_caller: bool = True) -> dict[Any, Any]:
    """Run each ``(caller, job)`` in its own transaction on its own connection, all released at once by a
    barrier, then commit. ``as_caller``: under the app role as that caller; otherwise as the owner.
    Returns caller -> result, or the psycopg error of a transaction that failed."""
    conns = [connect() for _ in jobs]
    barrier = threading.Barrier(len(jobs))
    results: dict[Any, Any] = {}

    def run(conn: psycopg.Connection, caller: Any, job: Job) -> None:
        try:
            if as_caller:
                conn.execute("SET LOCAL ROLE humanglue_app")
                conn.execute("SELECT set_config('app.current_user_id', %s, true)", [str(caller)])
            barrier.wait(timeout=30)
            results[caller] = job(conn)
            conn.commit()
        except Exception as exc:  # noqa: BLE001 - reported to the test through results
            conn.rollback()
            results[caller] = exc

    threads = [threading.Thread(target=run, args=(conn, caller, job))
               for conn, (caller, job) in zip(conns, jobs, strict=True)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
        assert not any(thread.is_alive() for thread in threads), "a transaction hung"
    finally:
        for conn in conns:
            conn.close()
    return results


@dataclass
class School:
    teacher: User
    course: Course  # published, free: students enroll themselves
    course2: Course
    students: list[User]


def school(students: int) -> School:
    teacher = InstructorFactory(full_name="Teacher")
    courses = []
    for n in (1, 2):
        course = Course.objects.create(title=f"Course {n}", slug=f"c-course-{n}", pillar="coaching",
                                       instructor=teacher, status="published")
        section = CourseSection.objects.create(course=course, title="Section")
        for m in (1, 2):
            CourseLesson.objects.create(section=section, title=f"C{n} L{m}", content_type="video", sort_order=m)
        courses.append(course)
    people = [UserFactory(full_name=f"Student {n}") for n in range(students)]
    return School(teacher, courses[0], courses[1], people)


def enroll(course_id: Any, user_id: Any) -> Job:
    return lambda conn: conn.execute(
        "INSERT INTO enrollments (user_id, course_id) VALUES (%s, %s)", [user_id, course_id]).rowcount


def counters(course: Course) -> tuple[int, int]:
    return tuple(Course.objects.filter(pk=course.pk).values_list("enrolled_count", "completed_count").get())


def total_students(s: School) -> int:
    return InstructorProfile.objects.values_list("total_students", flat=True).get(user=s.teacher)


def rebuild_dry_run() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT mismatched FROM rebuild_instructor_counters(true)")
        return {row[0] for row in cursor.fetchall()}


def no_errors(results: dict[Any, Any]) -> None:
    errors = [r for r in results.values() if isinstance(r, Exception)]
    assert errors == []


def test_fifty_simultaneous_enrollments_leave_the_counters_exact() -> None:
    s = school(50)
    no_errors(simultaneously([(u.pk, enroll(s.course.pk, u.pk)) for u in s.students]))
    assert counters(s.course) == (50, 0)
    assert total_students(s) == 50
    assert StudentProgress.objects.filter(course=s.course).count() == 100
    assert StudentActivity.objects.filter(course=s.course, activity_type="enrolled").count() == 50

    # Then, all at once: half the students finish both lessons (completing the course), half drop out.
    def finish(conn: psycopg.Connection) -> int:
        return conn.execute("UPDATE student_progress SET is_completed = true, time_spent_seconds = 60 "
                            "WHERE user_id = app.current_user_id()").rowcount

    def drop(conn: psycopg.Connection) -> int:
        return conn.execute("UPDATE enrollments SET status = 'dropped' WHERE user_id = app.current_user_id()").rowcount

    no_errors(simultaneously([(u.pk, finish if n % 2 else drop) for n, u in enumerate(s.students)]))
    assert counters(s.course) == (50, 25)
    assert Enrollment.objects.filter(course=s.course, status="completed", progress_percentage=100).count() == 25
    assert StudentActivity.objects.filter(course=s.course, activity_type="course_completed").count() == 25
    assert rebuild_dry_run() == {0}


def test_fifty_simultaneous_enrollments_of_25_students_in_two_courses_count_each_student_once() -> None:
    s = school(25)
    # One connection per (student, course), as the owner (the payment-completion path of paid courses).
    jobs = [((u.pk, c.pk), enroll(c.pk, u.pk)) for u in s.students for c in (s.course, s.course2)]
    assert len(jobs) == 50
    no_errors(simultaneously(jobs, as_caller=False))
    assert (counters(s.course), counters(s.course2)) == ((25, 0), (25, 0))
    assert total_students(s) == 25
    assert rebuild_dry_run() == {0}


def _open(conn: psycopg.Connection, job: Job) -> None:
    job(conn)  # runs inside the connection's open transaction (psycopg starts one implicitly)


def _blocked_until_first_commits(first: psycopg.Connection, second_job: Job) -> None:
    """Start ``second_job`` on a new connection (owner), check it waits for ``first``'s locks, commit
    ``first``, then let the second finish and commit."""
    outcome: dict[str, Any] = {}
    second = connect()

    def run() -> None:
        try:
            second_job(second)
            second.commit()
            outcome["ok"] = True
        except Exception as exc:  # noqa: BLE001
            second.rollback()
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    wait_until_blocked(second)
    first.commit()
    thread.join(30)
    second.close()
    assert outcome == {"ok": True}


def wait_until_blocked(conn: psycopg.Connection) -> None:
    """Wait until ``conn``'s backend waits for a lock (the first session's row lock)."""
    pid = conn.info.backend_pid
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone() == ("Lock",):
                return
        time.sleep(0.05)
    raise AssertionError("the second session never waited for the first one's lock")


def test_ae11_two_students_one_course() -> None:
    s = school(2)
    x, y = s.students
    first = connect()
    try:
        _open(first, enroll(s.course.pk, x.pk))  # session A keeps its transaction open
        _blocked_until_first_commits(first, enroll(s.course.pk, y.pk))
    finally:
        first.close()
    assert counters(s.course) == (2, 0)
    assert total_students(s) == 2


@pytest.mark.parametrize("second_has_older_xid", [False, True], ids=["A-older", "B-older"])
def test_ae11_one_student_two_courses(second_has_older_xid: bool) -> None:
    s = school(1)
    (z,) = s.students
    first, second_pre = connect(), None
    try:
        if second_has_older_xid:
            # B's transaction gets its id before A's, so A's committed row looks "newer" to B: B takes the
            # recount path of update_instructor_stats_from_enrollment() instead of the delta.
            second_pre = connect()
            second_pre.execute("SELECT pg_current_xact_id()")
        _open(first, enroll(s.course2.pk, z.pk))  # A: Z in course 2, open

        if second_pre is None:
            _blocked_until_first_commits(first, enroll(s.course.pk, z.pk))
        else:
            outcome: dict[str, Any] = {}

            def run() -> None:
                enroll(s.course.pk, z.pk)(second_pre)
                second_pre.commit()
                outcome["ok"] = True

            thread = threading.Thread(target=run)
            thread.start()
            wait_until_blocked(second_pre)
            first.commit()
            thread.join(30)
            assert outcome == {"ok": True}
    finally:
        first.close()
        if second_pre is not None:
            second_pre.close()
    assert (counters(s.course), counters(s.course2)) == ((1, 0), (1, 0))
    assert total_students(s) == 1
    assert rebuild_dry_run() == {0}


def test_simultaneous_reviews_leave_the_rating_exact() -> None:
    s = school(24)
    now = timezone.now()
    enrollments = {}
    for u in s.students:
        e = Enrollment.objects.create(user=u, course=s.course)
        Enrollment.objects.filter(pk=e.pk).update(status="completed", completed_at=now)
        enrollments[u.pk] = e.pk
    ratings = {u.pk: 1 + n % 5 for n, u in enumerate(s.students)}

    def review(user_id: Any) -> Job:
        return lambda conn: conn.execute(
            "INSERT INTO course_reviews (course_id, user_id, enrollment_id, rating) VALUES (%s, %s, %s, %s)",
            [s.course.pk, user_id, enrollments[user_id], ratings[user_id]]).rowcount

    no_errors(simultaneously([(pk, review(pk)) for pk in ratings]))

    def expected() -> tuple[Decimal, int]:
        average = Decimal(sum(ratings.values())) / len(ratings)
        return average.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), len(ratings)

    def stored() -> tuple[tuple[Decimal, int], tuple[Decimal, int]]:
        course = Course.objects.filter(pk=s.course.pk).values_list("average_rating", "review_count").get()
        profile = InstructorProfile.objects.filter(user=s.teacher).values_list("average_rating", "total_reviews").get()
        return tuple(course), tuple(profile)

    assert stored() == (expected(), expected())
    assert CourseReview.objects.filter(course=s.course).count() == 24

    # Everyone changes their rating at the same moment.
    ratings = {pk: 6 - r for pk, r in ratings.items()}
    no_errors(simultaneously([(pk, lambda conn: conn.execute(
        "UPDATE course_reviews SET rating = 6 - rating WHERE user_id = app.current_user_id()").rowcount)
        for pk in ratings]))
    assert stored() == (expected(), expected())
    assert rebuild_dry_run() == {0}
