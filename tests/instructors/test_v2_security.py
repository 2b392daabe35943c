"""Issue 9 (database core v2), instructors: each attack performed under the app role, and refused.

- Secret columns (items 3, 8): the app role cannot SELECT instructor_settings.payment_details /
  calendar_sync_token, nor course_lessons.video_url / article_content / resource_url / quiz_questions; lesson
  content is read through app.lesson_content() (instructors.selectors.lesson_content) by an actively enrolled
  student, the course instructor, a platform admin, and anyone who sees the course for a preview lesson;
  quiz answers only by the instructor and platform admins.
- Server-graded quiz attempts (item 9): score, max_score, passed come from the lesson's questions.
- Re-tagging (item 6): enrollments.organization_id cannot be moved into another organization.
- Automatic columns in system context (the completed_at bug): automatic rules apply to the owner too.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from instructors.models import (
    AssignmentSubmission,
    Course,
    CourseLesson,
    CourseReview,
    Enrollment,
    InstructorSettings,
    QuizAttempt,
    StudentActivity,
    StudentProgress,
)
from instructors.selectors import LessonContent, lesson_content
from organizations.models import User, UserRoleGrant
from tests.db import as_user, fetch, refused
from tests.sample_data import PASSWORD
from tests.world import World, acting_as, build_world, person, visible_ids

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "a.student", "a.instructor", "a.member", "a.org_admin", "b.student", "b.instructor",
          "b.org_admin", "outsider", "platform_admin")

# A quiz in the three shapes the grader understands: an index answer worth 2 points, option objects flagged
# is_correct (a multiple choice: the set of indices), a free-text answer (compared trimmed, case-insensitively).
QUESTIONS = [
    {"id": "q1", "text": "2 + 2?", "options": ["3", "4"], "answer": 1, "points": 2},
    {"id": "q2", "text": "Pick the colours", "options": [
        {"text": "red", "is_correct": True}, {"text": "cat", "is_correct": False},
        {"text": "blue", "is_correct": True}], "explanation": "red and blue are colours"},
    {"id": "q3", "text": "Capital of France?", "correct_answer": "Paris"},
]
STRIPPED = [
    {"id": "q1", "text": "2 + 2?", "options": ["3", "4"], "points": 2},
    {"id": "q2", "text": "Pick the colours", "options": [{"text": "red"}, {"text": "cat"}, {"text": "blue"}]},
    {"id": "q3", "text": "Capital of France?"},
]
ANSWER_KEYS = {"answer", "correct_answer", "is_correct", "explanation"}


@pytest.fixture
def world() -> World:
    return build_world()


def keys_anywhere(doc: Any) -> set[str]:
    if isinstance(doc, dict):
        return set(doc) | {k for v in doc.values() for k in keys_anywhere(v)}
    if isinstance(doc, list):
        return {k for v in doc for k in keys_anywhere(v)}
    return set()


# --- 1. secret columns ----------------------------------------------------------------------------------

INSTRUCTOR_SECRETS = ("payment_details", "calendar_sync_token")
LESSON_SECRETS = ("video_url", "article_content", "resource_url", "quiz_questions")


@pytest.mark.parametrize("actor", ["a.instructor", "a.student", "b.instructor", "anonymous", "platform_admin"])
def test_no_caller_can_select_the_secret_columns(world: World, actor: str) -> None:
    InstructorSettings.objects.filter(user=world.a.instructor).update(
        payment_details={"iban": "DE00 1234"}, calendar_sync_token="secret-token")
    with acting_as(person(world, actor)):
        for column in INSTRUCTOR_SECRETS:
            with refused("42501"):
                fetch(f"SELECT {column} FROM instructor_settings")
        for column in LESSON_SECRETS:
            with refused("42501"):
                fetch(f"SELECT {column} FROM course_lessons")
        for table in ("instructor_settings", "course_lessons"):
            with refused("42501"):
                fetch(f"SELECT * FROM {table}")
        # The ORM leaves the columns out, so the rows the policies allow stay readable.
        list(InstructorSettings.objects.all())
        list(CourseLesson.objects.all())


def test_instructor_settings_secrets_are_write_only(world: World) -> None:
    settings_row = world.a.rows["instructor_settings"]
    with as_user(world.a.instructor):  # writes kept (acting_as rolls back)
        mine = InstructorSettings.objects.get(pk=settings_row.pk)
        with refused("42501"):
            mine.payment_details  # noqa: B018 - reading the deferred column is the attack
        assert InstructorSettings.objects.filter(pk=settings_row.pk).update(
            payment_details={"iban": "DE00 1234"}, calendar_sync_token="secret-token") == 1
        mine = InstructorSettings.objects.get(pk=settings_row.pk)
        mine.currency = "EUR"
        mine.save()  # saves the loaded columns only, never the deferred secrets
    with as_user(world.outsider):  # a new instructor's settings, secrets included, in one INSERT
        created = InstructorSettings.objects.create(user=world.outsider, payment_details={"paypal": "me@x"},
                                                    calendar_sync_token="tok")
    # the owner (payout job, system context) reads them
    assert InstructorSettings.objects.with_secrets().values_list(
        "payment_details", "calendar_sync_token", "currency").get(pk=settings_row.pk) == (
        {"iban": "DE00 1234"}, "secret-token", "EUR")
    assert InstructorSettings.objects.with_secrets().values_list("payment_details", flat=True).get(
        pk=created.pk) == {"paypal": "me@x"}


def _paid_course(world: World, status: str = "published", price: str = "49.00") -> dict[str, CourseLesson]:
    """Tenant a's course made paid, with a paid video, a paid quiz and a free preview quiz lesson."""
    course = world.a.rows["course"]
    Course.objects.filter(pk=course.pk).update(status=status, price_amount=Decimal(price))
    section = world.a.rows["course_section"]
    video = world.a.rows["course_lesson"]
    CourseLesson.objects.filter(pk=video.pk).update(
        video_url="https://videos.example/paid.mp4", article_content="Transcript", resource_url="https://f.example/x")
    quiz = CourseLesson.objects.create(section=section, title="Quiz", content_type="quiz", sort_order=2,
                                       quiz_questions=QUESTIONS, quiz_passing_score=75)
    preview = CourseLesson.objects.create(section=section, title="Preview", content_type="quiz", sort_order=3,
                                          is_preview=True, quiz_questions=QUESTIONS,
                                          video_url="https://videos.example/free.mp4")
    return {"video": video, "quiz": quiz, "preview": preview}


