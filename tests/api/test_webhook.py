"""/api/v1/payments/webhook/: signed provider events complete, fail and refund payments through the payments
services, once per event id; and the whole flows through HTTP (a paid course, a refund, a paid workshop seat,
an engagement), ending with two events racing on one payment against a live uvicorn server."""

from __future__ import annotations

import io
import json
import threading
import time
from decimal import Decimal
from typing import Any

import httpx
import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework_simplejwt.tokens import RefreshToken

from instructors.models import Course, Enrollment
from notifications.models import Notification
from payments import services
from payments.models import Payment, RevenueTransaction
from talent.models import EngagementRequest
from tests.api.test_payments import (
    PAYMENTS,
    REVENUE,
    WEBHOOK,
    buy,
    event,
    paid_course,
    paid_workshop,
    post_event,
    register_as,
    signed,
)
from tests.api_client import assert_error, client_for
from tests.conftest import uvicorn_server
from tests.world import World, build_world
from workshops.models import Workshop, WorkshopRegistration

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    w = build_world()
    paid_course(w.a.rows["course"])
    return w


def recorded_events() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT event_id, result FROM payment_provider_events ORDER BY received_at, event_id")
        return cursor.fetchall()


def sales(payment_id: Any) -> list[tuple[str, Decimal]]:
    return sorted((r.transaction_type, r.amount) for r in RevenueTransaction.objects.filter(payment_id=payment_id))


def test_a_paid_course_is_bought_end_to_end(world: World) -> None:
    buyer, course, instructor = world.b.student, world.a.rows["course"], world.a.instructor
    payment = buy(buyer, "course", course.pk).json()
    notified = Notification.objects.filter(user=instructor, type="payment").count()
    succeeded = event(payment["transaction_id"], "succeeded", "99.00", event_id="evt_paid")
    answer = post_event(succeeded)
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"event_id": "evt_paid", "result": "processed", "payment_id": payment["id"],
                             "payment_status": "completed", "detail": "Applied."}
    # the enrollment appears (paid-enrollment path), the revenue row is written, the instructor is notified
    enrollment = client_for(buyer).get(f"/api/v1/enrollments/?course={course.pk}").json()["results"]
    assert [(e["course"]["id"], e["status"]) for e in enrollment] == [(str(course.pk), "enrolled")]
    assert sales(payment["id"]) == [("course_enrollment", Decimal("99.00"))]
    revenue = client_for(instructor).get(f"{REVENUE}?course={course.pk}").json()["results"]
    assert [(r["amount"], r["platform_fee_amount"], r["instructor_earnings"], r["student"]["id"])
            for r in revenue if r["payment"] == payment["id"]] == [("99.00", "19.80", "79.20", str(buyer.pk))]
    assert Notification.objects.filter(user=instructor, type="payment").count() == notified + 1
    assert client_for(buyer).get(f"{PAYMENTS}{payment['id']}/").json()["status"] == "completed"
    # the same event again: 200 duplicate, nothing changes; another success event: unchanged
    again = post_event(succeeded)
    assert (again.status_code, again.json()["result"]) == (200, "duplicate")
    late = post_event(event(payment["transaction_id"], "succeeded", "99.00"))
    assert (late.status_code, late.json()["result"]) == (200, "unchanged")
    assert sales(payment["id"]) == [("course_enrollment", Decimal("99.00"))]
    assert Notification.objects.filter(user=instructor, type="payment").count() == notified + 1
    assert sorted(r for _, r in recorded_events()) == ["processed", "unchanged"]
    # buying again is refused now
    assert_error(buy(buyer, "course", course.pk), 409, "already_enrolled")


