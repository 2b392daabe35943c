"""The Django admin runs under the request security context: an organization admin sees only their
organization's rows, a platform admin sees everything."""

from __future__ import annotations

import pytest
from django.test import Client

from organizations.models import User
from tests.sample_data import PASSWORD
from tests.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    world = build_world()
    # Staff flags only open the admin site (Django permissions); what rows they see is up to RLS.
    User.objects.filter(pk__in=[world.a.org_admin.pk, world.platform_admin.pk]).update(
        is_staff=True, is_superuser=True)
    return world


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def test_org_admin_sees_only_their_organization(world: World) -> None:
    client = client_for(world.a.org_admin)
    orgs = client.get("/admin/organizations/organization/")
    assert orgs.status_code == 200
    assert world.a.org.name.encode() in orgs.content and world.b.org.name.encode() not in orgs.content

    users = client.get("/admin/organizations/user/").content
    assert world.a.member.email.encode() in users
    assert world.b.member.email.encode() not in users and world.b.org_admin.email.encode() not in users

    # The other organization's change page does not exist for them.
    other = client.get(f"/admin/organizations/organization/{world.b.org.pk}/change/")
    assert other.status_code == 302  # Django's admin redirects when the object is not found
    mine = client.get(f"/admin/organizations/organization/{world.a.org.pk}/change/")
    assert mine.status_code == 200


def test_platform_admin_sees_every_organization(world: World) -> None:
    content = client_for(world.platform_admin).get("/admin/organizations/organization/").content
    assert world.a.org.name.encode() in content and world.b.org.name.encode() in content


def test_org_admin_cannot_raise_billing_through_the_admin(world: World) -> None:
    client = client_for(world.a.org_admin)
    response = client.post(f"/admin/organizations/organization/{world.a.org.pk}/change/", {
        "name": "Renamed", "slug": world.a.org.slug, "subscription_tier": "enterprise",
        "subscription_status": "active", "max_users": 5, "max_teams": 1, "settings": "{}", "metadata": "{}",
        "is_active": "on",
    })
    # The refusal is shown on the form, with the input kept (issue 12), not as a page of plain text.
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert b"Renamed" in response.content
    world.a.org.refresh_from_db()
    assert (world.a.org.name, world.a.org.subscription_tier) == ("a Org", "free")
