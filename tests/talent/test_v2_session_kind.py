"""A consultation's pillar and session_type are set at booking (talent/0007_v2_session_kind; spec 60's API
column rules: after booking the client edits description, topics and title, the expert the session record;
neither changes what kind of session was booked). Platform admins keep them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from talent.models import Consultation
from tests.db import refused
from tests.talent.rls_world import row
from tests.world import World, acting_as

pytestmark = pytest.mark.django_db


def update(obj: Consultation, **values: object) -> int:
    return Consultation.objects.filter(pk=obj.pk).update(**values)


def kind(obj: Consultation) -> tuple:
    return Consultation.objects.filter(pk=obj.pk).values_list("pillar", "session_type").get()


def booking(world: World, **extra: object) -> Consultation:
    """Tenant a's standalone booking, written as the owner."""
    start = timezone.now() + timedelta(days=5)
    return Consultation.objects.create(user=world.a.student, expert=world.a.expert, pillar="coaching",
                                       session_type="coaching", scheduled_start=start,
                                       scheduled_end=start + timedelta(hours=1), **extra)


@pytest.mark.parametrize("status", ["requested", "scheduled"])
def test_parties_cannot_change_the_kind_of_a_booked_session(world: World, status: str) -> None:
    booked = booking(world, status=status)
    for who in (world.a.student, world.a.expert):
        with acting_as(who):
            with refused("42501", "restricted_column"):
                update(booked, pillar="marketplace")
            with refused("42501", "restricted_column"):
                update(booked, session_type="follow_up")
    assert kind(booked) == ("coaching", "coaching")


def test_engagement_session_kind_is_fixed_for_both_parties(world: World) -> None:
    session = row(world, "a", "consultation")
    before = kind(session)
    for who in (world.a.student, world.a.expert):
        with acting_as(who):
            with refused("42501", "restricted_column"):
                update(session, session_type="workshop" if before[1] != "workshop" else "coaching")
    assert kind(session) == before


def test_kind_is_chosen_at_booking_and_admins_keep_it(world: World) -> None:
    start = timezone.now() + timedelta(days=9)
    with acting_as(world.a.student):
        booked = Consultation.objects.create(user=world.a.student, expert=world.a.expert, pillar="adaptability",
                                             session_type="consultation", scheduled_start=start,
                                             scheduled_end=start + timedelta(hours=1))
        assert kind(booked) == ("adaptability", "consultation")
        assert update(booked, title="My question", topics=["change"]) == 1  # the client's own text still
    booked = booking(world)
    with acting_as(world.platform_admin):
        assert update(booked, pillar="marketplace", session_type="follow_up") == 1
        assert kind(booked) == ("marketplace", "follow_up")
