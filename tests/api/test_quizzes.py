"""/api/v1/lessons/<id>/quiz-attempts/ and /api/v1/quiz-attempts/: the database grades every attempt
(guard_quiz_attempts_columns); the client's score is never taken."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from instructors.models import CourseLesson, QuizAttempt, StudentActivity
from tests.api_client import assert_error, client_for
from tests.world import World, build_world

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"id": "q1", "question": "2 + 2?", "options": ["3", "4", "5"], "correct_answer": 1},
    {"id": "q2", "question": "Capital of France?", "answer": "Paris", "points": 3},
]
RIGHT = {"q1": 1, "q2": "paris"}


@pytest.fixture
def world() -> World:
    world = build_world()
    for tenant in (world.a, world.b):
        tenant.rows["quiz"] = CourseLesson.objects.create(
            section=tenant.rows["course_section"], title="Quiz", content_type="quiz", quiz_questions=QUESTIONS,
            quiz_passing_score=75, sort_order=2)
    return world


def lesson_url(lesson: Any) -> str:
    return f"/api/v1/lessons/{lesson.pk}/quiz-attempts/"


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def test_the_server_grades_an_attempt(world: World) -> None:
    quiz = world.a.rows["quiz"]
    response = client_for(world.a.student).post(lesson_url(quiz), {"answers": RIGHT, "time_spent_seconds": 90},
                                                format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["score"], body["max_score"], body["percentage"], body["passed"], body["attempt_number"]) == (
        "4.00", "4.00", "100.00", True, 1)
    assert body["answers"] == RIGHT and body["completed_at"] is not None
    assert body["student"]["id"] == str(world.a.student.pk)
    # The trigger logged it on the instructor's timeline.
    assert StudentActivity.objects.filter(student=world.a.student, lesson=quiz, activity_type="quiz_passed").exists()

    # One right answer of two (1 point of 4): failed, and the next attempt number.
    second = client_for(world.a.student).post(lesson_url(quiz), {"answers": {"q1": 1, "q2": "Lyon"}}, format="json")
    assert second.status_code == 201, second.content
    assert (second.json()["score"], second.json()["passed"], second.json()["attempt_number"]) == ("1.00", False, 2)
    assert StudentActivity.objects.filter(student=world.a.student, lesson=quiz, activity_type="quiz_failed").exists()


def test_answers_by_position_are_graded_too(world: World) -> None:
    response = client_for(world.a.student).post(lesson_url(world.a.rows["quiz"]), {"answers": [1, "PARIS"]},
                                                format="json")
    assert response.status_code == 201, response.content
    assert response.json()["passed"] is True


def test_a_client_cannot_send_its_own_score(world: World) -> None:
    quiz = world.a.rows["quiz"]
    response = client_for(world.a.student).post(lesson_url(quiz), {
        "answers": {"q1": 0}, "score": 4, "max_score": 4, "percentage": 100, "passed": True, "attempt_number": 9,
        "completed_at": "2020-01-01T00:00:00Z", "user": str(world.b.student.pk),
        "course": str(world.b.rows["course"].pk),
    }, format="json")
    assert response.status_code == 201, response.content
    attempt = QuizAttempt.objects.get(pk=response.json()["id"])
    assert (attempt.score, attempt.passed, attempt.attempt_number, attempt.user_id, attempt.course_id) == (
        Decimal("0.00"), False, 1, world.a.student.pk, world.a.rows["course"].pk)


def test_who_may_not_take_a_quiz(world: World) -> None:
    quiz = world.a.rows["quiz"]
    before = QuizAttempt.objects.count()
    # They see the lesson (the course's instructor, its organization's admin) but are not enrolled.
    for who in (world.a.instructor, world.a.org_admin):
        assert_error(client_for(who).post(lesson_url(quiz), {"answers": RIGHT}, format="json"), 403, "not_enrolled")
    # Another organization's lesson (a draft course they cannot see), or someone who sees nothing of it.
    for who in (world.b.student, world.b.instructor, world.outsider, world.a.member):
        assert_error(client_for(who).post(lesson_url(quiz), {"answers": RIGHT}, format="json"), 404)
    assert_error(client_for(None).post(lesson_url(quiz), {"answers": RIGHT}, format="json"), 401)
    assert QuizAttempt.objects.count() == before


def test_only_quiz_lessons_with_gradable_questions_take_attempts(world: World) -> None:
    video = world.a.rows["course_lesson"]
    before = QuizAttempt.objects.count()
    assert_error(client_for(world.a.student).post(lesson_url(video), {"answers": {}}, format="json"), 400,
                 "not_a_quiz")
    open_quiz = CourseLesson.objects.create(section=world.a.rows["course_section"], title="Essay quiz",
                                            content_type="quiz", quiz_questions=[{"id": "e", "question": "Why?"}])
    assert_error(client_for(world.a.student).post(lesson_url(open_quiz), {"answers": {"e": "Because"}},
                                                  format="json"), 400, "quiz_not_gradable")
    assert QuizAttempt.objects.count() == before


@pytest.mark.parametrize(("body", "attr"), [
    ({}, "answers"),
    ({"answers": "all of them"}, "answers"),
    ({"answers": 42}, "answers"),
    ({"answers": None}, "answers"),
    ({"answers": list(range(501))}, "answers"),
    ({"answers": {"q" * 201: 1}}, "answers"),
    ({"answers": {"q1": "x" * 70_000}}, "answers"),
    ({"answers": RIGHT, "time_spent_seconds": -1}, "time_spent_seconds"),
    ({"answers": RIGHT, "time_spent_seconds": "long"}, "time_spent_seconds"),
    ({"answers": RIGHT, "time_spent_seconds": 10**12}, "time_spent_seconds"),
])
def test_invalid_attempts_are_400(world: World, body: dict[str, Any], attr: str) -> None:
    quiz = world.a.rows["quiz"]
    assert_error(client_for(world.a.student).post(lesson_url(quiz), body, format="json"), 400, attr=attr)
    assert not QuizAttempt.objects.filter(lesson=quiz).exists()


def test_attempt_lists_are_the_callers_own(world: World) -> None:
    quiz = world.a.rows["quiz"]
    mine = client_for(world.a.student).post(lesson_url(quiz), {"answers": RIGHT}, format="json").json()["id"]
    sample_a, sample_b = str(world.a.rows["quiz_attempt"].pk), str(world.b.rows["quiz_attempt"].pk)
    assert ids(client_for(world.a.student).get("/api/v1/quiz-attempts/")) == {sample_a, mine}
    assert ids(client_for(world.b.student).get("/api/v1/quiz-attempts/")) == {sample_b}
    for who in (world.a.instructor, world.a.org_admin, world.platform_admin, world.outsider):
        assert ids(client_for(who).get("/api/v1/quiz-attempts/")) == set()
    assert_error(client_for(None).get("/api/v1/quiz-attempts/"), 401)
    # Filters.
    assert ids(client_for(world.a.student).get("/api/v1/quiz-attempts/", {"lesson": str(quiz.pk)})) == {mine}
    assert ids(client_for(world.a.student).get("/api/v1/quiz-attempts/", {"passed": "false"})) == {sample_a}
    # One lesson's attempts: the caller's, at that lesson.
    assert ids(client_for(world.a.student).get(lesson_url(quiz))) == {mine}
    assert ids(client_for(world.a.instructor).get(lesson_url(quiz))) == set()
    assert_error(client_for(world.b.student).get(lesson_url(quiz)), 404)


def test_an_attempt_is_read_by_its_student_the_instructor_and_platform_admins(world: World) -> None:
    attempt = world.a.rows["quiz_attempt"]
    path = f"/api/v1/quiz-attempts/{attempt.pk}/"
    for who in (world.a.student, world.a.instructor, world.platform_admin):
        response = client_for(who).get(path)
        assert response.status_code == 200, (who, response.content)
        assert response.json()["score"] == "8.00"
    for who in (world.a.org_admin, world.a.member, world.b.student, world.b.instructor, world.outsider):
        assert_error(client_for(who).get(path), 404)
    assert_error(client_for(None).get(path), 401)
    # Attempts are written once: no way to change or delete one through the API.
    assert_error(client_for(world.a.student).patch(path, {"score": 10}, format="json"), 405)
    assert_error(client_for(world.a.student).delete(path), 405)
