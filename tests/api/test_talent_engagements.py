"""/api/v1/engagements/: who reads which engagement, the lifecycle from request to rating (payment completed as
the payments service does it), each transition by its own party only, pinned prices, and the client's
summary (get_client_engagement_summary)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from humanglue.security.context import system_context
from payments.models import Payment
from payments.services import payment_complete, payment_fail
from talent.models import EngagementRequest, TalentProfile
from tests.api_client import assert_error, client_for
from tests.world import World, build_world

pytestmark = pytest.mark.django_db

LIST = "/api/v1/engagements/"
SUMMARY = "/api/v1/engagements/summary/"


@pytest.fixture
def world() -> World:
    return build_world()


def detail(engagement: Any) -> str:
    return f"{LIST}{engagement if isinstance(engagement, str) else engagement.pk}/"


def act(who: Any, engagement: Any, action: str, body: dict | None = None) -> Any:
    return client_for(who).post(f"{detail(engagement)}{action}/", body or {}, format="json")


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def request_engagement(world: World, **extra: Any) -> dict[str, Any]:
    """a's student asks a's expert for 5 hours (through the API)."""
    body = {"expert": str(world.a.expert.pk), "focus_area": "Change management", "hours_total": "5",
            "initial_message": "Can you help our team?", **extra}
    response = client_for(world.a.student).post(LIST, body, format="json")
    assert response.status_code == 201, response.content[:500]
    return response.json()


def pending_payment(engagement_id: str, client: Any, suffix: str = "") -> Payment:
    engagement = EngagementRequest.objects.get(pk=engagement_id)
    with system_context():
        return Payment.objects.create(
            user=client, amount=(engagement.hours_total * engagement.hourly_rate).quantize(Decimal("0.01")),
            provider="stripe", transaction_id=f"pi_eng_{engagement_id[:8]}{suffix}", payment_type="engagement",
            engagement_request_id=engagement.pk)


def pay(engagement_id: str, client: Any) -> Payment:
    """Pay for the engagement through HTTP: the client opens the payment (``POST /api/v1/payments/``, priced by
    the server) and the provider's signed webhook completes it."""
    from tests.api.test_payments import buy, event, post_event

    opened = buy(client, "engagement", engagement_id)
    assert opened.status_code == 201, opened.content
    payment = opened.json()
    engagement = EngagementRequest.objects.get(pk=engagement_id)
    assert Decimal(payment["amount"]) == (engagement.hours_total * engagement.hourly_rate).quantize(Decimal("0.01"))
    answer = post_event(event(payment["transaction_id"], "succeeded", payment["amount"]))
    assert answer.status_code == 200 and answer.json()["result"] == "processed", answer.content
    return Payment.objects.get(pk=payment["id"])


# --- reading ---------------------------------------------------------------------------------------------------


def test_each_caller_reads_exactly_the_engagements_the_policies_give_them(world: World) -> None:
    mine = request_engagement(world)["id"]
    sample = str(world.a.rows["engagement_request"].pk)
    # The list is "mine": as client, or as expert.
    assert ids(client_for(world.a.student).get(LIST)) == {mine, sample}
    assert ids(client_for(world.a.expert).get(LIST)) == {mine, sample}
    assert ids(client_for(world.a.expert).get(LIST, {"role": "client"})) == set()
    assert ids(client_for(world.a.student).get(LIST, {"role": "client", "status": "pending"})) == {mine, sample}
    for who in (world.b.student, world.b.expert, world.outsider, world.a.member, world.a.instructor,
                world.a.org_admin, world.platform_admin):
        assert ids(client_for(who).get(LIST)) == ({str(world.b.rows["engagement_request"].pk)}
                                                  if who in (world.b.student, world.b.expert) else set())
    # Detail: the parties, the organization's admin (the request carries the client's organization), admins.
    for who in (world.a.student, world.a.expert, world.a.org_admin, world.platform_admin):
        assert client_for(who).get(detail(mine)).status_code == 200
    for who in (world.b.student, world.b.expert, world.b.org_admin, world.outsider, world.a.member,
                world.a.instructor):
        assert_error(client_for(who).get(detail(mine)), 404)
    assert_error(client_for(None).get(detail(mine)), 401)
    assert_error(client_for(None).get(LIST), 401)
    # The sample request has no organization: the org admin does not see it.
    assert_error(client_for(world.a.org_admin).get(detail(sample)), 404)


