"""The database half of realtime (spec 40, "Realtime bridge", "NOTIFY payload", "Routing keys per table"):
a separate psycopg connection LISTENs on humanglue_realtime (autocommit) and must see exactly one payload
per committed row change of each of the 7 realtime tables, with the right routing keys and no row
content, nothing for a rolled-back change, nothing for presence heartbeats and nothing while
app.realtime_suppress is 'on'.

These tests commit (transaction=True), so the listener sees what a deployment would see.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from django.db import connection, transaction
from django.utils import timezone

from instructors.models import CourseReview, Enrollment, StudentActivity
from notifications.models import Notification, StudentPresence
from payments.models import Payment
from tests.notifications import builders as b
from workshops.models import WorkshopRegistration

pytestmark = pytest.mark.django_db(transaction=True)

CHANNEL = "humanglue_realtime"
ROUTING_KEYS = ("user_id", "instructor_id", "course_id", "workshop_id", "organization_id")
ALLOWED_KEYS = {"v", "table", "op", "id", *ROUTING_KEYS}


class Listener:
    """A LISTEN session of its own, like the deployment's listener."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn

    def drain(self) -> list[dict[str, Any]]:
        """Every payload committed so far, in commit order. A marker NOTIFY is committed from the test's own
        connection after the changes; NOTIFY delivers in commit order, so everything before it has arrived
        when the marker does (no sleeping, no guessing)."""
        marker = uuid4().hex
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, json.dumps({"marker": marker})])
        events = []
        for notify in self.conn.notifies(timeout=10):
            assert notify.channel == CHANNEL
            body = json.loads(notify.payload)
            if body.get("marker") == marker:
                return events
            check_payload(notify.payload, body)
            events.append(body)
        raise AssertionError("the marker notification never arrived")


def check_payload(raw: str, body: dict[str, Any]) -> None:
    """The payload contract: v 1, table, op, id and only non-null routing keys; ids only; < 600 bytes."""
    assert len(raw.encode()) < 600, raw
    assert set(body) <= ALLOWED_KEYS and {"v", "table", "op", "id"} <= set(body), body
    assert body["v"] == 1 and body["op"] in ("INSERT", "UPDATE", "DELETE"), body
    for key in ("id", *ROUTING_KEYS):
        if key in body:
            assert UUID(body[key]) and body[key] is not None, body


@pytest.fixture
def listener(transactional_db: None) -> Iterator[Listener]:
    connection.ensure_connection()
    params = connection.get_connection_params()
    kwargs = {k: params[k] for k in ("dbname", "user", "password", "host", "port") if params.get(k)}
    conn = psycopg.connect(**kwargs, autocommit=True)
    conn.execute(f"LISTEN {CHANNEL}")
    try:
        yield Listener(conn)
    finally:
        conn.close()


def event(table: str, op: str, pk: Any, **keys: Any) -> dict[str, Any]:
    """The expected payload: routing keys given as rows or ids; None values are left out (non-null only)."""
    body = {"v": 1, "table": table, "op": op, "id": str(pk)}
    for key, value in keys.items():
        assert key in ROUTING_KEYS
        if value is not None:
            body[key] = str(getattr(value, "pk", value))
    return body


def of(events: list[dict[str, Any]], table: str) -> list[dict[str, Any]]:
    return [e for e in events if e["table"] == table]


@pytest.fixture
def cast(listener: Listener) -> b.Cast:
    people = b.cast()
    listener.drain()  # setup noise
    return people


# --- one payload per committed change, per table -------------------------------------------------------------------

def test_notifications(listener: Listener, cast: b.Cast) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT public.create_notification(%s, 'announcement', 'Hi', 'Hello there')",
                       [cast.student.pk])
        pk = cursor.fetchone()[0]
    assert listener.drain() == [event("notifications", "INSERT", pk, user_id=cast.student)]
    rows = Notification.objects.filter(pk=pk)
    rows.update(read_at=timezone.now())
    assert listener.drain() == [event("notifications", "UPDATE", pk, user_id=cast.student)]
    rows.update(title="Hi")  # the same value: the row did not change
    assert listener.drain() == []
    rows.delete()
    assert listener.drain() == [event("notifications", "DELETE", pk, user_id=cast.student)]


