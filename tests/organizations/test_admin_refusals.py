"""Admin writes that row level security ignores are refused, not reported as done (issue 9 item 13).

An organization admin (made staff, so the admin site opens) can read their organization's courses but not
update them, and can read their members but not delete them. PostgreSQL answers such an UPDATE or DELETE
with "0 rows": the admin used to crash with a 500 on the save and to say "deleted successfully" for a
deletion that did not happen. Now each is rolled back and shown as an admin error message.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from instructors.models import Course, CourseSection
from organizations.models import Team, User
from tests.sample_data import PASSWORD
from tests.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    world = build_world()
    # Staff flags only open the admin site (Django permissions); what rows they may write is up to RLS.
    User.objects.filter(pk=world.a.org_admin.pk).update(is_staff=True, is_superuser=True)
    return world


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


class _FormFields(HTMLParser):
    """The values a browser would submit for the page's change form, as rendered."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value", "on" if a.get("type") == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][-1] += data.removeprefix("\n") if not self.data[self._textarea][-1] else data


def change_form(client: Client, url: str) -> dict[str, Any]:
    page = client.get(url)
    assert page.status_code == 200, url
    parser = _FormFields()
    parser.feed(page.content.decode())
    data: dict[str, Any] = {k: v if len(v) != 1 else v[0] for k, v in parser.data.items()}
    data.pop("csrfmiddlewaretoken", None)
    return data


def shown_messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_saving_a_readable_course_that_may_not_be_updated_is_refused(world: World) -> None:
    course = world.a.rows["course"]
    client = client_for(world.a.org_admin)
    url = f"/admin/instructors/course/{course.pk}/change/"
    data = change_form(client, url)
    data["title"] = "Taken over"
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert any("was not changed" in m for m in shown_messages(response)), shown_messages(response)
    assert not any("was changed successfully" in m for m in shown_messages(response))
    course.refresh_from_db()
    assert course.title == "Course"
    assert not LogEntry.objects.filter(object_id=str(course.pk)).exists()


def test_saving_a_readable_section_that_may_not_be_updated_is_refused(world: World) -> None:
    """A model without maintained columns: Django would fall back to an INSERT of the same key."""
    section = world.a.rows["course_section"]
    client = client_for(world.a.org_admin)
    url = f"/admin/instructors/coursesection/{section.pk}/change/"
    data = change_form(client, url)
    data["title"] = "Renamed"
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert any("was not changed" in m for m in shown_messages(response)), shown_messages(response)
    assert CourseSection.objects.get(pk=section.pk).title == "Section"


def test_deleting_a_user_that_may_not_be_deleted_says_so(world: World) -> None:
    member = world.a.member
    client = client_for(world.a.org_admin)
    response = client.post(f"/admin/organizations/user/{member.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200
    shown = shown_messages(response)
    assert any("was not deleted" in m for m in shown), shown
    assert not any("deleted successfully" in m for m in shown), shown
    assert User.objects.filter(pk=member.pk).exists()
    assert not LogEntry.objects.filter(object_id=str(member.pk)).exists()


def test_bulk_delete_of_users_that_may_not_be_deleted_deletes_nothing(world: World) -> None:
    targets = [world.a.member.pk, world.a.student.pk]
    client = client_for(world.a.org_admin)
    response = client.post("/admin/organizations/user/", {
        "action": "delete_selected", "_selected_action": [str(pk) for pk in targets], "post": "yes",
    }, follow=True)
    assert response.status_code == 200
    shown = shown_messages(response)
    assert any("nothing was deleted" in m for m in shown), shown
    assert not any("Successfully deleted" in m for m in shown), shown
    assert User.objects.filter(pk__in=targets).count() == 2
    assert not LogEntry.objects.filter(object_id__in=[str(pk) for pk in targets]).exists()


def test_allowed_admin_writes_still_succeed(world: World) -> None:
    team = world.a.rows["team"]
    client = client_for(world.a.org_admin)
    url = f"/admin/organizations/team/{team.pk}/change/"
    data = change_form(client, url)
    data["name"] = "Renamed team"
    response = client.post(url, data, follow=True)
    assert any("was changed successfully" in m for m in shown_messages(response)), shown_messages(response)
    assert Team.objects.get(pk=team.pk).name == "Renamed team"
    assert Course.objects.filter(pk=world.a.rows["course"].pk).exists()
