"""Issue 9 items 1, 2 and 7: account takeover, claiming other organizations' users, and team leads who left
the organization. Each test performs the attack under the app role (tests/world.py) and expects a refusal:
an error with its SQLSTATE and reason, or nothing read or changed.

Rules (organizations/sql/0004_v2_account_security.sql):
- ``password`` and ``email`` change only by the user themself, a platform admin or the system context
  (42501 ``credential_column``).
- A platform-admin, staff or superuser account is edited (any column) only by a platform admin, the system
  context or its holder (42501 ``privileged_account``); its holder still cannot change privileged columns.
- An org admin writes (INSERT/UPDATE) ``user_roles`` only for users whose HOME organization is the grant's
  organization; an UPDATE by an org admin keeps the grant's user and organization. Cross-organization grants
  need a platform admin (no invitation flow is built).
- ``app.is_team_lead`` requires the lead to still belong to the team's organization.
"""

from __future__ import annotations

import pytest
from django.db import connection

from humanglue.security.context import system_context
from organizations.models import TeamMember, User, UserRoleGrant
from tests.db import as_user, fetch, refused
from tests.world import World, acting_as, build_world, visible_ids

pytestmark = pytest.mark.django_db

NEW_HASH = "md5$attacker$0123456789abcdef0123456789abcdef"


@pytest.fixture
def world() -> World:
    return build_world()


