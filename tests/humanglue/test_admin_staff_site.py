"""The admin site for staff (issue 12): the login's answers, "View site", and the dashboard pages per role."""

from __future__ import annotations

import pytest
from django.test import Client

from humanglue.admin.login import NO_ADMIN_ACCESS
from organizations.models import User
from organizations.seed import INSTRUCTOR_GROUP, ORG_ADMIN_GROUP, staff_group
from tests.sample_data import PASSWORD
from tests.world import World, build_world

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "Please enter the correct email and password for a staff account"
INSTRUCTOR_DASHBOARD = "/admin/dashboards/instructor/"
ORGANIZATION_OVERVIEW = "/admin/dashboards/organization/"


@pytest.fixture
def world() -> World:
    world = build_world()
    User.objects.filter(pk=world.platform_admin.pk).update(is_staff=True, is_superuser=True)
    for tenant in (world.a, world.b):
        User.objects.filter(pk__in=[tenant.org_admin.pk, tenant.instructor.pk]).update(is_staff=True)
        tenant.org_admin.groups.add(staff_group(ORG_ADMIN_GROUP))
        tenant.instructor.groups.add(staff_group(INSTRUCTOR_GROUP))
    return world


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def _login(email: str, password: str) -> str:
    response = Client().post("/admin/login/?next=/admin/", {"username": email, "password": password})
    assert response.status_code == 200  # the form again, with its error
    return response.content.decode()


def test_a_non_staff_user_with_the_right_password_is_told_there_is_no_admin_access(world: World) -> None:
    page = _login(world.a.student.email, PASSWORD)
    assert "Your account has no admin access" in page and WRONG_PASSWORD not in page
    assert NO_ADMIN_ACCESS.startswith("Your account has no admin access")


def test_a_wrong_password_or_an_unknown_email_says_only_wrong_password(world: World) -> None:
    for email in (world.a.student.email, world.a.org_admin.email, "nobody@example.com"):
        page = _login(email, "not-the-password")
        assert WRONG_PASSWORD in page and "no admin access" not in page, email


def test_staff_of_every_role_log_in() -> None:
    world = build_world()
    User.objects.filter(pk__in=[world.a.org_admin.pk, world.a.instructor.pk]).update(is_staff=True)
    for user in (world.a.org_admin, world.a.instructor):
        response = Client().post("/admin/login/?next=/admin/", {"username": user.email, "password": PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/admin/", user.email


def test_view_site_leads_to_the_api_docs(world: World) -> None:
    page = client_for(world.platform_admin).get("/admin/").content.decode()
    assert 'href="/api/docs/"' in page
    assert Client().get("/api/docs/").status_code == 200


@pytest.mark.parametrize(("who", "instructor", "overview"), [
    ("platform_admin", True, True), ("a.instructor", True, False), ("a.org_admin", False, True),
])
def test_the_index_links_the_dashboards_of_the_role(world: World, who: str, instructor: bool,
                                                    overview: bool) -> None:
    user = world.platform_admin if who == "platform_admin" else getattr(world.a, who.split(".")[1])
    page = client_for(user).get("/admin/").content.decode()
    assert (f'href="{INSTRUCTOR_DASHBOARD}"' in page) is instructor
    assert (f'href="{ORGANIZATION_OVERVIEW}"' in page) is overview
    client = client_for(user)
    assert client.get(INSTRUCTOR_DASHBOARD).status_code == (200 if instructor else 403)
    assert client.get(ORGANIZATION_OVERVIEW).status_code == (200 if overview else 403)


def test_an_instructor_sees_their_own_dashboard_whatever_the_query_says(world: World) -> None:
    response = client_for(world.a.instructor).get(INSTRUCTOR_DASHBOARD, {"instructor": world.b.instructor.pk})
    assert response.status_code == 200
    assert response.context["instructor_id"] == world.a.instructor.pk
    assert response.context["stats"]["total_students"] == 1 and response.context["stats"]["total_enrollments"] == 1
    assert response.context["students"].paginator.count == 1
    page = response.content.decode()
    assert "<svg" in page and 'class="bar"' in page and 'id="instructor-picker"' not in page


def test_a_platform_admin_picks_an_instructor(world: World) -> None:
    client = client_for(world.platform_admin)
    response = client.get(INSTRUCTOR_DASHBOARD, {"instructor": world.b.instructor.pk})
    assert response.context["instructor_id"] == world.b.instructor.pk
    assert 'id="instructor-picker"' in response.content.decode()
    assert client.get(INSTRUCTOR_DASHBOARD, {"instructor": "bogus"}).status_code == 200  # ignored


def test_a_student_is_sent_to_the_login(world: World) -> None:
    response = client_for(world.a.student).get(INSTRUCTOR_DASHBOARD)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_org_admin_overviews_their_own_organization_only(world: World) -> None:
    response = client_for(world.a.org_admin).get(ORGANIZATION_OVERVIEW, {"organization": world.b.org.pk})
    assert response.status_code == 200
    assert response.context["organization"].pk == world.a.org.pk
    assert response.context["enrollment_count"] == 1 and response.context["course_count"] == 1
    assert response.context["member_count"] >= 2
    assert world.b.org.name not in response.content.decode() or world.a.org.name == world.b.org.name


def test_a_platform_admin_picks_an_organization(world: World) -> None:
    response = client_for(world.platform_admin).get(ORGANIZATION_OVERVIEW, {"organization": world.b.org.pk})
    assert response.context["organization"].pk == world.b.org.pk
    assert 'id="organization-picker"' in response.content.decode()
