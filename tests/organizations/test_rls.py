"""Leak matrix for the organizations tables: what each caller may SELECT, INSERT, UPDATE, DELETE."""

from __future__ import annotations

import pytest
from django.db import ProgrammingError, connection, transaction

from organizations.models import Organization, Team, TeamMember, User, UserRoleGrant
from tests.world import World, acting_as, build_world, visible_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def people(world: World) -> dict[str, User | None]:
    return {
        "anonymous": None, "outsider": world.outsider, "platform_admin": world.platform_admin,
        "a_student": world.a.student, "a_instructor": world.a.instructor, "a_member": world.a.member,
        "a_org_admin": world.a.org_admin, "b_student": world.b.student, "b_org_admin": world.b.org_admin,
    }


def test_organizations_visible_to_members_only(world: World) -> None:
    a, b = world.a.org.pk, world.b.org.pk
    expected = {
        "anonymous": set(), "outsider": set(), "platform_admin": {a, b},
        "a_student": {a}, "a_instructor": {a}, "a_member": {a}, "a_org_admin": {a},
        "b_student": {b}, "b_org_admin": {b},
    }
    for name, user in people(world).items():
        with acting_as(user):
            assert visible_ids(Organization) == expected[name], name


def test_teams_and_team_members_visible_within_the_org(world: World) -> None:
    a_team, b_team = world.a.rows["team"].pk, world.b.rows["team"].pk
    for name, user in people(world).items():
        with acting_as(user):
            teams = visible_ids(Team)
            members = visible_ids(TeamMember)
        if name == "platform_admin":
            assert teams == {a_team, b_team}
        elif name.startswith("a_"):
            assert teams == {a_team} and members == {world.a.rows["team_member"].pk}, name
        elif name.startswith("b_"):
            assert teams == {b_team} and members == {world.b.rows["team_member"].pk}, name
        else:
            assert teams == set() and members == set(), name


def test_users_see_themselves_and_their_org_never_the_other_org(world: World) -> None:
    a_people = set(User.objects.filter(organization=world.a.org).values_list("pk", flat=True))
    b_people = set(User.objects.filter(organization=world.b.org).values_list("pk", flat=True))
    with acting_as(world.a.member):
        seen = visible_ids(User)
    assert seen == a_people and not seen & b_people
    with acting_as(world.b.org_admin):
        assert visible_ids(User) == b_people
    with acting_as(world.outsider):
        assert visible_ids(User) == {world.outsider.pk}
    with acting_as(None):
        assert visible_ids(User) == set()
    with acting_as(world.platform_admin):
        assert visible_ids(User) == set(User.objects.values_list("pk", flat=True))


def test_a_user_edits_their_profile_but_not_privileged_columns(world: World) -> None:
    me = world.a.member
    with acting_as(me):
        assert User.objects.filter(pk=me.pk).update(full_name="New Name") == 1
        changes = ({"role": "org_admin"}, {"organization": world.b.org}, {"is_staff": True}, {"status": "inactive"})
        for change in changes:
            with pytest.raises(ProgrammingError, match="privileged"), transaction.atomic():
                User.objects.filter(pk=me.pk).update(**change)
        # another user's row: invisible to UPDATE
        assert User.objects.filter(pk=world.a.student.pk).update(full_name="Hacked") == 0


