"""Issue 9 (database core v2), instructors: holes the write matrix found in assignment_submissions and
course_reviews, each attack performed under the app role, and refused.

- assignment_submissions: user_id, course_id and lesson_id are immutable for every request caller (23514
  immutable_column): the UPDATE policies do not re-check what assignment_submissions_insert_own checks, so a
  student moved their submission to another course or lesson (another organization's included), and the
  course instructor handed a submission with its grade to another student. submitted_at is set by the
  server (spec 20 guard): a request caller's value is replaced (INSERT) or kept (UPDATE), so nobody back-dates
  a submission; the owner (imports) still writes it.
- course_reviews: the course instructor changes only the reply (spec 20 course_reviews_update_instructor,
  "Only the reply can change"); metadata and created_at of the student's review are refused (42501
  restricted_column).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from instructors.models import AssignmentSubmission, CourseLesson, CourseReview, Enrollment
from tests.db import refused
from tests.world import World, acting_as, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def _submission(world: World) -> Any:
    return AssignmentSubmission.objects.filter(pk=world.a.rows["assignment_submission"].pk)


def _stored(qs: Any, *columns: str) -> tuple[Any, ...]:
    return qs.values_list(*columns).get()


def _second_lesson(world: World) -> CourseLesson:
    return CourseLesson.objects.create(section=world.a.rows["course_section"], title="Task", content_type="assignment",
                                       sort_order=2)


# --- assignment_submissions: who and what a submission is for ---------------------------------------------

@pytest.mark.parametrize("column", ["course_id", "lesson_id", "lesson_id_same_course"])
def test_a_student_cannot_move_their_submission(world: World, column: str) -> None:
    qs = _submission(world)
    before = _stored(qs, "course_id", "lesson_id")
    target: dict[str, Any] = {
        "course_id": {"course": world.b.rows["course"]},
        "lesson_id": {"lesson": world.b.rows["course_lesson"]},
        "lesson_id_same_course": {"lesson": _second_lesson(world)},
    }[column]
    with acting_as(world.a.student):
        with refused("23514", "immutable_column"):
            qs.update(**target)
        assert _stored(qs, "course_id", "lesson_id") == before


def test_the_instructor_cannot_hand_a_graded_submission_to_another_student(world: World) -> None:
    qs = _submission(world)
    other = world.a.member
    Enrollment.objects.create(user=other, course=world.a.rows["course"], organization=world.a.org)
    with acting_as(world.a.instructor):
        assert qs.update(grade=Decimal("95"), status="graded") == 1
        with refused("23514", "immutable_column"):
            qs.update(user=other)
        with refused("23514", "immutable_column"):
            qs.update(lesson=_second_lesson(world))
        assert _stored(qs, "user_id", "lesson_id", "grade") == (
            world.a.student.pk, world.a.rows["course_lesson"].pk, Decimal("95.00"))


@pytest.mark.parametrize("column", ["user", "course", "lesson"])
def test_the_pointers_are_immutable_for_a_platform_admin_too(world: World, column: str) -> None:
    """Immutable is "nobody may" (conventions §10, 23514): only the system context moves a submission."""
    qs = _submission(world)
    target = {"user": world.b.student, "course": world.b.rows["course"], "lesson": world.b.rows["course_lesson"]}
    with acting_as(world.platform_admin):
        with refused("23514", "immutable_column"):
            qs.update(**{column: target[column]})
    qs.update(**{column: target[column]})  # the owner (a data repair) may
    assert _stored(qs, f"{column}_id") == (target[column].pk,)


# --- assignment_submissions: submitted_at is the server's ----------------------------------------------

@pytest.mark.parametrize("caller", ["student", "instructor", "platform_admin"])
def test_nobody_backdates_a_submission(world: World, caller: str) -> None:
    qs = _submission(world)
    (submitted_at,) = _stored(qs, "submitted_at")
    user = world.platform_admin if caller == "platform_admin" else getattr(world.a, caller)
    with acting_as(user):
        assert qs.update(submitted_at=submitted_at - timedelta(days=30)) == 1  # the row updates, the value stays
        assert qs.update(submitted_at=None, metadata={"note": "late"}) == 1
        assert qs.values_list("submitted_at", "metadata").get() == (submitted_at, {"note": "late"})


def test_a_submission_is_stamped_by_the_server_when_inserted(world: World) -> None:
    lesson = _second_lesson(world)
    long_ago = timezone.now() - timedelta(days=60)
    with acting_as(world.a.student):
        submitted = AssignmentSubmission.objects.create(
            user=world.a.student, course=world.a.rows["course"], lesson=lesson, submission_text="On time, honest",
            submitted_at=long_ago)
        draft = AssignmentSubmission.objects.create(
            user=world.a.student, course=world.a.rows["course"], status="draft", submitted_at=long_ago)
        stamped: datetime = AssignmentSubmission.objects.values_list("submitted_at", flat=True).get(pk=submitted.pk)
        assert stamped > long_ago + timedelta(days=59)
        # a draft is not submitted yet (spec 20: NULL only for drafts)
        assert AssignmentSubmission.objects.values_list("submitted_at", flat=True).get(pk=draft.pk) is None
        assert AssignmentSubmission.objects.filter(pk=draft.pk).update(status="submitted") == 1
        assert AssignmentSubmission.objects.values_list("submitted_at", flat=True).get(pk=draft.pk) is not None


def test_the_owner_still_records_an_imported_submission_time(world: World) -> None:
    qs = _submission(world)
    long_ago = timezone.now() - timedelta(days=60)
    qs.update(submitted_at=long_ago)
    assert _stored(qs, "submitted_at") == (long_ago,)
    created = AssignmentSubmission.objects.create(user=world.a.student, course=world.a.rows["course"],
                                                  submission_text="Imported", submitted_at=long_ago)
    assert AssignmentSubmission.objects.values_list("submitted_at", flat=True).get(pk=created.pk) == long_ago


def test_the_legitimate_submission_flow_still_works(world: World) -> None:
    qs = _submission(world)
    with acting_as(world.a.student):
        assert qs.update(submission_text="Second thoughts", attachments=["https://example.com/a.pdf"],
                         status="resubmitted") == 1
    with acting_as(world.a.instructor):
        assert qs.update(feedback="Good", grade=Decimal("90"), status="graded", metadata={"rubric": 1}) == 1
        assert qs.values_list("status", "grade", "graded_by").get() == ("graded", Decimal("90.00"),
                                                                         world.a.instructor.pk)


# --- course_reviews: the instructor writes the reply only -----------------------------------------------

@pytest.mark.parametrize(("column", "value"), [
    ("metadata", {"flag": "spam"}),
    ("created_at", "past"),
    ("reply_and_metadata", {"flag": "spam"}),
])
def test_the_instructor_changes_only_the_reply(world: World, column: str, value: Any) -> None:
    qs = CourseReview.objects.filter(pk=world.a.rows["course_review"].pk)
    before = _stored(qs, "metadata", "created_at")
    changes: dict[str, Any] = {
        "metadata": {"metadata": value},
        "created_at": {"created_at": before[1] - timedelta(days=400)},
        "reply_and_metadata": {"instructor_response": "Thanks", "metadata": value},
    }[column]
    with acting_as(world.a.instructor):
        with refused("42501", "restricted_column"):
            qs.update(**changes)
        assert qs.update(instructor_response="Thank you!") == 1
        assert _stored(qs, "instructor_response", "metadata", "created_at") == ("Thank you!", *before)


def test_the_author_and_a_platform_admin_still_edit_the_review(world: World) -> None:
    qs = CourseReview.objects.filter(pk=world.a.rows["course_review"].pk)
    with acting_as(world.a.student):
        assert qs.update(metadata={"device": "phone"}, title="Great") == 1
        assert qs.values_list("metadata", "title").get() == ({"device": "phone"}, "Great")
    with acting_as(world.platform_admin):
        assert qs.update(metadata={"moderated": True}, instructor_response="Admin note") == 1
        assert qs.values_list("metadata", "instructor_response").get() == ({"moderated": True}, "Admin note")