def test_a_refund_reverses_revenue(world: World) -> None:
    buyer, course = world.b.student, world.a.rows["course"]
    payment = buy(buyer, "course", course.pk).json()
    txn = payment["transaction_id"]
    assert_error(post_event(event(txn, "refunded", "99.00")), 409, "payment_not_refundable")  # not completed yet
    assert post_event(event(txn, "succeeded", "99.00")).json()["result"] == "processed"
    total = Course.objects.get(pk=course.pk).total_revenue
    partial = post_event(event(txn, "refunded", "40.00"))
    assert (partial.status_code, partial.json()["payment_status"]) == (200, "refunded"), partial.content
    assert Enrollment.objects.get(user=buyer, course=course).status == "enrolled"  # a partial refund keeps it
    assert post_event(event(txn, "refunded", "40.00")).json()["result"] == "unchanged"  # same cumulative amount
    full = post_event(event(txn, "refunded", "99.00"))
    assert full.json()["result"] == "processed"
    assert sales(payment["id"]) == [("course_enrollment", Decimal("99.00")), ("refund", Decimal("-59.00")),
                                    ("refund", Decimal("-40.00"))]
    assert Course.objects.get(pk=course.pk).total_revenue == total - Decimal("99.00")
    assert Enrollment.objects.get(user=buyer, course=course).status == "dropped"  # a full refund cancels it
    body = client_for(buyer).get(f"{PAYMENTS}{payment['id']}/").json()
    assert (body["status"], body["refund_amount"], body["refund_reason"]) == ("refunded", "99.00",
                                                                            "requested_by_customer")
    rows = client_for(world.a.instructor).get(f"{REVENUE}?transaction_type=refund").json()["results"]
    assert sorted(r["instructor_earnings"] for r in rows) == ["-32.00", "-47.20"]
    assert_error(post_event(event(txn, "refunded", "120.00")), 400, "invalid_refund_amount")


def test_a_paid_workshop_seat_is_completed_by_the_webhook(world: World) -> None:
    workshop = paid_workshop(world.a.rows["workshop"])
    buyer = world.a.member
    register_as(buyer, workshop)
    payment = buy(buyer, "workshop", workshop.pk).json()
    assert payment["amount"] == "30.00"
    answer = post_event(event(payment["transaction_id"], "succeeded", "30.00"))
    assert answer.json()["result"] == "processed", answer.content
    registration = WorkshopRegistration.objects.get(workshop=workshop, user=buyer)
    assert (registration.status, registration.payment_status, str(registration.payment_id)) == (
        "registered", "completed", payment["id"])
    assert sales(payment["id"]) == [("workshop_registration", Decimal("30.00"))]
    row = RevenueTransaction.objects.get(payment_id=payment["id"])
    assert (row.workshop_registration_id, row.instructor_id) == (registration.pk, world.a.instructor.pk)
    assert Workshop.objects.get(pk=workshop.pk).total_revenue == Decimal("30.00")
    assert_error(buy(buyer, "workshop", workshop.pk), 409, "already_paid")


def test_a_failed_workshop_payment_releases_the_seat(world: World) -> None:
    workshop = paid_workshop(world.a.rows["workshop"])
    register_as(world.a.member, workshop)
    payment = buy(world.a.member, "workshop", workshop.pk).json()
    answer = post_event(event(payment["transaction_id"], "failed", "30.00"))
    assert (answer.json()["result"], answer.json()["payment_status"]) == ("processed", "failed")
    registration = WorkshopRegistration.objects.get(workshop=workshop, user=world.a.member)
    assert (registration.status, registration.payment_status) == ("cancelled", "failed")
    body = client_for(world.a.member).get(f"{PAYMENTS}{payment['id']}/").json()
    assert (body["failure_code"], body["provider_status"]) == ("card_declined", "requires_payment_method")
    assert_error(buy(world.a.member, "workshop", workshop.pk), 409, "no_held_registration")
    assert not sales(payment["id"])


def test_an_engagement_is_paid_and_becomes_active(world: World) -> None:
    engagement = world.a.rows["engagement_request"]
    EngagementRequest.objects.filter(pk=engagement.pk).update(status="accepted")
    payment = buy(world.a.student, "engagement", engagement.pk).json()
    assert payment["amount"] == "1500.00"
    canceled = post_event(event(payment["transaction_id"], "canceled", "1500.00"))
    assert canceled.json()["payment_status"] == "failed"
    stored = EngagementRequest.objects.get(pk=engagement.pk)
    assert (stored.status, stored.payment_status) == ("payment_failed", "failed")
    # a retry on the same intent succeeds (failed -> completed is allowed)
    assert buy(world.a.student, "engagement", engagement.pk).status_code == 201  # a new attempt may be opened
    assert post_event(event(payment["transaction_id"], "succeeded", "1500.00")).json()["result"] == "processed"
    stored = EngagementRequest.objects.get(pk=engagement.pk)
    assert (stored.status, stored.payment_status, stored.start_date is not None) == ("active", "completed", True)
    expert_rows = client_for(world.a.expert).get(REVENUE).json()["results"]
    assert [(r["transaction_type"], r["amount"], r["engagement_request"]) for r in expert_rows] == [
        ("consultation", "1500.00", str(engagement.pk))]


