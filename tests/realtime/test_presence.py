"""Presence over /ws/realtime/: authorized, instructors see their students, students only themselves."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import StudentPresence
from tests.factories import UserFactory
from tests.notifications.builders import course, enroll
from tests.realtime.wsclient import Socket, token_for

pytestmark = pytest.mark.django_db(transaction=True)


def eventually(check, describe, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, describe()
        time.sleep(0.1)


def is_type(kind: str):
    return lambda frame: frame.get("type") == kind


def presence_changes(sock: Socket) -> list[dict]:
    return [f for f in sock.of_type("change") if f["table"] == "student_presence"]


def changed_users(sock: Socket) -> set[str]:
    return {f["row"]["user"] for f in presence_changes(sock) if f["row"]}


def test_instructor_sees_both_students_each_student_only_themself(rt_server: str) -> None:
    instructor, ann, bob = UserFactory(), UserFactory(), UserFactory()
    course_row = course(instructor)
    enroll(ann, course_row)
    enroll(bob, course_row)
    target = {"course_id": str(course_row.pk)}

    async def run() -> tuple[Socket, Socket, Socket, dict, dict, dict]:
        async with Socket(rt_server, instructor) as teacher, Socket(rt_server, ann) as a, Socket(rt_server, bob) as b:
            for sock in (teacher, a, b):
                await sock.wait_for(is_type("ready"))
            for sock in (a, b):  # students may listen to the course group: presence still filtered per row
                await sock.send({"type": "subscribe", "group": f"course.{course_row.pk}"})
                await sock.wait_for(is_type("subscribed"))
            await a.send({"type": "presence.join", **target})
            await b.send({"type": "presence.join", **target, "status": "away", "metadata": {"client": "test"}})
            await teacher.wait_for(lambda f: f.get("type") == "change" and f["row"] and f["row"]["user"] == str(bob.pk))
            await teacher.wait_for(lambda f: f.get("type") == "change" and f["row"] and f["row"]["user"] == str(ann.pk))
            await a.send({"type": "presence.status", **target, "status": "away"})
            await teacher.wait_for(lambda f: f.get("type") == "change" and f["row"]["user"] == str(ann.pk)
                                   and f["row"]["status"] == "away")
            snapshots = []
            for sock in (teacher, a, b):
                await sock.send({"type": "presence.snapshot", **target})
                snapshots.append(await sock.wait_for(is_type("presence.snapshot")))
            await a.drain(0.5)
            await b.drain(0.5)
            return teacher, a, b, *snapshots

    teacher, a, b, seen_by_teacher, seen_by_ann, seen_by_bob = asyncio.run(run())
    assert changed_users(teacher) == {str(ann.pk), str(bob.pk)}
    assert changed_users(a) == {str(ann.pk)}
    assert changed_users(b) == {str(bob.pk)}
    statuses = {m["user_id"]: m["status"] for m in seen_by_teacher["members"]}
    assert statuses == {str(ann.pk): "away", str(bob.pk): "away"}
    assert [m["user_id"] for m in seen_by_ann["members"]] == [str(ann.pk)]
    assert [m["user_id"] for m in seen_by_bob["members"]] == [str(bob.pk)]
    # Closing the sockets left the course: offline, no connection left (the server handles the close
    # after the client has gone, so poll).
    def states() -> set:
        return {(r.status, r.connection_count) for r in StudentPresence.objects.filter(course=course_row)}

    eventually(lambda: states() == {("offline", 0)}, states)


def test_joining_needs_enrollment_and_two_tabs_count_twice(rt_server: str) -> None:
    instructor, student, stranger = UserFactory(), UserFactory(), UserFactory()
    course_row = course(instructor)
    enroll(student, course_row)
    target = {"course_id": str(course_row.pk)}

    async def run() -> dict:
        async with Socket(rt_server, stranger) as s:
            await s.send({"type": "presence.join", **target})
            error = await s.wait_for(is_type("error"))
        async with Socket(rt_server, student) as tab1, Socket(rt_server, student) as tab2:
            for tab in (tab1, tab2):
                await tab.send({"type": "presence.join", **target})
                await tab.send({"type": "ping"})  # frames are handled in order: the pong follows the join
                await tab.wait_for(is_type("pong"))
            row = StudentPresence.objects.get(user=student, course=course_row)
            assert (row.status, row.connection_count) == ("online", 2)
            tab1.frames.clear()  # wait for the next pong, not the earlier one
            await tab1.send({"type": "presence.leave", **target})
            await tab1.send({"type": "ping"})
            await tab1.wait_for(is_type("pong"))
            row.refresh_from_db()
            assert (row.status, row.connection_count) == ("online", 1)
        return error

    assert asyncio.run(run())["code"] == "forbidden"
    assert not StudentPresence.objects.filter(user=stranger).exists()


CLIENT = """
import json, sys, time
from websockets.sync.client import connect
ws = connect(sys.argv[1], origin=sys.argv[2])
ws.send(json.dumps({"type": "presence.join", "course_id": sys.argv[3]}))
while json.loads(ws.recv()).get("type") != "change":
    pass
print("joined", flush=True)
time.sleep(120)
"""


def test_a_killed_client_goes_offline(rt_server: str) -> None:
    instructor, student = UserFactory(), UserFactory()
    course_row = course(instructor)
    enroll(student, course_row)
    url = rt_server.replace("http://", "ws://") + f"/ws/realtime/?token={token_for(student)}"

    async def run() -> Socket:
        async with Socket(rt_server, instructor) as teacher:
            await teacher.wait_for(is_type("ready"))
            proc = subprocess.Popen([sys.executable, "-c", CLIENT, url, rt_server.replace("127.0.0.1", "localhost"),
                                     str(course_row.pk)], stdout=subprocess.PIPE, text=True, env=dict(os.environ))
            try:
                line = await asyncio.to_thread(proc.stdout.readline)
                assert line.strip() == "joined"
                await teacher.wait_for(lambda f: f.get("type") == "change" and f["row"]["status"] == "online")
                proc.kill()  # no close frame: the server learns from the dropped connection
            finally:
                proc.kill()
                proc.wait(10)
            await teacher.wait_for(lambda f: f.get("type") == "change" and f["row"]["status"] == "offline", 30)
            return teacher

    asyncio.run(run())


def test_stale_rows_go_offline_by_the_listeners_sweep(rt_server: str) -> None:
    """A server that died with its sockets: the publishing listener's cleanup_stale_presence() sweep."""
    instructor, student = UserFactory(), UserFactory()
    course_row = course(instructor)
    enroll(student, course_row)
    row = StudentPresence.objects.create(user=student, course=course_row, status="online", metadata={},
                                         last_seen_at=timezone.now() - timedelta(minutes=6))
    StudentPresence.objects.filter(pk=row.pk).update(connection_count=1)

    async def run() -> dict:
        async with Socket(rt_server, instructor) as teacher:
            return await teacher.wait_for(lambda f: f.get("type") == "change" and f["id"] == str(row.pk)
                                          and f["row"]["status"] == "offline", 15)

    frame = asyncio.run(run())
    assert json.dumps(frame["row"]["user"]) == json.dumps(str(student.pk))