def _content_as(world: World, actor: str, lesson: CourseLesson) -> LessonContent | None:
    with acting_as(person(world, actor)):
        return lesson_content(lesson.pk)


# Who reads the content of a paid lesson (published paid course): the enrolled student, the instructor, a
# platform admin. Answers: instructor and platform admin only.
FULL = {"a.instructor", "platform_admin"}
ENROLLED = {"a.student"}


def test_paid_lesson_content_reaches_only_enrolled_instructor_and_admin(world: World) -> None:
    lessons = _paid_course(world)
    got = {}
    for actor in ACTORS:
        video = _content_as(world, actor, lessons["video"])
        quiz = _content_as(world, actor, lessons["quiz"])
        got[actor] = (video is not None, quiz is not None)
        if video is not None:
            assert (video.lesson_id, video.video_url, video.article_content, video.resource_url) == (
                lessons["video"].pk, "https://videos.example/paid.mp4", "Transcript", "https://f.example/x")
        if quiz is not None:
            assert quiz.quiz_questions == (QUESTIONS if actor in FULL else STRIPPED), actor
        # the lesson row itself (title, type) is public: the syllabus shows
        with acting_as(person(world, actor)):
            assert lessons["video"].pk in visible_ids(CourseLesson)
    assert got == {actor: ((actor in FULL | ENROLLED),) * 2 for actor in ACTORS}


@pytest.mark.parametrize(("change", "reads"), [
    ({"status": "in_progress"}, True),
    ({"status": "completed", "completed_at": "now"}, True),  # finished students keep their course
    ({"status": "dropped"}, False),
    ({"expires_at": "past"}, False),
])
def test_only_an_active_enrollment_opens_paid_content(world: World, change: dict[str, Any], reads: bool) -> None:
    lessons = _paid_course(world)
    now = timezone.now()
    values = {k: ({"now": now, "past": now - timedelta(days=1)}.get(v, v)) for k, v in change.items()}
    if "expires_at" in values:
        values["enrolled_at"] = now - timedelta(days=30)
    Enrollment.objects.filter(pk=world.a.rows["enrollment"].pk).update(**values)
    content = _content_as(world, "a.student", lessons["quiz"])
    assert (content is not None) == reads
    if content is not None:
        assert not keys_anywhere(content.quiz_questions) & ANSWER_KEYS  # students never see answers


