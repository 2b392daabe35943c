"""/api/v1/talent/: the public marketplace (search by expertise, pillars, rate range, availability, rating and
text), one expert's profile, and the expert's own profile (/talent/me/), with what each caller may see and
write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from talent.models import TalentProfile
from tests.api_client import assert_error, client_for
from tests.world import World, build_world

pytestmark = pytest.mark.django_db

LIST = "/api/v1/talent/"
ME = "/api/v1/talent/me/"


@pytest.fixture
def world() -> World:
    w = build_world()
    # Two distinct experts: a's is a change coach, b's an AI strategist.
    TalentProfile.objects.filter(user=w.a.expert).update(
        expertise=["change management", "leadership"], pillars=["coaching", "adaptability"],
        industries=["retail"], availability="available", hourly_rate=Decimal("150.00"))
    TalentProfile.objects.filter(user=w.b.expert).update(
        tagline="Artificial intelligence strategy advisor", bio="Helps boards plan machine learning adoption.",
        expertise=["ai strategy"], pillars=["marketplace"], industries=["finance"], availability="limited",
        hourly_rate=Decimal("300.00"))
    return w


def detail(profile: Any) -> str:
    return f"{LIST}{profile.pk}/"


def profile_of(world: World, tenant: str) -> TalentProfile:
    return getattr(world, tenant).rows["talent_profile"]


def listed(response: Any) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [row["id"] for row in response.json()["results"]]


# --- the marketplace -------------------------------------------------------------------------------------------


def test_everyone_sees_the_public_profiles_that_accept_clients(world: World) -> None:
    both = {str(profile_of(world, "a").pk), str(profile_of(world, "b").pk)}
    for who in (None, world.a.student, world.b.expert, world.outsider, world.a.org_admin, world.platform_admin):
        assert set(listed(client_for(who).get(LIST))) == both
    TalentProfile.objects.filter(user=world.b.expert).update(accepting_clients=False)
    assert set(listed(client_for(None).get(LIST))) == {str(profile_of(world, "a").pk)}
    TalentProfile.objects.filter(user=world.a.expert).update(is_public=False)
    assert listed(client_for(world.a.expert).get(LIST)) == []  # the marketplace lists public profiles only


def test_a_marketplace_entry_names_the_expert_and_lists_pillars_as_a_list(world: World) -> None:
    row = next(r for r in client_for(None).get(LIST).json()["results"] if r["id"] == str(profile_of(world, "a").pk))
    assert row["user"] == {"id": str(world.a.expert.pk), "full_name": "Expert", "avatar_url": None}
    assert sorted(row["pillars"]) == ["adaptability", "coaching"]
    assert row["expertise"] == ["change management", "leadership"]
    assert (row["hourly_rate"], row["currency"], row["rating"]) == ("150.00", "USD", "0.00")


@pytest.mark.parametrize(("params", "tenants"), [
    ({"expertise": "leadership"}, {"a"}),
    ({"expertise": "ai strategy,leadership"}, {"a", "b"}),
    ({"industries": "finance"}, {"b"}),
    ({"pillars": "marketplace"}, {"b"}),
    ({"pillars": ["coaching", "marketplace"]}, {"a", "b"}),
    ({"availability": "limited"}, {"b"}),
    ({"rate_min": "200"}, {"b"}),
    ({"rate_max": "150"}, {"a"}),
    ({"rate_min": "100", "rate_max": "200"}, {"a"}),
    ({"min_rating": "1"}, set()),
    ({"q": "machine learning"}, {"b"}),
    ({"q": "leadership coach"}, {"a"}),
    ({"q": "Change leadershp coach"}, {"a"}),  # a typo: the tagline's trigram match
    ({"q": "leadership", "pillars": "marketplace"}, set()),
])
def test_search_filters(world: World, params: dict[str, Any], tenants: set[str]) -> None:
    expected = {str(profile_of(world, t).pk) for t in tenants}
    assert set(listed(client_for(None).get(LIST, params))) == expected


def test_results_are_ranked_by_rating_then_reviews(world: World) -> None:
    TalentProfile.objects.filter(user=world.b.expert).update(rating=Decimal("4.50"), review_count=3)
    assert listed(client_for(None).get(LIST)) == [str(profile_of(world, "b").pk), str(profile_of(world, "a").pk)]


def test_bad_search_parameters_answer_400(world: World) -> None:
    for params in ({"pillars": "nope"}, {"availability": "never"}, {"rate_min": "abc"}, {"min_rating": "9"},
                   {"q": "x" * 201}):
        assert_error(client_for(None).get(LIST, params), 400)


# --- one profile -----------------------------------------------------------------------------------------------


def test_a_public_profile_is_public_a_hidden_one_is_its_owners(world: World) -> None:
    profile = profile_of(world, "a")
    for who in (None, world.b.student, world.outsider):
        body = client_for(who).get(detail(profile)).json()
        assert body["tagline"] == "Change leadership coach" and "metadata" not in body and "search_vector" not in body
    TalentProfile.objects.filter(pk=profile.pk).update(is_public=False)
    for who in (None, world.b.student, world.a.student, world.a.org_admin, world.b.expert):
        assert_error(client_for(who).get(detail(profile)), 404)
    for who in (world.a.expert, world.platform_admin):
        assert client_for(who).get(detail(profile)).status_code == 200


# --- my profile ------------------------------------------------------------------------------------------------


def test_my_profile_is_mine(world: World) -> None:
    body = client_for(world.a.expert).get(ME).json()
    assert body["id"] == str(profile_of(world, "a").pk) and body["metadata"] == {}
    for who in (world.a.student, world.outsider, world.platform_admin):
        assert_error(client_for(who).get(ME), 404, "no_talent_profile")
        assert_error(client_for(who).patch(ME, {"title": "x"}, format="json"), 404, "no_talent_profile")
    assert_error(client_for(None).get(ME), 401)


def test_the_expert_edits_their_profile_but_not_the_maintained_figures(world: World) -> None:
    expert = client_for(world.a.expert)
    body = expert.patch(ME, {
        "title": "Transformation consultant", "pillars": ["marketplace", "coaching", "coaching"],
        "hourly_rate": "180.00", "availability": "limited", "timezone": "Europe/Paris",
        "weekly_availability": [{"day_of_week": 1, "start_time": "09:00", "end_time": "12:00"}],
        "testimonials": [{"client_name": "Ann", "client_company": "Acme", "quote": "Great"}],
        "rating": "5.00", "review_count": 99, "total_sessions": 7, "user": str(world.b.expert.pk),
    }, format="json").json()
    assert body["title"] == "Transformation consultant"
    assert body["pillars"] == ["marketplace", "coaching"]
    assert (body["hourly_rate"], body["availability"], body["timezone"]) == ("180.00", "limited", "Europe/Paris")
    assert body["weekly_availability"] == [{"day_of_week": 1, "start_time": "09:00", "end_time": "12:00",
                                            "is_active": True}]
    testimonial = body["testimonials"][0]
    assert testimonial["verified"] is False and testimonial["id"] and testimonial["created_at"]
    assert (body["rating"], body["review_count"], body["total_sessions"]) == ("0.00", 0, 0)
    assert body["user"]["id"] == str(world.a.expert.pk)
    # The new text is searchable at once (the generated search_vector).
    assert str(profile_of(world, "a").pk) in listed(client_for(None).get(LIST, {"q": "transformation consultant"}))


def test_profile_input_is_validated(world: World) -> None:
    expert = client_for(world.a.expert)
    for body, attr in (
        ({"tagline": "short"}, "tagline"),
        ({"bio": "Too short a bio."}, "bio"),
        ({"pillars": ["nope"]}, "pillars.0"),
        ({"transformation_stages": ["assess", "dream"]}, "transformation_stages.1"),
        ({"hourly_rate": "-1"}, "hourly_rate"),
        ({"currency": "usd"}, "currency"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"transformation_success_rate": 101}, "transformation_success_rate"),
        ({"max_hours_per_week": 169}, "max_hours_per_week"),
        ({"avatar_url": "javascript:alert(1)"}, "avatar_url"),
        ({"weekly_availability": [{"day_of_week": 1, "start_time": "12:00", "end_time": "09:00"}]},
         "weekly_availability.0.end_time"),
        ({"weekly_availability": [{"day_of_week": 7, "start_time": "09:00", "end_time": "10:00"}]},
         "weekly_availability.0.day_of_week"),
        ({"testimonials": [{"client_name": "Ann", "quote": "Great"}]}, "testimonials.0.client_company"),
    ):
        assert_error(expert.patch(ME, body, format="json"), 400, attr=attr)
    slot = {"day_of_week": 1, "start_time": "09:00", "end_time": "10:00"}
    assert_error(expert.patch(ME, {"weekly_availability": [slot, slot]}, format="json"), 400, "duplicate_slot")


def test_only_a_platform_admin_verifies_testimonials(world: World) -> None:
    expert = client_for(world.a.expert)
    quote = {"client_name": "Ann", "client_company": "Acme", "quote": "Great"}
    assert_error(expert.patch(ME, {"testimonials": [{**quote, "verified": True}]}, format="json"), 400,
                 "verification_forbidden")
    # A testimonial an admin verified stays verified when the expert edits the list.
    verified = {**quote, "id": "6f1c0b52-9a53-4e63-8d1c-3f1f3f0b9c01", "verified": True}
    TalentProfile.objects.filter(user=world.a.expert).update(testimonials=[verified])
    body = expert.patch(ME, {"testimonials": [{**verified, "display_order": 2}]}, format="json").json()
    assert body["testimonials"][0]["verified"] is True and body["testimonials"][0]["display_order"] == 2
    # Changed words are no longer what was verified.
    assert_error(expert.patch(ME, {"testimonials": [{**verified, "quote": "Really great"}]}, format="json"), 400,
                 "verification_forbidden")
    body = expert.patch(ME, {"testimonials": [{**verified, "quote": "Really great", "verified": False}]},
                        format="json").json()
    assert body["testimonials"][0]["verified"] is False