def test_enrollments(listener: Listener, cast: b.Cast) -> None:
    org = b.organization()
    type(cast.student).objects.filter(pk=cast.student.pk).update(organization=org)
    enrollment = b.enroll(cast.student, cast.course, organization=org)
    keys = dict(user_id=cast.student, instructor_id=cast.instructor, course_id=cast.course, organization_id=org)
    events = listener.drain()
    assert of(events, "enrollments") == [event("enrollments", "INSERT", enrollment.pk, **keys)]
    notes = of(events, "notifications")  # the enrollment notification rides along, to the instructor
    assert [(e["op"], e["user_id"]) for e in notes] == [("INSERT", str(cast.instructor.pk))]

    Enrollment.objects.filter(pk=enrollment.pk).update(last_accessed_at=timezone.now())
    assert of(listener.drain(), "enrollments") == [event("enrollments", "UPDATE", enrollment.pk, **keys)]
    Enrollment.objects.filter(pk=enrollment.pk).delete()
    assert of(listener.drain(), "enrollments") == [event("enrollments", "DELETE", enrollment.pk, **keys)]


def test_enrollment_without_organization_or_instructor_sends_only_the_keys_it_has(
        listener: Listener, cast: b.Cast) -> None:
    orphan = b.course(None, title="Orphaned")
    listener.drain()
    enrollment = b.enroll(cast.student, orphan)
    events = listener.drain()
    assert of(events, "enrollments") == [event("enrollments", "INSERT", enrollment.pk, user_id=cast.student,
                                               course_id=orphan)]
    assert of(events, "notifications") == []


def test_workshop_registrations(listener: Listener, cast: b.Cast) -> None:
    registration = WorkshopRegistration.objects.create(workshop=cast.workshop, user=cast.student,
                                                       price_paid=Decimal("0.00"))
    registration.refresh_from_db()
    keys = dict(user_id=cast.student, instructor_id=cast.instructor, workshop_id=cast.workshop,
                organization_id=registration.organization_id)
    events = listener.drain()
    assert of(events, "workshop_registrations") == [
        event("workshop_registrations", "INSERT", registration.pk, **keys)]
    assert [e["user_id"] for e in of(events, "notifications")] == [str(cast.instructor.pk)]
    WorkshopRegistration.objects.filter(pk=registration.pk).update(metadata={"seat": 4})
    assert of(listener.drain(), "workshop_registrations") == [
        event("workshop_registrations", "UPDATE", registration.pk, **keys)]
    WorkshopRegistration.objects.filter(pk=registration.pk).delete()
    assert of(listener.drain(), "workshop_registrations") == [
        event("workshop_registrations", "DELETE", registration.pk, **keys)]


def test_student_activity(listener: Listener, cast: b.Cast) -> None:
    course_row = StudentActivity.objects.create(instructor=cast.instructor, student=cast.student,
                                                course=cast.course, activity_type="lesson_completed",
                                                activity_title="A lesson title that must never travel")
    workshop_row = StudentActivity.objects.create(instructor=cast.instructor, student=cast.student,
                                                  workshop=cast.workshop, activity_type="workshop_attended",
                                                  activity_title="Attended")
    course_keys = dict(user_id=cast.student, instructor_id=cast.instructor, course_id=cast.course)
    workshop_keys = dict(user_id=cast.student, instructor_id=cast.instructor, workshop_id=cast.workshop)
    assert of(listener.drain(), "student_activity") == [
        event("student_activity", "INSERT", course_row.pk, **course_keys),
        event("student_activity", "INSERT", workshop_row.pk, **workshop_keys)]
    StudentActivity.objects.filter(pk=course_row.pk).update(activity_description="more")
    assert listener.drain() == [event("student_activity", "UPDATE", course_row.pk, **course_keys)]
    StudentActivity.objects.filter(pk=workshop_row.pk).delete()
    assert listener.drain() == [event("student_activity", "DELETE", workshop_row.pk, **workshop_keys)]


def test_course_reviews_even_the_widest_carry_no_text(listener: Listener, cast: b.Cast) -> None:
    enrollment = b.enroll(cast.student, cast.course)
    Enrollment.objects.filter(pk=enrollment.pk).update(status="completed", completed_at=timezone.now())
    listener.drain()
    text = "secret-" + "x" * 4993
    review = CourseReview.objects.create(course=cast.course, user=cast.student, enrollment=enrollment, rating=5,
                                         title="T" * 200, review_text=text)
    keys = dict(user_id=cast.student, instructor_id=cast.instructor, course_id=cast.course)
    events = listener.drain()
    assert of(events, "course_reviews") == [event("course_reviews", "INSERT", review.pk, **keys)]
    assert "secret" not in json.dumps(events)
    CourseReview.objects.filter(pk=review.pk).update(instructor_response="Thanks " * 500)
    assert of(listener.drain(), "course_reviews") == [event("course_reviews", "UPDATE", review.pk, **keys)]
    CourseReview.objects.filter(pk=review.pk).delete()
    assert of(listener.drain(), "course_reviews") == [event("course_reviews", "DELETE", review.pk, **keys)]


