"""The staff groups of the admin (issue 12): who may write the auth tables under the app role.

Platform admins create and edit groups, their permissions and who holds them; org admins and instructors
are refused with 42501 ``platform_admin_only`` (organizations 0009), for UPDATE and DELETE too (a policy
alone would answer "0 rows"). Staff's own permission checks read the tables under the app role.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from organizations.models import User
from organizations.seed import INSTRUCTOR_GROUP, ORG_ADMIN_GROUP, STAFF_GROUPS, staff_group
from tests.db import fetch, refused
from tests.sample_data import PASSWORD
from tests.world import World, acting_as, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def _permission_id(codename: str) -> int:
    return Permission.objects.get(codename=codename, content_type__app_label="organizations").pk


def test_a_platform_admin_creates_a_group_grants_it_and_puts_a_user_in_it(world: World) -> None:
    with acting_as(world.platform_admin):
        group = Group.objects.create(name="Auditors")
        group.permissions.add(_permission_id("view_team"))
        world.a.member.groups.add(group)
        world.a.member.user_permissions.add(_permission_id("view_teammember"))
        Group.objects.filter(pk=group.pk).update(name="Team auditors")
        assert fetch("SELECT count(*) FROM users_groups WHERE user_id = %s", [world.a.member.pk]) == [(1,)]
        group.delete()  # cascades to its permission and holder rows (Django deletes them first)
        assert not Group.objects.filter(pk=group.pk).exists()


@pytest.mark.parametrize("who", ["org_admin", "instructor"])
def test_org_admins_and_instructors_cannot_write_the_auth_tables(world: World, who: str) -> None:
    caller = getattr(world.a, who)
    group = staff_group(ORG_ADMIN_GROUP)
    permission = _permission_id("delete_organization")
    with acting_as(caller):
        assert Group.objects.filter(pk=group.pk).exists()  # groups are readable
        with refused("42501", "platform_admin_only"):
            Group.objects.create(name="Mine")
        with refused("42501", "platform_admin_only"):
            Group.objects.filter(pk=group.pk).update(name="Renamed")
        with refused("42501", "platform_admin_only"):
            fetch("DELETE FROM auth_group_permissions WHERE group_id = %s", [group.pk])
        with refused("42501", "platform_admin_only"):
            group.permissions.add(permission)
        with refused("42501", "platform_admin_only"):
            caller.groups.add(group)  # not even into a staff group
        with refused("42501", "platform_admin_only"):
            caller.user_permissions.add(permission)
        with refused("42501", "platform_admin_only"):
            fetch("DELETE FROM auth_group WHERE id = %s", [group.pk])
    assert Group.objects.get(pk=group.pk).name == ORG_ADMIN_GROUP
    assert group.permissions.count() == sum(len(a) for models in STAFF_GROUPS[ORG_ADMIN_GROUP].values()
                                            for a in models.values())


def test_staff_permission_checks_work_under_the_app_role(world: World) -> None:
    world.a.org_admin.groups.add(staff_group(ORG_ADMIN_GROUP))
    world.a.instructor.groups.add(staff_group(INSTRUCTOR_GROUP))
    with acting_as(world.a.org_admin):
        admin = User.objects.get(pk=world.a.org_admin.pk)  # a fresh object: Django caches permissions
        assert admin.has_perm("organizations.add_team") and admin.has_perm("organizations.change_user")
        assert not admin.has_perm("organizations.delete_organization")
        assert not admin.has_perm("instructors.change_course")
        assert not admin.has_perm("auth.add_group")
    with acting_as(world.a.instructor):
        instructor = User.objects.get(pk=world.a.instructor.pk)
        assert instructor.has_perm("instructors.add_courselesson") and instructor.has_perm("workshops.change_workshop")
        assert not instructor.has_perm("organizations.add_team")


def test_who_sees_who_holds_a_group(world: World) -> None:
    group = staff_group(INSTRUCTOR_GROUP)
    world.a.member.groups.add(group)
    world.b.member.groups.add(group)
    with acting_as(world.a.member):  # their own rows only
        assert set(fetch("SELECT user_id FROM users_groups")) == {(world.a.member.pk,)}
    with acting_as(world.a.org_admin):  # the users of their organization, not another organization's
        assert set(fetch("SELECT user_id FROM users_groups")) == {(world.a.member.pk,)}
    with acting_as(world.platform_admin):
        assert len(fetch("SELECT user_id FROM users_groups")) == 2


def test_an_org_admin_cannot_make_a_member_or_an_instructor_staff(world: World) -> None:
    """is_staff stays the platform's: the users guard refuses an org admin (documented in the README)."""
    with acting_as(world.a.org_admin):
        with refused("42501", "privileged_column"):
            User.objects.filter(pk=world.a.member.pk).update(is_staff=True)
        # An instructor outside the org admin's organization is not theirs to update at all (0 rows).
        if world.a.instructor.organization_id != world.a.org.pk:
            assert User.objects.filter(pk=world.a.instructor.pk).update(is_staff=True) == 0
        else:
            with refused("42501", "privileged_column"):
                User.objects.filter(pk=world.a.instructor.pk).update(is_staff=True)
    assert not User.objects.get(pk=world.a.member.pk).is_staff


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def test_the_group_pages_of_the_admin(world: World) -> None:
    User.objects.filter(pk=world.platform_admin.pk).update(is_staff=True, is_superuser=True)
    platform = _client(world.platform_admin)
    response = platform.post("/admin/auth/group/add/", {"name": "Reviewers",
                                                        "permissions": [_permission_id("view_team")]})
    assert response.status_code == 302, response.content[:2000]
    assert list(Group.objects.get(name="Reviewers").permissions.values_list("codename", flat=True)) == ["view_team"]

    User.objects.filter(pk=world.a.org_admin.pk).update(is_staff=True)
    world.a.org_admin.groups.add(staff_group(ORG_ADMIN_GROUP))
    org_admin = _client(world.a.org_admin)
    assert org_admin.get("/admin/auth/group/add/").status_code == 403
    assert org_admin.post("/admin/auth/group/add/", {"name": "Mine"}).status_code == 403
    assert org_admin.get("/admin/organizations/team/").status_code == 200
    assert not Group.objects.filter(name="Mine").exists()
