"""Business logic of the assessments app (spec 50 §6.9–§6.12, §6.15): dimension scores from scored responses,
the generated overall score, status timestamps, frozen answers and the three read functions.

End users act through ``as_user`` (the request security context, kept until the end of the block, then back to
the owner); owner writes are system context. Refusals are checked by SQLSTATE and CONSTRAINT reason.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from assessments.models import Assessment, AssessmentResponse
from humanglue.contract import load_contract
from organizations.models import Organization, User
from tests.catalog import assert_verified
from tests.db import as_user, refused
from tests.db import fetch as sql
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

_serial = itertools.count()
SCORES = ("individual_score", "leadership_score", "cultural_score", "embedding_score", "velocity_score")


# ------------------------------------------------------------------------------------------------ helpers
def db_now() -> datetime:
    return sql("SELECT now()")[0][0]


@pytest.fixture
def org() -> Organization:
    return Organization.objects.create(name="Assess Org", slug="assess-org")


@pytest.fixture
def user(org: Organization) -> User:
    return UserFactory(full_name="Taker", organization=org)


def answer(assessment: Assessment, question: str, dimension: str | None = None, value: int | None = None,
           weight: int = 1, **columns: Any) -> AssessmentResponse:
    return AssessmentResponse.objects.create(assessment=assessment, question_id=question, dimension=dimension,
                                             answer_value=value, question_weight=weight, **columns)


def scores(assessment: Assessment) -> tuple:
    a = Assessment.objects.get(pk=assessment.pk)
    return (*(getattr(a, name) for name in SCORES), a.overall_score)


def imported(user: User, **columns: Any) -> Assessment:
    """An owner INSERT that writes every given column (``save()`` would leave out the trigger-kept timestamps)."""
    (row,) = Assessment.objects.bulk_create([Assessment(user=user, **columns)])
    return Assessment.objects.get(pk=row.pk)


def start(user: User, **columns: Any) -> Assessment:
    """The user's own INSERT under the app role."""
    with as_user(user):
        row = Assessment.objects.create(user=user, **columns)
    return Assessment.objects.get(pk=row.pk)


# --------------------------------------------------------------------------- §6.9 calculate_dimension_score
def test_weighted_score_counts_only_scored_answers(user: User) -> None:
    a = start(user)
    with as_user(user):
        answer(a, "q1", "individual", 80, weight=1)
        answer(a, "q2", "individual", 60, weight=3)
        answer(a, "q3", "individual", None, weight=5, response_text="I adapt quickly")  # no value: not scored
        answer(a, "q4", "individual", 0, weight=7, skipped=True)  # skipped: not scored
        answer(a, "q5", "leadership", 71, weight=2)
        answer(a, "q6", "leadership", 70, weight=2)
        # (80*1 + 60*3) / 4 = 65; (71*2 + 70*2) / 4 = 70.5 -> 71 (round half away from zero)
        assert sql("SELECT public.calculate_dimension_score(%s, 'individual'), "
                   "public.calculate_dimension_score(%s, 'leadership'), "
                   "public.calculate_dimension_score(%s, 'velocity')", [a.pk] * 3) == [(65, 71, None)]
    assert scores(a) == (65, 71, None, None, None, 68)  # overall: round((65 + 71) / 2) = 68


def test_dimension_score_arguments(user: User) -> None:
    a = start(user)
    assert sql("SELECT public.calculate_dimension_score(NULL, 'individual'), "
               "public.calculate_dimension_score(%s, NULL), "
               "public.calculate_dimension_score(%s, 'cultural')", [a.pk, uuid.uuid4()]) == [(None, None, None)]
    with refused("22023"):
        sql("SELECT public.calculate_dimension_score(%s, 'adaptability')", [a.pk])


def test_dimension_score_respects_row_security(user: User) -> None:
    a = start(user)
    with as_user(user):
        answer(a, "q1", "cultural", 90)
    with as_user(UserFactory(full_name="Stranger")):
        assert sql("SELECT public.calculate_dimension_score(%s, 'cultural')", [a.pk]) == [(None,)]