def test_student_presence_and_silent_heartbeats(listener: Listener, cast: b.Cast) -> None:
    b.enroll(cast.student, cast.course)
    listener.drain()
    row = StudentPresence.objects.create(user=cast.student, course=cast.course, metadata={"lesson_id": "l1"})
    keys = dict(user_id=cast.student, instructor_id=cast.instructor, course_id=cast.course)
    assert listener.drain() == [event("student_presence", "INSERT", row.pk, **keys)]
    rows = StudentPresence.objects.filter(pk=row.pk)
    rows.update(last_seen_at=timezone.now() + timedelta(seconds=30))  # heartbeat
    rows.update(connection_count=2)  # a second tab
    rows.update(last_seen_at=timezone.now() + timedelta(seconds=60), connection_count=1)
    assert listener.drain() == []
    rows.update(status="away")
    assert listener.drain() == [event("student_presence", "UPDATE", row.pk, **keys)]
    rows.update(metadata={"lesson_id": "l2"}, last_seen_at=timezone.now())
    assert listener.drain() == [event("student_presence", "UPDATE", row.pk, **keys)]
    rows.delete()
    assert listener.drain() == [event("student_presence", "DELETE", row.pk, **keys)]

    in_workshop = StudentPresence.objects.create(user=cast.student, workshop=cast.workshop)
    assert listener.drain() == [event("student_presence", "INSERT", in_workshop.pk, user_id=cast.student,
                                      instructor_id=cast.instructor, workshop_id=cast.workshop)]


def test_payments(listener: Listener, cast: b.Cast) -> None:
    org = b.organization()
    payment = Payment.objects.create(user=cast.student, organization=org, amount=Decimal("99.00"),
                                     provider="stripe", transaction_id="pi_rt_1", payment_type="course",
                                     course=cast.course)
    keys = dict(user_id=cast.student, instructor_id=cast.instructor, course_id=cast.course, organization_id=org)
    assert of(listener.drain(), "payments") == [event("payments", "INSERT", payment.pk, **keys)]
    Payment.objects.filter(pk=payment.pk).update(status="completed")
    events = listener.drain()
    assert of(events, "payments") == [event("payments", "UPDATE", payment.pk, **keys)]
    assert [e["user_id"] for e in of(events, "notifications")] == [str(cast.instructor.pk)]

    session = b.consultation(cast.student, cast.expert)
    workshop_payment = Payment.objects.create(user=cast.student, amount=Decimal("10.00"), provider="stripe",
                                              transaction_id="pi_rt_2", payment_type="workshop",
                                              workshop=cast.workshop)
    consultation_payment = Payment.objects.create(user=cast.student, amount=Decimal("150.00"), provider="stripe",
                                                  transaction_id="pi_rt_3", payment_type="consultation",
                                                  consultation=session)
    subscription = Payment.objects.create(user=cast.student, amount=Decimal("20.00"), provider="stripe",
                                          transaction_id="pi_rt_4", payment_type="subscription")
    assert of(listener.drain(), "payments") == [
        event("payments", "INSERT", workshop_payment.pk, user_id=cast.student, instructor_id=cast.instructor,
              workshop_id=cast.workshop),
        event("payments", "INSERT", consultation_payment.pk, user_id=cast.student, instructor_id=cast.expert),
        event("payments", "INSERT", subscription.pk, user_id=cast.student),
    ]
    Payment.objects.filter(pk=subscription.pk).delete()
    assert of(listener.drain(), "payments") == [event("payments", "DELETE", subscription.pk, user_id=cast.student)]


# --- nothing for a rolled-back change; suppression; folding --------------------------------------------------------

class Boom(Exception):
    pass