def test_an_engagement_names_its_parties_and_prices(world: World) -> None:
    engagement = request_engagement(world)["id"]
    body = client_for(world.a.student).get(detail(engagement)).json()
    assert body["client"] == {"id": str(world.a.student.pk), "full_name": "Student", "avatar_url": None}
    assert body["expert"] == {"id": str(world.a.expert.pk), "full_name": "Expert", "avatar_url": None}
    # users' policies do not let an expert of another organization read the client (platform: reported), so
    # the expert gets the row with the client as null, never a 404 or a 500.
    assert client_for(world.a.expert).get(detail(engagement)).json()["client"] is None
    assert body["status"] == "pending"
    assert body["organization"] == str(world.a.org.pk)
    assert (body["hourly_rate"], body["currency"], body["total_amount"]) == ("150.00", "USD", "750.00")
    assert body["payment"] is None and body["payment_status"] is None


# --- requesting -------------------------------------------------------------------------------------------------


def test_the_rate_is_the_experts_not_the_clients(world: World) -> None:
    body = request_engagement(world, hourly_rate="1.00", status="active", hours_used="4")
    assert (body["hourly_rate"], body["status"], body["hours_used"]) == ("150.00", "pending", "0.00")


def test_requests_to_nobody_bookable_are_refused(world: World) -> None:
    student = client_for(world.a.student)
    base = {"focus_area": "Leadership", "hours_total": "3"}
    assert_error(student.post(LIST, {**base, "expert": str(world.a.student.pk)}, format="json"), 400, "self_request")
    assert_error(student.post(LIST, {**base, "expert": str(world.a.instructor.pk)}, format="json"), 400,
                 "expert_not_bookable")
    TalentProfile.objects.filter(user=world.b.expert).update(accepting_clients=False)
    assert_error(student.post(LIST, {**base, "expert": str(world.b.expert.pk)}, format="json"), 400,
                 "expert_not_bookable")
    assert_error(student.post(LIST, {**base, "expert": str(world.a.expert.pk), "organization": str(world.b.org.pk)},
                              format="json"), 400, "foreign_organization")
    assert_error(student.post(LIST, {**base, "expert": str(world.a.expert.pk), "hours_total": "0"},
                              format="json"), 400, attr="hours_total")
    assert_error(student.post(LIST, {"expert": str(world.a.expert.pk), "hours_total": "2", "focus_area": "  "},
                              format="json"), 400, attr="focus_area")
    assert_error(client_for(None).post(LIST, {**base, "expert": str(world.a.expert.pk)}, format="json"), 401)


def test_anyone_logged_in_may_request_an_engagement_with_another_organizations_expert(world: World) -> None:
    response = client_for(world.outsider).post(
        LIST, {"expert": str(world.b.expert.pk), "focus_area": "Culture", "hours_total": "2"}, format="json")
    assert response.status_code == 201, response.content[:300]
    assert response.json()["organization"] is None


# --- the lifecycle ----------------------------------------------------------------------------------------------


