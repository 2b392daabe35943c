"""The "Live notifications" admin page and the JavaScript client it serves (no browser: see tests/browser)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from notifications.models import Notification
from organizations.models import User
from tests.factories import PlatformAdminFactory, UserFactory
from tests.sample_data import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = "/admin/dashboards/live-notifications/"


def client_for(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def staff_member() -> User:
    staff = PlatformAdminFactory()
    User.objects.filter(pk=staff.pk).update(is_staff=True, is_superuser=True)
    return staff


def test_the_page_lists_only_the_staff_members_own_inbox_with_a_resume_cursor() -> None:
    staff, other = staff_member(), UserFactory()
    mine = Notification.objects.create(user=staff, type="announcement", title="Mine", message="m")
    Notification.objects.create(user=other, type="announcement", title="Theirs", message="m")
    response = client_for(staff).get(PAGE)
    assert response.status_code == 200
    assert [n.pk for n in response.context["notifications"]] == [mine.pk]  # not every inbox a platform admin sees
    page = response.content.decode()
    config = json.loads(page.split('<script id="realtime-config" type="application/json">')[1].split("</script>")[0])
    assert config["cursor"].isdigit() and config["url"] == "/ws/realtime/"
    assert "notifications/realtime.js" in page and "Theirs" not in page
    assert 'href="/admin/dashboards/live-notifications/"' in client_for(staff).get("/admin/").content.decode()


def test_the_page_needs_a_signed_in_staff_member() -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
