"""Row-level security of the talent app (spec 60): talent_profiles, engagement_requests, consultations.

Every caller of the leak matrix (tests/talent/rls_world.py) reads with an unfiltered queryset, and
tries UPDATE and DELETE on both tenants' rows; INSERT cases follow each policy's WITH CHECK clause by
clause; the protect_* triggers keep trigger-maintained columns for every API caller.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from humanglue.contract import load_contract
from humanglue.contract.checks import API_FUNCTIONS
from talent.models import Consultation, EngagementRequest, TalentProfile
from tests.catalog import assert_app_verified, assert_verified
from tests.db import fetch, refused
from tests.talent.rls_world import (
    ACTORS,
    allowed,
    for_both,
    row,
    select_problems,
    write_problems,
)
from tests.world import World, acting_as, person

pytestmark = pytest.mark.django_db

MODELS = {"talent_profile": TalentProfile, "engagement_request": EngagementRequest, "consultation": Consultation}
PARTIES = for_both("student", "expert")  # the client (tenant's student) and the expert of each row

VISIBLE = {
    # Public profiles for everyone, anonymous included; b's profile is private.
    "talent_profile": allowed({f"{name}:a" for name in ACTORS} | {"b.expert:b", "platform_admin:b"}),
    "engagement_request": allowed(PARTIES | for_both("org_admin", "platform_admin")),
    "consultation": allowed(PARTIES | for_both("org_admin", "platform_admin")),
}
UPDATES = {
    "talent_profile": ({"tagline": "Updated tagline"}, allowed(for_both("expert", "platform_admin"))),
    # metadata: a column both parties may write in any status (talent/0005 column rules; title is the
    # client's, and only while the request is open: tests/talent/test_write_rules.py).
    "engagement_request": ({"metadata": {"note": "Updated"}}, allowed(PARTIES | for_both("platform_admin"))),
    "consultation": ({"metadata": {"note": "Updated"}}, allowed(PARTIES | for_both("platform_admin"))),
}
DELETES = {
    "talent_profile": allowed(for_both("expert", "platform_admin")),
    "engagement_request": allowed(for_both("platform_admin")),  # parties get no DELETE policy
    # Both world consultations are unfinished engagement sessions: their expert may delete them.
    "consultation": allowed(for_both("expert", "platform_admin")),
}


def insert(obj: Any) -> None:
    """INSERT the instance exactly as built (bulk_create skips save(), which resets maintained fields)."""
    type(obj).objects.bulk_create([obj])


@pytest.mark.parametrize("key", MODELS)
def test_select_matrix(world: World, key: str) -> None:
    assert select_problems(world, MODELS[key], key, VISIBLE[key]) == {}


@pytest.mark.parametrize("key", MODELS)
def test_update_matrix(world: World, key: str) -> None:
    values, permitted = UPDATES[key]
    assert write_problems(world, MODELS[key], key, lambda qs: qs.update(**values), permitted) == {}


@pytest.mark.parametrize("key", MODELS)
def test_delete_matrix(world: World, key: str) -> None:
    assert write_problems(world, MODELS[key], key, lambda qs: qs.delete()[0], DELETES[key]) == {}


# ------------------------------------------------------------------------------------------------
# INSERT, clause by clause
# ------------------------------------------------------------------------------------------------

def profile(user: Any, **extra: Any) -> TalentProfile:
    return TalentProfile(user=user, tagline="Data culture coach", bio="Helps teams adopt AI.", years_experience=5,
                         hourly_rate=Decimal("90.00"), **extra)


PROFILE_INSERTS: list[tuple[str, str, Callable[[World], TalentProfile]]] = [
    # (case, actor, row) - the new expert holds the 'expert' role and has no profile yet.
    ("own profile", "new_expert", lambda w: profile(w.extra["new_expert"])),
    ("rating pinned to 0", "new_expert", lambda w: profile(w.extra["new_expert"], rating=Decimal("4.80"))),
    ("review_count pinned to 0", "new_expert", lambda w: profile(w.extra["new_expert"], review_count=67)),
    ("total_sessions pinned to 0", "new_expert", lambda w: profile(w.extra["new_expert"], total_sessions=3)),
    ("for another user", "new_expert", lambda w: profile(w.outsider)),
    ("without the expert role", "outsider", lambda w: profile(w.outsider)),
    ("instructor role is not expert", "a.instructor", lambda w: profile(w.a.instructor)),
    ("anonymous", "anonymous", lambda w: profile(w.extra["new_expert"])),
    ("admin import with counters", "platform_admin", lambda w: profile(w.outsider, rating=Decimal("4.80"))),
]
PROFILE_INSERT_OK = {"own profile", "admin import with counters"}


def act(world: World, name: str) -> Any:
    return world.extra[name] if name in world.extra else person(world, name)


@pytest.mark.parametrize(("case", "who", "build"), PROFILE_INSERTS, ids=[c[0] for c in PROFILE_INSERTS])
def test_talent_profile_insert(world: World, case: str, who: str, build: Callable[[World], TalentProfile]) -> None:
    obj = build(world)
    with acting_as(act(world, who)):
        if case in PROFILE_INSERT_OK:
            insert(obj)  # INSERT ... RETURNING: the new row is also readable by its writer
            stored = TalentProfile.objects.get(user=obj.user)
            assert stored.rating == obj.rating  # INSERT keeps the values (imports); only UPDATE preserves
            assert stored.search_vector  # talent_search_document() is executable by the app role
        else:
            with refused("42501"):
                insert(obj)


def request(world: World, client: Any = None, expert: Any = None, **extra: Any) -> EngagementRequest:
    extra.setdefault("organization", world.a.org)
    return EngagementRequest(client=client or world.a.student, expert=expert or world.a.expert,
                             focus_area="Change leadership", hours_total=Decimal("5.00"),
                             hourly_rate=Decimal("150.00"), **extra)


REQUEST_INSERTS: list[tuple[str, str, Callable[[World], EngagementRequest]]] = [
    ("pending request in own org", "a.student", lambda w: request(w)),
    ("without organization", "a.student", lambda w: request(w, organization=None)),
    ("other tenant to a public expert", "b.student", lambda w: request(w, w.b.student, organization=w.b.org)),
    ("status must be pending", "a.student", lambda w: request(w, status="active")),
    ("hours_used pinned to 0", "a.student", lambda w: request(w, hours_used=Decimal("1.00"))),
    ("payment mirror pinned", "a.student", lambda w: request(w, payment=w.a.rows["payment"])),
    ("payment status pinned", "a.student", lambda w: request(w, payment_status="completed")),
    ("no score at creation", "a.student", lambda w: request(w, client_satisfaction_score=5)),
    ("organization of another tenant", "a.student", lambda w: request(w, organization=w.b.org)),
    ("expert profile private", "a.student", lambda w: request(w, expert=w.b.expert)),
    ("expert without profile", "a.student", lambda w: request(w, expert=w.outsider)),
    ("for another client", "a.student", lambda w: request(w, w.a.member)),
    ("anonymous", "anonymous", lambda w: request(w, organization=None)),
    ("org admin for a member", "a.org_admin", lambda w: request(w, w.a.member)),
]
REQUEST_INSERT_OK = {"pending request in own org", "without organization", "other tenant to a public expert"}


@pytest.mark.parametrize(("case", "who", "build"), REQUEST_INSERTS, ids=[c[0] for c in REQUEST_INSERTS])
def test_engagement_request_insert(world: World, case: str, who: str,
                                   build: Callable[[World], EngagementRequest]) -> None:
    obj = build(world)
    with acting_as(act(world, who)):
        if case in REQUEST_INSERT_OK:
            insert(obj)
            assert EngagementRequest.objects.filter(pk=obj.pk).exists()
        else:
            with refused("42501"):
                insert(obj)


def test_engagement_request_needs_an_expert_accepting_clients(world: World) -> None:
    TalentProfile.objects.filter(user=world.a.expert).update(accepting_clients=False)
    with acting_as(world.a.student):
        with refused("42501"):
            insert(request(world))


def consultation(world: World, user: Any = None, expert: Any = None, **extra: Any) -> Consultation:
    start = timezone.now() + timedelta(days=10)
    return Consultation(user=user or world.a.student, expert=expert or world.a.expert, pillar="coaching",
                        scheduled_start=start, scheduled_end=start + timedelta(hours=1), **extra)


def session(world: World, tenant: str = "a", **extra: Any) -> Consultation:
    """A session inside ``tenant``'s engagement (a's is active, b's is pending)."""
    t = getattr(world, tenant)
    extra.setdefault("user", t.student)
    extra.setdefault("expert", t.expert)
    return consultation(world, engagement_request=t.rows["engagement_request"], **extra)


