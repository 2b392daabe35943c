"""/api/v1/payments/ (opening a pending payment priced by the server, Idempotency-Key replays, my history, one
payment) and /api/v1/revenue/ (revenue rows and payouts of instructors and experts), with the leak-matrix
world of two organizations. The signed webhook that completes payments has its own module (test_webhook.py);
the helpers below are shared with it."""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from humanglue.security.context import enter_app_role, leave_app_role
from instructors.models import Course, Enrollment
from organizations.models import User
from payments import services
from payments.management.commands.payment_event import event_body
from payments.models import Payment, RevenueTransaction
from talent.models import Consultation, EngagementRequest
from tests.api_client import assert_error, client_for
from tests.world import World, build_world
from workshops.models import Workshop, WorkshopRegistration

pytestmark = pytest.mark.django_db

PAYMENTS = "/api/v1/payments/"
WEBHOOK = "/api/v1/payments/webhook/"
REVENUE = "/api/v1/revenue/"
PAYOUTS = "/api/v1/revenue/payouts/"


# --- helpers (test_webhook.py uses them too) ----------------------------------------------------------------


def signed(body: dict[str, Any] | bytes, *, secret: str | None = None, timestamp: int | None = None
           ) -> tuple[bytes, str]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return raw, services.sign_payload(raw, secret=secret or settings.PAYMENTS_WEBHOOK_SECRET, timestamp=timestamp)


def event(transaction_id: str, kind: str, amount: str, *, currency: str = "USD", event_id: str | None = None
          ) -> dict[str, Any]:
    return event_body(transaction_id=transaction_id, kind=kind, amount=Decimal(amount), currency=currency,
                      event_id=event_id or "evt_" + secrets.token_hex(8), reason="requested_by_customer")


def post_event(body: dict[str, Any] | bytes, **sign: Any) -> Any:
    raw, signature = signed(body, **sign)
    return APIClient().post(WEBHOOK, raw, content_type="application/json", HTTP_X_HUMANGLUE_SIGNATURE=signature)


def paid_course(course: Course, price: str = "99.00") -> Course:
    Course.objects.filter(pk=course.pk).update(status="published", price_amount=Decimal(price))
    return Course.objects.get(pk=course.pk)


def register_as(user: User, workshop: Workshop) -> WorkshopRegistration:
    """The caller's own registration, as the workshops API writes it (under the app role as the user): the
    database prices it and holds the seat (registered + payment_status pending)."""
    with transaction.atomic():
        enter_app_role(user.pk)
        registration = WorkshopRegistration(workshop_id=workshop.pk, user_id=user.pk, status="registered")
        registration.save()
    leave_app_role()
    return WorkshopRegistration.objects.get(pk=registration.pk)


def paid_workshop(workshop: Workshop) -> Workshop:
    """Published, 40.00 with a 30.00 early bird until tomorrow."""
    Workshop.objects.filter(pk=workshop.pk).update(
        status="published", price_amount=Decimal("40.00"), price_early_bird=Decimal("30.00"),
        early_bird_deadline=timezone.now() + timedelta(days=1))
    return Workshop.objects.get(pk=workshop.pk)


def buy(user: User, payment_type: str, item_id: Any, **headers: str) -> Any:
    return client_for(user).post(PAYMENTS, {"payment_type": payment_type, "item_id": str(item_id)}, format="json",
                                 **headers)


@pytest.fixture
def world() -> World:
    w = build_world()
    paid_course(w.a.rows["course"])
    paid_course(w.b.rows["course"])
    return w


# --- opening a payment --------------------------------------------------------------------------------------


