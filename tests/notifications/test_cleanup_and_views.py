"""cleanup_old_notifications(), cleanup_stale_presence(), the three security_invoker views, and the catalog
of the notifications logic against contract.json (spec 40 "Functions", "Views"; conventions §3, §12)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from humanglue.contract import load_contract
from humanglue.contract.checks import API_FUNCTIONS
from instructors.models import CourseReview, Enrollment, StudentActivity
from notifications.models import Notification, StudentPresence
from tests.catalog import assert_verified
from tests.db import fetch
from tests.factories import UserFactory
from tests.notifications import builders as b
from tests.world import acting_as

pytestmark = pytest.mark.django_db

CONTRACT = load_contract()
OWN_FUNCTIONS = {
    "create_notification", "cleanup_old_notifications", "cleanup_stale_presence",
    "notify_instructor_new_enrollment", "notify_instructor_workshop_registration", "notify_instructor_completion",
    "notify_instructor_new_review", "notify_instructor_payment", "realtime_notify_change",
}
OWN_VIEWS = ("user_unread_notifications", "instructor_recent_activity", "live_course_stats")
# (table, trigger, function, events, timing)
OWN_TRIGGERS = [
    ("enrollments", "trigger_notify_new_enrollment", "notify_instructor_new_enrollment", {"INSERT"}),
    ("enrollments", "trigger_notify_completion", "notify_instructor_completion", {"UPDATE"}),
    ("workshop_registrations", "trigger_notify_workshop_registration", "notify_instructor_workshop_registration",
     {"INSERT", "UPDATE"}),
    ("course_reviews", "trigger_notify_new_review", "notify_instructor_new_review", {"INSERT"}),
    ("payments", "trigger_notify_payment", "notify_instructor_payment", {"INSERT", "UPDATE"}),
] + [
    (table, f"realtime_notify_{table}", "realtime_notify_change", {"INSERT", "UPDATE", "DELETE"})
    for table in CONTRACT["realtime"]["tables"]
]


def scalar(sql: str, params: list | None = None) -> Any:
    return fetch(sql, params)[0][0]


# --- cleanup_old_notifications() -----------------------------------------------------------------------------------

def note(recipient: Any, *, age_days: float = 0, expires_in: timedelta | None = None, read: bool = False) -> Any:
    row = Notification.objects.create(user=recipient, type="announcement", title="t", message="m",
                                      expires_at=timezone.now() + expires_in if expires_in is not None else None)
    now = timezone.now()
    Notification.objects.filter(pk=row.pk).update(created_at=now - timedelta(days=age_days),
                                                  read_at=now if read else None)
    return row.pk


def test_cleanup_old_notifications_deletes_old_and_expired_rows_read_or_unread() -> None:
    someone = UserFactory(full_name="Ada")
    doomed = {
        note(someone, age_days=31),
        note(someone, age_days=31, read=True),
        note(someone, expires_in=timedelta(minutes=-1)),
        note(someone, expires_in=timedelta(minutes=-1), read=True),
    }
    kept = {
        note(someone, age_days=29),
        note(someone, age_days=29, read=True),
        note(someone, expires_in=timedelta(days=2)),
    }
    assert scalar("SELECT public.cleanup_old_notifications()") == 4
    assert set(Notification.objects.values_list("pk", flat=True)) == kept
    assert not Notification.objects.filter(pk__in=doomed).exists()
    assert scalar("SELECT public.cleanup_old_notifications()") == 0


@pytest.mark.parametrize("previous", [None, "off", "on"])
def test_the_cleanups_restore_the_callers_suppression_setting(previous: str | None) -> None:
    if previous is not None:
        fetch("SELECT set_config('app.realtime_suppress', %s, true)", [previous])
    fetch("SELECT public.cleanup_old_notifications(), public.cleanup_stale_presence()")
    assert scalar("SELECT coalesce(current_setting('app.realtime_suppress', true), '')") == (previous or "")


# --- cleanup_stale_presence() --------------------------------------------------------------------------------------

def test_cleanup_stale_presence_marks_stale_rows_offline_then_deletes_day_old_offline_rows() -> None:
    c = b.cast()
    others = [UserFactory(full_name=f"S{i}") for i in range(6)]
    now = timezone.now()

    def present(person: Any, status: str, seen_ago: timedelta, connections: int = 2) -> Any:
        b.enroll(person, c.course)
        row = StudentPresence.objects.create(user=person, course=c.course, status=status)
        StudentPresence.objects.filter(pk=row.pk).update(last_seen_at=now - seen_ago, connection_count=connections)
        return row.pk

    fresh = present(others[0], "online", timedelta(minutes=4))
    stale_online = present(others[1], "online", timedelta(minutes=6))
    stale_away = present(others[2], "away", timedelta(hours=3))
    offline_recent = present(others[3], "offline", timedelta(hours=23), connections=0)
    offline_old = present(others[4], "offline", timedelta(hours=25), connections=0)
    silent_for_days = present(others[5], "online", timedelta(days=2))  # marked offline and deleted in one call

    assert scalar("SELECT public.cleanup_stale_presence()") == 2  # offline_old and silent_for_days

    rows = {r.pk: r for r in StudentPresence.objects.all()}
    assert set(rows) == {fresh, stale_online, stale_away, offline_recent}
    assert not {offline_old, silent_for_days} & set(rows)
    assert (rows[fresh].status, rows[fresh].connection_count) == ("online", 2)
    for pk, ago in ((stale_online, timedelta(minutes=6)), (stale_away, timedelta(hours=3))):
        assert (rows[pk].status, rows[pk].connection_count) == ("offline", 0)
        assert rows[pk].last_seen_at == now - ago  # the true last sighting is kept
    assert rows[offline_recent].status == "offline"
    assert scalar("SELECT public.cleanup_stale_presence()") == 0


# --- user_unread_notifications -------------------------------------------------------------------------------------

def test_user_unread_notifications_counts_unread_unexpired_rows_and_only_ones_own() -> None:
    alice, bob, nobody = UserFactory(full_name="Alice"), UserFactory(full_name="Bob"), UserFactory(full_name="Nobody")
    note(alice, age_days=2)
    latest = note(alice, age_days=1)
    note(alice, read=True)
    note(alice, expires_in=timedelta(minutes=-1))
    note(alice, expires_in=timedelta(hours=1), age_days=1.5)
    note(bob)
    note(nobody, read=True)
    latest_at = Notification.objects.get(pk=latest).created_at
    with acting_as(alice):
        assert fetch("SELECT user_id, unread_count, latest_notification_at FROM user_unread_notifications") == [
            (alice.pk, 3, latest_at)]
    with acting_as(nobody):
        assert fetch("SELECT * FROM user_unread_notifications") == []  # no row: treat as 0
    with acting_as(None):
        assert fetch("SELECT * FROM user_unread_notifications") == []
    admin = UserFactory(full_name="Admin", role="admin")
    with acting_as(admin):
        assert dict(fetch("SELECT user_id, unread_count FROM user_unread_notifications")) == {alice.pk: 3, bob.pk: 1}


# --- instructor_recent_activity ------------------------------------------------------------------------------------

def test_instructor_recent_activity_enriches_course_and_workshop_activity_for_the_right_readers() -> None:
    c = b.cast()
    other_teacher, other_student = UserFactory(full_name="Other Teacher"), UserFactory(full_name="Other Student")
    now = timezone.now()
    b.enroll(c.student, c.course)  # the teaching relation that lets the instructor read the student's name
    StudentActivity.objects.all().delete()  # rows other apps' triggers may have written; the test writes its own
    User = type(c.student)
    User.objects.filter(pk=c.student.pk).update(avatar_url="https://example.com/stu.png")
    course_row = StudentActivity.objects.create(
        instructor=c.instructor, student=c.student, course=c.course, activity_type="lesson_completed",
        activity_title="Finished lesson 1", activity_description="Intro", metadata={"k": 1},
        occurred_at=now - timedelta(hours=1))
    workshop_row = StudentActivity.objects.create(
        instructor=c.instructor, student=c.student, workshop=c.workshop, activity_type="workshop_registered",
        activity_title="Registered", occurred_at=now)
    foreign = StudentActivity.objects.create(
        instructor=other_teacher, student=other_student, course=b.course(other_teacher, title="Elsewhere"),
        activity_type="enrolled", activity_title="x", occurred_at=now)
    columns = [col for col in CONTRACT["views"]["instructor_recent_activity"]["columns"]]
    with acting_as(c.instructor):
        rows = [dict(zip(columns, r, strict=True)) for r in fetch(
            f"SELECT {', '.join(columns)} FROM instructor_recent_activity ORDER BY occurred_at DESC, id DESC")]
    assert [r["id"] for r in rows] == [workshop_row.pk, course_row.pk]
    assert rows[0] | {"created_at": None} == {
        "id": workshop_row.pk, "student_id": c.student.pk, "instructor_id": c.instructor.pk, "course_id": None,
        "workshop_id": c.workshop.pk, "lesson_id": None, "activity_type": "workshop_registered",
        "activity_title": "Registered", "activity_description": None, "metadata": "{}", "occurred_at": now,
        "created_at": None, "student_name": "Stu Dent", "student_avatar": "https://example.com/stu.png",
        "course_title": None, "workshop_title": "Change Lab"}
    assert (rows[1]["course_title"], rows[1]["workshop_title"], rows[1]["activity_description"]) == (
        "Prompt Craft", None, "Intro")
    with acting_as(c.student):  # a student sees their own activity
        assert {r[0] for r in fetch("SELECT id FROM instructor_recent_activity")} == {workshop_row.pk, course_row.pk}
    with acting_as(other_teacher):
        assert [r[0] for r in fetch("SELECT id FROM instructor_recent_activity")] == [foreign.pk]
    with acting_as(UserFactory(full_name="Outsider")):
        assert fetch("SELECT id FROM instructor_recent_activity") == []


# --- live_course_stats ---------------------------------------------------------------------------------------------

def test_live_course_stats_figures_and_readers() -> None:
    c = b.cast()
    org = b.organization()
    type(c.course).objects.filter(pk=c.course.pk).update(organization=org)
    students = [UserFactory(full_name=f"S{i}") for i in range(4)]
    enrollments = [b.enroll(s, c.course, organization=org) for s in students]
    now = timezone.now()
    for e in enrollments[:2]:
        Enrollment.objects.filter(pk=e.pk).update(status="completed", completed_at=now)
    # An enrollment moved out of 'completed' keeps completed_at but no longer counts (status only).
    Enrollment.objects.filter(pk=enrollments[2].pk).update(completed_at=now)
    for e, rating, published in ((enrollments[0], 5, True), (enrollments[1], 4, True), (enrollments[2], 1, False)):
        row = CourseReview.objects.create(course=c.course, user_id=e.user_id, enrollment=e, rating=rating)
        CourseReview.objects.filter(pk=row.pk).update(is_published=published)
    # Presence: two online students (one with a second row in a workshop), one stale, one away, the instructor.
    StudentPresence.objects.create(user=students[0], course=c.course, status="online")
    StudentPresence.objects.create(user=students[1], course=c.course, status="online")
    stale = StudentPresence.objects.create(user=students[2], course=c.course, status="online")
    StudentPresence.objects.filter(pk=stale.pk).update(last_seen_at=now - timedelta(minutes=6))
    StudentPresence.objects.create(user=students[3], course=c.course, status="away")
    StudentPresence.objects.create(user=c.instructor, course=c.course, status="online")

    other_course = b.course(UserFactory(full_name="Other Teacher"), title="Elsewhere")
    expected = (c.course.pk, c.instructor.pk, 4, 2, Decimal("4.50"), 2, 2)
    sql = ("SELECT course_id, instructor_id, total_enrollments, completed_count, average_rating, review_count, "
           "online_students FROM live_course_stats")
    with acting_as(c.instructor):
        assert fetch(sql) == [expected]
    org_admin = UserFactory(full_name="Org Admin", organization=org, role="org_admin")
    with acting_as(org_admin):  # the org's course; its enrollments and reviews through the org-admin policies
        assert [r[:2] for r in fetch(sql)] == [(c.course.pk, c.instructor.pk)]
    with acting_as(students[0]):
        assert fetch(sql) == []
    with acting_as(UserFactory(full_name="Admin", role="admin")):
        rows = {r[0]: r for r in fetch(sql)}
        assert rows[c.course.pk] == expected
        assert rows[other_course.pk] == (other_course.pk, other_course.instructor_id, 0, 0, None, 0, 0)


# --- catalog -------------------------------------------------------------------------------------------------------

def test_functions_match_the_contract_and_are_owner_only() -> None:
    """Result, security definer with the pinned search_path, volatility, owner, EXECUTE for neither the app
    role nor PUBLIC: verify's function checks. The argument names are not in the contract."""
    assert {f["name"] for f in CONTRACT["functions"] if f["name"] in OWN_FUNCTIONS} == OWN_FUNCTIONS
    assert all(f["security"] == "definer" for f in CONTRACT["functions"] if f["name"] in OWN_FUNCTIONS)
    assert not OWN_FUNCTIONS & API_FUNCTIONS
    assert_verified("function", OWN_FUNCTIONS)
    assert scalar("SELECT pg_get_function_identity_arguments('public.create_notification(uuid, text, text, text, "
                  "jsonb, timestamp with time zone)'::regprocedure)") == (
        "p_user_id uuid, p_type text, p_title text, p_message text, p_data jsonb, "
        "p_expires_at timestamp with time zone")


