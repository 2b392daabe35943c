"""/api/v1/teams/: a team (rename, nest, delete) and its members (add, lead, remove), for org admins, team
leads, members, another organization's users and a platform admin."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from organizations.models import Team, TeamMember
from tests.api_client import assert_error, client_for
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    # a's team: the student is a member (sample data); a's plain member leads it.
    TeamMember.objects.create(team=world.a.rows["team"], user=world.a.member, role="team_lead")
    return world


def team_url(team, tail: str = "") -> str:
    return f"/api/v1/teams/{team.pk}/{tail}"


def member_url(team, user) -> str:
    return team_url(team, f"members/{user.pk}/")


def test_every_endpoint_needs_authentication(world) -> None:
    team = world.a.rows["team"]
    anonymous = APIClient()
    for path in (team_url(team), team_url(team, "members/"), member_url(team, world.a.student)):
        assert_error(anonymous.get(path), 401)
    assert_error(anonymous.patch(team_url(team), {"name": "X"}, format="json"), 401)
    assert_error(anonymous.delete(team_url(team)), 401)
    assert_error(anonymous.post(team_url(team, "members/"), {"user": str(world.a.instructor.pk)}, format="json"), 401)


def test_a_team_is_visible_to_its_organization_only(world) -> None:
    team = world.a.rows["team"]
    for user in (world.a.student, world.a.instructor, world.a.org_admin, world.platform_admin):
        response = client_for(user).get(team_url(team))
        assert response.status_code == 200 and response.json()["organization"] == str(world.a.org.pk), user
    for user in (world.b.org_admin, world.b.student, world.outsider):
        assert_error(client_for(user).get(team_url(team)), 404)


def test_an_org_admin_renames_and_nests_teams(world) -> None:
    parent = world.a.rows["team"]
    child = Team.objects.create(organization=world.a.org, name="Child")
    admin = client_for(world.a.org_admin)
    response = admin.patch(team_url(child), {"name": "Renamed", "parent_team": str(parent.pk),
                                             "organization": str(world.b.org.pk)}, format="json")
    assert response.status_code == 200, response.content
    child.refresh_from_db()
    assert (child.name, child.parent_team_id, child.organization_id) == ("Renamed", parent.pk, world.a.org.pk)
    # A cycle is refused by the hierarchy trigger.
    assert_error(admin.patch(team_url(parent), {"parent_team": str(child.pk)}, format="json"), 400)
    assert_error(admin.patch(team_url(child), {"parent_team": str(child.pk)}, format="json"), 400)
    parent.refresh_from_db()
    assert parent.parent_team_id is None
    assert client_for(world.platform_admin).patch(team_url(child), {"parent_team": None},
                                                  format="json").status_code == 200


def test_refused_team_updates_change_nothing(world) -> None:
    team = world.a.rows["team"]
    for user, status in [(world.a.member, 403), (world.a.student, 403), (world.b.org_admin, 404)]:
        assert_error(client_for(user).patch(team_url(team), {"name": "Mine"}, format="json"), status)
        assert_error(client_for(user).delete(team_url(team)), status)
    admin = client_for(world.a.org_admin)
    for body, attr in [({"name": " "}, "name"), ({"name": "x" * 201}, "name"), ({"description": "x" * 6000},
                       "description"), ({"parent_team": str(world.b.rows["team"].pk)}, "parent_team"),
                       ({"settings": "x"}, "settings"), ({"is_active": "maybe"}, "is_active")]:
        assert_error(admin.patch(team_url(team), body, format="json"), 400, attr=attr)
    team.refresh_from_db()
    assert (team.name, team.parent_team_id, team.is_active) == ("Team", None, True)
    assert TeamMember.objects.filter(team=team).count() == 2


def test_an_org_admin_deletes_a_team_with_its_memberships(world) -> None:
    team = world.a.rows["team"]
    child = Team.objects.create(organization=world.a.org, name="Child", parent_team=team)
    assert client_for(world.a.org_admin).delete(team_url(team)).status_code == 204
    assert not Team.objects.filter(pk=team.pk).exists()
    assert not TeamMember.objects.filter(team_id=team.pk).exists()
    child.refresh_from_db()
    assert child.parent_team_id is None


def test_team_members_are_listed_leads_first(world) -> None:
    team = world.a.rows["team"]
    for user in (world.a.student, world.a.org_admin, world.platform_admin):
        response = client_for(user).get(team_url(team, "members/"))
        assert response.status_code == 200
        rows = response.json()["results"]
        assert [(r["user_id"], r["role"]) for r in rows] == [
            (str(world.a.member.pk), "team_lead"), (str(world.a.student.pk), "member")], user
        assert rows[0]["user"]["full_name"] == world.a.member.full_name
    assert client_for(world.a.org_admin).get(team_url(team, "members/"), {"role": "member"}).json()["count"] == 1
    assert_error(client_for(world.b.org_admin).get(team_url(team, "members/")), 404)
    assert_error(client_for(world.b.org_admin).get(member_url(team, world.a.student)), 404)


def test_org_admins_and_team_leads_add_members(world) -> None:
    team = world.a.rows["team"]
    response = client_for(world.a.org_admin).post(team_url(team, "members/"), {"user": str(world.a.instructor.pk)},
                                                  format="json")
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "member"
    TeamMember.objects.filter(team=team, user=world.a.instructor).delete()
    lead = client_for(world.a.member)
    response = lead.post(team_url(team, "members/"), {"user": str(world.a.instructor.pk), "role": "team_lead"},
                         format="json")
    assert response.status_code == 201, response.content
    assert TeamMember.objects.get(team=team, user=world.a.instructor).role == "team_lead"
    assert lead.get(member_url(team, world.a.instructor)).json()["role"] == "team_lead"


def test_refused_member_additions_write_nothing(world) -> None:
    team = world.a.rows["team"]
    count = TeamMember.objects.count()
    admin = client_for(world.a.org_admin)
    # Another organization's user is invisible: 400 on the field, like an unknown id.
    assert_error(admin.post(team_url(team, "members/"), {"user": str(world.b.member.pk)}, format="json"), 400,
                 "does_not_exist", attr="user")
    # A visible user who is not a member of the team's organization: the trigger refuses.
    assert_error(client_for(world.platform_admin).post(team_url(team, "members/"), {"user": str(world.outsider.pk)},
                                                       format="json"), 400)
    assert_error(admin.post(team_url(team, "members/"), {"user": str(world.a.student.pk)}, format="json"), 409)
    assert_error(admin.post(team_url(team, "members/"), {"user": "nope"}, format="json"), 400, attr="user")
    assert_error(admin.post(team_url(team, "members/"), {"user": str(world.a.instructor.pk), "role": "org_admin"},
                            format="json"), 400, attr="role")
    # A plain team member (here: making themself a lead of another team's member) is not a manager.
    assert_error(client_for(world.a.student).post(team_url(team, "members/"),
                                                  {"user": str(world.a.instructor.pk), "role": "team_lead"},
                                                  format="json"), 403)
    assert_error(client_for(world.b.org_admin).post(team_url(team, "members/"), {"user": str(world.a.instructor.pk)},
                                                    format="json"), 404)
    assert TeamMember.objects.count() == count


def test_changing_a_members_role(world) -> None:
    team = world.a.rows["team"]
    response = client_for(world.a.org_admin).patch(member_url(team, world.a.student), {"role": "team_lead"},
                                                   format="json")
    assert response.status_code == 200 and response.json()["role"] == "team_lead"
    assert TeamMember.objects.get(team=team, user=world.a.student).role == "team_lead"
    assert client_for(world.a.member).patch(member_url(team, world.a.student), {"role": "member"},
                                            format="json").status_code == 200
    assert_error(client_for(world.a.org_admin).patch(member_url(team, world.a.student), {"role": "boss"},
                                                     format="json"), 400, attr="role")
    assert_error(client_for(world.a.instructor).patch(member_url(team, world.a.student), {"role": "team_lead"},
                                                      format="json"), 403)
    assert_error(client_for(world.b.org_admin).patch(member_url(team, world.a.student), {"role": "team_lead"},
                                                     format="json"), 404)
    assert_error(client_for(world.a.org_admin).patch(member_url(team, world.a.instructor), {"role": "member"},
                                                     format="json"), 404)
    assert TeamMember.objects.get(team=team, user=world.a.student).role == "member"


def test_removing_members_and_leaving(world) -> None:
    team = world.a.rows["team"]
    assert_error(client_for(world.a.instructor).delete(member_url(team, world.a.student)), 403)
    assert_error(client_for(world.b.org_admin).delete(member_url(team, world.a.student)), 404)
    assert TeamMember.objects.filter(team=team, user=world.a.student).exists()
    assert client_for(world.a.student).delete(member_url(team, world.a.student)).status_code == 204
    assert not TeamMember.objects.filter(team=team, user=world.a.student).exists()
    assert client_for(world.a.org_admin).delete(member_url(team, world.a.member)).status_code == 204
    assert not TeamMember.objects.filter(team=team).exists()
