"""/api/v1/users/: the users the caller may see (RLS decides), filters, search, and the detail."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from organizations.models import User, UserRoleGrant
from tests.api_client import assert_error, client_for
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def home_users(tenant) -> set[str]:
    return {str(u.pk) for u in (tenant.org_admin, tenant.member, tenant.instructor, tenant.student)}


def test_users_need_authentication(world) -> None:
    assert_error(APIClient().get("/api/v1/users/"), 401)
    assert_error(APIClient().get(f"/api/v1/users/{world.a.member.pk}/"), 401)


def test_each_caller_sees_exactly_the_users_rls_shows(world) -> None:
    everyone = {str(pk) for pk in User.objects.values_list("pk", flat=True)}
    expected = {world.a.student: home_users(world.a), world.a.org_admin: home_users(world.a),
                world.a.instructor: home_users(world.a), world.b.member: home_users(world.b),
                world.outsider: {str(world.outsider.pk)}, world.a.expert: {str(world.a.expert.pk)},
                world.platform_admin: everyone}
    for user, visible in expected.items():
        assert ids(client_for(user).get("/api/v1/users/", {"page_size": 100})) == visible, user


def test_users_are_ordered_by_email_and_never_show_secrets(world) -> None:
    rows = client_for(world.a.org_admin).get("/api/v1/users/").json()["results"]
    assert [r["email"] for r in rows] == sorted(r["email"] for r in rows)
    assert all("password" not in r and "preferences" not in r for r in rows)


def test_filters_and_search(world) -> None:
    admin = client_for(world.platform_admin)
    UserRoleGrant.objects.create(user=world.outsider, role="client", organization=world.a.org)
    assert ids(admin.get("/api/v1/users/", {"organization": str(world.a.org.pk)})) == \
        home_users(world.a) | {str(world.outsider.pk)}
    assert ids(admin.get("/api/v1/users/", {"role": "org_admin"})) == {str(world.a.org_admin.pk),
                                                                       str(world.b.org_admin.pk)}
    assert ids(admin.get("/api/v1/users/", {"search": "TEACH"})) == {str(world.a.instructor.pk),
                                                                     str(world.b.instructor.pk)}
    student = client_for(world.a.student)
    assert ids(student.get("/api/v1/users/", {"search": "teach"})) == {str(world.a.instructor.pk)}
    # Another organization as a filter shows nothing the caller could not already see.
    assert ids(student.get("/api/v1/users/", {"organization": str(world.b.org.pk)})) == set()
    assert ids(student.get("/api/v1/users/", {"organization": str(world.a.org.pk)})) == \
        home_users(world.a) | {str(world.outsider.pk)}
    assert_error(admin.get("/api/v1/users/", {"organization": "nope"}), 400, attr="organization")
    assert_error(admin.get("/api/v1/users/", {"role": "root"}), 400, attr="role")


def test_user_detail(world) -> None:
    body = client_for(world.a.student).get(f"/api/v1/users/{world.a.member.pk}/").json()
    assert body["email"] == world.a.member.email and "password" not in body
    assert_error(client_for(world.a.student).get(f"/api/v1/users/{world.b.member.pk}/"), 404)
    assert_error(client_for(world.outsider).get(f"/api/v1/users/{world.a.member.pk}/"), 404)
    assert client_for(world.platform_admin).get(f"/api/v1/users/{world.b.member.pk}/").status_code == 200
    # Read-only: no writes through this endpoint.
    assert_error(client_for(world.a.org_admin).patch(f"/api/v1/users/{world.a.member.pk}/", {"role": "admin"},
                                                     format="json"), 405)
    assert User.objects.get(pk=world.a.member.pk).role == "member"