CONSULTATION_INSERTS: list[tuple[str, str, Callable[[World], Consultation]]] = [
    # "Users can book consultations" (standalone)
    ("booking", "a.student", lambda w: consultation(w, organization=w.a.org)),
    ("booking other tenant's public expert", "b.student", lambda w: consultation(w, w.b.student)),
    ("booking must be requested", "a.student", lambda w: consultation(w, status="scheduled")),
    ("booking without rating", "a.student", lambda w: consultation(w, user_rating=5)),
    ("booking payment status pinned", "a.student", lambda w: consultation(w, payment_status="pending")),
    ("booking payment mirror pinned", "a.student", lambda w: consultation(w, payment=w.a.rows["payment"])),
    ("booking in another tenant's org", "a.student", lambda w: consultation(w, organization=w.b.org)),
    ("booking a private expert", "a.student", lambda w: consultation(w, expert=w.b.expert)),
    ("booking for someone else", "a.student", lambda w: consultation(w, w.a.member)),
    ("booking by the expert", "a.expert", lambda w: consultation(w)),
    ("booking anonymous", "anonymous", lambda w: consultation(w)),
    # "Engagement parties can schedule sessions"
    ("session scheduled by expert", "a.expert", lambda w: session(w, status="scheduled")),
    ("session requested by client", "a.student", lambda w: session(w)),
    ("session requested by expert", "a.expert", lambda w: session(w)),
    ("session scheduled by client", "a.student", lambda w: session(w, status="scheduled")),
    ("session completed by expert", "a.expert", lambda w: session(w, status="completed")),
    ("session with rating", "a.expert", lambda w: session(w, user_rating=5)),
    ("session payment status pinned", "a.expert", lambda w: session(w, payment_status="completed")),
    ("session payment mirror pinned", "a.student", lambda w: session(w, payment=w.a.rows["payment"])),
    ("session in a pending engagement", "b.expert", lambda w: session(w, "b")),
    ("session in another tenant's engagement", "b.expert", lambda w: session(w, expert=w.b.expert)),
    ("session by a non-party org admin", "a.org_admin", lambda w: session(w)),
    ("session anonymous", "anonymous", lambda w: session(w)),
    ("session by platform admin", "platform_admin", lambda w: session(w, status="completed")),
]
CONSULTATION_INSERT_OK = {
    "booking", "booking other tenant's public expert", "session scheduled by expert",
    "session requested by client", "session requested by expert", "session by platform admin",
}