def test_an_engagement_from_request_to_rating(world: World) -> None:
    client, expert = world.a.student, world.a.expert
    engagement = request_engagement(world)["id"]

    # The client cannot accept their own request; the expert accepts.
    assert_error(act(client, engagement, "accept"), 403, "status_transition_forbidden")
    accepted = act(expert, engagement, "accept").json()
    assert accepted["status"] == "accepted" and accepted["responded_at"] is not None

    # Paid: the payment's completion (system context) makes the engagement active and mirrors the payment.
    payment = pay(engagement, client)
    body = client_for(client).get(detail(engagement)).json()
    assert (body["status"], body["payment"], body["payment_status"]) == ("active", str(payment.pk), "completed")
    assert body["start_date"] is not None

    # Only the expert pauses and resumes; the client cannot.
    assert_error(act(client, engagement, "pause"), 403, "status_transition_forbidden")
    assert act(expert, engagement, "pause").json()["status"] == "paused"
    assert_error(act(expert, engagement, "pause"), 400, "invalid_status_transition")
    assert act(expert, engagement, "resume").json()["status"] == "active"

    # No rating before completion.
    assert_error(act(client, engagement, "rate", {"score": 5}), 400, "rating_requires_completion")
    assert_error(act(client, engagement, "complete"), 403, "status_transition_forbidden")
    completed = act(expert, engagement, "complete").json()
    assert completed["status"] == "completed" and completed["completed_at"] is not None

    # The expert never rates; the client rates once; the expert's profile rating follows.
    assert_error(act(expert, engagement, "rate", {"score": 5}), 403, "not_engagement_client")
    assert_error(act(client, engagement, "rate", {"score": 6}), 400, attr="score")
    assert act(client, engagement, "rate", {"score": 4}).json()["client_satisfaction_score"] == 4
    assert_error(act(client, engagement, "rate", {"score": 5}), 409, "already_rated")
    profile = TalentProfile.objects.get(user=expert)
    assert (profile.rating, profile.review_count) == (Decimal("4.00"), 1)
    profile_body = client_for(None).get(f"/api/v1/talent/{profile.pk}/").json()
    assert (profile_body["rating"], profile_body["review_count"]) == ("4.00", 1)

    # Terminal: nothing moves any more.
    for action in ("accept", "decline", "pause", "resume", "complete", "cancel"):
        assert_error(act(expert, engagement, action), 400, "invalid_status_transition")

    # The client's summary counts it (5 hours bought, none used through sessions).
    summary = client_for(client).get(SUMMARY).json()
    assert summary == {"total_engagements": 2, "active_engagements": 0, "total_hours_purchased": "5.00",
                       "total_hours_used": "0.00", "total_spent": "0.00"}


def test_each_transition_belongs_to_its_party(world: World) -> None:
    engagement = request_engagement(world)["id"]
    # Strangers do not see it at all; the org admin sees it but is no party.
    for who in (world.b.expert, world.b.student, world.outsider, world.a.member):
        for action in ("accept", "decline", "cancel", "pause", "complete"):
            assert_error(act(who, engagement, action), 404)
    assert_error(act(world.a.org_admin, engagement, "accept"), 403, "not_engagement_party")
    assert_error(act(world.a.org_admin, engagement, "cancel"), 403, "not_engagement_party")
    assert_error(act(None, engagement, "accept"), 401)
    # Pending: the expert cannot cancel (they decline), nor pause or complete before payment.
    assert_error(act(world.a.expert, engagement, "cancel"), 403, "status_transition_forbidden")
    assert_error(act(world.a.expert, engagement, "pause"), 400, "invalid_status_transition")
    assert_error(act(world.a.expert, engagement, "complete"), 400, "invalid_status_transition")
    assert_error(act(world.a.expert, engagement, "resume"), 400, "invalid_status_transition")
    assert act(world.a.expert, engagement, "decline").json()["status"] == "declined"
    assert_error(act(world.a.expert, engagement, "accept"), 400, "invalid_status_transition")
    assert_error(act(world.a.student, engagement, "cancel"), 400, "invalid_status_transition")


def test_the_client_cancels_a_pending_request_and_a_platform_admin_may_act(world: World) -> None:
    first = request_engagement(world)["id"]
    assert act(world.a.student, first, "cancel").json()["status"] == "cancelled"
    second = request_engagement(world)["id"]
    assert act(world.platform_admin, second, "accept").json()["status"] == "accepted"
    # Accepted and unpaid: either party may withdraw.
    assert act(world.a.expert, second, "cancel").json()["status"] == "cancelled"


