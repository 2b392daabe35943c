"""The business triggers of spec 30 §2 one by one, on a small dataset: driven as the owner (system context)
and, where callers do it (self-enrollment, lesson progress, reviews, quiz attempts, submissions, profile
creation, course edits), under the app role. Also the operator function rebuild_instructor_counters (§5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from instructors.models import (
    AssignmentSubmission,
    Course,
    CourseLesson,
    CourseReview,
    CourseSection,
    Enrollment,
    InstructorProfile,
    QuizAttempt,
    StudentActivity,
    StudentProgress,
)
from organizations.models import User
from payments.models import RevenueTransaction
from tests.db import as_user
from tests.factories import InstructorFactory, RoleGrantFactory, UserFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

PROFILE = ("total_students", "total_courses", "total_workshops", "average_rating", "total_reviews")


@dataclass
class Small:
    teacher: User
    other_teacher: User
    students: list[User]
    admin: User
    course: Course  # published, free, 2 lessons
    course2: Course  # published, free, 1 lesson
    lessons: list[CourseLesson]


@pytest.fixture
def small() -> Small:
    teacher, other = InstructorFactory(full_name="Teacher"), InstructorFactory(full_name="Other Teacher")
    admin = RoleGrantFactory(user__full_name="Admin", role="admin").user
    course = Course.objects.create(title="Change 101", slug="t-change-101", pillar="adaptability",
                                   instructor=teacher, status="published")
    section = CourseSection.objects.create(course=course, title="Part 1")
    lessons = [CourseLesson.objects.create(section=section, title=f"Lesson {n}", content_type="video", sort_order=n)
               for n in (1, 2)]
    course2 = Course.objects.create(title="Change 102", slug="t-change-102", pillar="adaptability",
                                    instructor=teacher, status="published")
    lessons.append(CourseLesson.objects.create(
        section=CourseSection.objects.create(course=course2, title="Only part"), title="Lesson 3",
        content_type="quiz"))
    students = [UserFactory(full_name=f"Student {n}") for n in (1, 2, 3)]
    return Small(teacher, other, students, admin, course, course2, lessons)


def profile(u: User) -> tuple[Any, ...]:
    return InstructorProfile.objects.filter(user=u).values_list(*PROFILE).get()


def counters(c: Course) -> tuple[Any, ...]:
    return Course.objects.filter(pk=c.pk).values_list(
        "enrolled_count", "completed_count", "average_rating", "review_count", "total_revenue").get()


def state(e: Enrollment) -> tuple[Any, ...]:
    return Enrollment.objects.filter(pk=e.pk).values_list("status", "progress_percentage").get()


def completed_enrollment(student: User, course: Course) -> Enrollment:
    """A completed enrollment written by the owner (system context: the guard does not stamp completed_at)."""
    enrollment = Enrollment.objects.create(user=student, course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(status="completed", completed_at=timezone.now())
    return enrollment


def activities(student: User) -> list[tuple[str, str]]:
    return list(StudentActivity.objects.filter(student=student).order_by("occurred_at", "id")
                .values_list("activity_type", "activity_title"))


def test_self_enrollment_and_lesson_progress_under_the_app_role(small: Small) -> None:
    s1 = small.students[0]
    l1, l2 = small.lessons[:2]
    with as_user(s1):  # enrollments_insert_own: free published course
        enrollment = Enrollment.objects.create(user=s1, course=small.course)
    assert StudentProgress.objects.filter(enrollment=enrollment).count() == 2  # one per lesson (§2.1)
    assert counters(small.course)[:2] == (1, 0)
    assert profile(small.teacher)[0] == 1
    assert activities(s1) == [("enrolled", "Enrolled in Change 101")]

    def work(lesson: CourseLesson, **values: Any) -> None:
        with as_user(s1):
            assert StudentProgress.objects.filter(enrollment=enrollment, lesson=lesson).update(**values) == 1

    work(l1, time_spent_seconds=30, last_position_seconds=25)
    row = StudentProgress.objects.get(enrollment=enrollment, lesson=l1)
    assert row.last_accessed_at is not None and row.completed_at is None  # stamped as accessed (§2.5)
    e = Enrollment.objects.get(pk=enrollment.pk)
    assert (e.status, e.progress_percentage, e.last_accessed_at, e.last_accessed_lesson_id) == (
        "enrolled", 0, row.last_accessed_at, l1.pk)

    work(l1, is_completed=True)
    row.refresh_from_db()
    assert (row.completion_percentage, row.completed_at is not None) == (100, True)
    assert state(enrollment) == ("in_progress", 50)
    later = timezone.now() + timedelta(seconds=1)  # a later request (one test transaction has one now())
    work(l2, is_completed=True, time_spent_seconds=10, last_accessed_at=later)
    assert state(enrollment) == ("completed", 100)
    assert Enrollment.objects.get(pk=enrollment.pk).last_accessed_lesson_id == l2.pk
    assert counters(small.course)[:2] == (1, 1)
    assert activities(s1) == [
        ("enrolled", "Enrolled in Change 101"), ("lesson_started", "Started lesson Lesson 1"),
        ("lesson_completed", "Completed lesson Lesson 1"), ("lesson_started", "Started lesson Lesson 2"),
        ("lesson_completed", "Completed lesson Lesson 2"), ("course_completed", "Completed Change 101")]

    # Un-completing a lesson lowers the percentage only: 'completed' is never reverted.
    work(l2, is_completed=False)
    assert StudentProgress.objects.values_list("completed_at", flat=True).get(enrollment=enrollment, lesson=l2) is None
    assert state(enrollment) == ("completed", 50)
    assert counters(small.course)[:2] == (1, 1)
    # A save that changes no progress value does nothing (no new activity, no roll-up).
    before = activities(s1)
    work(l1, metadata={"note": "x"})
    assert activities(s1) == before


def test_insert_with_progress_stamps_and_rolls_up(small: Small) -> None:
    s1 = small.students[0]
    enrollment = Enrollment.objects.create(user=s1, course=small.course2)  # owner: the paid path
    StudentProgress.objects.filter(enrollment=enrollment).delete()
    # lessons[2] is a quiz: it is completed only after a passed attempt (issue 9 item 9)
    CourseLesson.objects.filter(pk=small.lessons[2].pk).update(quiz_questions=[{"id": "q1", "answer": 1}])
    with as_user(s1):  # the lazy upsert of spec 20, as the student
        QuizAttempt.objects.create(user=s1, course=small.course2, lesson=small.lessons[2], score=0, max_score=1,
                                   quiz_data={"answers": {"q1": 1}})
        StudentProgress.objects.create(enrollment=enrollment, user=s1, course=small.course2, lesson=small.lessons[2],
                                       is_completed=True)
    row = StudentProgress.objects.get(enrollment=enrollment)
    assert (row.completion_percentage, row.last_accessed_at is not None, row.completed_at is not None) == (
        100, True, True)
    assert state(enrollment) == ("completed", 100)
    assert [a for a, _ in activities(s1)] == [
        "enrolled", "quiz_passed", "lesson_started", "lesson_completed", "course_completed"]


def test_dropped_enrollments_count_but_are_never_touched_by_the_roll_up(small: Small) -> None:
    s1, s2 = small.students[:2]
    e1 = Enrollment.objects.create(user=s1, course=small.course)
    completed_enrollment(s2, small.course)
    assert counters(small.course)[:2] == (2, 1)
    Enrollment.objects.filter(pk=e1.pk).update(status="dropped")
    StudentProgress.objects.filter(enrollment=e1).update(is_completed=True)
    assert state(e1) == ("dropped", 100)
    assert counters(small.course)[:2] == (2, 1)
    Enrollment.objects.filter(course=small.course, status="completed").update(status="in_progress")
    assert counters(small.course)[:2] == (2, 0)
    Enrollment.objects.filter(course=small.course).delete()
    assert counters(small.course)[:2] == (0, 0)
    assert profile(small.teacher)[0] == 0


def test_multi_row_statements_count_each_student_once(small: Small) -> None:
    s1, s2 = small.students[:2]
    Enrollment.objects.bulk_create([Enrollment(user=s1, course=small.course), Enrollment(user=s1, course=small.course2),
                                    Enrollment(user=s2, course=small.course)])
    assert profile(small.teacher)[0] == 2
    assert (counters(small.course)[0], counters(small.course2)[0]) == (2, 1)
    with connection.cursor() as cursor:  # one statement deletes both of s1's enrollments with the teacher
        cursor.execute("DELETE FROM enrollments WHERE user_id = %s", [s1.pk])
    assert profile(small.teacher)[0] == 1
    Enrollment.objects.create(user=s1, course=small.course2)
    Enrollment.objects.create(user=s1, course=small.course)  # a second course of the same teacher
    assert profile(small.teacher)[0] == 2


def test_profile_created_after_its_courses_starts_correct(small: Small) -> None:
    newcomer = UserFactory(full_name="Newcomer")
    course = Course.objects.create(title="Late", slug="t-late", pillar="coaching", instructor=newcomer,
                                   status="published")
    enrollment = completed_enrollment(small.students[0], course)
    CourseReview.objects.create(course=course, user=small.students[0], enrollment=enrollment, rating=3)
    Workshop.objects.create(
        instructor=newcomer, title="Late workshop", slug="t-late-w", pillar="coaching", level="beginner",
        start_time=timezone.now() + timedelta(days=2), end_time=timezone.now() + timedelta(days=2, hours=1),
        duration_minutes=60, capacity_total=5, status="published")
    with as_user(newcomer):  # the guard resets the counters of a caller's insert, then init computes them
        InstructorProfile.objects.bulk_create([InstructorProfile(
            user=newcomer, professional_title="New", total_students=40, total_reviews=9)])
    assert profile(newcomer) == (1, 1, 1, Decimal("3.00"), 1)


def test_course_and_workshop_changes_refresh_profiles_only_when_status_or_owner_change(small: Small) -> None:
    teacher, other = small.teacher, small.other_teacher
    assert profile(teacher)[1] == 2
    InstructorProfile.objects.filter(user=teacher).update(total_courses=99)  # drift, to see who refreshes
    Enrollment.objects.create(user=small.students[0], course=small.course)  # counter-only course update
    with as_user(teacher):
        Course.objects.get(pk=small.course.pk).save()  # a full-row save with nothing changed
    assert profile(teacher)[1] == 99
    with as_user(teacher):
        Course.objects.filter(pk=small.course2.pk).update(status="archived")
    assert profile(teacher)[:2] == (1, 1)
    Course.objects.filter(pk=small.course.pk).update(instructor=other)  # transfer (owner)
    assert profile(teacher)[:2] == (0, 0)
    assert profile(other)[:2] == (1, 1)

    w = Workshop.objects.create(
        instructor=other, title="W", slug="t-w", pillar="coaching", level="beginner",
        start_time=timezone.now() + timedelta(days=1), end_time=timezone.now() + timedelta(days=1, hours=1),
        duration_minutes=60, capacity_total=5)
    assert profile(other)[2] == 0  # draft
    with as_user(other):
        Workshop.objects.filter(pk=w.pk).update(status="published")
    assert profile(other)[2] == 1
    Workshop.objects.filter(pk=w.pk).update(status="cancelled")
    assert profile(other)[2] == 0
    Course.objects.filter(pk=small.course.pk).delete()
    assert profile(other)[:2] == (0, 0)


def test_reviews_maintain_course_rating_and_profile(small: Small) -> None:
    enrollments = [completed_enrollment(s, small.course) for s in small.students]
    for s, e, rating in zip(small.students, enrollments, (5, 4, 4), strict=True):
        with as_user(s):  # course_reviews_insert_own: completed enrollment
            CourseReview.objects.create(course=small.course, user=s, enrollment=e, rating=rating)
    assert counters(small.course)[2:4] == (Decimal("4.33"), 3)
    assert profile(small.teacher)[3:] == (Decimal("4.33"), 3)
    review = CourseReview.objects.get(user=small.students[0])
    with as_user(small.admin):  # moderation: unpublishing removes the review from both figures
        CourseReview.objects.filter(pk=review.pk).update(is_published=False)
    assert counters(small.course)[2:4] == (Decimal("4.00"), 2)
    with as_user(small.students[1]):
        CourseReview.objects.filter(user=small.students[1]).update(rating=1)
    assert counters(small.course)[2:4] == (Decimal("2.50"), 2)
    assert profile(small.teacher)[3:] == (Decimal("2.50"), 2)
    CourseReview.objects.filter(course=small.course).delete()
    assert counters(small.course)[2:4] == (None, 0)
    assert profile(small.teacher)[3:] == (None, 0)


def test_quiz_and_assignment_activity(small: Small) -> None:
    s1 = small.students[0]
    Enrollment.objects.create(user=s1, course=small.course2)
    quiz_lesson = small.lessons[2]
    # ten one-point questions; the server grades the attempt from the answers (issue 9 item 9)
    CourseLesson.objects.filter(pk=quiz_lesson.pk).update(
        quiz_questions=[{"id": f"q{n}", "text": f"Question {n}", "answer": n} for n in range(10)],
        quiz_passing_score=70)
    with as_user(s1):
        QuizAttempt.objects.create(user=s1, course=small.course2, lesson=quiz_lesson, score=0, max_score=1,
                                   quiz_data={"answers": {f"q{n}": n if n else 99 for n in range(10)}})
        submission = AssignmentSubmission.objects.create(user=s1, course=small.course2, status="draft")
    # a course-level quiz has no questions to grade against: only an import (system context) records one
    QuizAttempt.objects.create(user=s1, course=small.course2, score=3, max_score=12, attempt_number=1)
    quiz = StudentActivity.objects.filter(student=s1, activity_type__in=["quiz_passed", "quiz_failed"]) \
        .order_by("occurred_at")
    assert [(a.activity_type, a.activity_title, a.lesson_id, a.metadata) for a in quiz] == [
        ("quiz_passed", "Passed quiz: Lesson 3", quiz_lesson.pk,
         {"score": 9.0, "max_score": 10.0, "percentage": 90.0, "attempt_number": 1}),
        ("quiz_failed", "Failed quiz: Change 102", None,
         {"score": 3.0, "max_score": 12.0, "percentage": 25.0, "attempt_number": 1})]
    submitted = StudentActivity.objects.filter(student=s1, activity_type="assignment_submitted")
    assert not submitted.exists()  # a draft logs nothing
    with as_user(s1):
        AssignmentSubmission.objects.filter(pk=submission.pk).update(status="submitted")
    with as_user(small.teacher):
        AssignmentSubmission.objects.filter(pk=submission.pk).update(status="returned", feedback="More please")
    with as_user(s1):
        AssignmentSubmission.objects.filter(pk=submission.pk).update(status="resubmitted")
        AssignmentSubmission.objects.filter(pk=submission.pk).update(status="resubmitted")  # no change
    assert [(a.activity_title, a.metadata, a.instructor_id) for a in submitted.order_by("occurred_at")] == [
        ("Submitted assignment: Change 102", {"submission_id": str(submission.pk)}, small.teacher.pk)] * 2
    with as_user(s1):
        AssignmentSubmission.objects.create(user=s1, course=small.course2, lesson=quiz_lesson, submission_text="Hi")
    assert submitted.order_by("-occurred_at").first().activity_title == "Submitted assignment: Lesson 3"


def test_courses_without_an_instructor_log_nothing(small: Small) -> None:
    Course.objects.filter(pk=small.course.pk).update(instructor=None)
    s1 = small.students[0]
    enrollment = Enrollment.objects.create(user=s1, course=small.course)
    StudentProgress.objects.filter(enrollment=enrollment).update(is_completed=True)
    QuizAttempt.objects.create(user=s1, course=small.course, score=1, max_score=2)
    assert activities(s1) == []
    assert state(enrollment) == ("completed", 100)  # the roll-up still runs


def test_enrollment_moved_to_another_course_by_the_owner(small: Small) -> None:
    empty = Course.objects.create(title="Empty", slug="t-empty", pillar="coaching", instructor=small.other_teacher,
                                  status="published")
    enrollment = completed_enrollment(small.students[0], empty)
    assert (counters(empty)[:2], profile(small.other_teacher)[0]) == ((1, 1), 1)
    nothing = Course.objects.create(title="Nothing", slug="t-nothing", pillar="coaching", instructor=small.teacher,
                                    status="published")
    Enrollment.objects.filter(pk=enrollment.pk).update(course=nothing)
    assert (counters(empty)[:2], counters(nothing)[:2]) == ((0, 0), (1, 1))
    assert (profile(small.other_teacher)[0], profile(small.teacher)[0]) == (0, 1)


def test_item_revenue_follows_the_revenue_rows(small: Small) -> None:
    s1 = small.students[0]

    def sale(amount: str, status: str = "completed") -> RevenueTransaction:
        value = Decimal(amount)
        fee = (value * Decimal("0.2")).quantize(Decimal("0.01"))
        return RevenueTransaction.objects.create(
            instructor=small.teacher, student=s1, course=small.course, transaction_type="course_enrollment",
            amount=value, platform_fee_amount=fee, instructor_earnings=value - fee, payment_status=status)

    first = sale("20.00")
    pending = sale("5.00", status="pending")
    assert counters(small.course)[4] == Decimal("20.00")  # a non-completed row contributes 0
    RevenueTransaction.objects.filter(pk=pending.pk).update(payment_status="completed")
    assert counters(small.course)[4] == Decimal("25.00")
    RevenueTransaction.objects.filter(pk=first.pk).update(course=small.course2)
    assert (counters(small.course)[4], counters(small.course2)[4]) == (Decimal("5.00"), Decimal("20.00"))
    RevenueTransaction.objects.filter(pk=first.pk).update(payout_status="paid")  # not a revenue column
    assert counters(small.course2)[4] == Decimal("20.00")
    RevenueTransaction.objects.filter(pk=first.pk).delete()
    assert counters(small.course2)[4] == Decimal("0.00")
    Course.objects.filter(pk=small.course.pk).update(total_revenue=Decimal("1.00"))  # drift
    RevenueTransaction.objects.filter(pk=pending.pk).delete()
    assert counters(small.course)[4] == Decimal("0.00")  # floored at 0, never an error


FAMILIES = ("courses.enrolled_count", "courses.completed_count", "courses.rating", "courses.total_revenue",
            "workshops.total_revenue", "instructor_profiles.stats", "enrollments.progress")


def rebuild(dry_run: bool) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT counter, mismatched FROM rebuild_instructor_counters(%s)", [dry_run])
        return dict(cursor.fetchall())


def test_rebuild_instructor_counters_finds_and_repairs_drift(small: Small) -> None:
    s1, s2 = small.students[:2]
    e1 = Enrollment.objects.create(user=s1, course=small.course)
    e2 = completed_enrollment(s2, small.course)
    CourseReview.objects.create(course=small.course, user=s2, enrollment=e2, rating=4)
    StudentProgress.objects.filter(enrollment=e1, lesson=small.lessons[0]).update(is_completed=True)
    w = Workshop.objects.create(
        instructor=small.teacher, title="W", slug="t-w2", pillar="coaching", level="beginner",
        start_time=timezone.now() + timedelta(days=1), end_time=timezone.now() + timedelta(days=1, hours=1),
        duration_minutes=60, capacity_total=5, status="published")
    assert rebuild(True) == dict.fromkeys(FAMILIES, 0)
    truth = (counters(small.course), profile(small.teacher), state(e1))

    # Drift every family behind the triggers' back (operator loads run with triggers disabled, for example).
    Course.objects.filter(pk=small.course.pk).update(
        enrolled_count=7, completed_count=0, average_rating=Decimal("1.00"), total_revenue=Decimal("9.00"))
    Workshop.objects.filter(pk=w.pk).update(total_revenue=Decimal("3.00"))
    InstructorProfile.objects.filter(user=small.teacher).update(total_students=0)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending deferred FK checks on the table
        cursor.execute("ALTER TABLE enrollments DISABLE TRIGGER USER")
        cursor.execute("UPDATE enrollments SET progress_percentage = 0 WHERE id = %s", [e1.pk])
        cursor.execute("ALTER TABLE enrollments ENABLE TRIGGER USER")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION READ ONLY")  # a dry run only reads
        assert rebuild(True) == {**dict.fromkeys(FAMILIES, 1)}
    assert counters(small.course)[0] == 7  # a dry run changes nothing
    assert rebuild(False) == {**dict.fromkeys(FAMILIES, 1)}
    assert (counters(small.course), profile(small.teacher), state(e1)) == truth
    assert Workshop.objects.values_list("total_revenue", flat=True).get(pk=w.pk) == Decimal("0.00")
    assert rebuild(True) == dict.fromkeys(FAMILIES, 0)