# ------------------------------------------------------------------ §6.12 rescoring after answer changes
def test_first_answer_starts_the_assessment(user: User) -> None:
    a = start(user)
    assert (a.status, a.started_at, a.organization_id) == ("not_started", None, user.organization_id)
    with as_user(user):
        answer(a, "open", None, None, response_text="Curious")  # an unscored answer starts it too
    a.refresh_from_db()
    assert (a.status, a.started_at) == ("in_progress", db_now())
    assert scores(a) == (None, None, None, None, None, None)


def test_rescoring_on_update_and_delete(user: User) -> None:
    a = start(user)
    with as_user(user):
        q1 = answer(a, "q1", "embedding", 40)
        q2 = answer(a, "q2", "embedding", 60)
        assert scores(a)[3] == 50
        AssessmentResponse.objects.filter(pk=q1.pk).update(question_weight=3)  # (40*3 + 60) / 4 = 45
        assert scores(a)[3] == 45
        AssessmentResponse.objects.filter(pk=q2.pk).update(dimension="velocity")  # moves to velocity
        assert scores(a) == (None, None, None, 40, 60, 50)
        AssessmentResponse.objects.filter(pk=q2.pk).update(skipped=True)
        assert scores(a) == (None, None, None, 40, None, 40)
        assert AssessmentResponse.objects.filter(pk=q1.pk).delete()[0] == 0  # users have no DELETE policy
    AssessmentResponse.objects.filter(pk=q1.pk).delete()  # staff: the last scored embedding answer goes
    assert scores(a) == (None, None, None, None, None, None)


# --------------------------------------------------------------------------- §6.10 derive_assessment_fields
def test_end_user_cannot_set_scores(user: User) -> None:
    a = start(user, individual_score=100, velocity_score=90)
    assert scores(a) == (None, None, None, None, None, None)
    with as_user(user):
        answer(a, "q1", "individual", 30)
        assert Assessment.objects.filter(pk=a.pk).update(individual_score=99, leadership_score=99) == 1
    assert scores(a) == (30, None, None, None, None, 30)


def test_end_user_cannot_complete_without_scores(user: User) -> None:
    with as_user(user), refused("23514", "valid_completion"):
        Assessment.objects.create(user=user, status="completed", individual_score=80)
    a = start(user, status="in_progress")
    with as_user(user), refused("23514", "valid_completion"):
        Assessment.objects.filter(pk=a.pk).update(status="completed")


def test_staff_scores_are_kept_where_no_response_exists(user: User) -> None:
    """Imports and seeds: completed assessments with scores and no responses."""
    a = Assessment.objects.create(user=user, status="completed", individual_score=70, leadership_score=81,
                                  cultural_score=None, embedding_score=64, velocity_score=90)
    a.refresh_from_db()
    assert scores(a) == (70, 81, None, 64, 90, 76)  # (70 + 81 + 64 + 90) / 4 = 76.25
    assert a.completed_at == a.started_at == db_now()
    Assessment.objects.filter(pk=a.pk).update(status="in_progress")
    answer(a, "q1", "individual", 20)  # a scored response now decides the individual score
    Assessment.objects.filter(pk=a.pk).update(individual_score=100, cultural_score=50)
    assert scores(a) == (20, 81, 50, 64, 90, 61)


def test_platform_admin_is_staff(user: User) -> None:
    a = start(user)
    with as_user(UserFactory(full_name="Admin", role="admin")):
        assert Assessment.objects.filter(pk=a.pk).update(cultural_score=77) == 1
    assert scores(a)[2] == 77


def test_status_timestamps(user: User) -> None:
    a = start(user, status="in_progress")
    assert (a.started_at, a.completed_at) == (db_now(), None)
    with as_user(user):
        answer(a, "q1", "leadership", 55)
        assert Assessment.objects.filter(pk=a.pk).update(
            status="completed", started_at=db_now() - timedelta(days=5)) == 1
    a.refresh_from_db()
    assert (a.status, a.started_at, a.completed_at, a.overall_score) == ("completed", db_now(), db_now(), 55)
    Assessment.objects.filter(pk=a.pk).update(status="archived")  # archiving keeps completed_at
    a.refresh_from_db()
    assert a.completed_at == db_now()
    Assessment.objects.filter(pk=a.pk).update(status="in_progress")  # staff reopens: completed_at cleared
    a.refresh_from_db()
    assert (a.status, a.completed_at, a.started_at) == ("in_progress", None, db_now())


