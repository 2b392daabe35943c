"""/api/v1/courses/<id>/enroll/ and /api/v1/enrollments/: enrolling in free courses, my enrollments, one
enrollment with its progress, dropping, and progress reports whose effects the database's triggers compute."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from instructors.models import Course, CourseLesson, Enrollment, StudentActivity, StudentProgress
from notifications.models import Notification
from tests.api_client import assert_error, client_for
from tests.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    w = build_world()
    Course.objects.filter(pk__in=[w.a.rows["course"].pk, w.b.rows["course"].pk]).update(status="published")
    return w


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.content[:500]
    return {row["id"] for row in response.json()["results"]}


def course_of(world: World, tenant: str) -> Course:
    return Course.objects.get(pk=getattr(world, tenant).rows["course"].pk)


# --- enrolling ---------------------------------------------------------------------------------------------


def test_enrolling_in_a_free_published_course(world: World) -> None:
    course = course_of(world, "a")
    response = client_for(world.b.student).post(f"/api/v1/courses/{course.pk}/enroll/", {"status": "completed",
                                                                                        "progress_percentage": 100},
                                                 format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["progress_percentage"], body["completed_at"]) == ("enrolled", 0, None)
    assert body["student"]["id"] == str(world.b.student.pk)
    assert body["organization"] == str(world.b.org.pk)  # the learner's organization
    assert body["course"]["id"] == str(course.pk) and body["course"]["title"] == course.title
    # the triggers: one progress row per lesson, the course's counter, the instructor's notification
    enrollment = Enrollment.objects.get(pk=body["id"])
    assert StudentProgress.objects.filter(enrollment=enrollment).count() == 1
    detail = client_for(None).get(f"/api/v1/courses/{course.pk}/").json()
    assert detail["enrolled_count"] == course.enrolled_count + 1
    assert Notification.objects.filter(user=world.a.instructor, type="enrollment").count() == 2
    assert_error(client_for(world.b.student).post(f"/api/v1/courses/{course.pk}/enroll/"), 409, "already_enrolled")


def test_enrolling_is_refused_for_paid_hidden_or_unpublished_courses(world: World) -> None:
    course = course_of(world, "a")
    url = f"/api/v1/courses/{course.pk}/enroll/"
    assert_error(client_for(None).post(url), 401)
    Course.objects.filter(pk=course.pk).update(price_amount=Decimal("49.00"))
    assert_error(client_for(world.b.student).post(url), 402, "payment_required")
    Course.objects.filter(pk=course.pk).update(price_amount=0, status="archived")
    assert_error(client_for(world.a.member).post(url), 409, "course_not_published")  # members see archived
    assert_error(client_for(world.b.student).post(url), 404)  # hidden from another organization
    Course.objects.filter(pk=course.pk).update(status="draft")
    assert_error(client_for(world.a.member).post(url), 404)
    assert not Enrollment.objects.filter(course=course, user__in=[world.b.student, world.a.member]).exists()
    assert client_for(world.a.member).post("/api/v1/courses/not-a-uuid/enroll/").status_code == 404  # no route


def test_a_dropped_student_rejoins_a_free_course(world: World) -> None:
    enrollment = world.a.rows["enrollment"]
    client = client_for(world.a.student)
    assert client.post(f"/api/v1/enrollments/{enrollment.pk}/drop/").json()["status"] == "dropped"
    again = client.post(f"/api/v1/courses/{enrollment.course_id}/enroll/")
    assert again.status_code == 201, again.content
    assert (again.json()["id"], again.json()["status"]) == (str(enrollment.pk), "enrolled")


# --- reading enrollments -----------------------------------------------------------------------------------


def test_my_enrollments_are_exactly_mine(world: World) -> None:
    assert_error(client_for(None).get("/api/v1/enrollments/"), 401)
    a, b = world.a.rows["enrollment"], world.b.rows["enrollment"]
    expected = {world.a.student: {str(a.pk)}, world.b.student: {str(b.pk)}}
    for user in (world.a.student, world.b.student, world.a.instructor, world.a.org_admin, world.platform_admin,
                 world.a.member, world.outsider):
        assert ids(client_for(user).get("/api/v1/enrollments/")) == expected.get(user, set()), user.email
    client = client_for(world.a.student)
    assert ids(client.get("/api/v1/enrollments/?status=enrolled")) == {str(a.pk)}
    assert ids(client.get("/api/v1/enrollments/?status=dropped")) == set()
    assert ids(client.get(f"/api/v1/enrollments/?course={b.course_id}")) == set()
    assert_error(client.get("/api/v1/enrollments/?status=paused"), 400, "invalid_choice", "status")


def test_an_enrollment_is_visible_to_its_student_instructor_org_admin_and_platform_admin(world: World) -> None:
    enrollment = world.a.rows["enrollment"]
    url = f"/api/v1/enrollments/{enrollment.pk}/"
    readers = {world.a.student, world.a.instructor, world.a.org_admin, world.platform_admin}
    for user in readers:
        response = client_for(user).get(url)
        assert response.status_code == 200, (user.email, response.content)
        body = response.json()
        assert body["id"] == str(enrollment.pk) and body["course"]["id"] == str(enrollment.course_id)
        # progress rows: the student, the instructor and a platform admin read them; the org admin does not
        expected = set() if user == world.a.org_admin else {str(world.a.rows["course_lesson"].pk)}
        assert {row["lesson"] for row in body["lessons"]} == expected, user.email
    for user in (world.b.student, world.b.instructor, world.b.org_admin, world.a.member, world.outsider):
        assert_error(client_for(user).get(url), 404)
    assert_error(client_for(None).get(url), 401)


def test_a_hidden_course_leaves_the_enrollment_visible(world: World) -> None:
    enrollment = world.a.rows["enrollment"]
    Course.objects.filter(pk=enrollment.course_id).update(status="draft")
    Enrollment.objects.filter(pk=enrollment.pk).update(status="dropped")  # no longer opens the draft
    rows = client_for(world.a.student).get("/api/v1/enrollments/").json()["results"]
    assert [(r["id"], r["course"]) for r in rows] == [(str(enrollment.pk), None)]


# --- dropping ----------------------------------------------------------------------------------------------


def test_dropping_an_enrollment(world: World) -> None:
    enrollment = world.a.rows["enrollment"]
    url = f"/api/v1/enrollments/{enrollment.pk}/drop/"
    assert_error(client_for(world.b.student).post(url), 404)
    assert_error(client_for(world.b.org_admin).post(url), 404)
    assert_error(client_for(world.a.org_admin).post(url), 403, "not_your_enrollment")  # reads, may not change
    assert Enrollment.objects.get(pk=enrollment.pk).status == "enrolled"
    dropped = client_for(world.a.student).post(url)
    assert dropped.status_code == 200 and dropped.json()["status"] == "dropped"
    assert_error(client_for(world.a.student).post(url), 409, "already_dropped")
    # the instructor may drop a student too
    other = world.b.rows["enrollment"]
    response = client_for(world.b.instructor).post(f"/api/v1/enrollments/{other.pk}/drop/")
    assert response.status_code == 200 and response.json()["status"] == "dropped"
    # dropped enrollments still count in the course's totals (spec 30 §0.3)
    assert Course.objects.get(pk=other.course_id).enrolled_count == 1


def test_a_completed_enrollment_cannot_be_dropped(world: World) -> None:
    enrollment = world.a.rows["enrollment"]
    Enrollment.objects.filter(pk=enrollment.pk).update(status="completed")
    assert_error(client_for(world.a.student).post(f"/api/v1/enrollments/{enrollment.pk}/drop/"), 409,
                 "enrollment_completed")


# --- progress ----------------------------------------------------------------------------------------------


def test_progress_reports_move_the_enrollment_to_completion(world: World) -> None:
    enrollment = world.a.rows["enrollment"]
    first = world.a.rows["course_lesson"]
    second = CourseLesson.objects.create(section=world.a.rows["course_section"], title="Second",
                                         content_type="article", sort_order=2)
    url = f"/api/v1/enrollments/{enrollment.pk}/progress/"
    client = client_for(world.a.student)

    started = client.post(url, {"lesson": str(second.pk), "seconds_spent": 30, "last_position_seconds": 12},
                          format="json")
    assert started.status_code == 200, started.content
    body = started.json()
    assert (body["enrollment"]["status"], body["enrollment"]["progress_percentage"]) == ("enrolled", 0)
    assert body["enrollment"]["last_accessed_lesson"] == str(second.pk)
    assert body["lesson_progress"]["lesson"] == str(second.pk)  # a lazily created row (lesson added later)
    assert (body["lesson_progress"]["time_spent_seconds"], body["lesson_progress"]["is_completed"]) == (30, False)

    more = client.post(url, {"lesson": str(second.pk), "seconds_spent": 45, "completed": True}, format="json").json()
    assert (more["lesson_progress"]["time_spent_seconds"], more["lesson_progress"]["is_completed"]) == (75, True)
    assert more["lesson_progress"]["completion_percentage"] == 100 and more["lesson_progress"]["completed_at"]
    assert (more["enrollment"]["status"], more["enrollment"]["progress_percentage"]) == ("in_progress", 50)

    done = client.post(url, {"lesson": str(first.pk), "completed": True}, format="json").json()
    assert (done["enrollment"]["status"], done["enrollment"]["progress_percentage"]) == ("completed", 100)
    assert done["enrollment"]["completed_at"]
    # visible through the API: the enrollment, the course's completed counter; and the activity timeline
    detail = client.get(f"/api/v1/enrollments/{enrollment.pk}/").json()
    assert (detail["status"], detail["progress_percentage"]) == ("completed", 100)
    assert {r["lesson"]: r["is_completed"] for r in detail["lessons"]} == {str(first.pk): True, str(second.pk): True}
    assert client_for(world.a.instructor).get(f"/api/v1/courses/{enrollment.course_id}/").json()[
        "completed_count"] == 1
    kinds = set(StudentActivity.objects.filter(student=world.a.student).values_list("activity_type", flat=True))
    assert {"lesson_started", "lesson_completed", "course_completed"} <= kinds
    # a completed enrollment keeps accepting reports (time spent), and stays completed
    un = client.post(url, {"lesson": str(first.pk), "completed": False}, format="json").json()
    assert (un["enrollment"]["status"], un["enrollment"]["progress_percentage"]) == ("completed", 50)


def test_progress_reports_are_the_enrolled_students_only(world: World) -> None:
    enrollment = world.a.rows["enrollment"]
    lesson = world.a.rows["course_lesson"]
    url = f"/api/v1/enrollments/{enrollment.pk}/progress/"
    report = {"lesson": str(lesson.pk), "completed": True}
    assert_error(client_for(None).post(url, report, format="json"), 401)
    assert_error(client_for(world.b.student).post(url, report, format="json"), 404)
    for user in (world.a.instructor, world.a.org_admin, world.platform_admin):
        assert_error(client_for(user).post(url, report, format="json"), 403, "not_your_enrollment")
    student = client_for(world.a.student)
    bad = [({"lesson": str(world.b.rows["course_lesson"].pk)}, "lesson"), ({"lesson": "nope"}, "lesson"),
           ({}, "lesson"), ({"lesson": str(lesson.pk), "seconds_spent": -5}, "seconds_spent"),
           ({"lesson": str(lesson.pk), "seconds_spent": 10**9}, "seconds_spent"),
           ({"lesson": str(lesson.pk), "seconds_spent": "a while"}, "seconds_spent"),
           ({"lesson": str(lesson.pk), "completion_percentage": 101}, "completion_percentage"),
           ({"lesson": str(lesson.pk), "completed": "maybe"}, "completed")]
    for body, attr in bad:
        assert_error(student.post(url, body, format="json"), 400, attr=attr)
    row = StudentProgress.objects.get(enrollment=enrollment, lesson=lesson)
    assert (row.is_completed, row.time_spent_seconds, row.last_accessed_at) == (False, 0, None)
    assert Enrollment.objects.get(pk=enrollment.pk).progress_percentage == 0


def test_the_database_decides_what_completes_a_quiz_lesson(world: World) -> None:
    enrollment = world.a.rows["enrollment"]
    quiz = CourseLesson.objects.create(section=world.a.rows["course_section"], title="Quiz", content_type="quiz",
                                       quiz_questions=[{"id": "q", "answer": "4"}])
    url = f"/api/v1/enrollments/{enrollment.pk}/progress/"
    refused = client_for(world.a.student).post(url, {"lesson": str(quiz.pk), "completed": True}, format="json")
    assert_error(refused, 400, "quiz_not_passed")
    assert not StudentProgress.objects.filter(lesson=quiz).exists()  # rolled back, nothing half-written


def test_no_progress_on_a_dropped_enrollment(world: World) -> None:
    enrollment = world.a.rows["enrollment"]
    Enrollment.objects.filter(pk=enrollment.pk).update(status="dropped")
    response = client_for(world.a.student).post(f"/api/v1/enrollments/{enrollment.pk}/progress/",
                                                 {"lesson": str(world.a.rows["course_lesson"].pk)}, format="json")
    assert_error(response, 409, "enrollment_inactive")