def test_preview_lessons_are_open_to_whoever_sees_the_course(world: World) -> None:
    lessons = _paid_course(world)
    for actor in ACTORS:
        content = _content_as(world, actor, lessons["preview"])
        assert content is not None and content.video_url == "https://videos.example/free.mp4", actor
        assert content.quiz_questions == (QUESTIONS if actor in FULL else STRIPPED), actor
    # A draft course's preview is not public: its lesson rows are not visible either.
    Course.objects.filter(pk=world.a.rows["course"].pk).update(status="draft")
    seen = {actor for actor in ACTORS if _content_as(world, actor, lessons["preview"]) is not None}
    assert seen == {"a.student", "a.instructor", "a.org_admin", "platform_admin"}
    for actor in ACTORS:
        with acting_as(person(world, actor)):
            assert (lessons["preview"].pk in visible_ids(CourseLesson)) == (actor in seen), actor


def test_lesson_content_of_an_unknown_or_null_lesson_is_empty(world: World) -> None:
    with acting_as(world.platform_admin):
        assert lesson_content(uuid.uuid4()) is None
        assert fetch("SELECT * FROM app.lesson_content(NULL)") == []


# --- 2. quiz attempts graded by the server ---------------------------------------------------------------

def _quiz_lesson(world: World, passing: int | None = 75) -> CourseLesson:
    return CourseLesson.objects.create(section=world.a.rows["course_section"], title="Graded quiz",
                                       content_type="quiz", quiz_questions=QUESTIONS, quiz_passing_score=passing)


def _attempt(world: World, lesson: CourseLesson | None, answers: Any, **claimed: Any) -> QuizAttempt:
    values = {"score": Decimal("10"), "max_score": Decimal("10"), "passed": True, "attempt_number": 2, **claimed}
    return QuizAttempt.objects.create(user=world.a.student, course=world.a.rows["course"], lesson=lesson,
                                      quiz_data={"answers": answers}, **values)


def _graded(attempt: QuizAttempt) -> tuple[str, str, str, bool]:
    row = QuizAttempt.objects.values_list("score", "max_score", "percentage", "passed").get(pk=attempt.pk)
    return str(row[0]), str(row[1]), str(row[2]), row[3]


def _activity(attempt: QuizAttempt) -> list[tuple[str, dict[str, Any]]]:
    return [(a.activity_type, a.metadata) for a in StudentActivity.objects.filter(
        student=attempt.user_id, lesson=attempt.lesson_id, activity_type__in=["quiz_passed", "quiz_failed"])]


@pytest.mark.parametrize(("answers", "graded"), [
    ({"q1": 0, "q2": [1], "q3": "Lyon"}, ("0.00", "4.00", "0.00", False)),  # claimed 10/10 passed: forged
    ({"q1": 1, "q2": [2, 0], "q3": "  paris "}, ("4.00", "4.00", "100.00", True)),
    ({"q1": 1}, ("2.00", "4.00", "50.00", False)),  # below the passing score of 75
    ({"q1": "1", "q2": [0, 2], "q3": "Paris"}, ("4.00", "4.00", "100.00", True)),
    ([1, [0, 2], "PARIS"], ("4.00", "4.00", "100.00", True)),  # answers by position
    ({"q2": [0]}, ("0.00", "4.00", "0.00", False)),  # a partial multiple choice is wrong
])
def test_a_student_attempt_is_graded_from_the_answers(world: World, answers: Any, graded: tuple) -> None:
    lesson = _quiz_lesson(world)
    with acting_as(world.a.student):
        attempt = _attempt(world, lesson, answers)
        assert _graded(attempt) == graded
        # the activity trigger logs what the server graded, not what the client claimed
        kind = "quiz_passed" if graded[3] else "quiz_failed"
        assert [(k, m["score"], m["max_score"]) for k, m in _activity(attempt)] == [
            (kind, float(graded[0]), float(graded[1]))]
        assert QuizAttempt.objects.values_list("completed_at", flat=True).get(pk=attempt.pk) is not None