def test_imported_completion_time_keeps_started_before_completed(user: User) -> None:
    done = db_now() - timedelta(days=40)
    a = imported(user, status="completed", individual_score=50, completed_at=done)
    assert (a.completed_at, a.started_at) == (done, done)


def test_user_of_an_assessment_is_immutable(user: User) -> None:
    a = start(user)
    with refused("23514", "immutable_column"):
        Assessment.objects.filter(pk=a.pk).update(user=UserFactory(full_name="Other"))


def test_organization_defaults_from_the_user(user: User, org: Organization) -> None:
    assert start(user).organization_id == org.pk
    loner = UserFactory(full_name="Loner")
    assert start(loner).organization_id is None


# -------------------------------------------------------------------- §6.11 enforce_assessment_response_rules
@pytest.mark.parametrize("status", ["completed", "archived"])
def test_answers_are_frozen(user: User, status: str) -> None:
    a = start(user)
    with as_user(user):
        q1 = answer(a, "q1", "individual", 60)
    Assessment.objects.filter(pk=a.pk).update(status=status, individual_score=60)
    for actor in (None, UserFactory(full_name="Admin", role="admin")):  # the owner and a platform admin alike
        with refused("23514", "assessment_frozen"):
            if actor is None:
                answer(a, "q2", "individual", 10)
            else:
                with as_user(actor):
                    answer(a, "q2", "individual", 10)
        with refused("23514", "assessment_frozen"):
            AssessmentResponse.objects.filter(pk=q1.pk).update(answer_value=0)
        with refused("23514", "assessment_frozen"):
            AssessmentResponse.objects.filter(pk=q1.pk).delete()
    Assessment.objects.filter(pk=a.pk).update(status="in_progress")  # staff reopen
    AssessmentResponse.objects.filter(pk=q1.pk).update(answer_value=10)
    assert scores(a)[0] == 10


def test_deleting_a_completed_assessment_or_its_user_cascades(user: User) -> None:
    a = start(user)
    with as_user(user):
        answer(a, "q1", "individual", 60)
    Assessment.objects.filter(pk=a.pk).update(status="completed")
    Assessment.objects.filter(pk=a.pk).delete()
    assert not AssessmentResponse.objects.filter(assessment_id=a.pk).exists()
    b = start(user)
    with as_user(user):
        answer(b, "q1", "individual", 60)
    Assessment.objects.filter(pk=b.pk).update(status="completed")
    User.objects.filter(pk=user.pk).delete()
    assert not AssessmentResponse.objects.filter(assessment_id=b.pk).exists()


def test_response_assessment_is_immutable(user: User) -> None:
    a, b = start(user), start(user)
    with as_user(user):
        q1 = answer(a, "q1", "individual", 60)
    with refused("23514", "immutable_column"):
        AssessmentResponse.objects.filter(pk=q1.pk).update(assessment=b)


# ---------------------------------------------------------------------------- §6.15 get_user_latest_assessment
def latest(user_id: Any) -> list[tuple]:
    return sql("SELECT * FROM public.get_user_latest_assessment(%s)", [user_id])


def test_latest_completed_assessment(user: User, org: Organization) -> None:
    now = db_now()
    older = imported(user, status="completed", individual_score=40, completed_at=now - timedelta(days=10))
    tie_a = imported(user, status="completed", leadership_score=70, assessment_type="quick",
                     completed_at=now - timedelta(days=2))
    tie_b = imported(user, status="completed", leadership_score=72, assessment_type="quick",
                     completed_at=now - timedelta(days=2))
    newest = imported(user, status="completed", velocity_score=99, completed_at=now)
    Assessment.objects.filter(pk=newest.pk).update(status="archived")  # archived: not "latest"
    imported(user, status="in_progress")
    winner = max(tie_a, tie_b, key=lambda row: str(row.pk))
    expected = [(winner.pk, winner.overall_score, None, winner.leadership_score, None, None, None,
                 now - timedelta(days=2), "quick", "adaptability")]
    org_admin = UserFactory(full_name="Orgadmin", organization=org, role="org_admin")
    for reader in (user, org_admin, UserFactory(full_name="Admin", role="admin")):
        with as_user(reader):
            assert latest(user.pk) == expected
    for reader in (UserFactory(full_name="Peer", organization=org), None):
        with as_user(reader):
            assert latest(user.pk) == []
    with as_user(user):
        assert latest(uuid.uuid4()) == []
    assert older.pk != winner.pk