def test_a_rolled_back_transaction_sends_nothing_on_any_table(listener: Listener, cast: b.Cast) -> None:
    with pytest.raises(Boom), transaction.atomic():
        enrollment = b.enroll(cast.student, cast.course)
        WorkshopRegistration.objects.create(workshop=cast.workshop, user=cast.student, price_paid=Decimal("0.00"))
        StudentActivity.objects.create(instructor=cast.instructor, student=cast.student, course=cast.course,
                                       activity_type="enrolled", activity_title="x")
        Enrollment.objects.filter(pk=enrollment.pk).update(status="completed", completed_at=timezone.now())
        CourseReview.objects.create(course=cast.course, user=cast.student, enrollment=enrollment, rating=3)
        StudentPresence.objects.create(user=cast.student, course=cast.course)
        Payment.objects.create(user=cast.student, amount=Decimal("5.00"), provider="stripe", transaction_id="pi_rb",
                               payment_type="course", course=cast.course, status="completed")
        assert Notification.objects.count() >= 5
        raise Boom
    assert listener.drain() == []
    assert Notification.objects.count() == 0


def test_one_committed_transaction_after_a_rolled_back_savepoint_sends_only_what_committed(
        listener: Listener, cast: b.Cast) -> None:
    with transaction.atomic():
        kept = StudentActivity.objects.create(instructor=cast.instructor, student=cast.student,
                                              course=cast.course, activity_type="enrolled", activity_title="kept")
        with pytest.raises(Boom), transaction.atomic():
            StudentActivity.objects.create(instructor=cast.instructor, student=cast.student, course=cast.course,
                                           activity_type="enrolled", activity_title="dropped")
            raise Boom
    assert listener.drain() == [event("student_activity", "INSERT", kept.pk, user_id=cast.student,
                                      instructor_id=cast.instructor, course_id=cast.course)]


def test_identical_payloads_of_one_transaction_are_folded(listener: Listener, cast: b.Cast) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT public.create_notification(%s, 'announcement', 'Hi', 'm')", [cast.student.pk])
        pk = cursor.fetchone()[0]
    listener.drain()
    with transaction.atomic():
        Notification.objects.filter(pk=pk).update(read_at=timezone.now())
        Notification.objects.filter(pk=pk).update(read_at=None)
    assert listener.drain() == [event("notifications", "UPDATE", pk, user_id=cast.student)]


def test_suppression_setting_silences_every_table(listener: Listener, cast: b.Cast) -> None:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.realtime_suppress', 'on', true)")
        enrollment = b.enroll(cast.student, cast.course)
        StudentPresence.objects.create(user=cast.student, course=cast.course)
        Payment.objects.create(user=cast.student, amount=Decimal("5.00"), provider="stripe", transaction_id="pi_s",
                               payment_type="course", course=cast.course)
        Enrollment.objects.filter(pk=enrollment.pk).delete()
    assert listener.drain() == []
    assert Notification.objects.filter(user=cast.instructor).count() == 1  # the inbox row is still written
    StudentActivity.objects.create(instructor=cast.instructor, student=cast.student, course=cast.course,
                                   activity_type="enrolled", activity_title="after")
    assert len(of(listener.drain(), "student_activity")) == 1  # transaction-local: back on afterwards


def test_cleanups_emit_only_the_offline_transitions(listener: Listener, cast: b.Cast) -> None:
    b.enroll(cast.student, cast.course)
    stale = StudentPresence.objects.create(user=cast.student, course=cast.course)
    gone = StudentPresence.objects.create(user=cast.instructor, course=cast.course, status="offline")
    old = Notification.objects.create(user=cast.student, type="announcement", title="t", message="m")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.realtime_suppress', 'on', false)")
        try:
            cursor.execute("UPDATE student_presence SET last_seen_at = now() - interval '10 minutes' WHERE id = %s",
                           [stale.pk])
            cursor.execute("UPDATE student_presence SET last_seen_at = now() - interval '2 days' WHERE id = %s",
                           [gone.pk])
            cursor.execute("UPDATE notifications SET created_at = now() - interval '40 days' WHERE id = %s",
                           [old.pk])
        finally:
            cursor.execute("SELECT set_config('app.realtime_suppress', 'off', false)")
    listener.drain()
    with connection.cursor() as cursor:
        cursor.execute("SELECT public.cleanup_old_notifications(), public.cleanup_stale_presence()")
        assert cursor.fetchone() == (1, 1)
    assert listener.drain() == [event("student_presence", "UPDATE", stale.pk, user_id=cast.student,
                                      instructor_id=cast.instructor, course_id=cast.course)]
    assert not StudentPresence.objects.filter(pk=gone.pk).exists()
    assert not Notification.objects.filter(pk=old.pk).exists()
