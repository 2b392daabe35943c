"""Row events and notifications through a live uvicorn: who receives what (spec 40, issue 14)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from django.db import transaction

from instructors.models import Enrollment
from notifications.models import Notification
from tests.factories import OrganizationFactory, UserFactory
from tests.notifications.builders import course, enroll
from tests.realtime.wsclient import Socket, token_for

pytestmark = pytest.mark.django_db(transaction=True)


def note(user, title: str = "Hello") -> Notification:
    return Notification.objects.create(user=user, type="announcement", title=title, message="A message")


def is_type(kind: str):
    return lambda frame: frame.get("type") == kind


def test_anonymous_is_closed_with_4401(rt_server: str) -> None:
    async def run() -> int:
        async with Socket(rt_server, None) as sock:
            await sock.ws.wait_closed()
            return sock.ws.close_code

    assert asyncio.run(run()) == 4401


def test_ready_frame_with_header_token(rt_server: str) -> None:
    user = UserFactory()
    note(user)

    async def run() -> dict:
        async with Socket(rt_server, user, header=True) as sock:
            return await sock.wait_for(is_type("ready"))

    ready = asyncio.run(run())
    assert ready["unread_count"] == 1 and ready["heartbeat_interval"] == 30 and ready["cursor"].isdigit()


def test_enrollment_through_the_api_reaches_only_the_course_instructor(rt_server: str) -> None:
    org_a, org_b = OrganizationFactory(), OrganizationFactory()
    instructor = UserFactory(organization=org_a)
    other = UserFactory(organization=org_b)
    course_row = course(instructor, organization=org_a)
    course(other, organization=org_b)
    student = UserFactory(organization=org_a)
    bystander = UserFactory(organization=org_a)

    async def run() -> tuple[Socket, Socket, Socket, str]:
        async with Socket(rt_server, instructor) as mine, Socket(rt_server, other) as theirs, \
                Socket(rt_server, bystander) as third:
            for sock in (mine, theirs, third):
                await sock.wait_for(is_type("ready"))
            response = await asyncio.to_thread(
                httpx.post, f"{rt_server}/api/v1/courses/{course_row.pk}/enroll/",
                headers={"Authorization": f"Bearer {token_for(student)}"}, timeout=20)
            assert response.status_code == 201, response.text
            enrollment_id = response.json()["id"]
            change = await mine.wait_for(lambda f: f.get("type") == "change" and f["table"] == "enrollments")
            assert change["op"] == "INSERT" and change["id"] == enrollment_id
            assert change["row"]["id"] == enrollment_id
            await mine.wait_for(lambda f: f.get("type") == "notification"
                                and f["notification"]["type"] == "enrollment")
            await mine.wait_for(is_type("unread_count"))
            await theirs.drain(1.0)
            await third.drain(0.2)
            return mine, theirs, third, enrollment_id

    mine, theirs, third, _ = asyncio.run(run())
    assert mine.of_type("unread_count")[-1]["count"] == 1
    for sock in (theirs, third):
        assert not sock.of_type("change") and not sock.of_type("notification"), sock.frames


def test_a_rolled_back_write_reaches_nobody(rt_server: str) -> None:
    user = UserFactory()

    async def run() -> Socket:
        async with Socket(rt_server, user) as sock:
            await sock.wait_for(is_type("ready"))
            with transaction.atomic():
                note(user, "never")
                transaction.set_rollback(True)
            kept = note(user, "kept")
            await sock.wait_for(lambda f: f.get("type") == "notification" and f["notification"]["id"] == str(kept.pk))
            await sock.drain(0.5)
            return sock

    sock = asyncio.run(run())
    assert [f["notification"]["title"] for f in sock.of_type("notification")] == ["kept"]


def test_a_delete_reaches_only_its_audience(rt_server: str) -> None:
    instructor = UserFactory()
    student, classmate = UserFactory(), UserFactory()
    course_row = course(instructor)
    enroll(classmate, course_row)
    enrollment = enroll(student, course_row)

    async def run() -> tuple[Socket, Socket, Socket]:
        async with Socket(rt_server, instructor) as teacher, Socket(rt_server, student) as owner, \
                Socket(rt_server, classmate) as peer:
            for sock in (teacher, owner, peer):
                await sock.wait_for(is_type("ready"))
            # The classmate may subscribe to the course group; DELETEs never travel through it.
            await peer.send({"type": "subscribe", "group": f"course.{course_row.pk}"})
            await peer.wait_for(is_type("subscribed"))
            Enrollment.objects.filter(pk=enrollment.pk).delete()

            def deleted(f: dict) -> bool:
                return f.get("type") == "change" and f["op"] == "DELETE" and f["id"] == str(enrollment.pk)

            for sock in (teacher, owner):
                frame = await sock.wait_for(deleted)
                assert frame == {"type": "change", "table": "enrollments", "op": "DELETE",
                                 "id": str(enrollment.pk), "row": None}
            await peer.drain(1.0)
            return teacher, owner, peer

    _, _, peer = asyncio.run(run())
    assert not [f for f in peer.of_type("change") if f["op"] == "DELETE"], peer.frames


def test_subscribing_needs_entitlement(rt_server: str) -> None:
    instructor, stranger = UserFactory(), UserFactory()
    course_row = course(instructor)

    async def run() -> tuple[dict, dict]:
        async with Socket(rt_server, stranger) as sock, Socket(rt_server, instructor) as teacher:
            await sock.send({"type": "subscribe", "group": f"course.{course_row.pk}"})
            await teacher.send({"type": "subscribe", "group": f"course.{course_row.pk}"})
            return await sock.wait_for(is_type("error")), await teacher.wait_for(is_type("subscribed"))

    error, ok = asyncio.run(run())
    assert error["code"] == "forbidden" and ok["group"] == f"course.{course_row.pk}"


def test_read_state_changes_and_expired_rows(rt_server: str) -> None:
    from datetime import timedelta

    from django.utils import timezone

    user = UserFactory()
    unread = note(user, "to read")

    async def run() -> Socket:
        async with Socket(rt_server, user) as sock:
            await sock.wait_for(is_type("ready"))
            Notification.objects.create(user=user, type="announcement", title="expired", message="m",
                                        expires_at=timezone.now() - timedelta(minutes=1))
            Notification.objects.filter(pk=unread.pk).update(read_at=timezone.now())
            change = await sock.wait_for(lambda f: f.get("type") == "change" and f["id"] == str(unread.pk))
            assert change["op"] == "UPDATE" and change["row"]["read_at"] is not None
            assert (await sock.wait_for(is_type("unread_count")))["count"] == 0
            await sock.drain(0.5)
            return sock

    sock = asyncio.run(run())
    assert not sock.of_type("notification")  # the expired row was never sent
    assert "txid" not in sock.of_type("change")[0]["row"]


def test_org_deletes_reach_org_admins_subscribed_to_the_org_not_members(rt_server: str) -> None:
    org = OrganizationFactory()
    admin = UserFactory(organization=org, role="org_admin")
    member = UserFactory(organization=org)
    instructor, student = UserFactory(), UserFactory(organization=org)
    enrollment = enroll(student, course(instructor), organization=org)

    async def run() -> tuple[Socket, Socket]:
        async with Socket(rt_server, admin) as boss, Socket(rt_server, member) as peer:
            for sock in (boss, peer):
                await sock.send({"type": "subscribe", "group": f"org.{org.pk}"})
                await sock.wait_for(is_type("subscribed"))
            Enrollment.objects.filter(pk=enrollment.pk).delete()
            await boss.wait_for(lambda f: f.get("type") == "change" and f["op"] == "DELETE"
                                and f["id"] == str(enrollment.pk))
            await peer.drain(1.0)
            return boss, peer

    _, peer = asyncio.run(run())
    assert not peer.of_type("change"), peer.frames


def test_bad_frames_are_answered_with_bad_request_and_the_socket_stays(rt_server: str) -> None:
    user = UserFactory()

    async def run() -> list[dict]:
        async with Socket(rt_server, user) as sock:
            await sock.wait_for(is_type("ready"))
            await sock.ws.send("not json")
            await sock.send({"type": "nonsense"})
            await sock.send({"type": "subscribe", "group": "user.someone-else"})
            await sock.send({"type": "ping"})
            await sock.wait_for(is_type("pong"))
            return sock.of_type("error")

    errors = asyncio.run(run())
    assert [e["code"] for e in errors] == ["bad_request"] * 3
