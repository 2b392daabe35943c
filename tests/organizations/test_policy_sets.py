"""RLS at full speed (issue 9): the SELECT policies test membership in per-query sets (``app.caller_*()``)
instead of calling a per-row helper. Each set must hold exactly the keys the per-row helper answers true for,
for every caller, or an audience would change. The leak matrices check the policies; this checks the sets
against the helpers directly, on a world with the edge cases (cross-organization and expired grants, an
inactive user, a team lead, workshop registrations).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from instructors.models import Course, Enrollment
from organizations.models import Organization, Team, TeamMember, User, UserRoleGrant
from tests.db import fetch
from tests.sample_data import PASSWORD
from tests.world import World, acting_as, build_world
from workshops.models import Workshop, WorkshopRegistration

pytestmark = pytest.mark.django_db

SET_HELPERS = ("caller_org_ids", "caller_admin_org_ids", "caller_org_grantee_ids", "caller_teaching_relation_ids",
               "caller_team_ids", "caller_admin_team_ids", "caller_led_team_ids", "caller_course_ids",
               "caller_enrolled_course_ids")


@pytest.fixture
def world() -> World:
    world = build_world()
    a, b = world.a, world.b
    # b's member also belongs to a through a grant; an expired grant and an inactive org admin count for nothing
    UserRoleGrant.objects.create(user=b.member, role="member", organization=a.org)
    UserRoleGrant.objects.create(user=a.member, role="org_admin", organization=b.org,
                                 expires_at=timezone.now() + timedelta(seconds=1))
    UserRoleGrant.objects.filter(user=a.member, organization=b.org).update(
        granted_at=timezone.now() - timedelta(days=2), expires_at=timezone.now() - timedelta(days=1))
    UserRoleGrant.objects.create(user=a.student, role="org_admin", organization=b.org)
    inactive = User.objects.create_user("inactive@example.com", PASSWORD, full_name="Inactive",
                                        organization=a.org, role="org_admin")
    User.objects.filter(pk=inactive.pk).update(status="suspended")
    TeamMember.objects.create(team=a.rows["team"], user=b.member, role="team_lead")
    TeamMember.objects.create(team=a.rows["team"], user=inactive, role="team_lead")
    Team.objects.create(organization=b.org, name="Second b team")
    # b's student takes a's course (cross-organization teaching relation) and a dropped one
    Enrollment.objects.create(user=b.student, course=a.rows["course"])
    other = Course.objects.create(title="Other", slug="other-course", pillar="coaching", instructor=b.instructor)
    Enrollment.objects.create(user=a.member, course=other, status="dropped")
    Workshop.objects.filter(pk=b.rows["workshop"].pk).update(status="published")
    WorkshopRegistration.objects.create(workshop=b.rows["workshop"], user=a.member, status="registered")
    world.extra["inactive"] = inactive
    return world


def callers(world: World) -> dict[str, User | None]:
    return {"anonymous": None, "outsider": world.outsider, "platform_admin": world.platform_admin,
            "inactive": world.extra["inactive"],
            **{f"{t}_{kind}": getattr(getattr(world, t), kind)
               for t in ("a", "b") for kind in ("student", "instructor", "member", "org_admin", "expert")}}


def ids(sql: str, params: list | None = None) -> set[Any]:
    return {row[0] for row in fetch(sql, params)}


def true_for(helper: str, keys: set[Any]) -> set[Any]:
    return {key for key in keys if fetch(f"SELECT app.{helper}(%s)", [key])[0][0]}


def test_every_set_equals_its_per_row_helper_for_every_caller(world: World) -> None:
    orgs = set(Organization.objects.values_list("pk", flat=True))
    users = set(User.objects.values_list("pk", flat=True))
    teams = set(Team.objects.values_list("pk", flat=True))
    courses = set(Course.objects.values_list("pk", flat=True))
    home = dict(User.objects.values_list("pk", "organization_id"))
    for name, caller in callers(world).items():
        with acting_as(caller):
            mine = ids("SELECT * FROM app.caller_org_ids()")
            assert mine == true_for("is_org_member", orgs), name
            assert ids("SELECT * FROM app.caller_admin_org_ids()") == true_for("is_org_admin", orgs), name
            grantees = ids("SELECT * FROM app.caller_org_grantee_ids()")
            same_org = {u for u in users if home[u] in mine or u in grantees}
            assert same_org == true_for("shares_org_with", users), name
            assert ids("SELECT * FROM app.caller_teaching_relation_ids()") == true_for("has_teaching_relation", users)
            team_orgs = {t: fetch("SELECT app.team_organization_id(%s)", [t])[0][0] for t in teams}
            assert ids("SELECT * FROM app.caller_team_ids()") == {t for t in teams if team_orgs[t] in mine}, name
            assert ids("SELECT * FROM app.caller_admin_team_ids()") == {
                t for t in teams if fetch("SELECT app.is_org_admin(%s)", [team_orgs[t]])[0][0]}, name
            assert ids("SELECT * FROM app.caller_led_team_ids()") == true_for("is_team_lead", teams), name
            assert ids("SELECT * FROM app.caller_course_ids()") == true_for("is_instructor_of_course", courses), name
            assert ids("SELECT * FROM app.caller_enrolled_course_ids()") == true_for("is_enrolled_in_course", courses)


def test_the_world_has_the_edge_cases(world: World) -> None:
    """Guard against a vacuous pass: some sets are non-empty for someone, and differ between callers."""
    with acting_as(world.b.member):
        assert world.a.org.pk in ids("SELECT * FROM app.caller_org_ids()")
        assert world.a.rows["team"].pk in ids("SELECT * FROM app.caller_led_team_ids()")
    with acting_as(world.extra["inactive"]):
        assert ids("SELECT * FROM app.caller_org_ids()") == set()
    with acting_as(world.a.instructor):
        assert world.b.student.pk in ids("SELECT * FROM app.caller_teaching_relation_ids()")
    with acting_as(world.b.instructor):
        assert world.a.member.pk in ids("SELECT * FROM app.caller_teaching_relation_ids()")  # workshop


def test_new_functions_follow_the_function_rules() -> None:
    rows = fetch("""
        SELECT p.proname, p.prosecdef, p.provolatile, coalesce(p.proconfig, '{}'),
               has_function_privilege('humanglue_app', p.oid, 'EXECUTE'),
               coalesce((SELECT bool_or(a.grantee = 0) FROM aclexplode(p.proacl) a), p.proacl IS NULL)
        FROM pg_proc p WHERE p.pronamespace = 'app'::regnamespace
          AND p.proname = ANY(%s)""", [[*SET_HELPERS, "user_home_organization_id", "grant_keeps_holder"]])
    assert len(rows) == len(SET_HELPERS) + 2
    for name, definer, volatility, config, app_can, public_can in rows:
        assert (definer, volatility, app_can, public_can) == (True, "s", True, False), name
        assert config == ["search_path=pg_catalog, public, pg_temp"], name
    # the inlined membership set is internal: neither the app role nor PUBLIC may call it
    assert fetch("SELECT has_function_privilege('humanglue_app', 'app.member_org_ids(uuid)', 'EXECUTE')") == [(False,)]
