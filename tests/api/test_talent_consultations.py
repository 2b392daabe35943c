"""/api/v1/consultations/: booking a slot, the expert's scheduling (the double-booking exclusion constraint and
the buffer between sessions answer 409), rescheduling, cancelling, completing, rating by the client only once
completed, the expert's private notes, and who sees which session."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from humanglue.security.context import system_context
from payments.models import Payment
from payments.services import payment_complete
from talent.models import Consultation, EngagementRequest, TalentProfile
from tests.api_client import assert_error, client_for
from tests.world import World, build_world

pytestmark = pytest.mark.django_db

LIST = "/api/v1/consultations/"


@pytest.fixture
def world() -> World:
    return build_world()


def detail(consultation: Any) -> str:
    return f"{LIST}{consultation if isinstance(consultation, str) else consultation.pk}/"


def act(who: Any, consultation: Any, action: str, body: dict | None = None) -> Any:
    return client_for(who).post(f"{detail(consultation)}{action}/", body or {}, format="json")


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def at(days: int, hour: int = 10, minute: int = 0) -> Any:
    return (timezone.now() + timedelta(days=days)).replace(hour=hour, minute=minute, second=0, microsecond=0)


def book(who: Any, expert: Any, start: Any, minutes: int = 60, **extra: Any) -> dict[str, Any]:
    body = {"expert": str(expert.pk), "pillar": "coaching", "scheduled_start": start.isoformat(),
            "scheduled_end": (start + timedelta(minutes=minutes)).isoformat(), **extra}
    response = client_for(who).post(LIST, body, format="json")
    assert response.status_code == 201, response.content[:500]
    return response.json()


# --- booking ---------------------------------------------------------------------------------------------------


def test_a_booking_is_requested_and_priced_at_the_experts_rate(world: World) -> None:
    body = book(world.a.student, world.a.expert, at(5), minutes=90, amount="1.00", title="Team kick-off",
                topics=["change", "change", "culture"])
    assert body["status"] == "requested"
    assert (body["amount"], body["currency"]) == ("225.00", "USD")  # 150/h x 1.5 h, whatever was sent
    assert body["client"]["id"] == str(world.a.student.pk)
    assert body["expert"]["full_name"] == "Expert"
    assert body["organization"] == str(world.a.org.pk)
    assert body["topics"] == ["change", "change", "culture"]
    assert "expert_notes" not in body


def test_the_session_length_defaults_to_the_experts(world: World) -> None:
    TalentProfile.objects.filter(user=world.a.expert).update(session_duration_minutes=30)
    start = at(5)
    response = client_for(world.a.student).post(
        LIST, {"expert": str(world.a.expert.pk), "pillar": "adaptability", "scheduled_start": start.isoformat()},
        format="json")
    assert response.status_code == 201, response.content[:300]
    body = response.json()
    assert body["amount"] == "75.00"
    assert body["scheduled_end"].startswith((start + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"))


def test_bad_bookings_are_refused(world: World) -> None:
    student = client_for(world.a.student)
    start = at(5)
    base = {"pillar": "coaching", "scheduled_start": start.isoformat()}
    assert_error(student.post(LIST, {**base, "expert": str(world.a.instructor.pk)}, format="json"), 400,
                 "expert_not_bookable")
    assert_error(client_for(world.a.expert).post(LIST, {**base, "expert": str(world.a.expert.pk)}, format="json"),
                 400, "self_booking")
    assert_error(student.post(LIST, {**base, "expert": str(world.a.expert.pk),
                                     "scheduled_start": at(-1).isoformat()}, format="json"), 400, "not_in_future")
    assert_error(student.post(LIST, {**base, "expert": str(world.a.expert.pk),
                                     "scheduled_end": (start - timedelta(hours=1)).isoformat()}, format="json"),
                 400, attr="scheduled_end")
    assert_error(student.post(LIST, base, format="json"), 400)  # neither expert nor engagement
    assert_error(student.post(LIST, {**base, "expert": str(world.a.expert.pk), "pillar": "nope"}, format="json"),
                 400, attr="pillar")
    assert_error(student.post(LIST, {**base, "expert": str(world.a.expert.pk), "organization": str(world.b.org.pk)},
                              format="json"), 400, "foreign_organization")
    assert_error(client_for(None).post(LIST, {**base, "expert": str(world.a.expert.pk)}, format="json"), 401)


def test_a_session_of_an_active_engagement_uses_its_hours(world: World) -> None:
    engagement = world.a.rows["engagement_request"]
    start = at(6)
    body = {"engagement_request": str(engagement.pk), "pillar": "coaching", "scheduled_start": start.isoformat()}
    # Pending (unpaid): no sessions yet.
    assert_error(client_for(world.a.student).post(LIST, body, format="json"), 400, "engagement_not_active")
    with system_context():
        payment = Payment.objects.create(user=world.a.student, amount=Decimal("1500.00"), provider="stripe",
                                         transaction_id="pi_session", payment_type="engagement",
                                         engagement_request=engagement)
    payment_complete(transaction_id=payment.transaction_id)
    response = client_for(world.a.student).post(LIST, body, format="json")
    assert response.status_code == 201, response.content[:300]
    session = response.json()
    assert (session["engagement_request"], session["amount"]) == (str(engagement.pk), "0.00")
    # Someone else's engagement: invisible, so no such engagement.
    assert_error(client_for(world.b.student).post(LIST, body, format="json"), 400, "does_not_exist")
    # Completed by the expert, the session's minutes are the engagement's hours used.
    assert act(world.a.expert, session["id"], "schedule").status_code == 200
    Consultation.objects.filter(pk=session["id"]).update(scheduled_start=at(-1), scheduled_end=at(-1, 11))
    act(world.a.expert, session["id"], "complete", {"duration_minutes": 90})
    assert EngagementRequest.objects.get(pk=engagement.pk).hours_used == Decimal("1.50")


# --- reading ---------------------------------------------------------------------------------------------------


def test_each_caller_reads_exactly_the_sessions_the_policies_give_them(world: World) -> None:
    mine = book(world.a.student, world.a.expert, at(5))["id"]
    sample = str(world.a.rows["consultation"].pk)
    assert ids(client_for(world.a.student).get(LIST)) == {mine, sample}
    assert ids(client_for(world.a.expert).get(LIST)) == {mine, sample}
    assert ids(client_for(world.a.expert).get(LIST, {"role": "client"})) == set()
    assert ids(client_for(world.a.student).get(LIST, {"status": "requested", "role": "client"})) == {mine, sample}
    assert ids(client_for(world.a.student).get(LIST, {"engagement_request": str(
        world.a.rows["engagement_request"].pk)})) == {sample}
    for who in (world.outsider, world.a.member, world.a.org_admin, world.platform_admin, world.b.expert):
        expected = {str(world.b.rows["consultation"].pk)} if who is world.b.expert else set()
        assert ids(client_for(who).get(LIST)) == expected
    for who in (world.a.student, world.a.expert, world.a.org_admin, world.platform_admin):
        assert client_for(who).get(detail(mine)).status_code == 200
    for who in (world.b.student, world.b.expert, world.b.org_admin, world.outsider, world.a.member,
                world.a.instructor):
        assert_error(client_for(who).get(detail(mine)), 404)
        assert_error(act(who, mine, "cancel"), 404)
        assert_error(act(who, mine, "schedule"), 404)
    assert_error(client_for(None).get(detail(mine)), 401)


def test_expert_notes_are_never_shown_to_the_client(world: World) -> None:
    session = book(world.a.student, world.a.expert, at(5))["id"]
    expert = client_for(world.a.expert)
    body = expert.patch(detail(session), {"expert_notes": "Client seems anxious.", "meeting_url": "https://meet.example/x"},
                        format="json").json()
    assert body["expert_notes"] == "Client seems anxious." and body["meeting_url"] == "https://meet.example/x"
    assert expert.get(detail(session)).json()["expert_notes"] == "Client seems anxious."
    assert client_for(world.platform_admin).get(detail(session)).json()["expert_notes"] == "Client seems anxious."
    for who in (world.a.student, world.a.org_admin):
        body = client_for(who).get(detail(session)).json()
        assert "expert_notes" not in body and body["meeting_url"] == "https://meet.example/x"
    for row in client_for(world.a.student).get(LIST).json()["results"]:
        assert "expert_notes" not in row
    assert any(row.get("expert_notes") for row in expert.get(LIST).json()["results"])
    # The client can neither write them nor the expert's other columns; their own request columns they can.
    student = client_for(world.a.student)
    assert_error(student.patch(detail(session), {"expert_notes": "x"}, format="json"), 403, "restricted_column")
    assert_error(student.patch(detail(session), {"meeting_notes": "x"}, format="json"), 403, "restricted_column")
    assert student.patch(detail(session), {"description": "Agenda"}, format="json").json()["description"] == "Agenda"
    assert_error(expert.patch(detail(session), {"description": "x"}, format="json"), 403, "restricted_column")
    assert_error(client_for(world.a.org_admin).patch(detail(session), {"title": "x"}, format="json"), 403,
                 "not_consultation_party")


# --- scheduling ------------------------------------------------------------------------------------------------


def test_the_expert_schedules_and_a_double_booking_answers_409(world: World) -> None:
    start = at(5)
    first = book(world.a.student, world.a.expert, start)["id"]
    overlapping = book(world.b.student, world.a.expert, start + timedelta(minutes=30))["id"]
    # Requested slots block nothing; the client cannot schedule.
    assert_error(act(world.a.student, first, "schedule"), 403, "status_transition_forbidden")
    body = act(world.a.expert, first, "schedule", {"meeting_url": "https://meet.example/1"}).json()
    assert (body["status"], body["meeting_url"]) == ("scheduled", "https://meet.example/1")
    assert_error(act(world.a.expert, first, "schedule"), 400, "invalid_status_transition")
    # The overlapping request cannot be scheduled: the exclusion constraint refuses it.
    TalentProfile.objects.filter(user=world.a.expert).update(buffer_minutes=0)
    assert_error(act(world.a.expert, overlapping, "schedule"), 409, "double_booking")
    assert Consultation.objects.get(pk=overlapping).status == "requested"
    # Moved after the first session, it can.
    later = start + timedelta(hours=1)
    act(world.a.expert, overlapping, "reschedule", {"scheduled_start": later.isoformat(),
                                                    "scheduled_end": (later + timedelta(hours=1)).isoformat()})
    assert act(world.a.expert, overlapping, "schedule").json()["status"] == "scheduled"
    # Rescheduling a scheduled session onto another one: 409 as well.
    assert_error(act(world.a.expert, overlapping, "reschedule", {
        "scheduled_start": start.isoformat(), "scheduled_end": (start + timedelta(hours=1)).isoformat()}),
        409, "double_booking")


def test_the_experts_buffer_between_sessions_answers_409(world: World) -> None:
    start = at(5)
    first = book(world.a.student, world.a.expert, start)["id"]
    act(world.a.expert, first, "schedule")
    close = book(world.b.student, world.a.expert, start + timedelta(minutes=65))["id"]  # buffer is 15
    assert_error(act(world.a.expert, close, "schedule"), 409, "booking_buffer_conflict")
    far = book(world.b.student, world.a.expert, start + timedelta(minutes=75))["id"]
    assert act(world.a.expert, far, "schedule").json()["status"] == "scheduled"


def test_only_the_expert_reschedules(world: World) -> None:
    session = book(world.a.student, world.a.expert, at(5))["id"]
    new = at(8, 14)
    body = {"scheduled_start": new.isoformat(), "scheduled_end": (new + timedelta(hours=1)).isoformat()}
    assert_error(act(world.a.student, session, "reschedule", body), 403, "restricted_column")
    moved = act(world.a.expert, session, "reschedule", body).json()
    assert moved["scheduled_start"].startswith(new.strftime("%Y-%m-%dT%H:%M"))
    assert moved["amount"] == "150.00"  # the price was set at booking
    assert_error(act(world.a.expert, session, "reschedule", {**body, "scheduled_end": new.isoformat()}), 400,
                 attr="scheduled_end")
    assert_error(act(world.a.expert, session, "reschedule", {
        "scheduled_start": at(-2).isoformat(), "scheduled_end": at(-2, 11).isoformat()}), 400, "not_in_future")
    act(world.a.expert, session, "cancel")
    assert_error(act(world.a.expert, session, "reschedule", body), 400, "invalid_status_transition")


# --- cancelling, completing, rating -----------------------------------------------------------------------------


def test_cancelling_records_whose_reason(world: World) -> None:
    by_client = book(world.a.student, world.a.expert, at(5))["id"]
    body = act(world.a.student, by_client, "cancel").json()
    assert (body["status"], body["cancellation_reason"]) == ("cancelled", "client_cancelled")
    assert_error(act(world.a.student, by_client, "cancel"), 400, "invalid_status_transition")
    by_expert = book(world.a.student, world.a.expert, at(6))["id"]
    assert_error(act(world.a.student, by_expert, "cancel", {"reason": "no_show"}), 403, "restricted_column")
    assert act(world.a.expert, by_expert, "cancel", {"reason": "other"}).json()["cancellation_reason"] == "other"
    assert_error(act(world.a.org_admin, book(world.a.student, world.a.expert, at(7))["id"], "cancel"), 403,
                 "not_consultation_party")


def test_the_client_cannot_cancel_a_session_that_has_started(world: World) -> None:
    session = book(world.a.student, world.a.expert, at(5))["id"]
    act(world.a.expert, session, "schedule")
    Consultation.objects.filter(pk=session).update(scheduled_start=at(-1), scheduled_end=at(1))
    assert_error(act(world.a.student, session, "cancel"), 403, "status_transition_forbidden")
    assert act(world.a.expert, session, "cancel", {"reason": "no_show"}).json()["status"] == "cancelled"


def test_a_session_from_booking_to_rating(world: World) -> None:
    session = book(world.a.student, world.a.expert, at(5))["id"]
    assert_error(act(world.a.expert, session, "complete"), 400, "invalid_status_transition")  # not scheduled
    act(world.a.expert, session, "schedule")
    assert_error(act(world.a.student, session, "rate", {"rating": 5}), 400, "rating_requires_completion")
    assert_error(act(world.a.student, session, "complete"), 403, "status_transition_forbidden")
    done = act(world.a.expert, session, "complete", {"meeting_notes": "Good session",
                                                     "action_items": [{"task": "Read the plan"}]}).json()
    assert (done["status"], done["duration_minutes"], done["meeting_notes"]) == ("completed", 60, "Good session")
    assert TalentProfile.objects.get(user=world.a.expert).total_sessions == 1
    # The expert never rates; the client rates once.
    assert_error(act(world.a.expert, session, "rate", {"rating": 5}), 403, "not_consultation_client")
    assert_error(act(world.a.student, session, "rate", {"rating": 0}), 400, attr="rating")
    rated = act(world.a.student, session, "rate", {"rating": 5, "feedback": "Very useful"}).json()
    assert (rated["user_rating"], rated["user_feedback"]) == (5, "Very useful")
    assert_error(act(world.a.student, session, "rate", {"rating": 1}), 409, "already_rated")
    profile = TalentProfile.objects.get(user=world.a.expert)
    assert (profile.rating, profile.review_count) == (Decimal("5.00"), 1)
    # Strangers: 404.
    for who in (world.b.student, world.outsider, world.a.member):
        assert_error(act(who, session, "rate", {"rating": 5}), 404)