# ------------------------------------------------------------------------------- §6.15 get_assessment_progress
def test_progress_per_dimension(user: User, org: Organization) -> None:
    a = start(user)
    with as_user(user):
        answer(a, "v1", "velocity", 50)
        answer(a, "i1", "individual", 10)
        answer(a, "i2", "individual", None, response_text="Text counts as an answer")
        answer(a, "i3", "individual", None, response_text="   ")  # blank: not answered
        answer(a, "i4", "individual", None, skipped=True)
        answer(a, "i5", "individual", 30, skipped=True)  # skipped wins over a value
        answer(a, "o1", None, None, answer_type="voice", response_audio_url="https://cdn.example.com/a.webm")
        answer(a, "o2", None, None)
        answer(a, "o3", None, None)
        answer(a, "l1", "leadership", None)
        answer(a, "l2", "leadership", 90)
        answer(a, "l3", "leadership", 80)
        rows = sql("SELECT * FROM public.get_assessment_progress(%s)", [a.pk])
    assert rows == [
        ("individual", 5, 2, 40, 2),
        ("leadership", 3, 2, 67, 0),
        ("velocity", 1, 1, 100, 0),
        (None, 3, 1, 33, 0),
    ]
    org_admin = UserFactory(full_name="Orgadmin", organization=org, role="org_admin")
    for reader in (org_admin, UserFactory(full_name="Peer", organization=org), None):
        with as_user(reader):
            assert sql("SELECT * FROM public.get_assessment_progress(%s)", [a.pk]) == []
    with as_user(UserFactory(full_name="Admin", role="admin")):
        assert len(sql("SELECT * FROM public.get_assessment_progress(%s)", [a.pk])) == 4
    assert sql("SELECT * FROM public.get_assessment_progress(%s)", [uuid.uuid4()]) == []


# ---------------------------------------------------------------------------- §6.15 get_org_adaptability_trend
def months_ago(n: int, day: int = 10) -> datetime:
    """One second past midnight UTC on ``day`` of the month ``n`` months before the current UTC month (with
    ``n = 0, day = 1`` never in the future)."""
    (value,) = sql("SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') - make_interval(months => %s) "
                   "+ make_interval(days => %s - 1, secs => 1)) AT TIME ZONE 'UTC'", [n, day])[0]
    return value


def month_start(n: int) -> Any:
    return sql("SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') - make_interval(months => %s))::date",
               [n])[0][0]


def completed(user: User, when: datetime, pillar: str = "adaptability", **score: int) -> None:
    imported(user, status="completed", pillar=pillar, completed_at=when, started_at=when, **score)


@pytest.fixture
def trend_data(org: Organization) -> dict[str, Any]:
    members = [UserFactory(full_name=f"M{i}", organization=org) for i in range(3)]
    completed(members[0], months_ago(0, 1), individual_score=80, leadership_score=60)  # overall 70
    completed(members[1], months_ago(0, 1), individual_score=71, velocity_score=None)  # overall 71
    completed(members[2], months_ago(0, 1), pillar="coaching", individual_score=5)  # other pillar: ignored
    completed(members[0], months_ago(2), cultural_score=33, embedding_score=34)  # overall 34 (33.5 rounds up)
    completed(members[1], months_ago(6), individual_score=10)  # outside the default 6 months
    Assessment.objects.create(user=members[2], status="in_progress", individual_score=99)  # not completed
    outsider = UserFactory(full_name="Outsider")
    completed(outsider, months_ago(0, 1), individual_score=1)  # no organization
    return {"members": members}


TREND_COLUMNS = ("month", "avg_overall_score", "avg_individual_score", "avg_leadership_score", "avg_cultural_score",
                 "avg_embedding_score", "avg_velocity_score", "assessment_count")


def trend(org_id: Any, *months: Any) -> list[dict[str, Any]]:
    args = ", ".join(["%s"] * (1 + len(months)))
    return [dict(zip(TREND_COLUMNS, row, strict=True))
            for row in sql(f"SELECT * FROM public.get_org_adaptability_trend({args})", [org_id, *months])]