def test_a_course_payment_is_priced_by_the_server_and_reused_while_pending(world: World) -> None:
    course = world.a.rows["course"]
    response = client_for(world.a.member).post(
        PAYMENTS, {"payment_type": "course", "item_id": str(course.pk), "amount": "0.01", "currency": "EUR"},
        format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount"], body["currency"], body["status"], body["payment_type"]) == ("99.00", "USD", "pending",
                                                                                         "course")
    assert body["item_id"] == body["course"] == str(course.pk)
    assert body["transaction_id"].startswith("pi_") and body["provider"] == "stripe"
    assert body["organization"] == str(world.a.org.pk)
    payment = Payment.objects.get(pk=body["id"])
    assert (payment.user_id, payment.amount) == (world.a.member.pk, Decimal("99.00"))
    # Flow step 2: the open attempt is reused, nothing new is written.
    again = buy(world.a.member, "course", course.pk)
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Payment.objects.filter(user=world.a.member).count() == 1
    # Another organization's student buys the same published course: their own payment.
    other = buy(world.b.student, "course", course.pk)
    assert other.status_code == 201 and other.json()["id"] != body["id"]
    assert not Enrollment.objects.filter(user=world.a.member, course=course).exists()  # only the webhook enrolls


def test_opening_a_payment_is_refused_with_a_code(world: World) -> None:
    course = world.a.rows["course"]
    assert_error(buy(None, "course", course.pk), 401)
    assert_error(buy(world.a.student, "course", course.pk), 409, "already_enrolled")
    assert_error(buy(world.a.member, "course", uuid.uuid4()), 404)
    assert_error(buy(world.a.member, "subscription", course.pk), 400, "invalid_choice", "payment_type")
    assert_error(client_for(world.a.member).post(PAYMENTS, {"payment_type": "course", "item_id": "x"}, format="json"),
                 400, "invalid", "item_id")
    Course.objects.filter(pk=course.pk).update(status="archived")
    assert_error(buy(world.a.member, "course", course.pk), 409, "course_not_published")  # members see archived
    assert_error(buy(world.b.student, "course", course.pk), 404)  # hidden from another organization
    Course.objects.filter(pk=course.pk).update(status="published", price_amount=0)
    assert_error(buy(world.a.member, "course", course.pk), 409, "item_free")
    # engagements: only the client pays, once the expert accepted
    engagement = world.a.rows["engagement_request"]
    assert_error(buy(world.a.student, "engagement", engagement.pk), 409, "engagement_not_accepted")
    assert_error(buy(world.a.expert, "engagement", engagement.pk), 403, "not_your_engagement")
    assert_error(buy(world.b.student, "engagement", engagement.pk), 404)
    # consultations: the sample session belongs to an engagement (amount 0); the expert never pays
    consultation = world.a.rows["consultation"]
    assert_error(buy(world.a.student, "consultation", consultation.pk), 409, "item_free")
    assert_error(buy(world.a.expert, "consultation", consultation.pk), 403, "not_your_consultation")
    assert_error(buy(world.b.org_admin, "consultation", consultation.pk), 404)
    # workshops: only a held seat is paid
    workshop = paid_workshop(world.a.rows["workshop"])
    assert_error(buy(world.a.member, "workshop", workshop.pk), 409, "no_held_registration")
    assert_error(buy(world.a.student, "workshop", workshop.pk), 409, "item_free")  # attended on a free seat
    assert not Payment.objects.exclude(pk__in=[world.a.rows["payment"].pk, world.b.rows["payment"].pk]).exists()


def test_a_workshop_payment_charges_the_held_registrations_price(world: World) -> None:
    workshop = paid_workshop(world.a.rows["workshop"])
    registration = register_as(world.a.member, workshop)
    assert (registration.status, registration.payment_status, registration.price_paid) == (
        "registered", "pending", Decimal("30.00"))  # the early bird
    response = buy(world.a.member, "workshop", workshop.pk)
    assert response.status_code == 201, response.content
    assert (response.json()["amount"], response.json()["workshop"]) == ("30.00", str(workshop.pk))


def test_an_accepted_engagement_is_paid_hours_times_rate(world: World) -> None:
    engagement = world.a.rows["engagement_request"]
    EngagementRequest.objects.filter(pk=engagement.pk).update(status="accepted", hours_total=Decimal("2.5"),
                                                              hourly_rate=Decimal("150.00"))
    response = buy(world.a.student, "engagement", engagement.pk)
    assert response.status_code == 201, response.content
    assert (response.json()["amount"], response.json()["engagement_request"]) == ("375.00", str(engagement.pk))


