"""/api/v1/courses/<id>/reviews/ and /api/v1/reviews/<id>/: who reads which reviews, who writes them, and
the triggers' effects (course rating, instructor notification) seen through the API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from instructors.models import Course, CourseReview, Enrollment
from notifications.models import Notification
from tests.api_client import assert_error, client_for
from tests.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def url(course: Any) -> str:
    return f"/api/v1/courses/{course.pk}/reviews/"


def detail(review: Any) -> str:
    return f"/api/v1/reviews/{review.pk}/"


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def publish(course: Any) -> None:
    Course.objects.filter(pk=course.pk).update(status="published")


def completed_without_review(world: World) -> Any:
    """a's student completed a's course and has not reviewed it yet (the sample review is removed)."""
    CourseReview.objects.filter(pk=world.a.rows["course_review"].pk).delete()
    Enrollment.objects.filter(pk=world.a.rows["enrollment"].pk).update(status="completed")
    return world.a.rows["course"]


# --- reading --------------------------------------------------------------------------------------------


def test_each_caller_sees_exactly_the_reviews_of_courses_they_see(world: World) -> None:
    course, review = world.a.rows["course"], world.a.rows["course_review"]
    mine = {str(review.pk)}
    # A draft course: its students, instructor, org admin and platform admins see it; nobody else.
    for who in (world.a.student, world.a.instructor, world.a.org_admin, world.platform_admin):
        assert ids(client_for(who).get(url(course))) == mine
    for who in (world.b.student, world.b.instructor, world.b.org_admin, world.outsider, world.a.member, None):
        assert_error(client_for(who).get(url(course)), 404)
    # Published: the catalog's reviews are public, anonymous readers included.
    publish(course)
    for who in (None, world.b.student, world.outsider, world.a.member):
        assert ids(client_for(who).get(url(course))) == mine


def test_an_unpublished_review_is_seen_by_its_author_the_instructor_and_platform_admins(world: World) -> None:
    course, review = world.a.rows["course"], world.a.rows["course_review"]
    publish(course)
    CourseReview.objects.filter(pk=review.pk).update(is_published=False)
    for who in (world.a.student, world.a.instructor, world.platform_admin):
        assert ids(client_for(who).get(url(course))) == {str(review.pk)}
        assert client_for(who).get(detail(review)).status_code == 200
    for who in (world.a.member, world.a.org_admin, world.b.student, world.b.instructor, None):
        assert ids(client_for(who).get(url(course))) == set()
        assert_error(client_for(who).get(detail(review)), 404)


def test_a_review_names_its_reviewer_and_hides_private_columns(world: World) -> None:
    review = world.a.rows["course_review"]
    body = client_for(world.a.instructor).get(detail(review)).json()
    assert body["reviewer"] == {"id": str(world.a.student.pk), "full_name": "Student", "avatar_url": None}
    assert "metadata" not in body and "enrollment" not in body


def test_reviews_filter_and_order(world: World) -> None:
    course = world.a.rows["course"]
    client = client_for(world.a.instructor)
    assert ids(client.get(url(course), {"rating": 5})) == {str(world.a.rows["course_review"].pk)}
    assert ids(client.get(url(course), {"min_rating": 4, "ordering": "-rating"})) == {
        str(world.a.rows["course_review"].pk)}
    assert ids(client.get(url(course), {"rating": 3})) == set()
    assert_error(client.get(url(course), {"rating": "many"}), 400)


# --- writing --------------------------------------------------------------------------------------------


def test_a_student_reviews_a_completed_course_once(world: World) -> None:
    course = completed_without_review(world)
    client = client_for(world.a.student)
    response = client.post(url(course), {"rating": 4, "title": "Good", "review_text": "Clear and useful."},
                           format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rating"] == 4 and body["is_published"] is True and body["helpful_count"] == 0
    assert body["reviewer"]["id"] == str(world.a.student.pk)
    # Triggers: the course's rating and count, the instructor's notification.
    course.refresh_from_db()
    assert (course.average_rating, course.review_count) == (Decimal("4.00"), 1)
    assert Notification.objects.filter(user=world.a.instructor, type="review",
                                       data__review_id=body["id"]).exists()
    # A second review of the same course: 409, nothing written.
    assert_error(client.post(url(course), {"rating": 1}, format="json"), 409, "review_exists")
    assert list(CourseReview.objects.filter(course=course).values_list("rating", flat=True)) == [4]


def test_who_may_not_review(world: World) -> None:
    course = world.a.rows["course"]
    before = set(CourseReview.objects.values_list("pk", flat=True))
    # Enrolled but not completed (and the sample review removed so only completion is missing).
    CourseReview.objects.filter(pk=world.a.rows["course_review"].pk).delete()
    before.discard(world.a.rows["course_review"].pk)
    assert_error(client_for(world.a.student).post(url(course), {"rating": 5}, format="json"), 403,
                 "course_not_completed")
    # Sees the course but is not enrolled.
    assert_error(client_for(world.a.org_admin).post(url(course), {"rating": 5}, format="json"), 403, "not_enrolled")
    assert_error(client_for(world.a.instructor).post(url(course), {"rating": 5}, format="json"), 403,
                 "not_enrolled")
    # Another organization's course: not visible.
    assert_error(client_for(world.b.student).post(url(course), {"rating": 5}, format="json"), 404)
    assert_error(client_for(None).post(url(course), {"rating": 5}, format="json"), 401)
    assert set(CourseReview.objects.values_list("pk", flat=True)) == before


def test_privileged_fields_in_a_review_body_are_ignored(world: World) -> None:
    course = completed_without_review(world)
    response = client_for(world.a.student).post(url(course), {
        "rating": 3, "is_published": False, "helpful_count": 99, "instructor_response": "Thanks!",
        "user": str(world.b.student.pk), "course": str(world.b.rows["course"].pk), "id": str(course.pk),
    }, format="json")
    assert response.status_code == 201, response.content
    review = CourseReview.objects.get(pk=response.json()["id"])
    assert (review.user_id, review.course_id, review.is_published, review.helpful_count,
            review.instructor_response) == (world.a.student.pk, course.pk, True, 0, None)


@pytest.mark.parametrize(("body", "attr"), [
    ({}, "rating"),
    ({"rating": 0}, "rating"),
    ({"rating": 6}, "rating"),
    ({"rating": "five"}, "rating"),
    ({"rating": 4.5}, "rating"),
    ({"rating": None}, "rating"),
    ({"rating": 5, "value_rating": 9}, "value_rating"),
    ({"rating": 5, "title": "   "}, "title"),
    ({"rating": 5, "title": "t" * 201}, "title"),
    ({"rating": 5, "review_text": "x" * 5001}, "review_text"),
    ({"rating": 5, "review_text": ["a list"]}, "review_text"),
])
def test_invalid_reviews_are_400_with_the_field(world: World, body: dict[str, Any], attr: str) -> None:
    course = completed_without_review(world)
    assert_error(client_for(world.a.student).post(url(course), body, format="json"), 400, attr=attr)
    assert not CourseReview.objects.filter(course=course).exists()


def test_malformed_json_is_400(world: World) -> None:
    course = completed_without_review(world)
    response = client_for(world.a.student).post(url(course), "{not json", content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_the_author_edits_their_review_and_the_rating_follows(world: World) -> None:
    review, course = world.a.rows["course_review"], world.a.rows["course"]
    response = client_for(world.a.student).patch(detail(review), {"rating": 2, "review_text": "Changed my mind."},
                                                  format="json")
    assert response.status_code == 200, response.content
    assert response.json()["rating"] == 2
    course.refresh_from_db()
    assert course.average_rating == Decimal("2.00")
    # Privileged fields in an edit are ignored too.
    client_for(world.a.student).patch(detail(review), {"is_published": False, "helpful_count": 7}, format="json")
    review.refresh_from_db()
    assert (review.is_published, review.helpful_count) == (True, 0)


def test_others_cannot_edit_a_review(world: World) -> None:
    review = world.a.rows["course_review"]
    # A published review is public (course_reviews_select_published): whoever sees it and is not its author
    # is refused with 403.
    for who in (world.a.instructor, world.a.org_admin, world.b.student, world.b.instructor):
        assert_error(client_for(who).patch(detail(review), {"rating": 1}, format="json"), 403, "not_review_author")
    # Unpublished: only its author, the course's instructor and platform admins see it; others get 404.
    CourseReview.objects.filter(pk=review.pk).update(is_published=False)
    for who in (world.a.org_admin, world.b.student, world.b.instructor, world.outsider):
        assert_error(client_for(who).patch(detail(review), {"rating": 1}, format="json"), 404)
    assert_error(client_for(world.a.instructor).patch(detail(review), {"rating": 1}, format="json"), 403,
                 "not_review_author")
    assert_error(client_for(None).patch(detail(review), {"rating": 1}, format="json"), 401)
    assert_error(client_for(world.a.student).patch(detail(review), {"rating": 7}, format="json"), 400, attr="rating")
    review.refresh_from_db()
    assert review.rating == 5


def test_only_a_platform_admin_deletes_a_review(world: World) -> None:
    review, course = world.a.rows["course_review"], world.a.rows["course"]
    for who in (world.a.student, world.a.instructor, world.b.student):
        assert_error(client_for(who).delete(detail(review)), 403, "review_delete_forbidden")
    CourseReview.objects.filter(pk=review.pk).update(is_published=False)
    assert_error(client_for(world.b.student).delete(detail(review)), 404)
    assert_error(client_for(None).delete(detail(review)), 401)
    assert CourseReview.objects.filter(pk=review.pk).exists()
    assert client_for(world.platform_admin).delete(detail(review)).status_code == 204
    assert not CourseReview.objects.filter(pk=review.pk).exists()
    course.refresh_from_db()
    assert (course.average_rating, course.review_count) == (None, 0)


def test_the_course_instructor_replies(world: World) -> None:
    review = world.a.rows["course_review"]
    reply = f"/api/v1/reviews/{review.pk}/response/"
    response = client_for(world.a.instructor).put(reply, {"instructor_response": "Thank you!"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["instructor_response"] == "Thank you!"
    assert response.json()["instructor_responded_at"] is not None
    for who in (world.a.student, world.a.org_admin, world.b.instructor):
        assert_error(client_for(who).put(reply, {"instructor_response": "Fake"}, format="json"), 403,
                     "not_course_instructor")
    assert_error(client_for(world.a.instructor).put(reply, {"instructor_response": " "}, format="json"), 400,
                 attr="instructor_response")
    review.refresh_from_db()
    assert review.instructor_response == "Thank you!"
    CourseReview.objects.filter(pk=review.pk).update(is_published=False)
    assert_error(client_for(world.b.instructor).put(reply, {"instructor_response": "x"}, format="json"), 404)
