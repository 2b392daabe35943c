"""/api/v1/notifications/: the caller's inbox with the realtime resume cursor, the unread badge, mark read,
mark all read, delete. Every endpoint is "mine": other inboxes answer 404, platform admins included."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Notification
from notifications.selectors import decode_cursor
from tests.api_client import assert_error, client_for
from tests.factories import UserFactory
from tests.notifications.builders import course, enroll
from tests.world import build_world

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications/"


def note(recipient, **extra) -> Notification:
    """A notification written as the owner (like create_notification())."""
    values = {"type": "announcement", "title": "Hello", "message": "A message"}
    values.update(extra)
    return Notification.objects.create(user=recipient, **values)


@pytest.fixture
def world():
    world = build_world()
    # One announcement for every person of the leak matrix, besides what the triggers wrote.
    people = [world.a.student, world.a.instructor, world.a.org_admin, world.a.member, world.b.student,
              world.b.instructor, world.b.org_admin, world.platform_admin, world.outsider]
    world.extra["notes"] = {person.pk: note(person) for person in people}
    return world


def own_ids(person) -> set[str]:
    """The person's unexpired notification ids, read as the owner."""
    now = timezone.now()
    return {str(n.pk) for n in Notification.objects.filter(user=person)
            if n.expires_at is None or n.expires_at > now}


def listed_ids(client, query: str = "") -> set[str]:
    ids, url = set(), LIST + query
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        ids |= {row["id"] for row in response.json()["results"]}
        url = response.json()["next"]
    return ids


@pytest.mark.parametrize("method, path", [
    ("get", LIST), ("get", LIST + "unread-count/"), ("post", LIST + "read-all/"),
    ("get", LIST + "00000000-0000-0000-0000-000000000001/"),
    ("patch", LIST + "00000000-0000-0000-0000-000000000001/"),
    ("delete", LIST + "00000000-0000-0000-0000-000000000001/"),
    ("post", LIST + "00000000-0000-0000-0000-000000000001/read/"),
])
def test_every_endpoint_needs_authentication(method: str, path: str) -> None:
    assert_error(getattr(client_for(None), method)(path), 401, "not_authenticated")


def test_each_user_lists_exactly_their_own_notifications(world) -> None:
    people = [world.a.student, world.a.instructor, world.a.org_admin, world.a.member, world.b.student,
              world.b.instructor, world.b.org_admin, world.platform_admin, world.outsider]
    for person in people:
        expected = own_ids(person)
        assert str(world.extra["notes"][person.pk].pk) in expected
        assert listed_ids(client_for(person)) == expected, person.email
    # The instructors' inboxes hold what the triggers wrote for the sample enrollment and review.
    assert {row.type for row in Notification.objects.filter(user=world.a.instructor)} >= {"enrollment", "review"}


def test_the_list_is_newest_first_filterable_and_cursor_paged(world) -> None:
    me = world.a.student
    read = note(me, read_at=timezone.now(), title="Read")
    client = client_for(me)
    first = client.get(LIST + "?page_size=1")
    body = first.json()
    assert len(body["results"]) == 1 and body["next"] and "count" not in body
    assert listed_ids(client, "?page_size=1") == own_ids(me)
    assert listed_ids(client, "?unread=true") == own_ids(me) - {str(read.pk)}
    assert listed_ids(client, "?unread=false") == {str(read.pk)}
    assert listed_ids(client, "?type=payment") == set()
    assert_error(client.get(LIST + "?type=nonsense"), 400, "invalid_choice", "type")
    rows = client.get(LIST).json()["results"]
    assert [r["created_at"] for r in rows] == sorted((r["created_at"] for r in rows), reverse=True)
    assert set(rows[0]) == {"id", "type", "title", "message", "data", "read_at", "is_read", "created_at",
                            "expires_at"}  # never txid


def test_expired_notifications_are_hidden_everywhere(world) -> None:
    me = world.a.member
    gone = note(me, expires_at=timezone.now() - timedelta(minutes=1))
    later = note(me, expires_at=timezone.now() + timedelta(days=1))
    client = client_for(me)
    assert str(gone.pk) not in listed_ids(client) and str(later.pk) in listed_ids(client)
    assert client.get(LIST + "unread-count/").json() == {"count": 2}
    assert_error(client.get(f"{LIST}{gone.pk}/"), 404)
    assert_error(client.post(f"{LIST}{gone.pk}/read/"), 404)


def test_the_realtime_cursor_is_taken_before_the_list_query(world) -> None:
    me = world.a.instructor
    with CaptureQueriesContext(connection) as queries:
        response = client_for(me).get(LIST)
    cursor = response.headers["X-Realtime-Cursor"]
    watermark = decode_cursor(cursor)
    statements = [q["sql"] for q in queries.captured_queries]
    snapshot = next(i for i, s in enumerate(statements) if "pg_snapshot_xmin" in s)
    listing = next(i for i, s in enumerate(statements) if 'FROM "notifications"' in s)
    assert snapshot < listing
    # Every listed row was written by a transaction at or above the watermark (this test's own, still
    # open): a client resuming with the cursor replays them rather than missing them.
    txids = set(Notification.objects.filter(user=me).values_list("txid", flat=True))
    assert all(watermark <= txid for txid in txids)
    assert response.headers["X-Realtime-Cursor"].isdigit()