def test_without_a_passing_score_every_point_is_needed(world: World) -> None:
    lesson = _quiz_lesson(world, passing=None)
    with acting_as(world.a.student):
        assert _graded(_attempt(world, lesson, {"q1": 1, "q2": [0, 2]}))[3] is False
        assert _graded(_attempt(world, lesson, {"q1": 1, "q2": [0, 2], "q3": "paris"},
                                attempt_number=3))[3] is True


def test_graded_attempts_cannot_be_rewritten(world: World) -> None:
    lesson = _quiz_lesson(world)
    with as_user(world.a.student):
        attempt = _attempt(world, lesson, {"q1": 0})
    qs = QuizAttempt.objects.filter(pk=attempt.pk)
    with acting_as(world.a.student):  # no UPDATE policy for students
        assert qs.update(score=Decimal("4"), max_score=Decimal("4"), passed=True) == 0
    with acting_as(world.a.instructor):
        assert qs.update(passed=True) == 0
    with acting_as(world.platform_admin):
        assert qs.update(score=Decimal("4"), max_score=Decimal("4"), passed=True, metadata={"note": "x"}) == 1
        assert _graded(attempt) == ("0.00", "4.00", "0.00", False)  # grades kept, metadata written
        with refused("42501", "quiz_attempt_graded"):
            qs.update(quiz_data={"answers": {"q1": 1, "q2": [0, 2], "q3": "Paris"}})
        with refused("42501", "quiz_attempt_graded"):
            qs.update(lesson=world.a.rows["course_lesson"])
    # an operator (system context) may still correct an attempt
    assert qs.update(score=Decimal("4"), passed=True) == 1


def test_an_attempt_without_a_gradable_quiz_is_refused(world: World) -> None:
    video = world.a.rows["course_lesson"]  # a video lesson has no questions
    with acting_as(world.a.student):
        with refused("23514", "quiz_not_gradable"):
            _attempt(world, video, {"q1": 1})
        with refused("23514", "quiz_not_gradable"):
            _attempt(world, None, {"q1": 1})  # a course-level quiz has no definition to grade against
    only_open = CourseLesson.objects.create(section=world.a.rows["course_section"], title="Survey",
                                            content_type="quiz", quiz_questions=[{"id": "s1", "text": "Why?"}])
    with acting_as(world.a.student):
        with refused("23514", "quiz_not_gradable"):
            _attempt(world, only_open, {"s1": "because"})


def test_the_grader_is_not_an_answer_oracle(world: World) -> None:
    lesson = _quiz_lesson(world)
    for actor in ("a.student", "a.instructor", "platform_admin"):
        with acting_as(person(world, actor)):
            with refused("42501", "quiz_grading_internal"):
                fetch("SELECT * FROM app.grade_quiz_answers(%s, %s::jsonb)", [lesson.pk, '{"answers": {"q1": 1}}'])


def test_a_quiz_or_assignment_lesson_is_completed_only_after_passing_or_submitting(world: World) -> None:
    """Spec 20's service rule, in the database: otherwise a student completes the course (and earns its
    certificate) by marking the quiz lesson done without passing it."""
    quiz = _quiz_lesson(world)
    task = CourseLesson.objects.create(section=world.a.rows["course_section"], title="Task", content_type="assignment")
    enrollment = world.a.rows["enrollment"]
    for lesson in (quiz, task):  # lessons added after the enrollment get their row lazily (spec 20)
        StudentProgress.objects.create(enrollment=enrollment, user=world.a.student, course=enrollment.course,
                                       lesson=lesson)
    progress = StudentProgress.objects.filter(enrollment=enrollment)

    def complete(lesson: CourseLesson) -> int:
        return progress.filter(lesson=lesson).update(is_completed=True)

    with acting_as(world.a.student):
        with refused("23514", "quiz_not_passed"):
            complete(quiz)
        with refused("23514", "assignment_not_submitted"):
            complete(task)
        _attempt(world, quiz, {"q1": 0})  # a failed attempt is not enough
        with refused("23514", "quiz_not_passed"):
            complete(quiz)
        AssignmentSubmission.objects.create(user=world.a.student, course=world.a.rows["course"], lesson=task,
                                            status="draft", submitted_at=None)
        with refused("23514", "assignment_not_submitted"):
            complete(task)  # a draft is not a submission
        _attempt(world, quiz, {"q1": 1, "q2": [0, 2], "q3": "Paris"}, attempt_number=3)
        assert complete(quiz) == 1
        AssignmentSubmission.objects.create(user=world.a.student, course=world.a.rows["course"], lesson=task,
                                            submission_text="Done")
        assert complete(task) == 1
        assert complete(world.a.rows["course_lesson"]) == 1  # a video: the student's word
    # the owner (imports, the seed) records completions as they come
    complete(quiz)


