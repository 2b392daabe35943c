"""/api/v1/organizations/: my organizations, detail and update, members (list, invite, CSV import and
export) and the organization's teams, for users of two organizations, a platform admin and an outsider."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from organizations.models import Organization, Team, User, UserRoleGrant
from tests.api_client import assert_error, client_for
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    # A member of a only through an org-scoped grant (no home organization).
    world.extra["guest"] = guest = User.objects.create_user("a-guest@example.com", "x", full_name="Guest")
    UserRoleGrant.objects.create(user=guest, role="client", organization=world.a.org)
    return world


def url(org, tail: str = "") -> str:
    return f"/api/v1/organizations/{org.pk}/{tail}"


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def a_members(world) -> set[str]:
    a = world.a
    return {str(u.pk) for u in (a.org_admin, a.member, a.instructor, a.student, world.extra["guest"])}


def test_every_endpoint_needs_authentication(world) -> None:
    anonymous = APIClient()
    for path in ("", url(world.a.org), url(world.a.org, "members/"), url(world.a.org, "members/export/"),
                 url(world.a.org, "teams/")):
        assert_error(anonymous.get(path or "/api/v1/organizations/"), 401)
    assert_error(anonymous.patch(url(world.a.org), {"name": "X"}, format="json"), 401)
    assert_error(anonymous.post(url(world.a.org, "members/invite/"), {}, format="json"), 401)
    assert_error(anonymous.post(url(world.a.org, "members/import/"), {}), 401)


def test_each_caller_lists_exactly_their_organizations(world) -> None:
    a, b = str(world.a.org.pk), str(world.b.org.pk)
    expected = {world.a.org_admin: {a}, world.a.student: {a}, world.a.instructor: {a}, world.b.member: {b},
                world.extra["guest"]: {a}, world.platform_admin: {a, b}, world.outsider: set(),
                world.a.expert: set()}
    for user, orgs in expected.items():
        assert ids(client_for(user).get("/api/v1/organizations/")) == orgs, user


def test_another_organizations_detail_is_a_404(world) -> None:
    body = client_for(world.a.student).get(url(world.a.org)).json()
    assert body["slug"] == "a-org" and body["subscription_tier"] == "free"
    assert_error(client_for(world.a.student).get(url(world.b.org)), 404)
    assert_error(client_for(world.outsider).get(url(world.a.org)), 404)
    assert client_for(world.platform_admin).get(url(world.b.org)).status_code == 200


def test_an_org_admin_updates_the_profile_but_not_the_billing_columns(world) -> None:
    response = client_for(world.a.org_admin).patch(url(world.a.org), {
        "name": "  Renamed  ", "website": "https://a.example.com", "company_size": "11-50",
        "primary_contact": str(world.a.member.pk), "settings": {"theme": "dark"},
        # Privileged columns in the body are read-only: ignored.
        "subscription_tier": "enterprise", "max_users": -1, "is_active": False}, format="json")
    assert response.status_code == 200, response.content
    org = Organization.objects.get(pk=world.a.org.pk)
    assert (org.name, org.website, org.company_size, org.primary_contact_id, org.settings) == (
        "Renamed", "https://a.example.com", "11-50", world.a.member.pk, {"theme": "dark"})
    assert (org.subscription_tier, org.max_users, org.is_active) == ("free", 5, True)
    assert response.json()["subscription_tier"] == "free"


def test_refused_updates_change_nothing(world) -> None:
    before = Organization.objects.get(pk=world.a.org.pk)
    assert_error(client_for(world.a.member).patch(url(world.a.org), {"name": "Mine"}, format="json"), 403)
    assert_error(client_for(world.b.org_admin).patch(url(world.a.org), {"name": "Mine"}, format="json"), 404)
    admin = client_for(world.a.org_admin)
    for body, attr in [({"name": "   "}, "name"), ({"name": "x" * 201}, "name"),
                       ({"website": "javascript:alert(1)"}, "website"), ({"settings": [1, 2]}, "settings"),
                       ({"company_size": "huge"}, "company_size"), ({"slug": "not a slug"}, "slug"),
                       ({"primary_contact": str(world.b.member.pk)}, "primary_contact"),
                       ({"primary_contact": "not-a-uuid"}, "primary_contact")]:
        assert_error(admin.patch(url(world.a.org), body, format="json"), 400, attr=attr)
    assert_error(admin.patch(url(world.a.org), {"slug": "b-org"}, format="json"), 409)
    assert_error(admin.put(url(world.a.org), {"name": "Mine"}, format="json"), 405)
    after = Organization.objects.get(pk=world.a.org.pk)
    assert (after.name, after.slug, after.website, after.primary_contact_id) == (
        before.name, before.slug, before.website, before.primary_contact_id)


def test_a_platform_admin_updates_any_organization(world) -> None:
    response = client_for(world.platform_admin).patch(url(world.b.org), {"industry": "Retail"}, format="json")
    assert response.status_code == 200, response.content
    assert Organization.objects.get(pk=world.b.org.pk).industry == "Retail"


def test_members_with_their_roles(world) -> None:
    for user in (world.a.org_admin, world.a.member, world.platform_admin):
        assert ids(client_for(user).get(url(world.a.org, "members/"))) == a_members(world), user
    rows = {r["email"]: r for r in client_for(world.a.org_admin).get(url(world.a.org, "members/")).json()["results"]}
    assert rows["a-orgadmin@example.com"]["role"] == "org_admin"
    assert rows["a-guest@example.com"]["role"] is None and rows["a-guest@example.com"]["grants"] == ["client"]
    assert list(rows) == sorted(rows)
    assert_error(client_for(world.b.org_admin).get(url(world.a.org, "members/")), 404)
    assert_error(client_for(world.outsider).get(url(world.a.org, "members/")), 404)


def test_members_filter_by_role_and_search(world) -> None:
    admin = client_for(world.a.org_admin)
    assert ids(admin.get(url(world.a.org, "members/"), {"role": "org_admin"})) == {str(world.a.org_admin.pk)}
    assert ids(admin.get(url(world.a.org, "members/"), {"role": "client"})) == {str(world.extra["guest"].pk)}
    assert ids(admin.get(url(world.a.org, "members/"), {"search": "teach"})) == {str(world.a.instructor.pk)}
    assert_error(admin.get(url(world.a.org, "members/"), {"role": "superuser"}), 400, attr="role")


def invite(user, org, **body):
    body = {"email": "new.person@example.com", "full_name": "New Person", **body}
    return client_for(user).post(url(org, "members/invite/"), body, format="json")


def test_an_org_admin_invites_a_member_who_sets_a_password_and_logs_in(world) -> None:
    Organization.objects.filter(pk=world.a.org.pk).update(max_users=-1)
    response = invite(world.a.org_admin, world.a.org, email="New.Person@Example.com", role="team_lead")
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "team_lead"
    user = User.objects.with_secrets().get(email="new.person@example.com")
    assert (user.organization_id, user.role, user.has_usable_password()) == (world.a.org.pk, "team_lead", False)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.person@example.com"]
    uid, token = re.search(r"uid=([^&\s]+)&token=(\S+)", mail.outbox[0].body).groups()
    confirm = APIClient().post("/api/v1/auth/password/reset/confirm/",
                               {"uid": uid, "token": token, "new_password": "A-long-new-passw0rd"}, format="json")
    assert confirm.status_code == 204, confirm.content
    login = APIClient().post("/api/v1/auth/token/", {"email": user.email, "password": "A-long-new-passw0rd"},
                             format="json")
    assert login.status_code == 200
    assert ids(client_for(world.a.org_admin).get(url(world.a.org, "members/"))) == a_members(world) | {str(user.pk)}


def test_refused_invitations_create_nothing(world) -> None:
    Organization.objects.filter(pk=world.a.org.pk).update(max_users=-1)
    count = User.objects.count()
    # An address of another organization's account (invisible to the caller): 409 with a clear code.
    assert_error(invite(world.a.org_admin, world.a.org, email="B-Member@example.com"), 409, "account_exists")
    assert_error(invite(world.a.org_admin, world.a.org, email=world.a.member.email), 409, "account_exists")
    assert_error(invite(world.a.member, world.a.org), 403)
    assert_error(invite(world.a.student, world.a.org), 403)
    assert_error(invite(world.b.org_admin, world.a.org), 404)
    assert_error(invite(world.a.org_admin, world.a.org, role="admin"), 400, attr="role")
    assert_error(invite(world.a.org_admin, world.a.org, email="not-an-address"), 400, attr="email")
    assert_error(invite(world.a.org_admin, world.a.org, full_name="  "), 400, attr="full_name")
    assert_error(invite(world.a.org_admin, world.a.org, full_name="x" * 5000), 400, attr="full_name")
    assert_error(invite(world.a.org_admin, world.a.org, full_name=["x"]), 400, attr="full_name")
    assert User.objects.count() == count and not mail.outbox


def test_invitations_respect_the_user_limit(world) -> None:
    members = len(a_members(world))
    Organization.objects.filter(pk=world.a.org.pk).update(max_users=members)
    assert_error(invite(world.a.org_admin, world.a.org), 409, "user_limit_reached")
    assert not User.objects.filter(email="new.person@example.com").exists()
    Organization.objects.filter(pk=world.a.org.pk).update(max_users=members + 1)
    assert invite(world.platform_admin, world.a.org).status_code == 201


def upload(user, org, content: bytes, dry_run: bool | None = None, name: str = "members.csv"):
    data = {"file": SimpleUploadedFile(name, content, content_type="text/csv")}
    path = url(org, "members/import/") + ("?dry_run=1" if dry_run else "")
    return client_for(user).post(path, data, format="multipart")


GOOD_CSV = b"email,full_name,role\r\none@example.com,One,member\r\ntwo@example.com,Two,team_lead\r\n" \
           b"a-member@example.com,Member,\r\n"


def test_import_dry_run_reports_every_row_and_writes_nothing(world) -> None:
    Organization.objects.filter(pk=world.a.org.pk).update(max_users=-1)
    content = GOOD_CSV + b"b-member@example.com,Taken,member\r\nbad,,boss\r\none@example.com,Again,member\r\n"
    response = upload(world.a.org_admin, world.a.org, content, dry_run=True)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["dry_run"], body["created"], body["exists"], body["errors"]) == (True, 2, 1, 3)
    statuses = [(r["row"], r["status"]) for r in body["rows"]]
    assert statuses == [(2, "created"), (3, "created"), (4, "exists"), (5, "error"), (6, "error"), (7, "error")]
    codes = [{e["code"] for e in r["errors"]} for r in body["rows"][3:]]
    assert codes == [{"account_exists"}, {"invalid_email", "invalid_full_name", "invalid_role"},
                     {"duplicate_email"}]
    assert not User.objects.filter(email__in=["one@example.com", "two@example.com"]).exists()
    assert not mail.outbox


def test_import_is_all_or_nothing(world) -> None:
    Organization.objects.filter(pk=world.a.org.pk).update(max_users=-1)
    bad = upload(world.a.org_admin, world.a.org, GOOD_CSV + b"b-member@example.com,Taken,member\r\n")
    body = assert_error(bad, 400, "invalid_rows", attr="file")
    assert body["report"]["errors"] == 1 and body["report"]["created"] == 2
    assert not User.objects.filter(email__in=["one@example.com", "two@example.com"]).exists()
    good = upload(world.a.org_admin, world.a.org, GOOD_CSV)
    assert good.status_code == 201, good.content
    assert (good.json()["created"], good.json()["exists"]) == (2, 1)
    created = User.objects.filter(email__in=["one@example.com", "two@example.com"])
    assert {(u.email, u.organization_id, u.role) for u in created} == {
        ("one@example.com", world.a.org.pk, "member"), ("two@example.com", world.a.org.pk, "team_lead")}
    assert sorted(m.to[0] for m in mail.outbox) == ["one@example.com", "two@example.com"]


def test_import_respects_the_user_limit(world) -> None:
    Organization.objects.filter(pk=world.a.org.pk).update(max_users=len(a_members(world)) + 1)
    body = upload(world.a.org_admin, world.a.org, GOOD_CSV, dry_run=True).json()
    assert [r["status"] for r in body["rows"]] == ["created", "error", "exists"]
    assert body["rows"][1]["errors"][0]["code"] == "user_limit_reached"


def test_import_refuses_bad_files_and_callers(world) -> None:
    count = User.objects.count()
    admin = world.a.org_admin
    for content, code in [("email,full_name\nö@example.com,Ö\n".encode("latin-1"), "not_utf8"),
                          (b"name,mail\nx,y\n", "invalid_header"), (b"", "empty"),
                          (b"email,full_name\n" + b"x@example.com,X\n" * 1001, "too_many_rows"),
                          (b"email,full_name\n" + b"x" * (1024 * 1024), "file_too_large"),
                          (b"\x00\x01binary", "not_csv")]:
        assert_error(upload(admin, world.a.org, content), 400, code, attr="file")
    assert_error(client_for(admin).post(url(world.a.org, "members/import/"), {}, format="multipart"), 400,
                 attr="file")
    assert_error(upload(world.a.member, world.a.org, GOOD_CSV), 403)
    assert_error(upload(world.a.member, world.a.org, b"not,a,members,file"), 403)  # rights before the file
    assert_error(upload(world.b.org_admin, world.a.org, GOOD_CSV), 404)
    assert User.objects.count() == count


def test_export_is_a_csv_of_the_members_the_caller_sees(world) -> None:
    User.objects.filter(pk=world.a.member.pk).update(full_name="=HYPERLINK(\"http://evil\")")
    for caller in (world.a.org_admin, world.a.student):
        response = client_for(caller).get(url(world.a.org, "members/export/"))
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        lines = response.content.decode().splitlines()
        assert lines[0].startswith("email,full_name,role,grants,status")
        emails = [line.split(",")[0] for line in lines[1:]]
        assert emails == sorted(u.email for u in User.objects.filter(pk__in=a_members(world)))
        assert "'=HYPERLINK" in response.content.decode()
    filtered = client_for(world.a.org_admin).get(url(world.a.org, "members/export/"), {"role": "org_admin"})
    assert filtered.content.decode().splitlines()[1].startswith("a-orgadmin@example.com,")
    assert_error(client_for(world.b.org_admin).get(url(world.a.org, "members/export/")), 404)


def test_organization_teams_list_and_create(world) -> None:
    a_team = str(world.a.rows["team"].pk)
    for user in (world.a.student, world.a.org_admin, world.platform_admin):
        assert ids(client_for(user).get(url(world.a.org, "teams/"))) == {a_team}
    assert_error(client_for(world.b.member).get(url(world.a.org, "teams/")), 404)
    Organization.objects.filter(pk=world.a.org.pk).update(max_teams=3)
    response = client_for(world.a.org_admin).post(url(world.a.org, "teams/"), {
        "name": "Sales", "parent_team": a_team, "organization": str(world.b.org.pk)}, format="json")
    assert response.status_code == 201, response.content
    team = Team.objects.get(pk=response.json()["id"])
    assert (team.organization_id, team.parent_team_id) == (world.a.org.pk, world.a.rows["team"].pk)
    inactive = client_for(world.platform_admin).post(url(world.a.org, "teams/"), {"name": "Old", "is_active": False},
                                                      format="json")
    assert inactive.status_code == 201
    assert ids(client_for(world.a.student).get(url(world.a.org, "teams/"))) == {a_team, str(team.pk)}


def test_refused_team_creation_writes_nothing(world) -> None:
    count = Team.objects.count()
    admin = client_for(world.a.org_admin)
    assert_error(admin.post(url(world.a.org, "teams/"), {"name": "Two"}, format="json"), 409, "team_limit_reached")
    Organization.objects.filter(pk=world.a.org.pk).update(max_teams=-1)
    assert_error(admin.post(url(world.a.org, "teams/"), {"name": "Team"}, format="json"), 409)
    assert_error(admin.post(url(world.a.org, "teams/"), {"name": ""}, format="json"), 400, attr="name")
    b_team = str(world.b.rows["team"].pk)
    assert_error(admin.post(url(world.a.org, "teams/"), {"name": "B child", "parent_team": b_team}, format="json"),
                 400, attr="parent_team")
    assert_error(client_for(world.a.member).post(url(world.a.org, "teams/"), {"name": "Mine"}, format="json"), 403)
    assert_error(client_for(world.b.org_admin).post(url(world.a.org, "teams/"), {"name": "Mine"}, format="json"), 404)
    assert Team.objects.count() == count
