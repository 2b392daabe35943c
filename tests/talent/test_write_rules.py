"""Who may write what on engagement_requests and consultations (issue 9, items 4-7; spec 60 API column
rules and status lifecycles, enforced in the database by talent/0005_v2_marketplace_rules).

Every attack runs under the app role as the attacker of the leak-matrix world (tests/talent/rls_world.py:
tenant a's engagement request is ``active``, a's consultation is a ``requested`` session inside it) and is
refused with a SQLSTATE and a reason, or changes nothing. The allowed moves are tried next to them, so a
rule that refuses too much fails too.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from organizations.models import Organization
from talent.models import Consultation, EngagementRequest, TalentProfile
from tests.db import fetch, refused
from tests.talent.rls_world import row
from tests.world import World, acting_as, person

pytestmark = pytest.mark.django_db

D = Decimal


def engagement(world: World, tenant: str = "a") -> EngagementRequest:
    return row(world, tenant, "engagement_request")


def session(world: World, tenant: str = "a") -> Consultation:
    return row(world, tenant, "consultation")


def set_status(obj: Any, status: str, **extra: Any) -> None:
    """Owner-side setup (system context): put the row in ``status``."""
    type(obj).objects.filter(pk=obj.pk).update(status=status, **extra)


def update(obj: Any, **values: Any) -> int:
    return type(obj).objects.filter(pk=obj.pk).update(**values)


def stored(obj: Any, *fields: str) -> tuple:
    return type(obj).objects.filter(pk=obj.pk).values_list(*fields).get()


def standalone(world: World, tenant: str = "a", **extra: Any) -> Consultation:
    """A standalone booking of ``tenant``'s student with ``tenant``'s expert, written as the owner."""
    t = getattr(world, tenant)
    start = extra.pop("start", timezone.now() + timedelta(days=5))
    return Consultation.objects.create(user=t.student, expert=t.expert, pillar="coaching", scheduled_start=start,
                                       scheduled_end=start + timedelta(hours=1), amount=D("150.00"), **extra)


# =============================================================================================
# Item 4: ratings come only from the client, only once completed; parties are immutable
# =============================================================================================

def test_expert_cannot_rate_their_own_work(world: World) -> None:
    er, c = engagement(world), session(world)
    set_status(er, "completed", completed_at=timezone.now())
    set_status(c, "completed")
    with acting_as(world.a.expert):
        with refused("42501", "restricted_column"):
            update(er, client_satisfaction_score=5)
        with refused("42501", "restricted_column"):
            update(c, user_rating=5)
        with refused("42501", "restricted_column"):
            update(c, user_feedback="Brilliant expert")
        assert stored(er, "client_satisfaction_score") == (None,)
        assert stored(c, "user_rating", "user_feedback") == (None, None)


def test_client_cannot_rate_what_never_took_place(world: World) -> None:
    er, c = engagement(world), session(world)  # active engagement, requested session
    with acting_as(world.a.student):
        with refused("23514", "rating_requires_completion"):
            update(er, client_satisfaction_score=1)
        with refused("23514", "rating_requires_completion"):
            update(c, user_rating=1)
    set_status(c, "cancelled")
    with acting_as(world.a.student):
        with refused("23514", "rating_requires_completion"):
            update(c, user_rating=1)
        assert stored(c, "user_rating") == (None,)


def test_client_rates_a_completed_engagement_and_session(world: World) -> None:
    er, c = engagement(world), session(world)
    set_status(er, "completed", completed_at=timezone.now())
    set_status(c, "completed")
    with acting_as(world.a.student):
        assert update(er, client_satisfaction_score=4) == 1
        assert update(c, user_rating=2, user_feedback="Too short") == 1
        assert update(c, user_rating=3) == 1  # a client may revise their own rating
        assert stored(row(world, "a", "talent_profile"), "rating", "review_count") == (D("3.50"), 2)
    with acting_as(world.platform_admin):  # not even a platform admin writes ratings
        with refused("42501", "restricted_column"):
            update(er, client_satisfaction_score=5)


def test_nobody_inserts_a_rating(world: World) -> None:
    with acting_as(world.platform_admin):
        with refused("42501", "restricted_column"):
            EngagementRequest.objects.create(client=world.a.member, expert=world.a.expert, focus_area="x",
                                             hours_total=D("1.00"), hourly_rate=D("150.00"), status="completed",
                                             completed_at=timezone.now(), client_satisfaction_score=5)


@pytest.mark.parametrize("who", ["a.student", "a.expert", "platform_admin"])
def test_parties_are_immutable_for_every_api_caller(world: World, who: str) -> None:

    er, c = engagement(world), session(world)
    booking = standalone(world)
    with acting_as(person(world, who)):
        for obj, changes in [
            (er, {"expert": world.b.expert}), (er, {"client": world.a.member}),
            (booking, {"expert": world.b.expert}), (booking, {"user": world.a.member}),
            (c, {"engagement_request": None}),
        ]:
            with refused("23514", "immutable_column"):
                update(obj, **changes)
        assert stored(booking, "expert_id", "user_id") == (world.a.expert.pk, world.a.student.pk)


def test_system_context_may_move_a_booking(world: World) -> None:
    booking = standalone(world)
    assert update(booking, expert=world.b.expert) == 1  # the owner: repairs and imports


# =============================================================================================
# Item 5: status lifecycles by party, prices pinned, notes belong to their party
# =============================================================================================

def test_client_cannot_activate_their_own_engagement(world: World) -> None:
    er = engagement(world, "b")  # pending, unpaid
    with acting_as(world.b.student):
        for status in ("active", "accepted", "payment_failed"):  # moves of the payment path or the expert
            with refused("42501", "status_transition_forbidden"):
                update(er, status=status)
        with refused("23514", "invalid_status_transition"):  # not a move of the lifecycle at all
            update(er, status="completed", completed_at=timezone.now())
        assert stored(er, "status") == ("pending",)


def test_engagement_lifecycle_by_party(world: World) -> None:
    er = engagement(world, "b")  # pending
    with acting_as(world.b.expert):
        assert update(er, status="accepted") == 1
        assert stored(er, "responded_at")[0] is not None  # automatic
        with refused("42501", "status_transition_forbidden"):
            update(er, status="active")  # only a completed payment activates
    set_status(er, "active")  # the payment path (system context)
    with acting_as(world.b.student):
        with refused("42501", "status_transition_forbidden"):
            update(er, status="paused")
    with acting_as(world.b.expert):
        assert update(er, status="paused") == 1
        assert update(er, status="active") == 1  # resume
        assert update(er, status="completed") == 1
        assert stored(er, "completed_at")[0] is not None  # automatic
        with refused("23514", "invalid_status_transition"):
            update(er, status="active")  # completed is terminal
    with acting_as(world.platform_admin):
        with refused("23514", "invalid_status_transition"):
            update(er, status="pending")


def test_client_may_withdraw_an_unpaid_request(world: World) -> None:
    er = engagement(world, "b")
    with acting_as(world.b.student):
        with refused("42501", "status_transition_forbidden"):
            update(er, status="declined")  # the expert's answer
        assert update(er, status="cancelled") == 1


def test_client_cannot_change_the_price(world: World) -> None:
    er = engagement(world, "b")  # pending, no payment attempt: the request's hours are still the client's
    with acting_as(world.b.student):
        with refused("42501", "price_pinned"):
            update(er, hourly_rate=D("1.00"))
        with refused("42501", "price_pinned"):
            update(er, currency="JPY")
        assert update(er, hours_total=D("4.00")) == 1
        assert stored(er, "hours_total", "hourly_rate") == (D("4.00"), D("150.00"))
    set_status(er, "accepted")
    with acting_as(world.b.student):
        with refused("42501", "price_pinned"):
            update(er, hours_total=D("400.00"))
    with acting_as(world.b.expert):
        with refused("42501", "price_pinned"):
            update(er, hours_total=D("400.00"))  # accepted, not yet paid: pinned for everyone
    active = engagement(world, "a")
    with acting_as(world.a.student):
        with refused("42501", "price_pinned"):
            update(active, hours_total=D("400.00"))
    with acting_as(world.a.expert):
        assert update(active, hours_total=D("12.00")) == 1  # the expert's amendment after payment (spec 60)


def test_hours_are_pinned_once_a_payment_attempt_exists(world: World) -> None:
    er = engagement(world, "b")  # pending
    from payments.models import Payment

    Payment.objects.create(user=world.b.student, amount=D("1500.00"), provider="stripe", transaction_id="pi_eng_b",
                           payment_type="engagement", engagement_request=er)
    with acting_as(world.b.student):
        with refused("42501", "price_pinned"):
            update(er, hours_total=D("100.00"))


def test_client_cannot_schedule_on_the_experts_calendar(world: World) -> None:
    c = session(world)  # requested
    with acting_as(world.a.student):
        with refused("42501", "status_transition_forbidden"):
            update(c, status="scheduled")
        with refused("42501", "restricted_column"):
            update(c, scheduled_start=timezone.now() + timedelta(days=1),
                   scheduled_end=timezone.now() + timedelta(days=1, hours=8))
        with refused("23514", "invalid_status_transition"):
            update(c, status="completed")  # not a move of the lifecycle, whoever asks
    with acting_as(world.a.expert):
        with refused("23514", "invalid_status_transition"):
            update(c, status="completed")  # a session is scheduled before it is held
        assert update(c, status="scheduled") == 1
        assert update(c, status="completed", duration_minutes=60) == 1
        with refused("23514", "invalid_status_transition"):
            update(c, status="scheduled")


def test_client_cancels_only_before_the_start(world: World) -> None:
    soon = standalone(world, status="scheduled")
    started = standalone(world, status="scheduled", start=timezone.now() - timedelta(minutes=10))
    with acting_as(world.a.student):
        with refused("42501", "restricted_column"):
            update(soon, status="cancelled", cancellation_reason="no_show")  # the expert's reason
        assert update(soon, status="cancelled", cancellation_reason="client_cancelled") == 1
        with refused("42501", "status_transition_forbidden"):
            update(started, status="cancelled", cancellation_reason="client_cancelled")
    with acting_as(world.a.expert):
        assert update(started, status="cancelled", cancellation_reason="no_show") == 1


def test_notes_belong_to_their_party(world: World) -> None:
    c, er = session(world), engagement(world)
    with acting_as(world.a.student):
        for field, value in [("expert_notes", "overwritten"), ("meeting_notes", "overwritten"),
                             ("meeting_url", "https://evil.example.com"), ("duration_minutes", 30),
                             ("action_items", ["x"])]:
            with refused("42501", "restricted_column"):
                update(c, **{field: value})
        for field, value in [("deliverables", [{"title": "Report"}]), ("milestones", [{"title": "Done"}]),
                             ("outcomes", {"done": True}), ("start_date", timezone.now().date())]:
            with refused("42501", "restricted_column"):
                update(er, **{field: value})
        assert update(c, description="What I want to talk about") == 1  # requested: the client's text
    with acting_as(world.a.expert):
        assert update(c, expert_notes="private", meeting_url="https://meet.example.com/x") == 1
        with refused("42501", "restricted_column"):
            update(c, description="rewritten by the expert")
        with refused("42501", "restricted_column"):
            update(er, initial_message="rewritten by the expert")
        assert update(er, milestones=[{"title": "Kick-off"}]) == 1
        assert stored(c, "expert_notes") == ("private",)
    with acting_as(world.a.student):
        with refused("42501", "restricted_column"):
            update(er, title="too late: the request was accepted")


def test_client_cannot_prefill_the_experts_columns(world: World) -> None:
    start = timezone.now() + timedelta(days=12)
    for extra in ({"meeting_url": "https://evil.example.com/join"}, {"expert_notes": "Client is always right"},
                  {"duration_minutes": 600}, {"action_items": [{"title": "Refund me"}]}):
        with acting_as(world.a.student):
            with refused("42501", "restricted_column"):
                Consultation.objects.create(user=world.a.student, expert=world.a.expert, pillar="coaching",
                                            scheduled_start=start, scheduled_end=start + timedelta(hours=1),
                                            **extra)
    with acting_as(world.a.expert):  # the expert's own session in the engagement may carry them
        Consultation.objects.create(user=world.a.student, expert=world.a.expert, pillar="coaching",
                                    engagement_request=engagement(world), status="scheduled",
                                    meeting_url="https://meet.example.com/a", scheduled_start=start,
                                    scheduled_end=start + timedelta(hours=1))


def test_amount_and_currency_of_a_booking_are_never_api_writable(world: World) -> None:
    booking = standalone(world)
    for who in (world.a.student, world.a.expert, world.platform_admin):
        with acting_as(who):
            with refused("42501", "price_pinned"):
                update(booking, amount=D("0.00"))
            with refused("42501", "price_pinned"):
                update(booking, currency="JPY")
            assert stored(booking, "amount", "currency") == (D("150.00"), "USD")


def test_inserts_take_the_price_from_the_profile(world: World) -> None:
    TalentProfile.objects.filter(user=world.a.expert).update(hourly_rate=D("120.00"), currency="EUR")
    start = timezone.now() + timedelta(days=9)
    with acting_as(world.a.student):
        er = EngagementRequest.objects.create(client=world.a.student, expert=world.a.expert, focus_area="Culture",
                                              hours_total=D("10.00"), hourly_rate=D("0.01"), currency="USD")
        booking = Consultation.objects.create(user=world.a.student, expert=world.a.expert, pillar="coaching",
                                              scheduled_start=start, scheduled_end=start + timedelta(minutes=90),
                                              amount=D("0.00"))
        assert stored(er, "hourly_rate", "currency") == (D("120.00"), "EUR")
        assert stored(booking, "amount", "currency") == (D("180.00"), "EUR")  # 1.5 h x 120.00


# =============================================================================================
# Item 6: organization_id only to an organization the row's client belongs to
# =============================================================================================

def test_client_cannot_retag_into_a_foreign_organization(world: World) -> None:
    er, c = engagement(world), session(world)
    for obj in (er, c):
        with acting_as(world.a.student):
            with refused("42501", "organization_not_member"):
                update(obj, organization=world.b.org)
            assert update(obj, organization=None) == 1  # leaving the org context is the client's choice
            assert update(obj, organization=world.a.org) == 1
    with acting_as(world.b.org_admin):
        assert not EngagementRequest.objects.filter(pk=er.pk).exists()
        assert not Consultation.objects.filter(pk=c.pk).exists()


def test_expert_and_admin_cannot_retag(world: World) -> None:
    er, c = engagement(world), session(world)
    with acting_as(world.a.expert):
        for obj in (er, c):
            with refused("42501", "restricted_column"):
                update(obj, organization=None)
    with acting_as(world.platform_admin):
        for obj in (er, c):
            with refused("42501", "organization_not_member"):
                update(obj, organization=world.b.org)


def test_inserts_into_a_foreign_organization_are_refused(world: World) -> None:
    start = timezone.now() + timedelta(days=20)
    with acting_as(world.a.expert):  # a session of a's active engagement, tagged with b's org
        with refused("42501", "organization_not_member"):
            Consultation.objects.create(user=world.a.student, expert=world.a.expert, pillar="coaching",
                                        engagement_request=engagement(world), organization=world.b.org,
                                        scheduled_start=start, scheduled_end=start + timedelta(hours=1))
    with acting_as(world.platform_admin):
        with refused("42501", "organization_not_member"):
            EngagementRequest.objects.create(client=world.a.student, expert=world.a.expert, focus_area="x",
                                             hours_total=D("1.00"), hourly_rate=D("150.00"),
                                             organization=world.b.org)
    other = Organization.objects.create(name="Third", slug="third")
    with acting_as(world.a.student):
        with refused("42501", "organization_not_member"):
            EngagementRequest.objects.create(client=world.a.student, expert=world.a.expert, focus_area="x",
                                             hours_total=D("1.00"), hourly_rate=D("150.00"), organization=other)


# =============================================================================================
# Item 7: automatic columns for every writer, system context included
# =============================================================================================

def test_owner_completes_an_engagement_without_completed_at(world: World) -> None:
    er = engagement(world)
    assert update(er, status="completed") == 1  # was engagement_requests_completed_at_check
    assert stored(er, "completed_at")[0] is not None
    b = engagement(world, "b")
    assert update(b, status="accepted") == 1
    assert stored(b, "responded_at")[0] is not None


def test_api_callers_cannot_forge_automatic_timestamps(world: World) -> None:
    er, b = engagement(world), engagement(world, "b")
    forged = timezone.now() - timedelta(days=365)
    with acting_as(world.a.expert):
        assert update(er, completed_at=forged, responded_at=forged, hours_used=D("9.00")) == 1
        assert stored(er, "completed_at", "responded_at", "hours_used") == (None, None, D("0.00"))
    with acting_as(world.b.expert):
        assert update(b, status="declined", responded_at=forged) == 1
        assert stored(b, "responded_at")[0] > forged


# =============================================================================================
# The rules live in one place each, readable by tests and the write matrix
# =============================================================================================

def test_status_moves_are_one_table_per_table() -> None:
    moves = fetch("SELECT from_status, to_status, parties FROM app.engagement_request_status_moves() "
                  "ORDER BY 1, 2")
    assert ("pending", "active", ["system"]) in moves
    assert ("pending", "accepted", ["expert", "admin"]) in moves
    assert not [m for m in moves if "client" in m[2] and m[1] != "cancelled"]  # a client only withdraws
    consultation = fetch("SELECT from_status::text, to_status::text, parties "
                         "FROM app.consultation_status_moves() ORDER BY 1, 2")
    assert ("requested", "scheduled", ["expert", "admin"]) in consultation
    assert not [m for m in consultation if "client" in m[2] and m[1] != "cancelled"]


def test_every_column_has_a_write_rule() -> None:
    for table, rules in [("engagement_requests", "app.engagement_request_column_rules()"),
                         ("consultations", "app.consultation_column_rules()")]:
        columns = {c for (c,) in fetch("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
                                       "AND attnum > 0 AND NOT attisdropped", [f"public.{table}"])}
        ruled = {c for (c,) in fetch(f"SELECT column_name FROM {rules}")}
        assert ruled == columns, table