@pytest.mark.parametrize(("case", "who", "build"), CONSULTATION_INSERTS, ids=[c[0] for c in CONSULTATION_INSERTS])
def test_consultation_insert(world: World, case: str, who: str, build: Callable[[World], Consultation]) -> None:
    obj = build(world)
    with acting_as(act(world, who)):
        if case in CONSULTATION_INSERT_OK:
            insert(obj)
            assert Consultation.objects.filter(pk=obj.pk).exists()
        else:
            with refused("42501"):
                insert(obj)


def test_parties_cannot_hand_rows_to_someone_else(world: World) -> None:
    """A party cannot move its row to another client or expert: the parties of an engagement request or
    a consultation are immutable (talent/0005 guards, 23514, before UPDATE ... WITH CHECK would refuse);
    a profile's owner is held by the WITH CHECK."""
    er, c, p = (row(world, "a", k) for k in ("engagement_request", "consultation", "talent_profile"))
    with acting_as(world.a.student):
        with refused("23514", "immutable_column"):
            EngagementRequest.objects.filter(pk=er.pk).update(client=world.b.student)
        with refused("23514", "immutable_column"):
            Consultation.objects.filter(pk=c.pk).update(user=world.b.student)
    with acting_as(world.a.expert):
        with refused("23514", "immutable_column"):
            EngagementRequest.objects.filter(pk=er.pk).update(expert=world.b.expert)
        with refused("42501"):
            TalentProfile.objects.filter(pk=p.pk).update(user=world.outsider)


def test_expert_cannot_delete_completed_or_standalone_consultations(world: World) -> None:
    done = session(world, status="completed")
    standalone = consultation(world)
    insert(done)
    insert(standalone)
    with acting_as(world.a.expert):
        assert Consultation.objects.filter(pk=done.pk).delete()[0] == 0
        assert Consultation.objects.filter(pk=standalone.pk).delete()[0] == 0
    with acting_as(world.a.student):  # the client never deletes
        assert Consultation.objects.filter(pk=standalone.pk).delete()[0] == 0
    with acting_as(world.platform_admin):
        assert Consultation.objects.filter(pk=done.pk).delete()[0] == 1