def test_owner_imports_keep_their_recorded_grades(world: World) -> None:
    lesson = _quiz_lesson(world)
    attempt = _attempt(world, lesson, {"q1": 0}, score=Decimal("9"), passed=True)  # system context: trusted
    assert _graded(attempt) == ("9.00", "10.00", "90.00", True)


# --- 3. re-tagging an enrollment into another organization -----------------------------------------------

def test_enrollment_organization_cannot_be_moved_by_student_or_instructor(world: World) -> None:
    enrollment = world.a.rows["enrollment"]
    qs = Enrollment.objects.filter(pk=enrollment.pk)
    for actor in ("a.student", "a.instructor"):
        with acting_as(person(world, actor)):
            for org in (world.b.org, None):
                with refused("42501", "restricted_column"):
                    qs.update(organization=org)
            assert qs.update(metadata={"still": "writable"}) == 1
    with acting_as(world.b.org_admin):
        assert enrollment.pk not in visible_ids(Enrollment)


def test_enrollment_organization_must_be_one_of_the_learners(world: World) -> None:
    enrollment = world.a.rows["enrollment"]
    qs = Enrollment.objects.filter(pk=enrollment.pk)
    with acting_as(world.platform_admin):
        with refused("42501", "enrollment_outside_organization"):
            qs.update(organization=world.b.org)
        with refused("42501", "enrollment_outside_organization"):
            Enrollment.objects.create(user=world.a.member, course=world.b.rows["course"], organization=world.b.org)
        assert qs.update(organization=None) == 1
        assert qs.update(organization=world.a.org) == 1
    # a learner who also belongs to b (an org-scoped grant) may be tagged with b
    UserRoleGrant.objects.create(user=world.a.student, role="member", organization=world.b.org)
    with acting_as(world.platform_admin):
        assert qs.update(organization=world.b.org) == 1
    qs.update(organization=world.a.org)  # the owner (imports, payment path) is trusted
    Course.objects.filter(pk=world.b.rows["course"].pk).update(status="published", price_amount=0)
    with acting_as(world.a.member):  # self-enrollment: the insert policy checks the caller's membership
        with refused("42501"):
            Enrollment.objects.create(user=world.a.member, course=world.b.rows["course"], organization=world.b.org)
        Enrollment.objects.create(user=world.a.member, course=world.b.rows["course"], organization=world.a.org)


def test_a_course_cannot_be_moved_into_another_organization(world: World) -> None:
    """The other instructors table with organization_id: courses_update_own re-checks the instructor's
    membership (audit for item 6; held on the landed schema)."""
    course = Course.objects.filter(pk=world.a.rows["course"].pk)
    with acting_as(world.a.instructor):
        with refused("42501"):
            course.update(organization=world.b.org)
        assert course.update(organization=None) == 1  # a standalone course is the instructor's choice
    with acting_as(world.b.org_admin):
        assert world.a.rows["course"].pk not in visible_ids(Course)


def test_a_student_cannot_extend_or_backdate_their_own_enrollment(world: World) -> None:
    """Found while at it: expires_at ends paid access, yet the student could clear it (never expires)."""
    now = timezone.now()
    qs = Enrollment.objects.filter(pk=world.a.rows["enrollment"].pk)
    qs.update(expires_at=now + timedelta(days=1))
    with acting_as(world.a.student):
        for values in ({"expires_at": None}, {"expires_at": now + timedelta(days=365)},
                       {"enrolled_at": now - timedelta(days=30)}, {"completed_at": now}):
            with refused("42501", "restricted_column"):
                qs.update(**values)
        assert qs.update(last_accessed_at=now, status="dropped") == 1  # touching and dropping stay allowed
    for actor in ("a.instructor", "platform_admin"):
        with acting_as(person(world, actor)):
            assert qs.update(expires_at=None, enrolled_at=now - timedelta(days=30)) == 1


# --- 4. automatic columns also in system context ----------------------------------------------------------