def test_triggers_have_the_contract_names_events_and_timing() -> None:
    live = {
        (table, name): (function, timing_after, row_level, events)
        for table, name, function, timing_after, row_level, events in fetch(
            """
            SELECT c.relname, t.tgname, p.proname, (t.tgtype & 2) = 0, (t.tgtype & 1) = 1,
                   array_remove(ARRAY[CASE WHEN t.tgtype & 4 <> 0 THEN 'INSERT' END,
                                      CASE WHEN t.tgtype & 8 <> 0 THEN 'DELETE' END,
                                      CASE WHEN t.tgtype & 16 <> 0 THEN 'UPDATE' END], NULL)
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
            WHERE NOT t.tgisinternal AND (t.tgname LIKE 'trigger_notify_%%' OR t.tgname LIKE 'realtime_notify_%%')
            """)
    }
    assert len(live) == len(OWN_TRIGGERS) == 12
    for table, name, function, events in OWN_TRIGGERS:
        assert name in CONTRACT["tables"][table]["triggers"]
        got_function, after, row_level, got_events = live[(table, name)]
        assert (got_function, after, row_level, set(got_events)) == (function, True, True, events), name
    assert not fetch("SELECT 1 FROM pg_trigger WHERE tgname LIKE 'realtime_notify_%%' AND tgattr <> ''::int2vector")


def test_the_realtime_trigger_function_itself_calls_pg_notify_on_the_contract_channel() -> None:
    source = scalar("SELECT prosrc FROM pg_proc WHERE proname = 'realtime_notify_change'")
    assert "pg_notify(" in source and f"'{CONTRACT['realtime']['channel']}'" in source
    assert scalar("SELECT count(*) FROM pg_publication") == 0


def test_views_are_security_invoker_readable_by_the_app_role_and_read_only() -> None:
    """Views (not tables), security_invoker, the contract's columns in order, SELECT only: verify's checks."""
    assert_verified("view", OWN_VIEWS)
    assert_verified("grant", [f"SELECT on {view}" for view in OWN_VIEWS])