def test_a_standalone_consultation_is_paid_its_amount(world: World) -> None:
    sample = world.a.rows["consultation"]
    consultation = Consultation.objects.create(
        user=world.a.student, expert=world.a.expert, pillar="coaching", amount=Decimal("80.00"),
        scheduled_start=sample.scheduled_start + timedelta(days=1),
        scheduled_end=sample.scheduled_end + timedelta(days=1))
    response = buy(world.a.student, "consultation", consultation.pk)
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "80.00"
    # The payment mirror (trigger) now shows the attempt on the consultation.
    assert Consultation.objects.get(pk=consultation.pk).payment_status == "pending"


# --- Idempotency-Key -----------------------------------------------------------------------------------------


def test_an_idempotency_key_replays_the_first_answer(world: World) -> None:
    course = world.a.rows["course"]
    first = buy(world.a.member, "course", course.pk, HTTP_IDEMPOTENCY_KEY="order-42")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    # The payment completes meanwhile: the replay is still the first answer, and nothing new is created.
    Payment.objects.filter(pk=first.json()["id"]).update(status="completed")
    replay = buy(world.a.member, "course", course.pk, HTTP_IDEMPOTENCY_KEY="order-42")
    assert (replay.status_code, replay.json(), replay.headers["Idempotent-Replayed"]) == (201, first.json(), "true")
    assert Payment.objects.filter(user=world.a.member).count() == 1
    # The same key with another body is refused; another user's same key is their own.
    other_course = world.b.rows["course"]
    assert_error(buy(world.a.member, "course", other_course.pk, HTTP_IDEMPOTENCY_KEY="order-42"), 409,
                 "idempotency_key_reused")
    theirs = buy(world.b.student, "course", course.pk, HTTP_IDEMPOTENCY_KEY="order-42")
    assert theirs.status_code == 201 and theirs.json()["id"] != first.json()["id"]
    # A refused request is not remembered: the retry is evaluated again.
    assert_error(buy(world.a.student, "course", course.pk, HTTP_IDEMPOTENCY_KEY="k2"), 409, "already_enrolled")
    Enrollment.objects.filter(user=world.a.student, course=course).update(status="dropped")
    retried = buy(world.a.student, "course", course.pk, HTTP_IDEMPOTENCY_KEY="k2")
    # The student's open attempt (the sample payment) is reused: 200.
    assert (retried.status_code, retried.json()["id"]) == (200, str(world.a.rows["payment"].pk))
    assert_error(buy(world.a.member, "course", course.pk, HTTP_IDEMPOTENCY_KEY="x" * 256), 400, "invalid",
                 "Idempotency-Key")


# --- reading payments ----------------------------------------------------------------------------------------


def test_my_payment_history_is_exactly_mine(world: World) -> None:
    assert_error(client_for(None).get(PAYMENTS), 401)
    mine = buy(world.a.member, "course", world.a.rows["course"].pk).json()
    expected = {world.a.student: [str(world.a.rows["payment"].pk)], world.b.student: [str(world.b.rows["payment"].pk)],
                world.a.member: [mine["id"]]}
    for user in (world.a.student, world.b.student, world.a.member, world.a.instructor, world.a.org_admin,
                 world.platform_admin, world.outsider, world.a.expert):
        response = client_for(user).get(PAYMENTS)
        assert response.status_code == 200, response.content
        assert [row["id"] for row in response.json()["results"]] == expected.get(user, []), user.email
    row = client_for(world.a.member).get(PAYMENTS).json()["results"][0]
    assert (row["amount"], row["status"], row["payment_type"], row["item_id"]) == (
        "99.00", "pending", "course", str(world.a.rows["course"].pk))
    # Paging: the function cuts the page, the count is the caller's payments.
    buy(world.a.member, "engagement", world.a.rows["engagement_request"].pk)  # refused: nothing added
    for days in (1, 2):
        older = Payment.objects.create(user=world.a.member, amount=Decimal("1.00"), provider="stripe",
                                       payment_type="course", course=world.b.rows["course"],
                                       transaction_id="pi_" + secrets.token_hex(6))
        Payment.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=days))
    page = client_for(world.a.member).get(PAYMENTS + "?page_size=2&page=2").json()
    assert page["count"] == 3 and [r["id"] for r in page["results"]] == [str(older.pk)]  # the oldest