def test_trend_months_and_averages(trend_data: dict[str, Any], org: Organization) -> None:
    with as_user(UserFactory(full_name="Orgadmin", organization=org, role="org_admin")):
        rows = trend(org.pk)
        assert trend(org.pk, None) == rows
        assert [r["month"] for r in trend(org.pk, 7)] == [month_start(0), month_start(2), month_start(6)]
        assert [r["month"] for r in trend(org.pk, 1)] == [month_start(0)]
    assert rows == [
        {"month": month_start(0), "avg_overall_score": Decimal("70.5"), "avg_individual_score": Decimal("75.5"),
         "avg_leadership_score": Decimal("60.0"), "avg_cultural_score": None, "avg_embedding_score": None,
         "avg_velocity_score": None, "assessment_count": 2},
        {"month": month_start(2), "avg_overall_score": Decimal("34.0"), "avg_individual_score": None,
         "avg_leadership_score": None, "avg_cultural_score": Decimal("33.0"),
         "avg_embedding_score": Decimal("34.0"), "avg_velocity_score": None, "assessment_count": 1},
    ]


def test_trend_access_and_arguments(trend_data: dict[str, Any], org: Organization) -> None:
    other = Organization.objects.create(name="Other", slug="other-org")
    other_admin = UserFactory(full_name="Other-Admin", organization=other, role="org_admin")
    for reader in (trend_data["members"][0], other_admin, None):
        with as_user(reader), refused("42501"):
            trend(org.pk)
    with as_user(UserFactory(full_name="Admin", role="admin")):
        assert len(trend(org.pk)) == 2
        assert trend(uuid.uuid4()) == []
        for months in (0, 121, -1):
            with refused("22023"):
                trend(org.pk, months)
        assert len(trend(org.pk, 120)) == 3


# ----------------------------------------------------------------------------- catalog: security and triggers
CONTRACT = load_contract()
ASSESSMENT_FUNCTIONS = {
    "calculate_dimension_score", "derive_assessment_fields", "enforce_assessment_response_rules",
    "refresh_assessment_dimension_scores", "get_user_latest_assessment", "get_assessment_progress",
    "get_org_adaptability_trend",
}
def test_function_security_volatility_and_grants() -> None:
    """Result, security (definers pin the search_path), volatility, owner, EXECUTE for the app role exactly on
    the API functions and never for PUBLIC: verify's function checks."""
    assert_verified("function", ASSESSMENT_FUNCTIONS)


@pytest.mark.parametrize(("table", "trigger", "timing", "events"), [
    ("assessments", "derive_assessment_fields_trigger", "BEFORE", {"INSERT", "UPDATE"}),
    ("assessment_responses", "enforce_assessment_response_rules_trigger", "BEFORE", {"INSERT", "UPDATE", "DELETE"}),
    ("assessment_responses", "calculate_score_on_response_change", "AFTER", {"INSERT", "UPDATE", "DELETE"}),
])
def test_trigger_names_timing_and_events(table: str, trigger: str, timing: str, events: set[str]) -> None:
    assert trigger in CONTRACT["tables"][table]["triggers"]
    rows = sql("SELECT action_timing, event_manipulation, action_orientation FROM information_schema.triggers "
               "WHERE event_object_table = %s AND trigger_name = %s", [table, trigger])
    assert {r[1] for r in rows} == events
    assert {(r[0], r[2]) for r in rows} == {(timing, "ROW")}


# ----------------------------------------------------- issue 9 audit: automatic columns in system context
def test_automatic_columns_apply_to_owner_writes(user: User, org: Organization) -> None:
    """Issue 9 ("automatic columns skipped in system context", the instructors bug): owner writes may keep
    imported scores where no scored response exists and supply timestamps (staff), but the derived scores,
    the status timestamps and the organization default are applied to them as to everyone."""
    a = imported(user, status="in_progress")
    assert (a.organization_id, a.started_at, a.completed_at) == (org.pk, db_now(), None)
    answer(a, "q1", "individual", 70)
    Assessment.objects.filter(pk=a.pk).update(individual_score=5, leadership_score=40, status="completed")
    a.refresh_from_db()
    assert (a.individual_score, a.leadership_score, a.overall_score, a.completed_at) == (70, 40, 55, db_now())
    Assessment.objects.filter(pk=a.pk).update(status="in_progress")
    assert Assessment.objects.get(pk=a.pk).completed_at is None