def test_org_admin_manages_their_org_only(world: World) -> None:
    with acting_as(world.a.org_admin):
        assert User.objects.filter(pk=world.a.member.pk).update(role="team_lead", status="suspended") == 1
        assert User.objects.filter(pk=world.b.member.pk).update(full_name="Hacked") == 0
        with pytest.raises(ProgrammingError, match="privileged"), transaction.atomic():
            User.objects.filter(pk=world.a.member.pk).update(is_staff=True)
        with pytest.raises(ProgrammingError, match="privileged"), transaction.atomic():
            User.objects.filter(pk=world.a.member.pk).update(role="admin")
        # create a user in their own org, not in the other one. Plain INSERT: with RETURNING the new
        # row must also pass a SELECT policy, and users_select_same_org looks the row up by id, which
        # the inserting statement cannot see yet (user creation normally runs in the system context).
        insert = "INSERT INTO users (email, full_name, organization_id) VALUES (%s, %s, %s)"
        with connection.cursor() as cursor:
            cursor.execute(insert, ["new-a@example.com", "New A", world.a.org.pk])
            with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
                cursor.execute(insert, ["new-b@example.com", "New B", world.b.org.pk])
        # no hard delete of users for org admins
        assert User.objects.filter(pk=world.a.member.pk).delete()[0] == 0
        # billing columns of their own org are refused, the name is fine
        assert Organization.objects.filter(pk=world.a.org.pk).update(name="Renamed") == 1
        with pytest.raises(ProgrammingError, match="billing"), transaction.atomic():
            Organization.objects.filter(pk=world.a.org.pk).update(subscription_tier="enterprise")
        assert Organization.objects.filter(pk=world.b.org.pk).update(name="Stolen") == 0
        # teams and grants of their org
        Team.objects.create(organization=world.a.org, name="New team")
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            Team.objects.create(organization=world.b.org, name="Intruders")
        UserRoleGrant.objects.create(user=world.a.member, role="team_lead", organization=world.a.org)
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            UserRoleGrant.objects.create(user=world.a.member, role="org_admin", organization=world.b.org)
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            UserRoleGrant.objects.create(user=world.a.member, role="admin")


def test_members_cannot_write_org_tables(world: World) -> None:
    with acting_as(world.a.member):
        assert Organization.objects.filter(pk=world.a.org.pk).update(name="x") == 0
        assert Team.objects.filter(pk=world.a.rows["team"].pk).update(name="x") == 0
        with pytest.raises(ProgrammingError), transaction.atomic():
            Team.objects.create(organization=world.a.org, name="Mine")
        with pytest.raises(ProgrammingError), transaction.atomic():
            UserRoleGrant.objects.create(user=world.a.member, role="org_admin", organization=world.a.org)


def test_team_membership_leave_and_lead(world: World) -> None:
    membership = world.a.rows["team_member"]
    with acting_as(world.b.student):
        assert TeamMember.objects.filter(pk=membership.pk).delete()[0] == 0
    with acting_as(world.a.student):
        assert TeamMember.objects.filter(pk=membership.pk).delete()[0] == 1  # leaving is allowed


def test_team_member_must_belong_to_the_org(world: World) -> None:
    from django.db import IntegrityError

    with pytest.raises(IntegrityError, match="does not belong"), transaction.atomic():
        TeamMember.objects.create(team=world.a.rows["team"], user=world.b.student)


def test_team_hierarchy_rules(world: World) -> None:
    from django.db import IntegrityError

    parent = world.a.rows["team"]
    child = Team.objects.create(organization=world.a.org, name="Child", parent_team=parent)
    with pytest.raises(IntegrityError, match="cycle"), transaction.atomic():
        Team.objects.filter(pk=parent.pk).update(parent_team=child)
    with pytest.raises(IntegrityError, match="same organization"), transaction.atomic():
        Team.objects.create(organization=world.b.org, name="Cross", parent_team=parent)


def test_grants_visibility(world: World) -> None:
    grant = UserRoleGrant.objects.create(user=world.a.member, role="member", organization=world.a.org)
    with acting_as(world.a.member):
        assert grant.pk in visible_ids(UserRoleGrant)
    with acting_as(world.a.org_admin):
        assert grant.pk in visible_ids(UserRoleGrant)
    with acting_as(world.b.org_admin):
        assert grant.pk not in visible_ids(UserRoleGrant)
    with acting_as(world.a.student):
        assert grant.pk not in visible_ids(UserRoleGrant)


def test_has_role_and_get_user_roles_answer_only_self_admin_or_system(world: World) -> None:
    from django.db import connection

    def has_role(user_id: object, role: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT has_role(%s, %s)", [user_id, role])
            return cursor.fetchone()[0]

    assert has_role(world.a.instructor.pk, "instructor")  # system context (owner)
    with acting_as(world.a.instructor):
        assert has_role(world.a.instructor.pk, "instructor")
    with acting_as(world.a.member):
        assert not has_role(world.a.instructor.pk, "instructor")  # may not probe others
    with acting_as(world.platform_admin):
        assert has_role(world.a.instructor.pk, "instructor")
        assert has_role(world.a.org_admin.pk, "org_admin")  # implicit grant from users.role


def test_inactive_users_lose_their_rights(world: World) -> None:
    User.objects.filter(pk=world.a.member.pk).update(status="inactive")
    with acting_as(world.a.member):
        assert visible_ids(Organization) == set()
