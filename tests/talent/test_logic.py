"""Business logic of the talent app (spec 60, Functions): search_talent, get_client_engagement_summary,
update_talent_rating (update_rating_on_engagement_review, update_rating_on_consultation_review) and
update_engagement_hours (update_hours_on_session_complete)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from organizations.models import User
from talent.models import Consultation, EngagementRequest, TalentProfile
from tests.db import refused
from tests.factories import PlatformAdminFactory, UserFactory
from tests.talent import logic_data as data
from tests.talent.logic_data import D, sql, sql_one
from tests.world import acting_as

pytestmark = pytest.mark.django_db


def profile_counters(profile: TalentProfile) -> tuple[Decimal, int, int]:
    profile.refresh_from_db(fields=["rating", "review_count", "total_sessions"])
    return profile.rating, profile.review_count, profile.total_sessions


def hours_used(eng: EngagementRequest) -> Decimal:
    eng.refresh_from_db(fields=["hours_used"])
    return eng.hours_used


# =============================================================================================
# Catalog: functions, grants and triggers as contract.json says
# =============================================================================================

TALENT_FUNCTIONS = ["search_talent", "get_client_engagement_summary", "update_talent_rating",
                    "update_engagement_hours", "talent_search_document"]


def test_functions_security_volatility_and_grants_match_the_contract() -> None:
    data.assert_functions_match_contract(TALENT_FUNCTIONS)


def test_triggers_have_the_contract_names_events_and_timing() -> None:
    from humanglue.contract import load_contract

    tables = load_contract()["tables"]
    for table in ("talent_profiles", "engagement_requests", "consultations"):
        # Besides the contract's: the value bounds' time zone check (talent/0006_v2_value_bounds).
        live = set(data.trigger_definitions(table)) - {f"validate_{table}_timezone"}
        assert sorted(live) == sorted(tables[table]["triggers"]), table
    assert data.trigger_definitions("engagement_requests")["update_rating_on_engagement_review"] == (
        "CREATE TRIGGER update_rating_on_engagement_review AFTER INSERT OR DELETE OR UPDATE OF "
        "client_satisfaction_score, expert_id ON public.engagement_requests FOR EACH ROW EXECUTE FUNCTION "
        "update_talent_rating()")
    consultations = data.trigger_definitions("consultations")
    assert consultations["update_rating_on_consultation_review"] == (
        "CREATE TRIGGER update_rating_on_consultation_review AFTER INSERT OR DELETE OR UPDATE OF "
        "user_rating, status, expert_id ON public.consultations FOR EACH ROW EXECUTE FUNCTION "
        "update_talent_rating()")
    assert consultations["update_hours_on_session_complete"] == (
        "CREATE TRIGGER update_hours_on_session_complete AFTER INSERT OR DELETE OR UPDATE ON public.consultations "
        "FOR EACH ROW EXECUTE FUNCTION update_engagement_hours()")


# =============================================================================================
# search_talent
# =============================================================================================

SEARCH = "SELECT * FROM public.search_talent(%s::text[], %s::text[], %s, %s, %s, %s, %s)"


def search(expertise=None, industries=None, min_rating=None, availability=None, limit=20, offset=0, query=None):
    return sql(SEARCH, [expertise, industries, min_rating, availability, limit, offset, query])


@pytest.fixture
def market() -> dict[str, TalentProfile]:
    """Four listed profiles with fixed ratings, one private and one not accepting clients."""
    profiles = {}
    for label, values in {
        "ai": dict(tagline="AI transformation consultant", expertise=["ai", "strategy"], industries=["finance"],
                   bio="Guides banks through machine learning adoption.", location="London", availability="available",
                   hourly_rate=D("200.00")),
        "coach": dict(tagline="Executive leadership coach", expertise=["leadership", "coaching"],
                      industries=["healthcare"], bio="Coaching hospital executives.", availability="limited"),
        "culture": dict(tagline="Culture change facilitator", expertise=["culture", "leadership"],
                        industries=["finance", "retail"], bio="Workshops on culture.", availability="available"),
        "data": dict(tagline="Data strategy advisor", expertise=["data"], industries=["retail"],
                     bio="Builds analytics teams.", availability="booked"),
        "private": dict(tagline="AI transformation consultant", expertise=["ai"], is_public=False),
        "closed": dict(tagline="AI transformation consultant", expertise=["ai"], accepting_clients=False),
    }.items():
        _, profiles[label] = data.expert(label, **values)
    # Seed-style imported figures (accepted at INSERT time): ratings decide the default order.
    for label, rating, count in [("ai", "4.80", 67), ("coach", "4.80", 12), ("culture", "4.20", 30),
                                 ("data", "3.50", 3), ("private", "5.00", 9), ("closed", "5.00", 9)]:
        TalentProfile.objects.filter(pk=profiles[label].pk).update(rating=D(rating), review_count=count)
    return profiles


def ids(rows: list[tuple]) -> list:
    return [row[0] for row in rows]


def test_search_default_lists_public_accepting_profiles_by_rating_then_reviews(market) -> None:
    rows = search()
    assert ids(rows) == [market[k].pk for k in ("ai", "coach", "culture", "data")]
    first = rows[0]
    assert first == (market["ai"].pk, "Ai", "AI transformation consultant", ["ai", "strategy"], D("4.80"), 67,
                     D("200.00"), "available")


def test_search_filters_combine(market) -> None:
    assert ids(search(expertise=["leadership"])) == [market["coach"].pk, market["culture"].pk]
    assert ids(search(expertise=["leadership", "data"])) == [market[k].pk for k in ("coach", "culture", "data")]
    assert ids(search(expertise=[])) == ids(search())  # empty array: no filter
    assert ids(search(industries=["finance"])) == [market["ai"].pk, market["culture"].pk]
    assert ids(search(expertise=["leadership"], industries=["finance"])) == [market["culture"].pk]
    assert ids(search(min_rating=D("4.5"))) == [market["ai"].pk, market["coach"].pk]
    assert ids(search(availability="available")) == [market["ai"].pk, market["culture"].pk]
    assert search(availability="on-holiday") == []  # unknown value: no match, no error


def test_search_text_query_fulltext_and_trigram(market) -> None:
    # Full text over tagline/title/expertise/industries/bio/location (english stemming).
    assert ids(search(query="hospital")) == [market["coach"].pk]
    assert ids(search(query="coaches")) == [market["coach"].pk]
    assert ids(search(query="london")) == [market["ai"].pk]
    # Trigram similarity on the tagline catches a typo the full-text branch misses.
    assert ids(search(query="Executive leadersip coch")) == [market["coach"].pk]
    # Relevance first: the culture profile mentions culture in tagline (A) and expertise (B).
    assert ids(search(query="culture"))[0] == market["culture"].pk
    # Blank query: no text filter; stop words only: only the trigram branch could match.
    assert ids(search(query="   ")) == ids(search())
    assert search(query="the and of") == []
    # websearch syntax never raises.
    assert search(query='"unbalanced -( or') == []


def test_search_paging_clamps(market) -> None:
    everyone = ids(search())
    assert ids(search(limit=2)) == everyone[:2]
    assert ids(search(limit=2, offset=2)) == everyone[2:]
    assert ids(search(limit=0)) == everyone and ids(search(limit=None)) == everyone  # -> 20
    assert ids(search(offset=-5)) == everyone and ids(search(offset=None)) == everyone
    assert ids(search(offset=10)) == []
    people = User.objects.bulk_create([User(email=f"bulk-{i}@example.com", full_name=f"Bulk {i}") for i in range(100)])
    TalentProfile.objects.bulk_create([
        TalentProfile(user=person, tagline="Coach", bio="Bio.", years_experience=1, hourly_rate=D("10.00"))
        for person in people])
    assert len(search(limit=500)) == 100
    assert len(search(limit=None)) == 20


def test_search_is_open_to_anonymous_callers_and_shows_names(market) -> None:
    with acting_as(None):
        rows = search(expertise=["data"])
        # users' RLS hides the expert's row from an anonymous caller; the DEFINER function reads it.
        assert sql("SELECT count(*) FROM public.users")[0][0] == 0
    assert [(r[0], r[1]) for r in rows] == [(market["data"].pk, "Data")]


def test_search_tie_breaker_is_profile_id(market) -> None:
    TalentProfile.objects.filter(pk__in=[market["ai"].pk, market["coach"].pk]).update(review_count=5)
    first, second = sorted([market["ai"].pk, market["coach"].pk])
    assert ids(search())[:2] == [first, second]


# =============================================================================================
# get_client_engagement_summary
# =============================================================================================

SUMMARY = "SELECT * FROM public.get_client_engagement_summary(%s)"


def test_client_engagement_summary_values_and_guard() -> None:
    client, other = UserFactory(full_name="Client"), UserFactory(full_name="Other")
    admin = PlatformAdminFactory()
    expert_user, _ = data.expert()
    e_active = data.engagement(client, expert_user, hours_total=D("10.00"), hourly_rate=D("150.00"), status="active")
    data.engagement(client, expert_user, hours_total=D("5.00"), hourly_rate=D("120.00"), status="paused")
    data.engagement(client, expert_user, hours_total=D("4.00"), hourly_rate=D("100.00"), status="completed",
                    completed_at=timezone.now())
    data.engagement(client, expert_user, hours_total=D("8.00"), status="pending")  # not purchased
    data.engagement(client, expert_user, hours_total=D("6.00"), status="declined")  # not purchased
    cancelled_paid = data.engagement(client, expert_user, hours_total=D("3.00"), status="cancelled")
    EngagementRequest.objects.filter(pk=cancelled_paid.pk).update(payment_status="completed")
    data.engagement(client, expert_user, hours_total=D("2.00"), status="cancelled")  # never paid
    data.engagement(other, expert_user, hours_total=D("50.00"), status="active")
    # Hours used through completed sessions (update_engagement_hours): 90 + 45 minutes = 2.25 h.
    data.session(e_active, status="completed", duration_minutes=90)
    data.session(e_active, start_in_days=4, status="completed", duration_minutes=45)
    assert hours_used(e_active) == D("2.25")

    expected = (7, 1, D("22.00"), D("2.25"), D("337.50"))  # 10+5+4+3 h purchased; 2.25 h x 150.00
    with acting_as(client):
        assert sql(SUMMARY, [client.pk]) == [expected]
        assert sql(SUMMARY, [other.pk]) == []  # someone else's totals: no row
    with acting_as(admin):
        assert sql(SUMMARY, [client.pk]) == [expected]
        assert sql(SUMMARY, [UserFactory(full_name="Nobody").pk]) == [(0, 0, D("0"), D("0"), D("0"))]
    with acting_as(None):
        assert sql(SUMMARY, [client.pk]) == []
    with acting_as(other):
        assert sql(SUMMARY, [other.pk]) == [(1, 1, D("50.00"), D("0.00"), D("0.00"))]


def test_client_engagement_summary_without_rows_is_zeros() -> None:
    client = UserFactory(full_name="Client")
    with acting_as(client):
        assert sql(SUMMARY, [client.pk]) == [(0, 0, D("0"), D("0"), D("0"))]


# =============================================================================================
# update_talent_rating
# =============================================================================================

def test_rating_from_engagement_scores_insert_update_delete() -> None:
    expert_user, profile = data.expert()
    c1, c2 = UserFactory(full_name="C1"), UserFactory(full_name="C2")
    done = {"status": "completed", "completed_at": timezone.now()}
    e1 = data.engagement(c1, expert_user, client_satisfaction_score=5, **done)
    assert profile_counters(profile) == (D("5.00"), 1, 0)
    e2 = data.engagement(c2, expert_user, client_satisfaction_score=4, **done)
    assert profile_counters(profile) == (D("4.50"), 2, 0)
    data.engagement(c2, expert_user)  # no score: nothing changes
    assert profile_counters(profile) == (D("4.50"), 2, 0)
    e2.client_satisfaction_score = 2
    e2.save(update_fields=["client_satisfaction_score"])
    assert profile_counters(profile) == (D("3.50"), 2, 0)
    e1.delete()
    assert profile_counters(profile) == (D("2.00"), 1, 0)
    e2.client_satisfaction_score = None
    e2.save(update_fields=["client_satisfaction_score"])
    assert profile_counters(profile) == (D("0.00"), 0, 0)  # no scores: 0, never NULL


def test_rating_mixes_consultation_ratings_and_counts_completed_sessions() -> None:
    expert_user, profile = data.expert()
    client = UserFactory(full_name="Client")
    data.engagement(client, expert_user, client_satisfaction_score=5, status="completed",
                    completed_at=timezone.now())
    c1 = data.consultation(client, expert_user)
    assert profile_counters(profile) == (D("5.00"), 1, 0)
    c1.status = "completed"
    c1.save(update_fields=["status"])
    assert profile_counters(profile) == (D("5.00"), 1, 1)
    c1.user_rating = 4
    c1.save(update_fields=["user_rating"])
    assert profile_counters(profile) == (D("4.50"), 2, 1)
    c2 = data.consultation(client, expert_user, status="completed", user_rating=3,
                           scheduled_start=timezone.now() + timedelta(days=9),
                           scheduled_end=timezone.now() + timedelta(days=9, hours=1))
    assert profile_counters(profile) == (D("4.00"), 3, 2)  # (5 + 4 + 3) / 3
    # The average is rounded to 2 decimals.
    data.consultation(client, expert_user, status="completed", user_rating=5,
                      scheduled_start=timezone.now() + timedelta(days=10),
                      scheduled_end=timezone.now() + timedelta(days=10, hours=1))
    assert profile_counters(profile) == (D("4.25"), 4, 3)
    data.consultation(client, expert_user, status="completed", user_rating=4,
                      scheduled_start=timezone.now() + timedelta(days=11),
                      scheduled_end=timezone.now() + timedelta(days=11, hours=1))
    assert profile_counters(profile) == (D("4.20"), 5, 4)
    data.consultation(client, expert_user, status="completed", user_rating=5,
                      scheduled_start=timezone.now() + timedelta(days=12),
                      scheduled_end=timezone.now() + timedelta(days=12, hours=1))
    assert profile_counters(profile) == (D("4.33"), 6, 5)  # 26 / 6 = 4.333...
    c2.status = "cancelled"
    c2.save(update_fields=["status"])
    assert profile_counters(profile) == (D("4.33"), 6, 4)  # a cancelled session keeps its rating
    c2.delete()
    assert profile_counters(profile) == (D("4.60"), 5, 4)  # 23 / 5


def test_rating_moves_between_experts_and_skips_experts_without_profile() -> None:
    first, p1 = data.expert("first")
    second, p2 = data.expert("second")
    no_profile = UserFactory(full_name="No Profile")
    client = UserFactory(full_name="Client")
    eng = data.engagement(client, first, client_satisfaction_score=3, status="completed",
                          completed_at=timezone.now())
    assert profile_counters(p1) == (D("3.00"), 1, 0)
    eng.expert = second
    eng.save(update_fields=["expert"])
    assert profile_counters(p1) == (D("0.00"), 0, 0)
    assert profile_counters(p2) == (D("3.00"), 1, 0)
    data.engagement(client, no_profile, client_satisfaction_score=5, status="completed",
                    completed_at=timezone.now())  # no profile: skipped, no error
    assert not TalentProfile.objects.filter(user=no_profile).exists()


def test_client_scores_under_the_app_role_and_counters_stay_read_only_for_the_api() -> None:
    expert_user, profile = data.expert()
    client, admin = UserFactory(full_name="Client"), PlatformAdminFactory()
    eng = data.engagement(client, expert_user, status="completed", completed_at=timezone.now())
    with acting_as(client):
        # The client has no UPDATE right on talent_profiles; the DEFINER trigger writes it.
        assert sql("UPDATE public.engagement_requests SET client_satisfaction_score = 4 WHERE id = %s "
                   "RETURNING client_satisfaction_score", [eng.pk]) == [(4,)]
        assert sql_one("SELECT rating, review_count FROM public.talent_profiles WHERE id = %s",
                       [profile.pk]) == (D("4.00"), 1)
    eng.client_satisfaction_score = 4
    eng.save(update_fields=["client_satisfaction_score"])
    assert profile_counters(profile) == (D("4.00"), 1, 0)
    for caller in (expert_user, admin):
        with acting_as(caller):
            sql("UPDATE public.talent_profiles SET rating = 5, review_count = 99, total_sessions = 42, "
                "tagline = 'New tagline' WHERE id = %s", [profile.pk])
            assert sql_one("SELECT rating, review_count, total_sessions, tagline FROM public.talent_profiles "
                           "WHERE id = %s", [profile.pk]) == (D("4.00"), 1, 0, "New tagline")


# =============================================================================================
# update_engagement_hours
# =============================================================================================

def test_hours_recomputed_from_completed_sessions() -> None:
    client = UserFactory(full_name="Client")
    expert_user, _ = data.expert()
    eng = data.engagement(client, expert_user, hours_total=D("5.00"), status="active")
    s1 = data.session(eng)
    assert hours_used(eng) == D("0.00")
    s1.status, s1.duration_minutes = "completed", 90
    s1.save(update_fields=["status", "duration_minutes"])
    assert hours_used(eng) == D("1.50")
    # Without duration_minutes: the whole minutes between actual_start and actual_end (50.9 -> 50).
    start = timezone.now() - timedelta(hours=2)
    s2 = data.session(eng, start_in_days=4, status="completed", actual_start=start,
                      actual_end=start + timedelta(minutes=50, seconds=54))
    assert hours_used(eng) == D("2.33")  # 140 / 60 = 2.333
    # Neither: 0 billable minutes.
    data.session(eng, start_in_days=5, status="completed")
    assert hours_used(eng) == D("2.33")
    s1.duration_minutes = 60  # an edit of a completed session is re-counted, not added again
    s1.save(update_fields=["duration_minutes"])
    assert hours_used(eng) == D("1.83")  # 110 / 60
    s1.save(update_fields=["duration_minutes"])  # completing "twice" does not double-count
    assert hours_used(eng) == D("1.83")
    s2.status = "cancelled"
    s2.save(update_fields=["status"])
    assert hours_used(eng) == D("1.00")
    s1.delete()
    assert hours_used(eng) == D("0.00")


def test_hours_over_the_purchased_total_reject_the_session_change() -> None:
    client = UserFactory(full_name="Client")
    expert_user, _ = data.expert()
    eng = data.engagement(client, expert_user, hours_total=D("2.00"), status="active")
    data.session(eng, status="completed", duration_minutes=90)
    late = data.session(eng, start_in_days=4)
    late.status, late.duration_minutes = "completed", 31
    with refused("23514", "check_hours_valid"):
        late.save(update_fields=["status", "duration_minutes"])
    assert hours_used(eng) == D("1.50")
    late.duration_minutes = 30  # exactly hours_total
    late.save(update_fields=["status", "duration_minutes"])
    assert hours_used(eng) == D("2.00")


def test_hours_move_with_a_session_between_engagements_and_survive_cascade_delete() -> None:
    client = UserFactory(full_name="Client")
    expert_user, _ = data.expert()
    e1 = data.engagement(client, expert_user, status="active")
    e2 = data.engagement(client, expert_user, status="active")
    s = data.session(e1, status="completed", duration_minutes=120)
    assert (hours_used(e1), hours_used(e2)) == (D("2.00"), D("0.00"))
    Consultation.objects.filter(pk=s.pk).update(engagement_request=e2)
    assert (hours_used(e1), hours_used(e2)) == (D("0.00"), D("2.00"))
    e2.delete()  # its sessions cascade (composite FK); the trigger skips the vanished engagement
    assert not Consultation.objects.filter(pk=s.pk).exists()
    # A standalone consultation has no engagement: nothing to maintain.
    data.consultation(client, expert_user, status="completed", duration_minutes=60)
    assert hours_used(e1) == D("0.00")


def test_expert_completes_a_session_under_the_app_role() -> None:
    client = UserFactory(full_name="Client")
    expert_user, profile = data.expert()
    eng = data.engagement(client, expert_user, status="active")
    s = data.session(eng, status="scheduled")
    with acting_as(expert_user):
        sql("UPDATE public.consultations SET status = 'completed', duration_minutes = 75 WHERE id = %s", [s.pk])
        # hours_used is read-only for the API: a direct write is ignored.
        sql("UPDATE public.engagement_requests SET hours_used = 9 WHERE id = %s", [eng.pk])
        assert sql_one("SELECT hours_used FROM public.engagement_requests WHERE id = %s", [eng.pk]) == (D("1.25"),)
        assert sql_one("SELECT total_sessions FROM public.talent_profiles WHERE id = %s", [profile.pk]) == (1,)


# =============================================================================================
# Concurrency (real parallel connections)
# =============================================================================================

@pytest.mark.django_db(transaction=True)
def test_concurrent_scores_for_one_expert_are_both_counted() -> None:
    expert_user, profile = data.expert()
    done = {"status": "completed", "completed_at": timezone.now()}
    e1 = data.engagement(UserFactory(full_name="C1"), expert_user, **done)
    e2 = data.engagement(UserFactory(full_name="C2"), expert_user, **done)
    score = "UPDATE engagement_requests SET client_satisfaction_score = %s WHERE id = %s"
    data.interleaved(lambda c: c.execute(score, [5, e1.pk]), lambda c: c.execute(score, [2, e2.pk]))
    assert profile_counters(profile) == (D("3.50"), 2, 0)


@pytest.mark.django_db(transaction=True)
def test_concurrent_session_completions_add_up() -> None:
    client = UserFactory(full_name="Client")
    expert_user, profile = data.expert()
    eng = data.engagement(client, expert_user, status="active")
    s1, s2 = data.session(eng), data.session(eng, start_in_days=4)
    complete = "UPDATE consultations SET status = 'completed', duration_minutes = %s WHERE id = %s"
    data.interleaved(lambda c: c.execute(complete, [45, s1.pk]), lambda c: c.execute(complete, [30, s2.pk]))
    assert hours_used(eng) == D("1.25")
    assert profile_counters(profile) == (D("0.00"), 0, 2)