# ------------------------------------------------------------------------------------------------
# protect_* triggers: maintained columns are silently kept for every API caller
# ------------------------------------------------------------------------------------------------

GUARDS = [
    # (key, actors, ordinary change, maintained changes); the ordinary change is one every actor may make
    ("talent_profile", ("a.expert", "platform_admin"), {"tagline": "Renamed coach"},
     {"rating": Decimal("4.90"), "review_count": 9, "total_sessions": 3}),
    ("engagement_request", ("a.student", "a.expert", "platform_admin"), {"metadata": {"renamed": True}},
     {"hours_used": Decimal("3.00"), "payment_status": "completed"}),
    ("consultation", ("a.student", "a.expert", "platform_admin"), {"metadata": {"renamed": True}},
     {"payment_status": "completed"}),
]


def current(model: type, pk: Any, fields: list[str]) -> dict[str, Any]:
    return model.objects.filter(pk=pk).values(*fields).get()


@pytest.mark.parametrize(("key", "actors", "change", "maintained"), GUARDS, ids=[g[0] for g in GUARDS])
def test_maintained_columns_are_kept_for_api_callers(world: World, key: str, actors: tuple[str, ...],
                                                    change: dict[str, Any], maintained: dict[str, Any]) -> None:
    model, pk = MODELS[key], row(world, "a", key).pk
    if key != "talent_profile":
        maintained = {**maintained, "payment": row(world, "a", "payment")}
    fields = [*change, *(f if f != "payment" else "payment_id" for f in maintained)]
    before = current(model, pk, fields)
    for name in actors:
        with acting_as(person(world, name)):
            assert model.objects.filter(pk=pk).update(**change, **maintained) == 1
            after = current(model, pk, fields)
        assert after == {**before, **change}, name  # the ordinary column changed, the maintained did not
    # System context (the owner: maintaining triggers, repairs) writes them.
    model.objects.filter(pk=pk).update(**maintained)
    stored = current(model, pk, fields)
    expected = {f if f != "payment" else "payment_id": (v.pk if f == "payment" else v) for f, v in maintained.items()}
    assert {k: stored[k] for k in expected} == expected


# ------------------------------------------------------------------------------------------------
# Catalog: RLS on (not forced), exact policy names, grants, protect_* triggers
# ------------------------------------------------------------------------------------------------

TABLES = ("talent_profiles", "engagement_requests", "consultations")


def test_catalog() -> None:
    """RLS enabled and not forced, the exact policies (PERMISSIVE, TO public), SELECT/INSERT/UPDATE/DELETE and
    nothing else for the app role, the contract's protect_* and updated_at triggers: verify's checks."""
    assert {t for t, spec in load_contract()["tables"].items() if spec["app"] == "talent"} == set(TABLES)
    assert_app_verified("talent")


def test_protect_triggers_keep_maintained_columns() -> None:
    """talent_profiles keeps preserve_maintained_columns(); since talent/0005 the engagement request and
    consultation triggers run the tables' guards, which keep the same columns and add the write rules."""
    rows = fetch("""
        SELECT tgname, tgrelid::regclass::text, tgtype, tgfoid::regproc::text,
               encode(tgargs, 'escape')
        FROM pg_trigger WHERE tgname LIKE 'protect\\_%%' AND tgrelid::regclass::text = ANY(%s)
    """, [list(TABLES)])
    # tgtype 19 = ROW (1) | BEFORE (2) | UPDATE (16); 23 adds INSERT (4)
    assert sorted(rows) == [
        ("protect_consultation_payment_mirror", "consultations", 23, "app.guard_consultations_columns", ""),
        ("protect_engagement_request_maintained", "engagement_requests", 23,
         "app.guard_engagement_requests_columns", ""),
        ("protect_talent_profile_counters", "talent_profiles", 19, "preserve_maintained_columns",
         "rating\\000review_count\\000total_sessions\\000"),
    ]


def test_talent_search_document_is_executable_by_the_app_role_only() -> None:
    """EXECUTE for the app role (an API function), never for PUBLIC: verify's function check."""
    assert "talent_search_document" in API_FUNCTIONS
    assert_verified("function", ["talent_search_document"])
