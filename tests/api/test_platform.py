"""The API platform: OpenAPI documents without a CDN, the error shape, the people projection."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from instructors.models import Course
from organizations.selectors import people_by_id
from tests.api_client import assert_error
from tests.world import acting_as, build_world

pytestmark = pytest.mark.django_db


def test_schema_and_docs_are_served_without_a_cdn() -> None:
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/auth/token/" in paths and "/api/v1/auth/me/" in paths
    for page in ("/api/docs/", "/api/redoc/"):
        response = APIClient().get(page)
        assert response.status_code == 200
        html = response.content.decode()
        assert "cdn." not in html and "unpkg" not in html, page
        assert "/static/drf_spectacular_sidecar/" in html, page


@pytest.mark.parametrize("method, path", [("get", "/api/v1/no-such-thing/"), ("post", "/api/v1/courses/not-a,uuid/x/"),
                                          ("delete", "/api/nothing")])
def test_unknown_api_paths_answer_404_in_the_error_shape(method: str, path: str) -> None:
    assert_error(getattr(APIClient(), method)(path), 404, "not_found")


def test_a_wrong_method_answers_405_in_the_error_shape() -> None:
    assert_error(APIClient().get("/api/v1/auth/token/"), 405, "method_not_allowed")


def test_people_projection_names_public_people_only() -> None:
    world = build_world()
    b_instructor = world.b.instructor
    course = Course.objects.filter(instructor=b_instructor).first()
    assert course is not None
    Course.objects.filter(pk=course.pk).update(status="published")
    with acting_as(world.a.student):
        people = people_by_id([b_instructor.pk, world.b.member.pk, world.a.member.pk, None])
    # Another organization's instructor of a published course: named through public_profiles.
    assert people[b_instructor.pk].full_name == b_instructor.full_name
    # Another organization's plain member: not named at all.
    assert world.b.member.pk not in people
    # Someone of the caller's own organization: named through users' own policies.
    assert people[world.a.member.pk].full_name == world.a.member.full_name
    with acting_as(None):
        anonymous = people_by_id([b_instructor.pk, world.b.member.pk])
    assert set(anonymous) == {b_instructor.pk}