# --- refusals of the webhook ------------------------------------------------------------------------------------


def test_unsigned_badly_signed_or_stale_events_change_nothing(world: World, settings: Any) -> None:
    payment = buy(world.b.student, "course", world.a.rows["course"].pk).json()
    body = event(payment["transaction_id"], "succeeded", "99.00")
    raw = json.dumps(body).encode()
    client = client_for(None)
    assert_error(client.post(WEBHOOK, raw, content_type="application/json"), 400, "signature_missing")
    _, good = signed(raw)
    tampered = raw.replace(b"99", b"98")
    assert_error(client.post(WEBHOOK, tampered, content_type="application/json", HTTP_X_HUMANGLUE_SIGNATURE=good),
                 400, "signature_invalid")
    _, wrong_secret = signed(raw, secret="whsec_not_ours")
    assert_error(client.post(WEBHOOK, raw, content_type="application/json",
                             HTTP_X_HUMANGLUE_SIGNATURE=wrong_secret), 400, "signature_invalid")
    assert_error(client.post(WEBHOOK, raw, content_type="application/json", HTTP_X_HUMANGLUE_SIGNATURE="v1=abc"),
                 400, "signature_invalid")
    for header in ("t=\u00b2,v1=abc", f"t={int(time.time())},v1=\u00e9\u00e9"):  # non-ASCII digits, hex
        assert_error(client.post(WEBHOOK, raw, content_type="application/json", HTTP_X_HUMANGLUE_SIGNATURE=header),
                     400, "signature_invalid")
    assert_error(post_event(raw, timestamp=int(time.time()) - 301), 400, "signature_expired")
    assert_error(post_event(raw, timestamp=int(time.time()) + 301), 400, "signature_expired")
    # a bearer token does not replace the signature
    assert_error(client_for(world.platform_admin).post(WEBHOOK, raw, content_type="application/json"), 400,
                 "signature_missing")
    assert_error(post_event(b"not json"), 400, "invalid_event")
    assert_error(post_event({"id": "evt_x", "type": "payment_intent.succeeded"}), 400, "invalid_event")
    assert_error(post_event(event(payment["transaction_id"], "succeeded", "98.00")), 400, "amount_mismatch")
    assert_error(post_event(event(payment["transaction_id"], "succeeded", "99.00", currency="EUR")), 400,
                 "amount_mismatch")
    assert Payment.objects.get(pk=payment["id"]).status == "pending"
    assert not Enrollment.objects.filter(user=world.b.student, course=world.a.rows["course"]).exists()
    assert recorded_events() == []
    # no secret configured (DEBUG off, PAYMENTS_WEBHOOK_SECRET unset): every event is refused
    settings.PAYMENTS_WEBHOOK_SECRET = ""
    raw, signature = signed(raw, secret="anything")
    client.raise_request_exception = False  # a 503 is reported as a server error (a misconfiguration)
    unconfigured = client.post(WEBHOOK, raw, content_type="application/json", HTTP_X_HUMANGLUE_SIGNATURE=signature)
    assert_error(unconfigured, 503, "webhook_not_configured")
    assert Payment.objects.get(pk=payment["id"]).status == "pending"


def test_unknown_payments_and_event_types_are_acknowledged_and_ignored(world: World) -> None:
    answer = post_event(event("pi_nobody", "succeeded", "10.00", event_id="evt_unknown"))
    assert answer.status_code == 200
    assert answer.json() == {"event_id": "evt_unknown", "result": "ignored", "payment_id": None,
                             "payment_status": None, "detail": "No payment has this transaction id."}
    other = post_event({"id": "evt_other", "type": "customer.created", "data": {"object": {"id": "cus_1"}}})
    assert (other.status_code, other.json()["result"]) == (200, "ignored")
    assert recorded_events() == []