def test_a_payment_is_visible_to_its_payer_their_org_admin_and_platform_admins(world: World) -> None:
    payment = world.a.rows["payment"]
    Payment.objects.filter(pk=payment.pk).update(organization=world.a.org)
    url = f"{PAYMENTS}{payment.pk}/"
    for user in (world.a.student, world.a.org_admin, world.platform_admin):
        response = client_for(user).get(url)
        assert response.status_code == 200, (user.email, response.content)
        assert (response.json()["id"], response.json()["amount"]) == (str(payment.pk), "49.00")
    for user in (world.b.student, world.b.org_admin, world.a.instructor, world.a.member, world.outsider,
                 world.a.expert):
        assert_error(client_for(user).get(url), 404)
    assert_error(client_for(None).get(url), 401)
    assert_error(client_for(world.a.student).get(f"{PAYMENTS}{uuid.uuid4()}/"), 404)


# --- revenue -----------------------------------------------------------------------------------------------------


def test_revenue_rows_are_the_callers_own(world: World) -> None:
    a_row, b_row = world.a.rows["revenue_transaction"], world.b.rows["revenue_transaction"]
    assert_error(client_for(None).get(REVENUE), 401)
    expected = {world.a.instructor: [str(a_row.pk)], world.b.instructor: [str(b_row.pk)]}
    for user in (world.a.instructor, world.b.instructor, world.a.student, world.a.org_admin, world.platform_admin,
                 world.a.member, world.outsider, world.a.expert):
        response = client_for(user).get(REVENUE)
        assert response.status_code == 200, response.content
        assert [r["id"] for r in response.json()["results"]] == expected.get(user, []), user.email
    row = client_for(world.a.instructor).get(REVENUE).json()["results"][0]
    assert (row["amount"], row["platform_fee_amount"], row["instructor_earnings"]) == ("49.00", "9.80", "39.20")
    assert row["student"]["id"] == str(world.a.student.pk) and row["course"] == str(a_row.course_id)
    client = client_for(world.a.instructor)
    today = a_row.transaction_date.date()
    assert [r["id"] for r in client.get(f"{REVENUE}?date_from={today}&date_to={today}").json()["results"]] == [
        str(a_row.pk)]
    assert client.get(f"{REVENUE}?date_from={today + timedelta(days=1)}").json()["results"] == []
    assert client.get(f"{REVENUE}?course={world.b.rows['course'].pk}").json()["results"] == []
    assert client.get(f"{REVENUE}?transaction_type=refund").json()["results"] == []
    assert_error(client.get(f"{REVENUE}?date_from=yesterday"), 400, "invalid", "date_from")


def test_payouts_group_the_callers_revenue_by_batch(world: World) -> None:
    instructor, course = world.a.instructor, world.a.rows["course"]
    batch = uuid.uuid4()
    paid_at = timezone.now() - timedelta(days=2)
    RevenueTransaction.objects.filter(pk=world.a.rows["revenue_transaction"].pk).update(
        payout_id=batch, payout_status="paid", payout_date=paid_at)
    for amount, fee in (("99.00", "19.80"), ("-99.00", "-19.80"), ("10.00", "2.00")):
        RevenueTransaction.objects.create(
            instructor=instructor, student=world.a.member, course=course,
            transaction_type="refund" if amount.startswith("-") else "course_enrollment", amount=Decimal(amount),
            platform_fee_amount=Decimal(fee), instructor_earnings=Decimal(amount) - Decimal(fee))
    response = client_for(instructor).get(PAYOUTS)
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [(r["payout_id"], r["payout_status"], r["transaction_count"], r["amount"], r["earnings"]) for r in rows] == [
        (None, None, 3, "10.00", "8.00"), (str(batch), "paid", 1, "49.00", "39.20")]
    assert client_for(instructor).get(f"{PAYOUTS}?payout_status=paid").json()["count"] == 1
    for user in (world.b.instructor, world.a.student, world.a.org_admin, world.platform_admin):
        assert [r["amount"] for r in client_for(user).get(PAYOUTS).json()["results"]] == (
            ["49.00"] if user == world.b.instructor else []), user.email
    assert_error(client_for(None).get(PAYOUTS), 401)