def test_prices_are_pinned_once_accepted(world: World) -> None:
    engagement = request_engagement(world)["id"]
    student, expert = client_for(world.a.student), client_for(world.a.expert)
    # Pending: the client edits the request, the expert cannot.
    body = student.patch(detail(engagement), {"hours_total": "8", "timeline": "Q3"}, format="json").json()
    assert (body["hours_total"], body["timeline"], body["total_amount"]) == ("8.00", "Q3", "1200.00")
    assert_error(expert.patch(detail(engagement), {"hours_total": "9"}, format="json"), 403, "price_pinned")
    assert_error(expert.patch(detail(engagement), {"timeline": "Q4"}, format="json"), 403, "restricted_column")
    act(world.a.expert, engagement, "accept")
    assert_error(student.patch(detail(engagement), {"hours_total": "2"}, format="json"), 403, "price_pinned")
    assert_error(student.patch(detail(engagement), {"timeline": "Q1"}, format="json"), 403, "restricted_column")
    # The expert's delivery columns are theirs.
    body = expert.patch(detail(engagement), {"milestones": [{"title": "Kick-off"}], "start_date": "2030-01-06"},
                        format="json").json()
    assert body["milestones"] == [{"title": "Kick-off"}] and body["start_date"] == "2030-01-06"
    assert_error(expert.patch(detail(engagement), {"start_date": "2030-02-01", "end_date": "2030-01-01"},
                              format="json"), 400, "check_dates_valid")
    assert_error(client_for(world.a.org_admin).patch(detail(engagement), {"timeline": "x"}, format="json"), 403,
                 "not_engagement_party")
    assert_error(client_for(world.b.student).patch(detail(engagement), {"timeline": "x"}, format="json"), 404)
    assert EngagementRequest.objects.get(pk=engagement).hours_total == Decimal("8.00")


def test_the_summary_is_the_clients_own(world: World) -> None:
    request_engagement(world)
    body = client_for(world.a.student).get(SUMMARY).json()
    assert body["total_engagements"] == 2 and body["active_engagements"] == 0
    assert body["total_hours_purchased"] == "0.00"
    # Someone else's summary: only platform admins.
    other = {"client": str(world.a.student.pk)}
    assert_error(client_for(world.a.expert).get(SUMMARY, other), 403, "summary_forbidden")
    assert_error(client_for(world.a.org_admin).get(SUMMARY, other), 403, "summary_forbidden")
    assert client_for(world.platform_admin).get(SUMMARY, other).json()["total_engagements"] == 2
    assert client_for(world.outsider).get(SUMMARY).json()["total_engagements"] == 0
    assert_error(client_for(world.a.student).get(SUMMARY, {"client": "nope"}), 400)
    assert_error(client_for(None).get(SUMMARY), 401)


def test_a_failed_payment_can_be_retried_or_the_request_withdrawn(world: World) -> None:
    engagement = request_engagement(world)["id"]
    act(world.a.expert, engagement, "accept")
    failed = pending_payment(engagement, world.a.student, "_1")
    payment_fail(transaction_id=failed.transaction_id, failure_code="card_declined")
    body = client_for(world.a.student).get(detail(engagement)).json()
    assert (body["status"], body["payment_status"]) == ("payment_failed", "failed")
    # Nobody but the payment path makes it active.
    assert_error(act(world.a.expert, engagement, "resume"), 400, "invalid_status_transition")
    retried = pending_payment(engagement, world.a.student, "_2")
    payment_complete(transaction_id=retried.transaction_id)
    body = client_for(world.a.student).get(detail(engagement)).json()
    assert (body["status"], body["payment"], body["payment_status"]) == ("active", str(retried.pk), "completed")
    # Another request whose payment failed is withdrawn by the client.
    other = request_engagement(world)["id"]
    act(world.a.expert, other, "accept")
    payment_fail(transaction_id=pending_payment(other, world.a.student).transaction_id)
    assert act(world.a.student, other, "cancel").json()["status"] == "cancelled"
    summary = client_for(world.a.student).get(SUMMARY).json()
    assert (summary["active_engagements"], summary["total_hours_purchased"]) == (1, "5.00")
