"""/api/v1/lessons/<id>/submissions/, /api/v1/submissions/ and grading by the course's instructor."""

from __future__ import annotations

from typing import Any

import pytest

from instructors.models import AssignmentSubmission, CourseLesson, StudentActivity
from tests.api_client import assert_error, client_for
from tests.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    world = build_world()
    for tenant in (world.a, world.b):
        tenant.rows["assignment"] = CourseLesson.objects.create(
            section=tenant.rows["course_section"], title="Essay", content_type="assignment", sort_order=3)
    return world


def lesson_url(lesson: Any) -> str:
    return f"/api/v1/lessons/{lesson.pk}/submissions/"


def detail(submission: Any) -> str:
    return f"/api/v1/submissions/{submission.pk}/"


def grade_url(submission: Any) -> str:
    return f"/api/v1/submissions/{submission.pk}/grade/"


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def submit(world: World, **body: Any) -> dict[str, Any]:
    response = client_for(world.a.student).post(lesson_url(world.a.rows["assignment"]),
                                                {"submission_text": "My essay", **body}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_student_submits_and_the_instructor_sees_it(world: World) -> None:
    body = submit(world, submission_url="https://docs.example.com/essay", attachments=["https://f.example.com/a.pdf"])
    assert body["status"] == "submitted" and body["submitted_at"] is not None
    assert body["grade"] is None and body["graded_by"] is None
    assert body["student"]["id"] == str(world.a.student.pk)
    # log_assignment_activity_trigger: on the instructor's timeline.
    assert StudentActivity.objects.filter(instructor=world.a.instructor, student=world.a.student,
                                          activity_type="assignment_submitted",
                                          metadata__submission_id=body["id"]).exists()
    queue = client_for(world.a.instructor).get("/api/v1/instructor/submissions/", {"status": "submitted"})
    assert body["id"] in ids(queue)


def test_a_draft_is_submitted_later(world: World) -> None:
    draft = submit(world, draft=True, submission_text=None)
    assert (draft["status"], draft["submitted_at"]) == ("draft", None)
    path = f"/api/v1/submissions/{draft['id']}/"
    edited = client_for(world.a.student).patch(path, {"submission_text": "Now written"}, format="json")
    assert (edited.json()["status"], edited.json()["submission_text"]) == ("draft", "Now written")
    sent = client_for(world.a.student).patch(path, {"submit": True}, format="json")
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == "submitted" and sent.json()["submitted_at"] is not None


def test_privileged_fields_in_a_submission_are_ignored(world: World) -> None:
    body = submit(world, grade=100, feedback="Perfect", status="graded", graded_by=str(world.a.instructor.pk),
                  submitted_at="2001-01-01T00:00:00Z", user=str(world.b.student.pk),
                  course=str(world.b.rows["course"].pk))
    row = AssignmentSubmission.objects.get(pk=body["id"])
    assert (row.grade, row.feedback, row.status, row.graded_by_id, row.user_id, row.course_id) == (
        None, None, "submitted", None, world.a.student.pk, world.a.rows["course"].pk)
    assert row.submitted_at.year != 2001


def test_who_may_not_submit(world: World) -> None:
    lesson = world.a.rows["assignment"]
    before = AssignmentSubmission.objects.count()
    for who in (world.a.instructor, world.a.org_admin):
        assert_error(client_for(who).post(lesson_url(lesson), {"submission_text": "x"}, format="json"), 403,
                     "not_enrolled")
    for who in (world.b.student, world.b.instructor, world.outsider, world.a.member):
        assert_error(client_for(who).post(lesson_url(lesson), {"submission_text": "x"}, format="json"), 404)
    assert_error(client_for(None).post(lesson_url(lesson), {"submission_text": "x"}, format="json"), 401)
    video = world.a.rows["course_lesson"]
    assert_error(client_for(world.a.student).post(lesson_url(video), {"submission_text": "x"}, format="json"), 400,
                 "not_an_assignment")
    assert_error(client_for(world.a.student).post(lesson_url(lesson), {}, format="json"), 400, "empty_submission")
    assert AssignmentSubmission.objects.count() == before


@pytest.mark.parametrize(("body", "attr"), [
    ({"submission_text": "   "}, "submission_text"),
    ({"submission_text": "x" * 50_001}, "submission_text"),
    ({"submission_url": "javascript:alert(1)"}, "submission_url"),
    ({"submission_url": "https://" + "x" * 2000}, "submission_url"),
    ({"attachments": "https://f.example.com/a.pdf"}, "attachments"),
    ({"attachments": ["ftp://f.example.com/a.pdf"]}, "attachments.0"),
    ({"attachments": [f"https://f.example.com/{i}" for i in range(21)]}, "attachments"),
    ({"submission_text": "ok", "draft": "maybe"}, "draft"),
])
def test_invalid_submissions_are_400(world: World, body: dict[str, Any], attr: str) -> None:
    lesson = world.a.rows["assignment"]
    assert_error(client_for(world.a.student).post(lesson_url(lesson), body, format="json"), 400, attr=attr)
    assert not AssignmentSubmission.objects.filter(lesson=lesson).exists()


def test_lists_show_exactly_the_callers_rows(world: World) -> None:
    new = submit(world)["id"]
    sample_a, sample_b = str(world.a.rows["assignment_submission"].pk), str(world.b.rows["assignment_submission"].pk)
    assert ids(client_for(world.a.student).get("/api/v1/submissions/")) == {sample_a, new}
    assert ids(client_for(world.b.student).get("/api/v1/submissions/")) == {sample_b}
    assert ids(client_for(world.a.student).get(lesson_url(world.a.rows["assignment"]))) == {new}
    assert_error(client_for(world.b.student).get(lesson_url(world.a.rows["assignment"])), 404)
    assert ids(client_for(world.a.instructor).get("/api/v1/instructor/submissions/")) == {sample_a, new}
    assert ids(client_for(world.b.instructor).get("/api/v1/instructor/submissions/")) == {sample_b}
    for who in (world.a.student, world.a.org_admin, world.platform_admin, world.outsider):
        assert ids(client_for(who).get("/api/v1/instructor/submissions/")) == set()
        if who is not world.a.student:
            assert ids(client_for(who).get("/api/v1/submissions/")) == set()
    assert_error(client_for(None).get("/api/v1/submissions/"), 401)
    assert_error(client_for(None).get("/api/v1/instructor/submissions/"), 401)
    assert_error(client_for(world.a.student).get("/api/v1/submissions/", {"status": "lost"}), 400)


def test_a_submission_is_read_by_its_student_the_instructor_and_platform_admins(world: World) -> None:
    submission = world.a.rows["assignment_submission"]
    for who in (world.a.student, world.a.instructor, world.platform_admin):
        assert client_for(who).get(detail(submission)).status_code == 200
    for who in (world.a.org_admin, world.a.member, world.b.student, world.b.instructor, world.outsider):
        assert_error(client_for(who).get(detail(submission)), 404)
        assert_error(client_for(who).patch(detail(submission), {"submission_text": "x"}, format="json"), 404)
        assert_error(client_for(who).post(grade_url(submission), {"grade": 1}, format="json"), 404)
    assert_error(client_for(None).get(detail(submission)), 401)


def test_the_instructor_grades_and_the_work_is_locked(world: World) -> None:
    submission = world.a.rows["assignment_submission"]
    response = client_for(world.a.instructor).post(grade_url(submission), {"grade": "87.5", "feedback": "Good work"},
                                                   format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["grade"], body["feedback"]) == ("graded", "87.50", "Good work")
    assert body["graded_by"]["id"] == str(world.a.instructor.pk) and body["graded_at"] is not None
    # The student sees the grade and can no longer change the work.
    assert client_for(world.a.student).get(detail(submission)).json()["grade"] == "87.50"
    assert_error(client_for(world.a.student).patch(detail(submission), {"submission_text": "Edited"}, format="json"),
                 409, "submission_locked")
    submission.refresh_from_db()
    assert submission.submission_text == "Done"


def test_returned_work_is_resubmitted(world: World) -> None:
    submission = world.a.rows["assignment_submission"]
    returned = client_for(world.a.instructor).post(grade_url(submission), {"status": "returned", "feedback": "Redo"},
                                                   format="json")
    assert returned.status_code == 200, returned.content
    assert (returned.json()["status"], returned.json()["grade"]) == ("returned", None)
    again = client_for(world.a.student).patch(detail(submission), {"submission_text": "Redone"}, format="json")
    assert again.status_code == 200, again.content
    assert (again.json()["status"], again.json()["submission_text"]) == ("resubmitted", "Redone")


def test_who_may_not_grade(world: World) -> None:
    submission = world.a.rows["assignment_submission"]
    assert_error(client_for(world.a.student).post(grade_url(submission), {"grade": 100}, format="json"), 403,
                 "not_course_instructor")
    # The student may not touch the grade through an edit either: the field is not read.
    client_for(world.a.student).patch(detail(submission), {"grade": 100, "feedback": "self", "status": "graded"},
                                      format="json")
    for body, attr in (({"grade": 101}, "grade"), ({"grade": -1}, "grade"), ({"grade": "NaN"}, "grade"),
                       ({"grade": "abc"}, "grade"), ({}, "grade"), ({"grade": 50, "status": "draft"}, "status"),
                       ({"grade": 50, "feedback": " "}, "feedback")):
        assert_error(client_for(world.a.instructor).post(grade_url(submission), body, format="json"), 400, attr=attr)
    submission.refresh_from_db()
    assert (submission.grade, submission.feedback, submission.status) == (None, None, "submitted")
    # A draft is not graded.
    draft = submit(world, draft=True)
    assert_error(client_for(world.a.instructor).post(f"/api/v1/submissions/{draft['id']}/grade/", {"grade": 50},
                                                     format="json"), 409, "submission_not_submitted")


def test_a_student_edits_only_their_own_work(world: World) -> None:
    submission = world.a.rows["assignment_submission"]
    assert_error(client_for(world.a.instructor).patch(detail(submission), {"submission_text": "Mine now"},
                                                      format="json"), 403, "not_submitter")
    assert_error(client_for(world.a.student).patch(detail(submission), {"submission_url": "file:///etc/passwd"},
                                                   format="json"), 400, attr="submission_url")
    submission.refresh_from_db()
    assert (submission.submission_text, submission.submission_url) == ("Done", None)