def test_the_payment_event_command_signs_a_test_event(world: World) -> None:
    payment = buy(world.b.student, "course", world.a.rows["course"].pk).json()
    out = io.StringIO()
    call_command("payment_event", payment["transaction_id"], "--type", "succeeded", "--event-id", "evt_cli",
                 stdout=out)
    header, body = out.getvalue().splitlines()
    name, _, signature = header.partition(": ")
    assert name == services.SIGNATURE_HEADER
    assert json.loads(body)["data"]["object"]["amount_received"] == 9900
    answer = client_for(None).post(WEBHOOK, body.encode(), content_type="application/json",
                                   HTTP_X_HUMANGLUE_SIGNATURE=signature)
    assert (answer.status_code, answer.json()["result"]) == (200, "processed"), answer.content


# --- concurrency, against a live server ----------------------------------------------------------------------


def _race(base: str, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    """POST every body at once (one thread each, released together)."""
    barrier = threading.Barrier(len(bodies))
    answers: list[Any] = [None] * len(bodies)

    def send(index: int) -> None:
        raw, signature = signed(bodies[index])
        barrier.wait()
        answers[index] = httpx.post(f"{base}{WEBHOOK}", content=raw, timeout=60,
                                    headers={"Content-Type": "application/json",
                                             services.SIGNATURE_HEADER: signature})

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.django_db(transaction=True)
def test_events_racing_on_one_payment_count_once(settings: Any) -> None:
    world = build_world()
    course = paid_course(world.a.rows["course"])
    buyer = world.b.student
    payments = [services.payment_create(user=buyer, payment_type="course", item_id=course.pk)[0]]
    engagement = world.a.rows["engagement_request"]
    EngagementRequest.objects.filter(pk=engagement.pk).update(status="accepted")
    payments.append(services.payment_create(user=world.a.student, payment_type="engagement",
                                            item_id=engagement.pk)[0])
    with uvicorn_server(connection.settings_dict["NAME"],
                        PAYMENTS_WEBHOOK_SECRET=settings.PAYMENTS_WEBHOOK_SECRET) as base:
        # Two different events on one payment: success and failure, at the same time.
        course_pay = payments[0]
        answers = _race(base, [event(course_pay.transaction_id, "succeeded", "99.00", event_id="evt_ok"),
                               event(course_pay.transaction_id, "failed", "99.00", event_id="evt_ko")])
        assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
        # Whatever the order, the payment ends completed (failed -> completed is allowed, completed -> failed
        # is a stale event), with one sale row, one enrollment and one notification.
        assert Payment.objects.get(pk=course_pay.pk).status == "completed"
        assert sales(course_pay.pk) == [("course_enrollment", Decimal("99.00"))]
        assert Enrollment.objects.filter(user=buyer, course=course, status="enrolled").count() == 1
        assert Notification.objects.filter(user=world.a.instructor, type="payment",
                                           data__payment_id=str(course_pay.pk)).count() == 1
        assert {a.json()["result"] for a in answers} <= {"processed", "unchanged"}
        # The same event delivered twice at once: applied once, the other answer is a duplicate.
        engagement_pay = payments[1]
        same = event(engagement_pay.transaction_id, "succeeded", "1500.00", event_id="evt_twice")
        answers = _race(base, [same, same])
        assert sorted(a.json()["result"] for a in answers) == ["duplicate", "processed"], [a.text for a in answers]
        assert sales(engagement_pay.pk) == [("consultation", Decimal("1500.00"))]
        assert EngagementRequest.objects.get(pk=engagement.pk).status == "active"
        # A client's POST retried with one Idempotency-Key while the first is still running: one payment.
        token = str(RefreshToken.for_user(world.a.member).access_token)
        barrier = threading.Barrier(2)
        answers = [None, None]

        def create(index: int) -> None:
            barrier.wait()
            answers[index] = httpx.post(f"{base}{PAYMENTS}", json={"payment_type": "course", "item_id": str(course.pk)},
                                        timeout=60, headers={"Authorization": f"Bearer {token}",
                                                             "Idempotency-Key": "checkout-1"})

        threads = [threading.Thread(target=create, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
        assert answers[0].json() == answers[1].json()
        assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
        assert Payment.objects.filter(user=world.a.member).count() == 1
    assert {event_id for event_id, _ in recorded_events()} >= {"evt_ok", "evt_ko", "evt_twice"}
