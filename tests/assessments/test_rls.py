"""Row-level security of assessments and assessment_responses (spec 50 §4–§5, conventions §8).

The leak matrix: every read is an unfiltered queryset (``visible_ids``), so only the policies decide.
Writes run under ``acting_as`` and are rolled back at the end of the block. Refused INSERTs raise 42501;
refused UPDATEs/DELETEs affect 0 rows. Tenant b's expectations are tenant a's with the names mirrored.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from assessments.models import Assessment, AssessmentResponse
from humanglue.contract import load_contract
from tests.catalog import assert_app_verified
from tests.db import refused
from tests.world import World, acting_as, build_world, person, visible_ids

pytestmark = pytest.mark.django_db

TABLES = ("assessments", "assessment_responses")
MODELS = {"assessments": Assessment, "assessment_responses": AssessmentResponse}
CONTRACT = load_contract()
TENANT_ROLES = ("student", "instructor", "member", "org_admin")
ACTORS = ["anonymous", "outsider", "platform_admin"] + [f"{t}.{r}" for t in "ab" for r in TENANT_ROLES]


def swap(text: str) -> str:
    """Tenant a's name for a row or person -> tenant b's, and back."""
    return re.sub(r"\b([ab])([._])", lambda m: ("b" if m[1] == "a" else "a") + m[2], text)


def mirrored(expected: dict[str, set[str]]) -> dict[str, set[str]]:
    """Expectations given for anonymous, outsider, platform_admin and tenant a -> the same plus tenant b."""
    full = dict(expected)
    for key, labels in expected.items():
        if key.startswith("a."):
            full[swap(key)] = {swap(label) for label in labels}
    return full


@pytest.fixture
def world() -> World:
    """The two-tenant world (``<t>_asmt``: the student's not-started assessment in the org, with one scored
    response ``<t>_resp``) plus, written as the owner: ``<t>_done``, the member's completed assessment in the
    org with its response ``<t>_done_resp``, and ``out_asmt``, the outsider's assessment without an org."""
    w = build_world()
    now = timezone.now()
    ids: dict[str, Any] = {}
    for t in "ab":
        tenant = getattr(w, t)
        ids[f"{t}_asmt"] = tenant.rows["assessment"].pk
        ids[f"{t}_resp"] = tenant.rows["assessment_response"].pk
        done = Assessment.objects.bulk_create([Assessment(
            user=tenant.member, organization=tenant.org, status="in_progress", started_at=now)])[0]
        ids[f"{t}_done_resp"] = AssessmentResponse.objects.create(
            assessment=done, question_id="q1", dimension="individual", answer_value=80).pk
        Assessment.objects.filter(pk=done.pk).update(status="completed", completed_at=now, individual_score=80)
        ids[f"{t}_done"] = done.pk
    ids["out_asmt"] = Assessment.objects.create(user=w.outsider).pk
    w.extra["ids"] = ids
    return w


VISIBLE = {
    "assessments": mirrored({
        "anonymous": set(),
        "outsider": {"out_asmt"},
        "platform_admin": {"a_asmt", "a_done", "b_asmt", "b_done", "out_asmt"},
        "a.student": {"a_asmt"},
        "a.instructor": set(),
        "a.member": {"a_done"},  # not a colleague's
        "a.org_admin": {"a_asmt", "a_done"},
    }),
    "assessment_responses": mirrored({
        "anonymous": set(),
        "outsider": set(),
        "platform_admin": {"a_resp", "a_done_resp", "b_resp", "b_done_resp"},
        "a.student": {"a_resp"},
        "a.instructor": set(),
        "a.member": {"a_done_resp"},  # reading stays allowed after completion
        "a.org_admin": set(),  # scores yes, raw answers no
    }),
}


@pytest.mark.parametrize("actor", ACTORS)
def test_unfiltered_querysets_show_exactly_the_allowed_rows(world: World, actor: str) -> None:
    ids = world.extra["ids"]
    with acting_as(person(world, actor)):
        for table in TABLES:
            assert visible_ids(MODELS[table]) == {ids[label] for label in VISIBLE[table][actor]}, table
    for table in TABLES:  # the owner (system context) still sees everything
        assert {ids[label] for label in VISIBLE[table]["platform_admin"]} <= visible_ids(MODELS[table])


# ------------------------------------------------------------------------------------------------ assessments
@pytest.mark.parametrize(("actor", "user", "org", "allowed"), [
    ("a.member", "a.member", "a", True),
    ("a.member", "a.member", None, True),
    ("outsider", "outsider", None, True),
    ("a.member", "a.member", "b", False),  # an org they are not in
    ("outsider", "outsider", "a", False),
    ("a.member", "a.student", "a", False),  # for someone else
    ("a.org_admin", "a.member", "a", False),
    ("anonymous", "a.member", None, False),
    ("platform_admin", "b.member", "b", True),
])
def test_assessment_insert(world: World, actor: str, user: str, org: str | None, allowed: bool) -> None:
    def insert() -> Assessment:
        return Assessment.objects.create(user=person(world, user),
                                         organization=getattr(world, org).org if org else None)

    with acting_as(person(world, actor)):
        if allowed:
            row = insert()
            assert row.pk in visible_ids(Assessment)
        else:
            with refused("42501"):
                insert()