def test_unread_count_counts_the_callers_unread_rows_and_follows_the_triggers(world) -> None:
    instructor = world.a.instructor
    client = client_for(instructor)
    before = client.get(LIST + "unread-count/").json()["count"]
    assert before == Notification.objects.filter(user=instructor, read_at__isnull=True).count()
    # A new enrollment in the instructor's course: trigger_notify_new_enrollment writes to the inbox.
    enroll(UserFactory(full_name="New Learner"), world.a.rows["course"])
    assert client.get(LIST + "unread-count/").json() == {"count": before + 1}
    rows = client.get(LIST + "?type=enrollment").json()["results"]
    assert any("New Learner" in row["message"] and not row["is_read"] for row in rows)
    # A platform admin's badge counts only the admin's own inbox.
    assert client_for(world.platform_admin).get(LIST + "unread-count/").json() == {"count": 1}


def test_mark_one_read_keeps_the_first_read_time_and_patch_can_mark_unread(world) -> None:
    me = world.b.student
    mine = world.extra["notes"][me.pk]
    client = client_for(me)
    first = client.post(f"{LIST}{mine.pk}/read/")
    assert first.status_code == 200, first.content
    assert first.json()["is_read"] is True and first.json()["read_at"]
    again = client.post(f"{LIST}{mine.pk}/read/")
    assert again.json()["read_at"] == first.json()["read_at"]
    unread = client.patch(f"{LIST}{mine.pk}/", {"is_read": False}, format="json")
    assert unread.status_code == 200 and unread.json()["read_at"] is None
    mine.refresh_from_db()
    assert mine.read_at is None
    assert client.get(f"{LIST}{mine.pk}/").json()["id"] == str(mine.pk)


def test_patch_changes_the_read_state_only(world) -> None:
    me = world.a.member
    mine = world.extra["notes"][me.pk]
    client = client_for(me)
    response = client.patch(f"{LIST}{mine.pk}/", {"is_read": True, "title": "Hacked", "message": "x",
                                                 "user": str(world.b.member.pk), "type": "payment",
                                                 "data": {"evil": True}}, format="json")
    assert response.status_code == 200, response.content
    mine.refresh_from_db()
    assert (mine.title, mine.message, mine.type, mine.data, mine.user_id) == (
        "Hello", "A message", "announcement", {}, me.pk)
    assert mine.read_at is not None
    assert_error(client.patch(f"{LIST}{mine.pk}/", {}, format="json"), 400, "required", "is_read")
    assert_error(client.patch(f"{LIST}{mine.pk}/", {"is_read": "maybe"}, format="json"), 400, "invalid", "is_read")
    assert_error(client.patch(f"{LIST}{mine.pk}/", "{not json", content_type="application/json"), 400,
                 "parse_error")


@pytest.mark.parametrize("caller", ["a_member", "b_student", "platform_admin", "a_org_admin"])
def test_another_users_notification_answers_404_and_does_not_change(world, caller: str) -> None:
    people = {"a_member": world.a.member, "b_student": world.b.student, "platform_admin": world.platform_admin,
              "a_org_admin": world.a.org_admin}
    victim = world.extra["notes"][world.a.student.pk]
    client = client_for(people[caller])
    assert_error(client.get(f"{LIST}{victim.pk}/"), 404)
    assert_error(client.patch(f"{LIST}{victim.pk}/", {"is_read": True}, format="json"), 404)
    assert_error(client.post(f"{LIST}{victim.pk}/read/"), 404)
    assert_error(client.delete(f"{LIST}{victim.pk}/"), 404)
    victim.refresh_from_db()
    assert victim.read_at is None
    assert Notification.objects.filter(pk=victim.pk).exists()
    assert client.get(f"{LIST}not-a-uuid/").status_code == 404


def test_mark_all_read_updates_the_callers_unread_rows_only(world) -> None:
    me = world.a.instructor
    already = note(me, read_at=timezone.now() - timedelta(days=1))
    unread = Notification.objects.filter(user=me, read_at__isnull=True).count()
    assert unread >= 2
    others_unread = Notification.objects.exclude(user=me).filter(read_at__isnull=True).count()
    response = client_for(me).post(LIST + "read-all/")
    assert response.status_code == 200 and response.json() == {"updated": unread}
    assert not Notification.objects.filter(user=me, read_at__isnull=True).exists()
    assert Notification.objects.exclude(user=me).filter(read_at__isnull=True).count() == others_unread
    kept = Notification.objects.get(pk=already.pk)
    assert kept.read_at == already.read_at  # a read row keeps its time
    assert client_for(me).post(LIST + "read-all/").json() == {"updated": 0}
    # A platform admin marks only their own inbox.
    assert client_for(world.platform_admin).post(LIST + "read-all/").json() == {"updated": 1}
    assert Notification.objects.exclude(user=world.platform_admin).filter(read_at__isnull=True).count() == \
        others_unread - 1


def test_delete_removes_the_callers_own_notification(world) -> None:
    me = world.b.instructor
    mine = world.extra["notes"][me.pk]
    client = client_for(me)
    response = client.delete(f"{LIST}{mine.pk}/")
    assert response.status_code == 204
    assert not Notification.objects.filter(pk=mine.pk).exists()
    assert_error(client.delete(f"{LIST}{mine.pk}/"), 404)


def test_a_course_of_another_organization_notifies_only_its_instructor(world) -> None:
    """A trigger's notification reaches its recipient through the API and nobody else."""
    other = course(world.b.instructor, title="B only")
    enroll(world.b.member, other)
    b_ids = listed_ids(client_for(world.b.instructor))
    new = Notification.objects.filter(user=world.b.instructor, data__course_id=str(other.pk)).get()
    assert str(new.pk) in b_ids
    for person in (world.a.instructor, world.b.member, world.platform_admin):
        assert str(new.pk) not in listed_ids(client_for(person))