def execute(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def stored(user: User, column: str) -> object:
    return fetch(f"SELECT {column} FROM users WHERE id = %s", [user.pk])[0][0]


# Item 1: account takeover -----------------------------------------------------------------------------

@pytest.mark.parametrize("column, value", [("password", NEW_HASH), ("email", "taken-over@example.com")])
def test_org_admin_cannot_change_a_members_credentials(world: World, column: str, value: str) -> None:
    before = stored(world.a.member, column)
    with acting_as(world.a.org_admin):
        with refused("42501", "credential_column"):
            execute(f"UPDATE users SET {column} = %s WHERE id = %s", [value, world.a.member.pk])
        # the org admin still manages the member's profile and status
        assert execute("UPDATE users SET job_title = 'Analyst', status = 'suspended' WHERE id = %s",
                       [world.a.member.pk]) == 1
    assert stored(world.a.member, column) == before


def test_org_admin_cannot_take_over_a_platform_admin_of_their_org(world: World) -> None:
    admin = world.platform_admin
    User.objects.filter(pk=admin.pk).update(organization=world.a.org)  # home organization a (owner write)
    password = stored(admin, "password")
    with acting_as(world.a.org_admin):
        assert admin.pk in visible_ids(User)
        for column, value in (("password", NEW_HASH), ("email", "mine@example.com"), ("full_name", "Pwned")):
            with refused("42501", "privileged_account"):
                execute(f"UPDATE users SET {column} = %s WHERE id = %s", [value, admin.pk])
    assert stored(admin, "password") == password


def test_a_grant_only_platform_admin_is_protected_too(world: World) -> None:
    # users.role is member: platform admin through a platform-wide super_admin_full grant only
    target = world.a.member
    UserRoleGrant.objects.create(user=target, role="super_admin_full")
    with acting_as(world.a.org_admin):
        with refused("42501", "privileged_account"):
            execute("UPDATE users SET full_name = 'Pwned' WHERE id = %s", [target.pk])


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_org_admin_cannot_edit_staff_or_superuser_accounts(world: World, flag: str) -> None:
    target = world.a.member
    User.objects.filter(pk=target.pk).update(**{flag: True})
    with acting_as(world.a.org_admin):
        for column, value in (("password", NEW_HASH), ("full_name", "Pwned"), ("status", "suspended")):
            with refused("42501", "privileged_account"):
                execute(f"UPDATE users SET {column} = %s WHERE id = %s", [value, target.pk])
    assert stored(target, "full_name") == "Member" and stored(target, "status") == "active"


def test_users_change_their_own_credentials_and_staff_keep_their_profile(world: World) -> None:
    me = world.a.member
    User.objects.filter(pk=me.pk).update(is_staff=True)
    with acting_as(me):
        assert execute("UPDATE users SET password = %s, email = 'me-new@example.com', full_name = 'Me' "
                       "WHERE id = %s", [NEW_HASH, me.pk]) == 1
        with refused("42501", "privileged_column"):  # still no self-promotion
            execute("UPDATE users SET role = 'org_admin' WHERE id = %s", [me.pk])
        # Kept in the savepoint; read back as the owner (the app role may not read hashes, item 3).
        with system_context():
            assert stored(me, "password") == NEW_HASH


def test_platform_admin_and_system_change_anyones_credentials(world: World) -> None:
    with acting_as(world.platform_admin):
        assert execute("UPDATE users SET password = %s, email = 'reset@example.com' WHERE id = %s",
                       [NEW_HASH, world.a.org_admin.pk]) == 1
        assert stored(world.a.org_admin, "email") == "reset@example.com"
    # the owner (system context: password reset by an operator, imports)
    assert execute("UPDATE users SET password = '!' WHERE id = %s", [world.platform_admin.pk]) == 1


def test_org_admin_cannot_delete_users_platform_admin_included(world: World) -> None:
    admin = world.platform_admin
    User.objects.filter(pk=admin.pk).update(organization=world.a.org)
    with acting_as(world.a.org_admin):
        assert execute("DELETE FROM users WHERE id IN (%s, %s)", [admin.pk, world.a.member.pk]) == 0
    assert User.objects.filter(pk__in=[admin.pk, world.a.member.pk]).count() == 2


# Item 2: claiming other organizations' users ------------------------------------------------------------

@pytest.mark.parametrize("target", ["b_student", "platform_admin", "outsider"])
def test_org_admin_cannot_grant_their_org_to_another_orgs_user(world: World, target: str) -> None:
    user = {"b_student": world.b.student, "platform_admin": world.platform_admin, "outsider": world.outsider}[target]
    with acting_as(world.a.org_admin):
        for role in ("member", "client", "org_admin"):
            with refused("42501"):
                execute("INSERT INTO user_roles (user_id, role, organization_id) VALUES (%s, %s, %s)",
                        [user.pk, role, world.a.org.pk])
        assert user.pk not in visible_ids(User)
        with refused("23514", "team_member_outside_organization"):
            execute("INSERT INTO team_members (team_id, user_id) VALUES (%s, %s)", [world.a.rows["team"].pk, user.pk])
    assert not UserRoleGrant.objects.filter(user=user, organization=world.a.org).exists()


def test_org_admin_grants_roles_to_their_home_members(world: World) -> None:
    with acting_as(world.a.org_admin):
        assert execute("INSERT INTO user_roles (user_id, role, organization_id) VALUES (%s, 'team_lead', %s)",
                       [world.a.member.pk, world.a.org.pk]) == 1


def test_org_admin_cannot_move_a_grant_to_another_user_or_org(world: World) -> None:
    grant = UserRoleGrant.objects.create(user=world.a.member, role="member", organization=world.a.org)
    moves = [("user_id", world.b.student.pk), ("user_id", world.a.student.pk), ("organization_id", world.b.org.pk)]
    with acting_as(world.a.org_admin):
        for column, value in moves:
            with refused("42501"):
                execute(f"UPDATE user_roles SET {column} = %s WHERE id = %s", [value, grant.pk])
        # changing the role or the expiry of the grant stays allowed
        assert execute("UPDATE user_roles SET role = 'team_lead', expires_at = now() + interval '30 days' "
                       "WHERE id = %s", [grant.pk]) == 1
        grant.refresh_from_db()
        assert (grant.user_id, grant.organization_id, grant.role) == (world.a.member.pk, world.a.org.pk, "team_lead")


def test_cross_org_grant_by_platform_admin_is_revocable_not_extendable(world: World) -> None:
    with as_user(world.platform_admin):  # a cross-organization grant needs a platform admin (kept)
        assert execute("INSERT INTO user_roles (user_id, role, organization_id) VALUES (%s, 'member', %s)",
                       [world.b.student.pk, world.a.org.pk]) == 1
    grant = UserRoleGrant.objects.get(user=world.b.student, organization=world.a.org)
    with acting_as(world.a.org_admin):
        assert grant.pk in visible_ids(UserRoleGrant)
        with refused("42501"):  # promoting them in org a is a cross-organization grant again
            execute("UPDATE user_roles SET role = 'org_admin' WHERE id = %s", [grant.pk])
        assert execute("DELETE FROM user_roles WHERE id = %s", [grant.pk]) == 1


# Item 7: a team lead who left the organization ----------------------------------------------------------

def test_team_lead_who_left_the_org_loses_team_powers(world: World) -> None:
    team, lead, student_membership = world.a.rows["team"], world.a.member, world.a.rows["team_member"]
    own = TeamMember.objects.create(team=team, user=lead, role="team_lead")
    with acting_as(lead):  # still in org a: a lead manages the team
        assert fetch("SELECT app.is_team_lead(%s)", [team.pk]) == [(True,)]
    User.objects.filter(pk=lead.pk).update(organization=world.b.org)  # moved to org b (owner write)
    with acting_as(lead):
        assert fetch("SELECT app.is_team_lead(%s)", [team.pk]) == [(False,)]
        seen = visible_ids(TeamMember)  # their own stale row (team_members_select_self), not the team's
        assert own.pk in seen and student_membership.pk not in seen
        assert execute("DELETE FROM team_members WHERE id = %s", [student_membership.pk]) == 0
        assert execute("UPDATE team_members SET role = 'team_lead' WHERE id = %s", [student_membership.pk]) == 0
    assert TeamMember.objects.filter(pk=student_membership.pk, role="member").exists()


def test_team_lead_in_the_org_through_a_grant_keeps_team_powers(world: World) -> None:
    team, lead = world.a.rows["team"], world.b.member
    UserRoleGrant.objects.create(user=lead, role="member", organization=world.a.org)  # platform admin's grant
    TeamMember.objects.create(team=team, user=lead, role="team_lead")
    with acting_as(lead):
        assert fetch("SELECT app.is_team_lead(%s)", [team.pk]) == [(True,)]
        assert world.a.rows["team_member"].pk in visible_ids(TeamMember)


def test_an_org_admin_cannot_forge_the_grantor(world: World) -> None:
    admin, member = world.a.org_admin, world.a.member
    with acting_as(admin):
        grant = UserRoleGrant.objects.create(user=member, organization=world.a.org, role="team_lead",
                                             granted_by=world.platform_admin)
        assert UserRoleGrant.objects.get(pk=grant.pk).granted_by_id == admin.pk  # the caller, not the claim
        with refused("23514", "immutable_column"):
            UserRoleGrant.objects.filter(pk=grant.pk).update(granted_by=world.platform_admin)
    # The system context (seed, imports) records whoever it says.
    grant = UserRoleGrant.objects.create(user=member, organization=world.a.org, role="member",
                                         granted_by=world.platform_admin)
    assert UserRoleGrant.objects.get(pk=grant.pk).granted_by_id == world.platform_admin.pk