@pytest.mark.parametrize(("actor", "label", "changes", "count"), [
    ("a.student", "a_asmt", {"metadata": {"k": 1}}, 1),
    ("a.student", "a_asmt", {"status": "archived"}, 1),  # the user may abandon an unfinished assessment
    ("a.student", "b_asmt", {"metadata": {"k": 1}}, 0),
    ("a.member", "a_done", {"metadata": {"k": 1}}, 0),  # completed: final for the user
    ("a.member", "a_asmt", {"metadata": {"k": 1}}, 0),
    ("a.org_admin", "a_asmt", {"metadata": {"k": 1}}, 0),  # org admins read only
    ("a.instructor", "a_asmt", {"metadata": {"k": 1}}, 0),
    ("outsider", "out_asmt", {"metadata": {"k": 1}}, 1),
    ("anonymous", "a_asmt", {"metadata": {"k": 1}}, 0),
    ("platform_admin", "b_done", {"metadata": {"k": 1}}, 1),
])
def test_assessment_update(world: World, actor: str, label: str, changes: dict, count: int) -> None:
    pk = world.extra["ids"][label]
    with acting_as(person(world, actor)):
        assert Assessment.objects.filter(pk=pk).update(**changes) == count


def test_user_cannot_give_an_assessment_away(world: World) -> None:
    """WITH CHECK user_id = caller (once the derive trigger exists it refuses first, with 23514)."""
    with acting_as(world.a.student):
        with refused(("42501", "23514")):
            Assessment.objects.filter(pk=world.extra["ids"]["a_asmt"]).update(user=world.a.member)


@pytest.mark.parametrize(("actor", "label", "count"), [
    ("a.student", "a_asmt", 0),
    ("a.member", "a_done", 0),
    ("a.org_admin", "a_asmt", 0),
    ("outsider", "out_asmt", 0),
    ("b.org_admin", "a_asmt", 0),
    ("platform_admin", "b_asmt", 1),
])
def test_assessment_delete(world: World, actor: str, label: str, count: int) -> None:
    pk = world.extra["ids"][label]
    with acting_as(person(world, actor)):
        assert Assessment.objects.filter(pk=pk).delete()[0] == count


# ------------------------------------------------------------------------------------- assessment_responses
@pytest.mark.parametrize(("actor", "label", "refusals"), [
    ("a.student", "a_asmt", None),
    ("platform_admin", "b_asmt", None),
    ("a.student", "b_asmt", ("42501",)),
    ("a.org_admin", "a_asmt", ("42501",)),
    ("a.instructor", "a_asmt", ("42501",)),
    ("anonymous", "a_asmt", ("42501",)),
    # Own but completed: the policy refuses (42501); once the response rules trigger exists it refuses
    # first, for everyone, with 23514 assessment_frozen.
    ("a.member", "a_done", ("42501", "23514")),
])
def test_response_insert(world: World, actor: str, label: str, refusals: tuple[str, ...] | None) -> None:
    def insert() -> AssessmentResponse:
        return AssessmentResponse.objects.create(
            assessment_id=world.extra["ids"][label], question_id="q2", dimension="leadership", answer_value=60)

    with acting_as(person(world, actor)):
        if refusals is None:
            row = insert()
            assert row.pk in visible_ids(AssessmentResponse)
        else:
            with refused(refusals):
                insert()


@pytest.mark.parametrize(("actor", "label", "count"), [
    ("a.student", "a_resp", 1),
    ("a.student", "b_resp", 0),
    ("a.member", "a_done_resp", 0),  # frozen for the user once the assessment is completed
    ("a.member", "a_resp", 0),
    ("a.org_admin", "a_resp", 0),
    ("outsider", "a_resp", 0),
    ("anonymous", "a_resp", 0),
    ("platform_admin", "b_resp", 1),
])
def test_response_update(world: World, actor: str, label: str, count: int) -> None:
    pk = world.extra["ids"][label]
    with acting_as(person(world, actor)):
        assert AssessmentResponse.objects.filter(pk=pk).update(response_text="Because") == count


def test_response_cannot_be_moved_to_someone_elses_assessment(world: World) -> None:
    ids = world.extra["ids"]
    with acting_as(world.a.student):  # WITH CHECK (23514 immutable_column once the rules trigger exists)
        with refused(("42501", "23514")):
            AssessmentResponse.objects.filter(pk=ids["a_resp"]).update(assessment_id=ids["b_asmt"])


@pytest.mark.parametrize(("actor", "label", "count"), [
    ("a.student", "a_resp", 0),
    ("a.org_admin", "a_resp", 0),
    ("b.student", "a_resp", 0),
    ("platform_admin", "b_resp", 1),
])
def test_response_delete(world: World, actor: str, label: str, count: int) -> None:
    pk = world.extra["ids"][label]
    with acting_as(person(world, actor)):
        assert AssessmentResponse.objects.filter(pk=pk).delete()[0] == count


# ---------------------------------------------------------------------------------------------- catalog
def test_policies_rls_and_grants_match_the_contract() -> None:
    """The exact policies (argument-free helpers always in the wrapped form, conventions §11), RLS enabled and
    not forced, SELECT/INSERT/UPDATE/DELETE for the app role: verify's checks of the app's tables."""
    assert {t for t, spec in CONTRACT["tables"].items() if spec["app"] == "assessments"} == set(TABLES)
    assert_app_verified("assessments")
    assert sum(len(CONTRACT["tables"][t]["policies"]) for t in TABLES) == 9