def test_owner_completes_an_enrollment(world: World) -> None:
    enrollment = world.a.rows["enrollment"]
    qs = Enrollment.objects.filter(pk=enrollment.pk)
    with transaction.atomic():
        qs.update(status="completed")  # refused with enrollments_completed_at_check before the fix
    assert qs.values_list("completed_at", flat=True).get() is not None
    created = Enrollment.objects.create(user=world.a.member, course=world.a.rows["course"], status="completed")
    assert Enrollment.objects.values_list("completed_at", flat=True).get(pk=created.pk) is not None
    back = timezone.now() - timedelta(days=3)  # an import's own timestamp is kept
    # bulk_create: Enrollment.save() never writes the maintained completed_at itself
    other = Enrollment.objects.bulk_create([Enrollment(user=world.b.member, course=world.a.rows["course"],
                                                       status="completed", completed_at=back)])[0]
    assert Enrollment.objects.values_list("completed_at", flat=True).get(pk=other.pk) == back


def test_owner_reply_to_a_review_is_stamped(world: World) -> None:
    review = world.a.rows["course_review"]
    qs = CourseReview.objects.filter(pk=review.pk)
    qs.update(instructor_response="Thanks (imported)")
    assert qs.values_list("instructor_responded_at", flat=True).get() is not None
    back = timezone.now() - timedelta(days=3)
    qs.update(instructor_response="Edited", instructor_responded_at=back)
    assert qs.values_list("instructor_responded_at", flat=True).get() == back
    qs.update(helpful_count=3)  # no reply change: the stamp stays
    assert qs.values_list("instructor_responded_at", flat=True).get() == back


def test_owner_submits_and_grades_a_submission(world: World) -> None:
    submission = world.a.rows["assignment_submission"]
    qs = AssignmentSubmission.objects.filter(pk=submission.pk)
    qs.update(status="draft", submitted_at=None)
    qs.update(status="submitted")  # refused with assignment_submissions_submitted_at_check before the fix
    assert qs.values_list("submitted_at", flat=True).get() is not None
    qs.update(status="graded", grade=Decimal("80"))
    graded_by, graded_at = qs.values_list("graded_by", "graded_at").get()
    assert graded_at is not None and graded_by is None  # no caller to record
    qs.update(grade=Decimal("85"), graded_by=world.a.instructor)  # an import names its grader
    assert qs.values_list("graded_by", flat=True).get() == world.a.instructor.pk
    with connection.cursor() as cursor:  # system context inside a request: the caller is the grader
        cursor.execute("SELECT set_config('app.current_user_id', %s, true)", [str(world.platform_admin.pk)])
        qs.update(grade=Decimal("90"))
        cursor.execute("SELECT set_config('app.current_user_id', '', true)")
    assert qs.values_list("graded_by", flat=True).get() == world.platform_admin.pk


def test_owner_insert_of_a_graded_submission_is_stamped(world: World) -> None:
    created = AssignmentSubmission.objects.create(user=world.a.student, course=world.a.rows["course"],
                                                  status="graded", grade=Decimal("70"))
    assert AssignmentSubmission.objects.values_list("graded_at", flat=True).get(pk=created.pk) is not None


# --- the admin (runs under the app role) ------------------------------------------------------------------

def test_the_lesson_admin_shows_content_only_to_whom_it_belongs(world: World) -> None:
    lessons = _paid_course(world)
    User.objects.filter(pk__in=[world.platform_admin.pk, world.a.org_admin.pk]).update(
        is_staff=True, is_superuser=True)  # opens the admin site; RLS and app.lesson_content() decide the rest
    pages = {}
    for actor in ("platform_admin", "a.org_admin"):
        client = Client()
        assert client.login(username=person(world, actor).email, password=PASSWORD)
        response = client.get(f"/admin/instructors/courselesson/{lessons['quiz'].pk}/change/")
        assert response.status_code == 200, actor
        pages[actor] = response.content.decode()
        # the section's inline list and the settings page open too (no secret column is selected)
        assert client.get(f"/admin/instructors/coursesection/{world.a.rows['course_section'].pk}/change/"
                          ).status_code == 200
        assert client.get("/admin/instructors/instructorsettings/").status_code == 200
    assert "is_correct" in pages["platform_admin"] and "Capital of France" in pages["platform_admin"]
    assert "Capital of France" not in pages["a.org_admin"]
